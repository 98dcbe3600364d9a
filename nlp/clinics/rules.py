"""The clinic indicator rules (`nlp/rules/clinics/*.yaml`): each a measured signal, a
threshold, a weight, an evidence grade and a source, loaded with the one data-file loader."""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from nlp.rules import RULES_DIR, EvidenceGrade
from pipeline.core import datafiles
from pipeline.core.datafiles import StrictModel

CLINIC_RULES_DIR = RULES_DIR / "clinics"

# What each signal measures on a venue (pipeline/reports/clinics/screening.py computes them).
Signal = Literal[
    "roster_turnover",  # share of the roster new from week to week (0..1)
    "foreign_share",  # share of persons with a stated foreign nationality (0..1)
    "persons_elsewhere",  # persons also on other venues' rosters (count)
    "rotating_cities",  # persons also at venues in other municipalities (count)
    "text",  # phrases in the venue's adverts (count of matches)
    "youngest_age_below",  # fires when the youngest stated age is below the threshold
    "open_at_night",  # 1 when open between 00 and 06
    "price_ratio_below",  # fires when price / regional median is below the threshold
    "phone_shared",  # venues' phones also in escort adverts or at other venues (count)
    "no_da_en",  # 1 when languages are known and neither Danish nor English is among them
    "stable_roster",  # weeks in a row with an unchanged roster
]
_BELOW = {"youngest_age_below", "price_ratio_below"}


class ClinicRule(StrictModel):
    id: str = Field(pattern=r"^[a-z0-9_]{3,64}$")
    description: str
    signal: Signal
    threshold: float
    weight: float = Field(ge=-1.0, le=1.0)
    evidence_grade: EvidenceGrade
    source: str
    note: str | None = None
    phrases: dict[str, list[str]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _phrases_for_text(self) -> ClinicRule:
        if (self.signal == "text") != bool(self.phrases):
            raise ValueError("phrases belong to (and are required for) signal: text")
        return self

    def fires(self, value: float | None) -> bool:
        if value is None:
            return False
        return value < self.threshold if self.signal in _BELOW else value >= self.threshold

    @cached_property
    def pattern(self) -> re.Pattern[str] | None:
        words = sorted({p.casefold() for ps in self.phrases.values() for p in ps}, key=len)
        if not words:
            return None
        return re.compile(r"\b(?:" + "|".join(map(re.escape, reversed(words))) + r")\b", re.I)

    def count_phrases(self, text: str) -> int:
        return len(self.pattern.findall(text)) if self.pattern else 0


def rule_files(rules_dir: Path | None = None) -> list[Path]:
    return sorted((rules_dir or CLINIC_RULES_DIR).glob("*.yaml"))


def load_clinic_rules(rules_dir: Path | None = None) -> list[ClinicRule]:
    rules: list[ClinicRule] = []
    for path in rule_files(rules_dir):
        rules.extend(datafiles.load_entries(path, ClinicRule, "rule"))
    seen: set[str] = set()
    for rule in rules:
        if rule.id in seen:
            raise datafiles.DataFileError(
                datafiles.display_path(CLINIC_RULES_DIR), "duplicate rule id", entry=rule.id
            )
        seen.add(rule.id)
    return rules


def clinic_ruleset_version(rules_dir: Path | None = None) -> str:
    digest = hashlib.sha256()
    for path in rule_files(rules_dir):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:12]


def text_sign_rules(rules_dir: Path | None = None) -> dict[str, ClinicRule]:
    """The rules with `signal: text` by id: the venue stage records which of them a venue's
    adverts show (`Venue.signs`), so the text is read once, at linking, not at screening."""
    return {rule.id: rule for rule in load_clinic_rules(rules_dir) if rule.signal == "text"}
