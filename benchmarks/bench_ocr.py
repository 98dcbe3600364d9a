"""OCR cost per contact image: Scout's reader (photo check, clean-up, Tesseract) per image.

Run: ``make bench BENCH=ocr``. The reference is bare pytesseract on the same image without
Scout's photo check and clean-up, in the same run; "read" says whether the number came out.
Images are generated (demo/drawn.py), in a few fonts, with and without noise.
"""

from __future__ import annotations

import io
import sys
import time
from pathlib import Path

# the working copy, not an older installed copy of the package
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PIL import Image

from demo.drawn import FONTS, available, draw_number
from nlp.contacts import find_contacts
from spiders.ocr import read_contact_image

TITLE = "OCR of contact points drawn as images (ms per image, one core)"
TEXT, NUMBER = "20 12 34 56", "+4520123456"


def _ms(work, repeat: int = 2) -> tuple[object, float]:
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()  # tesseract is a child process: wall time, not CPU
        result = work()
        best = min(best, time.perf_counter() - started)
    return result, round(1000 * best, 1)


def row(font_name: str, noise: float) -> dict:
    import pytesseract

    data = draw_number(TEXT, font_name, size=26, noise=noise, seed=1)
    digits, scout_ms = _ms(lambda: read_contact_image(data))
    _, bare_ms = _ms(lambda: pytesseract.image_to_string(Image.open(io.BytesIO(data))))
    found = [m.value for m in find_contacts(str(digits or ""))]
    return {
        "case": f"{font_name}{' noisy' if noise else ''}",
        "bytes": len(data),
        "scout_ms": scout_ms,
        "reference_ms": bare_ms,
        "x reference": round(scout_ms / bare_ms, 2) if bare_ms else None,
        "read": found == [NUMBER],
    }


def run() -> list[dict]:
    return [row(f, noise) for f in FONTS if available(f) for noise in (0.0, 0.04)]
