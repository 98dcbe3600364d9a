"""Perceptual hashes of advert images, computed in memory; the bytes are never kept."""

from __future__ import annotations

import io

import imagehash
from PIL import Image, UnidentifiedImageError

MAX_PIXELS = 25_000_000


def perceptual_hash(data: bytes) -> str | None:
    """64-bit pHash as 16 hex characters, or None for something that is not an image."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.width * image.height > MAX_PIXELS:
                return None
            image.load()
            return str(imagehash.phash(image))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        del data
