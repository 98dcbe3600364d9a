"""Load, validate and version the indicator rule files in ``nlp/rules/*.yaml`` (format: README)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, model_validator
from spacy.schemas import validate_token_pattern

from nlp.kinds import CHECKS
from pipeline.core import datafiles
from pipeline.core.datafiles import DataFileError, StrictModel
from pipeline.core.saferegex import TextRegex, check_regex

RULES_DIR = Path(__file__).parent / "rules"


def linking_rule_file(rules_dir: Path | None = None) -> Path:
    """Where a rule folder's linking rules are: the first `<rules>/linking/*.yaml`, else the
    bundled `nlp/rules/linking/linking.yaml`. The one place that knows the layout."""
    folder = (rules_dir or RULES_DIR) / "linking"
    found = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return found[0] if found else RULES_DIR / "linking" / "linking.yaml"


LANG_CODE = re.compile(r"^(?:[a-z]{2}|xx)$")

EscortCategory = Literal[
    "alarm", "age", "contact", "voice", "persons", "youth", "origin",
    "availability", "movement", "services", "price", "control",
]  # fmt: skip
# job adverts (nlp/rules/job/): the ILO indicators of forced labour, grouped
JobCategory = Literal[
    "fees", "deductions", "housing", "documents", "wage", "hours", "recruitment",
    "payment", "identity", "language",
]  # fmt: skip
Category = Literal[EscortCategory, JobCategory]
EvidenceGrade = Literal[
    "legal_definition", "tested_predictive", "tested_not_predictive",
    "tested_negative", "practitioner", "hypothesis",
]  # fmt: skip
Obscured = Literal[
    "plain", "reformatted", "words", "lookalike", "unicode", "split", "hidden_chars", "link"
]


def _valid_token_pattern(pattern: list[dict[str, Any]]) -> list[dict[str, Any]]:
    problems = validate_token_pattern(pattern)
    if problems:
        raise ValueError(f"bad spaCy pattern: {problems[0]}")
    for token in pattern:
        for value in token.values():
            # token REGEX runs on one token (bounded by its length): the lenient check
            if isinstance(value, dict) and "REGEX" in value:
                check_regex(value["REGEX"], strict=False)
    return pattern


TokenPattern = Annotated[list[dict[str, Any]], AfterValidator(_valid_token_pattern)]


class ContactCondition(StrictModel):
    """Which contact points from ``Doc._.contacts`` count as a sign."""

    obscured: list[Obscured] = Field(default_factory=list, description="obscuring styles")
    foreign: bool = Field(False, description="phone registered outside the home country")


class FieldCondition(StrictModel):
    """A numeric band on a structured field; ``max`` is exclusive."""

    name: Literal["age"]
    min: int | None = None
    max: int | None = None


def _known_check(name: str) -> str:
    if name not in CHECKS:
        raise ValueError(f"unknown check {name!r}; known: {', '.join(sorted(CHECKS))}")
    return name


class CheckCondition(StrictModel):
    """A named check on a kind's fields (`nlp/kinds.py` CHECKS), with its parameters."""

    name: Annotated[str, AfterValidator(_known_check)]
    min: float | None = None
    ratio: float | None = Field(None, gt=0.0, lt=1.0)


class Rule(StrictModel):
    """One indicator: a sign that may warrant an offer of help, never a verdict."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,63}$")
    description: str = Field(min_length=10)
    category: Category
    kind: Literal["text", "contact", "field", "price_below_median", "check"] = "text"
    languages: list[str] = Field(min_length=1)
    weight: float = Field(ge=-1.0, le=1.0)
    evidence_grade: EvidenceGrade
    source: str = Field(min_length=5)
    note: str | None = None
    phrases: dict[str, list[str]] = Field(default_factory=dict)
    patterns: dict[str, list[TokenPattern]] = Field(default_factory=dict)
    regex: dict[str, list[TextRegex]] = Field(default_factory=dict)
    detail_key: str | None = None
    contact: ContactCondition | None = None
    field: FieldCondition | None = None
    ratio: float | None = Field(None, gt=0.0, lt=1.0)
    check: CheckCondition | None = None

    @model_validator(mode="after")
    def _kind_fits(self) -> Rule:
        for lang in self.languages:
            if not LANG_CODE.match(lang):
                raise ValueError(f"language {lang!r} is not a two-letter code or 'xx'")
        text_langs = set(self.phrases) | set(self.patterns) | set(self.regex)
        if self.kind == "text":
            if not text_langs:
                raise ValueError("a text rule needs phrases, patterns or regex")
            if text_langs != set(self.languages):
                raise ValueError(f"languages {self.languages} differ from pattern languages")
        elif text_langs:
            raise ValueError(f"a {self.kind} rule takes no phrases, patterns or regex")
        needs = {
            "contact": self.contact,
            "field": self.field,
            "price_below_median": self.ratio,
            "check": self.check,
        }
        if self.kind in needs and needs[self.kind] is None:
            key = {"price_below_median": "ratio"}.get(self.kind, self.kind)
            raise ValueError(f"a {self.kind} rule needs '{key}'")
        return self


@dataclass(frozen=True)
class RuleSet:
    """All rules from one directory, with the short content hash that versions them."""

    rules: tuple[Rule, ...]
    version: str
    files: tuple[str, ...]

    def by_kind(self, kind: str) -> list[Rule]:
        return [rule for rule in self.rules if rule.kind == kind]

    def get(self, rule_id: str) -> Rule:
        return next(rule for rule in self.rules if rule.id == rule_id)


def rule_files(rules_dir: Path | None = None) -> list[Path]:
    """Rule files in a stable order (the order the version hash uses)."""
    return sorted((rules_dir or RULES_DIR).glob("*.yaml"))


def ruleset_version(files: list[Path]) -> str:
    """Short content hash of the rule files; stored with every hit."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """Load and validate every rule file; raise DataFileError naming file, rule and field."""
    files = rule_files(rules_dir)
    if not files:
        folder = datafiles.display_path(rules_dir or RULES_DIR)
        raise DataFileError(folder, "no rule files (*.yaml)")
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    for path in files:
        file = datafiles.display_path(path)
        for rule in datafiles.load_entries(path, Rule, noun="rule"):
            if rule.id in seen:
                raise DataFileError(
                    file, f"duplicate id (also in {seen[rule.id]})", entry=f'rule "{rule.id}"'
                )
            seen[rule.id] = file
            rules.append(rule)
    return RuleSet(tuple(rules), ruleset_version(files), tuple(p.name for p in files))
