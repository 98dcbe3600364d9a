"""Numbers drawn as images with Pillow, as sites draw them against scrapers (synthetic only).

Used by the OCR tests and `make bench BENCH=ocr`; never photos of anyone.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

# Fonts that scripts/ensure-tesseract.sh installs (DejaVu) and Pillow's own scalable font.
FONT_FILES = {
    "dejavu-sans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "dejavu-serif": "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
    "dejavu-mono": "/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf",
}
FONTS = ("pillow-default", *FONT_FILES)


def font(name: str, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    if name == "pillow-default":
        return ImageFont.load_default(size=size)
    return ImageFont.truetype(FONT_FILES[name], size)


def available(name: str) -> bool:
    return name == "pillow-default" or Path(FONT_FILES[name]).is_file()


def draw_number(
    text: str, font_name: str, size: int = 24, noise: float = 0.0, seed: int = 0,
    dark: bool = False, fmt: str = "PNG",
) -> bytes:  # fmt: skip
    """``text`` on a plain ground; ``noise`` is the share of pixels set to random greys."""
    face = font(font_name, size)
    left, top, right, bottom = face.getbbox(text)
    ground, ink = ((30, 30, 40), (235, 235, 235)) if dark else ((255, 255, 255), (20, 20, 20))
    size_px = (int(right - left) + 24, int(bottom - top) + 18)
    image = Image.new("RGB", size_px, ground)
    ImageDraw.Draw(image).text((12 - left, 9 - top), text, fill=ink, font=face)
    if noise:
        rng = random.Random(seed)
        pixels = image.load()
        assert pixels is not None
        for _ in range(int(image.width * image.height * noise)):
            grey = rng.randrange(256)
            pixels[rng.randrange(image.width), rng.randrange(image.height)] = (grey, grey, grey)
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def photo(width: int = 640, height: int = 480, seed: int = 0) -> bytes:
    """A stand-in for a photo: smooth colour gradients and blotches, no plain background."""
    rng = random.Random(seed)
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for _ in range(60):
        x, y, r = rng.randrange(width), rng.randrange(height), rng.randrange(10, 80)
        colour = tuple(rng.randrange(256) for _ in range(3))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()
