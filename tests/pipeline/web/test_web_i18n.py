"""Danish and English: every message in the templates and the web code has a translation in
both catalogues (extracted with Babel, as `pybabel extract` does); none is left over."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from babel.numbers import format_decimal

import pipeline.web
from pipeline.web.i18n import LANGUAGES, catalogue_path, environments

WEB = Path(pipeline.web.__file__).parent
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def _source_messages() -> set[str]:
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(WEB), METHODS, keywords=KEYWORDS
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


SOURCE = _source_messages()


def test_i18n_extraction_finds_the_templates_and_the_code() -> None:
    assert "Sign in" in SOURCE  # templates
    assert "The user name or password is wrong." in SOURCE  # N_() in Python
    assert any(m.startswith("This enrolment link does not work") for m in SOURCE)
    assert len(SOURCE) > 60


def _singular(message_id: str | tuple[str, ...]) -> str:
    """A plural message (ngettext) is known by its singular, as SOURCE keeps it."""
    return message_id if isinstance(message_id, str) else message_id[0]


def _strings(message) -> tuple[str, ...]:
    return message.string if isinstance(message.string, tuple) else (message.string,)


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_every_message_translated(language: str) -> None:
    with catalogue_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    translated = {_singular(m.id) for m in catalog if m.id and all(_strings(m)) and not m.fuzzy}
    missing = sorted(SOURCE - translated)
    assert not missing, f"add to {catalogue_path(language)}: {missing}"
    stale = sorted({_singular(m.id) for m in catalog if m.id} - SOURCE)
    assert not stale, f"no longer used, remove: {stale}"


def test_i18n_placeholders_survive_translation() -> None:
    with catalogue_path("da").open("rb") as handle:
        catalog = read_po(handle, locale="da")
    for message in catalog:
        if message.id and "%(" in message.id:
            for name in ("name", "user", "role", "n"):
                assert (f"%({name})s" in message.id) == (f"%({name})s" in message.string)


def test_i18n_danish_and_english_render_with_cldr_dates() -> None:
    envs = environments(ZoneInfo("Europe/Copenhagen"))
    when = datetime(2026, 12, 2, 8, 5, tzinfo=UTC)
    assert envs["da"].filters["when"](when) == "2. dec. 2026 09.05.00"
    assert envs["en"].filters["when"](when) == "Dec 2, 2026, 9:05:00\u202fAM"
    assert envs["da"].filters["number"](12345) == "12.345"
    template = '{{ _("Sign in") }}'
    assert envs["da"].from_string(template).render() == "Log ind"
    assert envs["en"].from_string(template).render() == "Sign in"


@pytest.mark.parametrize("language", LANGUAGES)
def test_i18n_days_and_numbers_formatted_once_as_babel_does(language: str) -> None:
    """The filters keep what they formatted: asked again, or with an equal value of another
    type (1 and 1.0, a date and a datetime), they answer as Babel does."""
    tz = ZoneInfo("Europe/Copenhagen")
    env = environments(tz)[language]
    nov3, nov4 = date(2026, 11, 3), date(2026, 11, 4)
    days = [  # the value, the day it is in Copenhagen
        ("2026-11-03", nov3),
        ("2026-11-03T23:30+00:00", nov4),
        (nov3, nov3),
        (datetime(2026, 11, 3, 23, 30, tzinfo=UTC), nov4),
        (datetime(2026, 11, 3, tzinfo=UTC), nov3),
    ]
    numbers = [1, 1.0, Decimal("1.000"), 0.7345, 12345, 2.5]
    for _ in range(2):
        for value, local_day in days:
            for form in ("medium", "short"):
                shown = format_date(local_day, form, locale=language)
                assert env.filters["day"](value, form) == shown
        for number in numbers:
            assert env.filters["number"](number) == format_decimal(number, locale=language)
    assert env.filters["day"](None) == env.filters["day"]("") == ""


def test_i18n_login_page_danish_by_default_english_on_request(client) -> None:
    assert "<h1>Log ind</h1>" in client.get("/login").text
    english = client.get("/login?lang=en").text
    assert "<h1>Sign in</h1>" in english and '<html lang="en">' in english
    assert "<h1>Log ind</h1>" in client.get("/login?lang=xx").text
