"""The midway status in words: templated sentences in Danish and English over the period row
of the figures (never text from adverts), numbers and dates formatted by Babel."""

from __future__ import annotations

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent

from pipeline.reports.effects.figures import EffectsData
from pipeline.reports.outreach.contact_log import REFERRALS
from pipeline.reports.privacy import Hidden, Value

LANGUAGES = ("da", "en")

TEMPLATES = {
    "en": {
        "period": "From {first} to {last} ({kind}).",
        "funnel": "{listed} people were listed as contact targets. The team claimed {claimed}, "
        "contacted {contacted} and reached {reached}; {referred} were referred on to help "
        "services and {ended} declined or opted out.",
        "referrals": "Of the referrals, {health} went to health services, {social} to social "
        "services, {legal} to legal aid and {shelter} to a shelter.",
        "first_contact": "The median time from a person's first advert to the first contact "
        "was {days} days ({targets} people).",
        "language": "{share} of the people reached with a recorded language were reached in "
        "the language their adverts are written in.",
        "workload": "The team made {ratio} contact attempts per worker-day.",
        "none": "No contact was recorded in the period.",
        "hidden": "fewer than {minimum}",
        "unknown": "not known",
        "caveat": "Outcomes are what the team recorded, not verified identifications.",
    },
    "da": {
        "period": "Fra {first} til {last} ({kind}).",
        "funnel": "{listed} personer stod på listen over kontaktmål. Teamet tog {claimed}, "
        "kontaktede {contacted} og fik kontakt med {reached}; {referred} blev henvist videre "
        "til hjælp, og {ended} takkede nej eller frabad sig kontakt.",
        "referrals": "Af henvisningerne gik {health} til sundhedstilbud, {social} til sociale "
        "tilbud, {legal} til juridisk rådgivning og {shelter} til et krisecenter.",
        "first_contact": "Mediantiden fra en persons første annonce til første kontakt var "
        "{days} dage ({targets} personer).",
        "language": "{share} af dem, teamet fik kontakt med og noterede sproget for, blev talt "
        "med på det sprog, deres annoncer er skrevet på.",
        "workload": "Teamet gjorde {ratio} kontaktforsøg pr. arbejdsdag pr. medarbejder.",
        "none": "Der blev ikke noteret nogen kontakt i perioden.",
        "hidden": "færre end {minimum}",
        "unknown": "ukendt",
        "caveat": "Udfaldene er det, teamet har noteret, ikke bekræftede identifikationer.",
    },
}
KIND_NAMES = {
    "en": {"escort": "escort adverts", "clinic": "clinics", "job": "job adverts"},
    "da": {"escort": "escortannoncer", "clinic": "klinikker", "job": "jobannoncer"},
}


def _number(value: Value, lang: str) -> str:
    words = TEMPLATES[lang]
    if isinstance(value, Hidden):
        return words["hidden"].format(minimum=value.minimum)
    if value is None:
        return words["unknown"]
    if isinstance(value, str):
        return value
    return format_decimal(value, format="#,##0.#", locale=lang)


def _percent(value: Value, lang: str) -> str:
    if isinstance(value, float):
        return format_percent(value, locale=lang)
    return _number(value, lang)


def summary(data: EffectsData, lang: str) -> list[str]:
    """The sentences of the summary in `lang` (da or en), over the period's totals."""
    words = TEMPLATES[lang]
    period = data.period
    kinds = ", ".join(KIND_NAMES[lang].get(kind, kind) for kind in data.kinds)
    sentences = [
        words["period"].format(
            first=format_date(period.first, format="long", locale=lang),
            last=format_date(period.last, format="long", locale=lang),
            kind=kinds,
        )
    ]
    for kind in data.kinds:
        key = ("period", kind)

        def n(table_name: str, column: str, key: tuple[str, ...] = key) -> str:
            table = getattr(data, table_name)
            return _number(table.cell(key, column), lang)

        if data.funnel.cell(key, "contacted") == 0:
            sentences.append(words["none"])
            continue
        sentences.append(
            words["funnel"].format(
                listed=n("funnel", "listed"),
                claimed=n("funnel", "claimed"),
                contacted=n("funnel", "contacted"),
                reached=n("funnel", "reached"),
                referred=n("funnel", "referred"),
                ended=n("funnel", "declined_or_opted_out"),
            )
        )
        if data.funnel.cell(key, "referred") != 0:
            sentences.append(
                words["referrals"].format(
                    **{place: n("funnel", f"referred_{place}") for place in REFERRALS}
                )
            )
        if isinstance(data.first_contact.cell(key, "targets"), int) and data.first_contact.cell(
            key, "targets"
        ):
            sentences.append(
                words["first_contact"].format(
                    days=n("first_contact", "median_days"), targets=n("first_contact", "targets")
                )
            )
        share = data.language.cell(key, "share")
        if share is not None:
            sentences.append(words["language"].format(share=_percent(share, lang)))
        ratio = n("workload", "contacts_per_worker_day")
        sentences.append(words["workload"].format(ratio=ratio))
    sentences.append(words["caveat"])
    return [sentence[0].upper() + sentence[1:] for sentence in sentences]
