"""Contact points drawn as images: Tesseract reads generated numbers in a few fonts, with and
without noise; photos and non-images are refused before any OCR."""

from __future__ import annotations

import pytest
from PIL import Image

from demo.drawn import FONTS, available, draw_number, photo
from nlp.contacts import find_contacts
from spiders.ocr import looks_like_text, read_contact_image

pytestmark = pytest.mark.subprocess  # pytesseract runs the tesseract program

NUMBERS = [("20 12 34 56", "+4520123456"), ("+48 501 234 567", "+48501234567")]


def _phones(digits: str | None) -> list[str]:
    return [m.value for m in find_contacts(digits or "") if m.kind == "phone"]


@pytest.mark.parametrize("font_name", FONTS)
@pytest.mark.parametrize(("text", "number"), NUMBERS, ids=["dk", "pl"])
def test_ocr_reads_clean_numbers_in_each_font(font_name: str, text: str, number: str) -> None:
    if not available(font_name):
        pytest.fail(f"font {font_name} missing: run scripts/ensure-tesseract.sh")
    assert _phones(read_contact_image(draw_number(text, font_name, size=26))) == [number]


@pytest.mark.parametrize("font_name", ["dejavu-sans", "dejavu-serif", "pillow-default"])
def test_ocr_reads_noisy_numbers(font_name: str) -> None:
    image = draw_number("31 22 45 67", font_name, size=28, noise=0.04, seed=3)
    assert _phones(read_contact_image(image)) == ["+4531224567"]


def test_ocr_reads_light_digits_on_dark_ground_and_jpeg() -> None:
    image = draw_number("28 41 90 73", "dejavu-sans", size=24, dark=True, fmt="JPEG")
    assert _phones(read_contact_image(image)) == ["+4528419073"]


def test_ocr_refuses_photos_and_non_images_without_reading() -> None:
    assert read_contact_image(photo()) is None
    assert read_contact_image(b"not an image at all") is None
    assert read_contact_image(b"") is None


def test_ocr_photo_check_is_about_the_picture() -> None:
    """Small, wide, plain ground: a drawn number; big, square or busy: a photo."""
    import io

    def opened(data: bytes) -> Image.Image:
        return Image.open(io.BytesIO(data))

    assert looks_like_text(opened(draw_number("20 12 34 56", "dejavu-sans")))
    assert not looks_like_text(opened(photo()))
    assert not looks_like_text(opened(photo(300, 60)))  # the right shape, but busy
    assert not looks_like_text(Image.new("L", (200, 200), 255))  # square
