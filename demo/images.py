"""Advert photos without faces: coloured shapes drawn by Pillow from the image id, in memory."""

from __future__ import annotations

import io
import random
import re
import threading

from PIL import Image, ImageDraw

_ID = re.compile(r"^i(\d+)(?:s(\d+)|q(\d+))?$")
_cache: dict[str, bytes] = {}
_lock = threading.Lock()


def parse_image_id(image_id: str) -> tuple[str, str]:
    """(base id, variant) of an id: "i7" original, "i7s90" resized, "i7q30" re-compressed."""
    m = _ID.match(image_id)
    if not m:
        raise KeyError(image_id)
    variant = "resized" if m.group(2) else "recompressed" if m.group(3) else "original"
    return f"i{m.group(1)}", variant


def _draw(base: int) -> Image.Image:
    # The base number alone seeds the picture, so every variant starts from the same pixels.
    rng = random.Random(base * 7919 + 1)
    size = rng.randrange(128, 201)
    img = Image.new("RGB", (size, size), tuple(rng.randrange(256) for _ in range(3)))
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(4, 9)):
        x0, y0 = rng.randrange(size), rng.randrange(size)
        box = (x0, y0, x0 + rng.randrange(10, size), y0 + rng.randrange(10, size))
        colour = tuple(rng.randrange(256) for _ in range(3))
        (draw.ellipse if rng.random() < 0.5 else draw.rectangle)(box, fill=colour)
    return img


def image_bytes(image_id: str) -> bytes:
    """JPEG bytes of an image id (KeyError if malformed); cached, never written to disk."""
    with _lock:
        cached = _cache.get(image_id)
    if cached is not None:
        return cached
    m = _ID.match(image_id)
    if not m:
        raise KeyError(image_id)
    img = _draw(int(m.group(1)))
    quality = 85
    if m.group(2):
        side = max(64, min(200, int(m.group(2))))
        img = img.resize((side, side), Image.Resampling.BILINEAR)
    elif m.group(3):
        quality = max(5, min(95, int(m.group(3))))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=quality)
    data = buf.getvalue()
    with _lock:
        _cache[image_id] = data
    return data
