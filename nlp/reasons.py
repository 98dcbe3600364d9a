"""Each indicator's reason in plain words, in English and Danish (``nlp/rules/reasons/*.yaml``).

A rule's ``description`` is for analysts; its reason is what an outreach worker reads on
the target list, in their own language. Reasons live beside the rule files, not in them:
rewording a reason then changes no rule-set version and re-analyses no advert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from pydantic import Field

from nlp.rules import RULES_DIR
from pipeline.core import datafiles
from pipeline.core.datafiles import DataFileError, StrictModel

REASONS_DIR = RULES_DIR / "reasons"
LANGUAGES = ("en", "da")
FALLBACK = "en"


class Reason(StrictModel):
    """One rule's reason: a reason to offer help, never a verdict about a person."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,63}$", description="the rule's id")
    en: str = Field(min_length=10, max_length=120, description="the reason in English")
    da: str = Field(min_length=10, max_length=120, description="the reason in Danish")


def reasons_dir(rules_dir: Path | None = None) -> Path:
    """A rule folder's `reasons/`, else the bundled one (a candidate folder may lack it)."""
    folder = (rules_dir or RULES_DIR) / "reasons"
    return folder if folder.is_dir() else REASONS_DIR


def load_reasons(folder: Path | None = None) -> dict[str, Reason]:
    """Every reason by rule id; DataFileError naming file, entry and field at fault."""
    found: dict[str, Reason] = {}
    for path in sorted((folder or REASONS_DIR).glob("*.yaml")):
        file = datafiles.display_path(path)
        for reason in datafiles.load_entries(path, Reason, noun="reason"):
            if reason.id in found:
                raise DataFileError(file, "duplicate id", entry=f'reason "{reason.id}"')
            found[reason.id] = reason
    return found


def missing_reasons(reasons: Mapping[str, Reason], rule_ids: Iterable[str]) -> list[str]:
    """The rule ids that have no reason (each reason has both languages, or fails to load)."""
    return sorted(set(rule_ids) - set(reasons))


def say(reasons: Mapping[str, Reason], rule_id: str, language: str) -> str | None:
    """The rule's reason in `language`, else in English; None when the rule has none."""
    reason = reasons.get(rule_id)
    if reason is None:
        return None
    return str(getattr(reason, language if language in LANGUAGES else FALLBACK))
