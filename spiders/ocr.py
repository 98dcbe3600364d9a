"""Contact points drawn as images (a trick against scrapers), read with Tesseract in memory.

Only small, text-like images are read: a photo (large, or without a plain background) is
refused before OCR, so a face is never put through it. The bytes are never written anywhere
and are dropped as soon as the digits are read. Tesseract is Debian's ``tesseract-ocr``
(``scripts/ensure-tesseract.sh``), called through pytesseract, a maintained binding.
"""

from __future__ import annotations

import io
import re

from PIL import Image, ImageFilter, ImageOps, UnidentifiedImageError

# A number drawn as an image is a line of text: short and wide, small in pixels.
MAX_WIDTH, MAX_HEIGHT, MAX_PIXELS = 1600, 240, 300_000
MIN_ASPECT = 2.0  # width / height
# Share of pixels near the background's grey: text on a plain ground has most of them.
MIN_BACKGROUND_SHARE = 0.55
# Tesseract reads best with glyphs 30-50 px tall; smaller images are scaled up.
TARGET_HEIGHT = 64
OCR_TIMEOUT_S = 10
_CONFIG = "--psm 7 -c tessedit_char_whitelist=0123456789+"
_KEEP = re.compile(r"[^0-9+ ]+")


def looks_like_text(image: Image.Image) -> bool:
    """A small, wide image on a plain background (a drawn number), not a photo."""
    width, height = image.size
    if width > MAX_WIDTH or height > MAX_HEIGHT or width * height > MAX_PIXELS:
        return False
    if height == 0 or width / height < MIN_ASPECT:
        return False
    histogram = image.convert("L").histogram()
    peak = max(range(256), key=histogram.__getitem__)
    near = sum(histogram[max(0, peak - 24) : peak + 25])
    return near >= MIN_BACKGROUND_SHARE * width * height


def _prepared(image: Image.Image) -> Image.Image:
    grey = ImageOps.autocontrast(image.convert("L"))
    histogram = grey.histogram()
    if max(range(256), key=histogram.__getitem__) < 128:
        grey = ImageOps.invert(grey)  # light digits on a dark ground
    if grey.height < TARGET_HEIGHT:
        scale = TARGET_HEIGHT / grey.height
        grey = grey.resize((round(grey.width * scale), TARGET_HEIGHT), Image.Resampling.LANCZOS)
    grey = grey.filter(ImageFilter.MedianFilter(3))  # salt-and-pepper noise
    bordered = ImageOps.expand(grey, border=16, fill=255)
    return bordered.point(lambda v: 255 if v > 140 else 0)


def read_contact_image(data: bytes) -> str | None:
    """The digits (and "+") of a number drawn in ``data``; None for a photo or no image."""
    import pytesseract  # only site files with contact_images need it

    try:
        with Image.open(io.BytesIO(data)) as image:
            if not looks_like_text(image):
                return None
            image.load()
            prepared = _prepared(image)
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        del data  # the bytes go now; only the digits are kept
    try:
        text = pytesseract.image_to_string(prepared, config=_CONFIG, timeout=OCR_TIMEOUT_S)
    except (RuntimeError, pytesseract.TesseractError):
        return None
    digits = " ".join(_KEEP.sub(" ", text).split())
    return digits if sum(c.isdigit() for c in digits) >= 6 else None
