"""Indicator checks on a job advert's fields, named by `check:` rules (`kind: check`) in
`nlp/rules/job/*.yaml`. Each returns the places in the text that show the sign (start,
end, evidence text, detail); the rule file gives the weight, grade and source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from spacy.tokens import Doc

from nlp.jobs.fields import JobFields, hourly_dkk, minimum_wages

Found = tuple[int, int, str, dict[str, Any]]
# (doc, the advert's JobFields, the rule's `check:` parameters) -> places found
Check = Callable[[Doc, JobFields, Any], list[Found]]
HOME_LANGUAGES = frozenset({"da", "en"})  # adverts in these reach workers already here


def wage_below_minimum(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    """A wage (as DKK an hour) below `ratio` x the industry's collective-agreement minimum."""
    table = minimum_wages()
    industry = fields.industry or "default"
    minimum = float(table["hourly"].get(industry, table["hourly"]["default"]))
    found = []
    for wage in fields.wages:
        hourly = hourly_dkk(wage, fields.hours_per_day)
        if hourly is not None and hourly < condition.ratio * minimum:
            detail = {
                "hourly_dkk": round(hourly, 1),
                "minimum_dkk": minimum,
                "industry": industry,
                "table_dated": table["dated"],
            }
            found.append((wage.start, wage.end, wage.text, detail))
    return found


def long_hours(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    """At least `min` hours a day, or more than 48 hours a week (EU working-time limit)."""
    day, week = fields.hours_per_day or 0, fields.hours_per_week or 0
    if day >= condition.min or week > 48:
        return [(0, 0, "", {"hours_per_day": day or None, "hours_per_week": week or None})]
    return []


def seven_day_week(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    if (fields.days_per_week or 0) >= 7:
        return [(0, 0, "", {"days_per_week": fields.days_per_week})]
    return []


def no_company_identity(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    """No CVR number and no company name: the worker cannot tell who the employer is."""
    if fields.cvr is None and fields.company is None:
        return [(0, 0, "", {})]
    return []


def invalid_cvr(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    """A CVR number whose modulus-11 check digit fails: not a registered company."""
    if fields.cvr_valid is False:
        return [(0, 0, "", {"cvr_valid": False})]
    return []


def foreign_language_only(doc: Doc, fields: JobFields, condition: Any) -> list[Found]:
    """Written only in languages other than Danish and English (needs `scout_language`)."""
    language = doc._.language if Doc.has_extension("language") else None
    if language is None or language.primary == "und":
        return []
    present = set(language.languages)
    if present and not present & HOME_LANGUAGES:
        return [(0, 0, "", {"languages": sorted(present)})]
    return []


CHECKS: dict[str, Check] = {
    "wage_below_minimum": wage_below_minimum,
    "long_hours": long_hours,
    "seven_day_week": seven_day_week,
    "no_company_identity": no_company_identity,
    "invalid_cvr": invalid_cvr,
    "foreign_language_only": foreign_language_only,
}
