"""Fields of a job advert: title, industry, place of work, wage and its unit, hours,
accommodation, transport, who recruits (company, CVR number, agency or employer) and the
languages asked for. Pure functions over the (NFC-normalised) text; `extract_job_fields`
reads them all. Contact points come from the shared `scout_contacts` component.

All regexes are hand-written code, not analyst data: bounded, no nested quantifiers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from nlp.fields import find_cities, to_amount
from pipeline.core.datafiles import read_yaml

HERE = Path(__file__).parent
INDUSTRIES_FILE = HERE / "industries.yaml"
MINIMUM_WAGES_FILE = HERE / "minimum_wages.yaml"

_NUM = r"\d{1,3}(?:[ .\u00a0]\d{3})+(?:,\d{1,2})?(?!\d)|\d+(?:[.,]\d{1,2})?"
_CURRENCIES = {
    "kr": "DKK", "kr.": "DKK", "kroner": "DKK", "dkk": "DKK", ",-": "DKK",
    "zł": "PLN", "zl": "PLN", "pln": "PLN", "złotych": "PLN",
    "lei": "RON", "ron": "RON",
    "€": "EUR", "eur": "EUR", "euro": "EUR", "euros": "EUR",
    "лв": "BGN", "лв.": "BGN", "лева": "BGN", "bgn": "BGN",
    "грн": "UAH", "грн.": "UAH", "uah": "UAH", "гривень": "UAH",
}  # fmt: skip
_CUR = "|".join(re.escape(c) for c in sorted(_CURRENCIES, key=len, reverse=True) if c not in {",-"})
_WAGE = re.compile(
    rf"(?:(?<![\w.])(?P<cb>{_CUR})\s?(?P<n1>{_NUM})|(?<![\d.,])(?P<n2>{_NUM})\s?(?P<ca>{_CUR}|,-)(?!\w))",
    re.IGNORECASE,
)
# What a wage is paid per, read from the words right after it (or right before, "pr. time").
_UNITS: dict[str, tuple[str, ...]] = {
    "hour": (
        "/t", "/h", "/time", "/hour", "/godz", "/oră", "/ora", "/час", "/год", "/val",
        "i timen", "pr. time", "pr time", "per time", "om timen", "timeløn", "per hour",
        "an hour", "a hour", "hourly", "na godzinę", "za godzinę", "za godz", "pe oră",
        "pe ora", "на час", "на годину", "за годину", "per valandą", "už valandą", "brutto/h",
        "netto/h", "net/h",
    ),
    "day": (
        "/dzień", "/dag", "/day", "/zi", "/ден", "/день", "/d", "om dagen", "pr. dag",
        "per dag", "per day", "a day", "daily", "dziennie", "za dzień", "na dzień", "pe zi",
        "на ден", "на день", "за день", "per dieną", "už dieną", "net per day",
        "netto per day", "net pr. dag",
    ),
    "week": ("/uge", "/week", "om ugen", "pr. uge", "per week", "a week", "tygodniowo"),
    "month": (
        "/md", "/måned", "/month", "/mies", "/lună", "/luna", "/месец", "/міс", "om måneden",
        "pr. md", "pr. måned", "per måned", "per month", "a month", "monthly",
        "miesięcznie", "na miesiąc", "pe lună", "pe luna", "на месец", "на місяць",
        "per mėnesį", "mėnesiui", "за місяць",
    ),
    "piece": (
        "/stk", "/szt", "/buc", "/бр", "/шт", "pr. stk", "per stk", "per piece", "a piece",
        "per kg", "/kg", "pr. kg", "za sztukę", "za kg", "pe bucată", "pe bucata", "pe kg",
        "на брой", "на кг", "за штуку", "за кг", "už vienetą", "už kg", "akkord", "akord",
        "per bucket", "per kasse", "pr. kasse", "za skrzynkę",
    ),
}  # fmt: skip
_NET = re.compile(r"\b(?:net|netto|neto|нето|на руки|чистими|ren(?:t)? i hånden)\b", re.I)
_CVR = re.compile(
    r"\bcvr(?:[- .]?(?:nr|nummer|no)\.?)?\s?[:.]?\s?(?P<n>\d{2} ?\d{2} ?\d{2} ?\d{2})(?!\d)", re.I
)
_FORMS = r"ApS|A/S|I/S|IVS|K/S|P/S|[Ss]p\. z o\.o\.|S\.R\.L\.|SRL|ЕООД|ООД|UAB|ТОВ|Ltd\.?"
_COMPANY = re.compile(
    rf"(?P<name>(?:[A-ZÆØÅ0-9][\w&'-]{{1,30}}[ \u00a0]){{1,4}})(?:{_FORMS})(?!\w)"
)
_AGENCY = re.compile(
    r"\b(?:vikarbureau\w*|bemanding\w*|rekruttering\w*|staffing agency|recruitment agency"
    r"|temp agency|agencja pracy|agencji pracy|pośrednictwo pracy|agenție|agentie de recrutare"
    r"|agenția|агенция|агентство|įdarbinimo agentūra|agentūra|посередник\w*|kadrų agentūra)",
    re.I,
)


def _alternatives(*words: str) -> str:
    return "(?:" + "|".join(words) + ")"


_HOUR_WORDS = _alternatives(
    "timer", "t", "h", "hours", "godzin", "godz\\.?", "ore", "часа", "години", "годин",
    "val\\.?", "valandų",
)  # fmt: skip
_PER_DAY = _alternatives(
    "om dagen", "pr\\.? dag", "per dag", "a day", "per day", "daily", "dziennie", "na dzień",
    "pe zi", "на ден", "на день", "per dieną", "/dag", "/day", "/dzień", "/zi",
)  # fmt: skip
_PER_WEEK = _alternatives(
    "om ugen", "pr\\.? uge", "a week", "per week", "tygodniowo", "w tygodniu", "pe săptămână",
    "на седмица", "на тиждень", "per savaitę", "/uge", "/week",
)  # fmt: skip
_DAYS_A_WEEK = _alternatives(
    "dage om ugen", "dage/uge", "days a week", "days per week", "dni w tygodniu",
    "zile pe săptămână", "zile din 7", "дни в седмицата", "днів на тиждень",
    "dienas per savaitę", "/7",
)  # fmt: skip
_HOURS_DAY = re.compile(
    rf"(?P<h>\d{{1,2}})(?:\s?[-–]\s?(?P<h2>\d{{1,2}}))?\s?{_HOUR_WORDS}\s?{_PER_DAY}", re.I
)
_HOURS_WEEK = re.compile(
    rf"(?P<h>\d{{2}})(?:\s?[-–]\s?(?P<h2>\d{{2}}))?\s?{_HOUR_WORDS}\s?{_PER_WEEK}", re.I
)
_DAYS_WEEK = re.compile(rf"(?P<d>[5-7])\s?{_DAYS_A_WEEK}", re.I)
_ACCOMMODATION = re.compile(
    r"\b(?:bolig|logi|indkvartering|accommodation|housing|zakwaterowanie|mieszkanie|nocleg|cazare"
    r"|настаняване|квартира|житло|проживання|apgyvendinimas|būstas)",
    re.I,
)
_TRANSPORT = re.compile(
    r"\b(?:transport|kørsel|bus|dojazd|przejazd|transportul|транспорт|трансфер|pavežėjimas|kelionė)",
    re.I,
)
# Language names (in the languages Scout reads) → code, for "languages required".
_LANGUAGE_NAMES: dict[str, str] = {
    "dansk": "da", "danish": "da", "duński": "da", "duńskiego": "da", "daneză": "da",
    "датски": "da", "danų": "da", "данська": "da", "данської": "da",
    "engelsk": "en", "english": "en", "angielski": "en", "angielskiego": "en",
    "engleză": "en", "engleza": "en", "английски": "en", "anglų": "en", "англійська": "en",
    "англійської": "en", "tysk": "de", "german": "de", "niemiecki": "de", "niemieckiego": "de",
    "polsk": "pl", "polish": "pl", "polski": "pl", "polskiego": "pl", "română": "ro",
    "romanian": "ro", "rumænsk": "ro",
}  # fmt: skip
_LANG_WORD = re.compile(
    r"\b(?:" + "|".join(sorted(_LANGUAGE_NAMES, key=len, reverse=True)) + r")\b", re.I
)


@dataclass(frozen=True)
class Wage:
    amount: float
    currency: str
    unit: str | None  # hour | day | week | month | piece | None (not said)
    net: bool
    start: int
    end: int
    text: str


@dataclass
class JobFields:
    """Everything read from one job advert; `Doc._.kind_fields` holds one of these."""

    title: str | None = None
    industry: str | None = None
    industry_words: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    wages: list[Wage] = field(default_factory=list)
    hours_per_day: int | None = None
    hours_per_week: int | None = None
    days_per_week: int | None = None
    accommodation: bool = False
    transport: bool = False
    company: str | None = None
    cvr: str | None = None
    cvr_valid: bool | None = None  # None: no CVR number stated
    agency: bool = False
    languages_required: list[str] = field(default_factory=list)

    def record(self, pseudonym: Callable[[str, str], str]) -> dict[str, Any]:
        """What is stored per version (`advert_versions.analysis["job"]`): the company name
        and CVR number only as keyed hashes (`pseudonym(purpose, value)`), since a sole
        trader's name and CVR number are a person's; they link adverts of one recruiter."""
        return {
            "industry": self.industry,
            "places": self.places,
            "regions": self.regions,
            "wages": [
                {"amount": w.amount, "currency": w.currency, "unit": w.unit, "net": w.net}
                for w in self.wages[:5]
            ],
            "hours_per_day": self.hours_per_day,
            "hours_per_week": self.hours_per_week,
            "days_per_week": self.days_per_week,
            "accommodation": self.accommodation,
            "transport": self.transport,
            "company_named": self.company is not None,
            "company_key": pseudonym("company", self.company.casefold()) if self.company else None,
            "cvr_key": pseudonym("cvr", self.cvr) if self.cvr else None,
            "cvr_valid": self.cvr_valid,
            "agency": self.agency,
            "languages_required": self.languages_required,
        }


def cvr_valid(number: str) -> bool:
    """A Danish CVR number: eight digits, the first not 0, whose weighted sum (weights
    2, 7, 6, 5, 4, 3, 2, 1) is divisible by 11 (the modulus-11 check digit)."""
    digits = re.sub(r"\s", "", number)
    if not re.fullmatch(r"[1-9]\d{7}", digits):
        return False
    return sum(int(d) * w for d, w in zip(digits, (2, 7, 6, 5, 4, 3, 2, 1), strict=True)) % 11 == 0


def find_cvr(text: str) -> tuple[str | None, bool | None]:
    """The first CVR number stated ("CVR 12345678", "CVR-nr.: 1234 5678") and its validity."""
    match = _CVR.search(text)
    if match is None:
        return None, None
    number = re.sub(r"\s", "", match.group("n"))
    return number, cvr_valid(number)


def _unit(text: str, start: int, end: int) -> str | None:
    after = text[end : end + 24].lower().lstrip()
    before = text[max(0, start - 14) : start].lower().rstrip()
    for unit, words in _UNITS.items():
        for word in words:
            if after.startswith(word) or (
                after.startswith(("netto", "net", "neto", "brutto")) and word in after[:20]
            ):
                return unit
            if word.startswith(("pr.", "per ", "timeløn")) and before.endswith(word):
                return unit
    return None


def find_wages(text: str) -> list[Wage]:
    """Wages with a currency and, where said, the unit: "130 kr./t", "25 zł/h",
    "€ 60 net per day", "4000 lei pe lună", "2 kr. pr. stk"."""
    found = []
    for match in _WAGE.finditer(text):
        raw = match.group("n1") or match.group("n2")
        currency = _CURRENCIES[(match.group("cb") or match.group("ca")).lower()]
        amount = to_amount(raw)
        if amount is None or amount <= 0:
            continue
        start, end = match.span()
        unit = _unit(text, start, end)
        net = _NET.search(text[max(0, start - 12) : end + 16]) is not None
        found.append(Wage(amount, currency, unit, net, start, end, text[start:end]))
    return found


@cache
def _industries() -> dict[str, re.Pattern[str]]:
    data = read_yaml(INDUSTRIES_FILE)
    return {
        name: re.compile(
            r"(?<!\w)(?:"
            + "|".join(re.escape(w) for ws in by_lang.values() for w in sorted(ws, key=len)[::-1])
            + r")(?!\w)",
            re.I,
        )
        for name, by_lang in data.items()
    }


def classify_industry(text: str) -> tuple[str | None, list[str]]:
    """The industry with most of its words in the text (the words found, lower case)."""
    best: tuple[int, str | None, list[str]] = (0, None, [])
    for name, pattern in _industries().items():
        words = sorted({m.group(0).lower() for m in pattern.finditer(text)})
        if len(words) > best[0]:
            best = (len(words), name, words)
    return best[1], best[2]


@cache
def minimum_wages() -> dict[str, Any]:
    """The bundled, dated, sourced table of collective-agreement minimum wages."""
    return read_yaml(MINIMUM_WAGES_FILE)


def hourly_dkk(wage: Wage, hours_per_day: int | None = None) -> float | None:
    """A wage as DKK an hour (None for per-piece pay, unknown units or currencies)."""
    table = minimum_wages()
    rate = table["to_dkk"].get(wage.currency)
    if rate is None or wage.unit not in table["unit_hours"]:
        return None
    hours = float(table["unit_hours"][wage.unit])
    if wage.unit == "day" and hours_per_day:
        hours = float(hours_per_day)
    return wage.amount * rate / hours


def _first_int(pattern: re.Pattern[str], text: str, group: str) -> int | None:
    values = [
        max(
            int(m.group(group)),
            int(m.group(f"{group}2") or 0) if f"{group}2" in m.groupdict() else 0,
        )
        for m in pattern.finditer(text)
    ]
    return max(values) if values else None


def required_languages(text: str) -> list[str]:
    """Languages the advert names (as a requirement or a comfort): "dansk påkrævet",
    "znajomość angielskiego", "English is a plus"."""
    return sorted({_LANGUAGE_NAMES[m.group(0).lower()] for m in _LANG_WORD.finditer(text)})


def extract_job_fields(text: str, title: str | None = None) -> JobFields:
    """Every job field of one advert text (the title is its first line)."""
    industry, words = classify_industry(text)
    cities = find_cities(text)
    cvr, valid = find_cvr(text)
    company = _COMPANY.search(text)
    first_line = title if title is not None else text.strip().split("\n", 1)[0][:120]
    return JobFields(
        title=first_line or None,
        industry=industry,
        industry_words=words,
        places=list(dict.fromkeys(c.city for c in cities)),
        regions=sorted({c.region for c in cities}),
        wages=find_wages(text),
        hours_per_day=_first_int(_HOURS_DAY, text, "h"),
        hours_per_week=_first_int(_HOURS_WEEK, text, "h"),
        days_per_week=_first_int(_DAYS_WEEK, text, "d"),
        accommodation=_ACCOMMODATION.search(text) is not None,
        transport=_TRANSPORT.search(text) is not None,
        company=(company.group(0).strip() if company else None),
        cvr=cvr,
        cvr_valid=valid,
        agency=_AGENCY.search(text) is not None,
        languages_required=required_languages(text),
    )
