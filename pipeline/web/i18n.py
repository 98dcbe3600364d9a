"""Danish and English: gettext catalogues compiled in memory at start, CLDR formats via Babel.

The .po files are the only source: they are compiled when the app starts (a few
milliseconds), so no compiled .mo can go stale and a clean clone needs no build step.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import Translations
from jinja2 import Environment, PackageLoader, select_autoescape

from nlp.reasons import Reason, load_reasons
from pipeline.web.reasons import install as install_reasons

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"
TRANSLATIONS_DIR = Path(__file__).parent / "translations"


def N_(message: str) -> str:
    """Marks a string for the catalogue where it is defined; templates translate it."""
    return message


def catalogue_path(language: str) -> Path:
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


def load_translations(language: str) -> Translations:
    with catalogue_path(language).open("rb") as handle:
        catalog = read_po(handle, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def pick_language(wanted: str | None) -> str:
    return wanted if wanted in LANGUAGES else DEFAULT_LANGUAGE


def _environment(language: str, tz: ZoneInfo, reasons: Mapping[str, Reason]) -> Environment:
    env = Environment(
        loader=PackageLoader("pipeline.web", "templates"),
        autoescape=select_autoescape(default=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_translations(load_translations(language), newstyle=True)  # type: ignore[attr-defined]
    # parsed once: Babel parses a locale given by name on every call (3x the formatting)
    locale = Locale.parse(language)

    def when(value: datetime | None, form: str = "medium") -> str:
        return "" if value is None else format_datetime(value, form, tzinfo=tz, locale=locale)

    # a target page formats ~120 days and ~40 numbers, mostly the same few: each is
    # formatted once (Babel takes 5-10 µs a value; it was a third of the page's template)
    @lru_cache(maxsize=4096, typed=True)
    def day(value: date | datetime | str | None, form: str = "medium") -> str:
        if not value:
            return ""
        if isinstance(value, str):  # the evidence's ISO dates
            value = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        if isinstance(value, datetime):
            value = value.astimezone(tz).date()
        return format_date(value, form, locale=locale)

    names = locale.languages

    env.filters["when"] = when
    env.filters["day"] = day
    # "ro" → "rumænsk" / "Romanian": the catalogue of language names is CLDR's
    env.filters["language_name"] = lambda code: names.get(code, code) if code else ""
    env.filters["number"] = lru_cache(maxsize=4096, typed=True)(
        lambda value: format_decimal(value, locale=locale)
    )
    env.globals["language"] = language
    install_reasons(env, language, reasons)
    return env


def environments(tz: ZoneInfo) -> dict[str, Environment]:
    """One template environment per language (gettext is bound per environment)."""
    reasons = load_reasons()
    return {language: _environment(language, tz, reasons) for language in LANGUAGES}
