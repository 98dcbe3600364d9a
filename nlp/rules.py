"""Load, validate and version the indicator rule files in ``nlp/rules/*.yaml`` (format: README)."""

from __future__ import annotations

import hashlib
import re
import re._constants as sre_constants
import re._parser as sre_parse
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from spacy.schemas import validate_token_pattern

from nlp import yamlfiles

RULES_DIR = Path(__file__).parent / "rules"


def linking_rule_file(rules_dir: Path | None = None) -> Path:
    """Where a rule folder's linking rules are: the first `<rules>/linking/*.yaml`, else the
    bundled `nlp/rules/linking/linking.yaml`. The one place that knows the layout."""
    folder = (rules_dir or RULES_DIR) / "linking"
    found = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return found[0] if found else RULES_DIR / "linking" / "linking.yaml"


LANG_CODE = re.compile(r"^(?:[a-z]{2}|xx)$")

Category = Literal[
    "alarm", "age", "contact", "voice", "persons", "youth", "origin",
    "availability", "movement", "services", "price", "control",
]  # fmt: skip
EvidenceGrade = Literal[
    "legal_definition", "tested_predictive", "tested_not_predictive",
    "tested_negative", "practitioner", "hypothesis",
]  # fmt: skip
Obscured = Literal[
    "plain", "reformatted", "words", "lookalike", "unicode", "split", "hidden_chars", "link"
]


class RuleError(ValueError):
    """A rule file is broken; the message names the file and the entry."""


class UnsafeRegex(ValueError):
    """A regex could backtrack badly, so it is refused (README: "Regexes")."""


_SINGLE_CHAR = {sre_constants.LITERAL, sre_constants.NOT_LITERAL, sre_constants.IN,
                sre_constants.ANY, sre_constants.CATEGORY}  # fmt: skip
_REFUSED = {sre_constants.GROUPREF, sre_constants.GROUPREF_EXISTS, sre_constants.ASSERT,
            sre_constants.ASSERT_NOT}  # fmt: skip
_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, sre_constants.POSSESSIVE_REPEAT}
MAX_TEXT_REPEAT = 10  # per-advert regexes scan up to 100k chars, so each match attempt is capped


def _walk(items: Any, strict: bool, counter: list[int], inside_repeat: bool) -> None:
    for op, arg in items:
        if op in _REFUSED:
            raise UnsafeRegex("backreferences and lookarounds are not allowed")
        if op in _REPEATS:
            _low, high, sub = arg
            counter[0] += 1
            if inside_repeat:
                raise UnsafeRegex("nested quantifiers are not allowed")
            if strict and (high == sre_constants.MAXREPEAT or high > MAX_TEXT_REPEAT):
                raise UnsafeRegex(
                    f"text regexes allow only bounded repeats up to {MAX_TEXT_REPEAT}"
                )
            if strict and high > 1 and not all(o in _SINGLE_CHAR for o, _ in sub):
                raise UnsafeRegex("text regexes may repeat single characters only")
            _walk(sub, strict, counter, inside_repeat=high > 1)
        elif op == sre_constants.SUBPATTERN:
            _walk(arg[-1], strict, counter, inside_repeat)
        elif op == sre_constants.BRANCH:
            for branch in arg[1]:
                _walk(branch, strict, counter, inside_repeat)


def check_regex(pattern: str, strict: bool) -> None:
    """Refuse regexes that could backtrack catastrophically.

    ``strict`` is for regexes over the whole advert text (kind ``text``, key ``regex``);
    token ``REGEX`` attributes are bounded by token length and only lose nested quantifiers.
    """
    try:
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise UnsafeRegex(f"regex {pattern!r} does not compile: {exc}") from exc
    counter = [0]
    try:
        _walk(parsed, strict, counter, inside_repeat=False)
    except UnsafeRegex as exc:
        raise UnsafeRegex(f"regex {pattern!r}: {exc}") from exc
    if strict and counter[0] > 2:
        raise UnsafeRegex(f"regex {pattern!r}: text regexes allow at most 2 quantifiers")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ContactCondition(_Strict):
    """Which contact points from ``Doc._.contacts`` count as a sign."""

    obscured: list[Obscured] = Field(default_factory=list, description="obscuring styles")
    foreign: bool = Field(False, description="phone registered outside the home country")


class FieldCondition(_Strict):
    """A numeric band on a structured field; ``max`` is exclusive."""

    name: Literal["age"]
    min: int | None = None
    max: int | None = None


class Rule(_Strict):
    """One indicator: a sign that may warrant an offer of help, never a verdict."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]{2,63}$")
    description: str = Field(min_length=10)
    category: Category
    kind: Literal["text", "contact", "field", "price_below_median"] = "text"
    languages: list[str] = Field(min_length=1)
    weight: float = Field(ge=-1.0, le=1.0)
    evidence_grade: EvidenceGrade
    source: str = Field(min_length=5)
    note: str | None = None
    phrases: dict[str, list[str]] = Field(default_factory=dict)
    patterns: dict[str, list[list[dict[str, Any]]]] = Field(default_factory=dict)
    regex: dict[str, list[str]] = Field(default_factory=dict)
    detail_key: str | None = None
    contact: ContactCondition | None = None
    field: FieldCondition | None = None
    ratio: float | None = Field(None, gt=0.0, lt=1.0)

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
        needs = {"contact": self.contact, "field": self.field, "price_below_median": self.ratio}
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


def _describe(error: ValidationError) -> str:
    # A misspelt field also shows up as a missing one; the misspelling is the useful message.
    first = min(error.errors(), key=lambda e: e["type"] != "extra_forbidden")
    where = ".".join(str(part) for part in first["loc"])
    if first["type"] == "extra_forbidden":
        return f"unknown field '{where}'"
    return f"{where}: {first['msg']}" if where else first["msg"]


def _check_patterns(rule: Rule) -> None:
    for lang, patterns in rule.patterns.items():
        for pattern in patterns:
            problems = validate_token_pattern(pattern)
            if problems:
                raise ValueError(f"bad spaCy pattern ({lang}): {problems[0]}")
            for token in pattern:
                for value in token.values():
                    if isinstance(value, dict) and "REGEX" in value:
                        check_regex(value["REGEX"], strict=False)
    for patterns in rule.regex.values():
        for pattern in patterns:
            check_regex(pattern, strict=True)


def _load_file(path: Path, label: str) -> list[Rule]:
    try:
        entries = yamlfiles.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise RuleError(f"{label}: not valid YAML: {exc}") from exc
    if not isinstance(entries, list):
        raise RuleError(f"{label}: expected a list of rule entries")
    rules = []
    for position, entry in enumerate(entries):
        name = entry.get("id", f"#{position}") if isinstance(entry, dict) else f"#{position}"
        try:
            rule = Rule.model_validate(entry)
            _check_patterns(rule)
        except ValidationError as exc:
            raise RuleError(f"{label}: entry '{name}': {_describe(exc)}") from exc
        except (ValueError, UnsafeRegex) as exc:
            raise RuleError(f"{label}: entry '{name}': {exc}") from exc
        rules.append(rule)
    return rules


def load_rules(rules_dir: Path | None = None) -> RuleSet:
    """Load and validate every rule file; raise RuleError naming file and entry."""
    files = rule_files(rules_dir)
    if not files:
        raise RuleError(f"{rules_dir or RULES_DIR}: no rule files (*.yaml)")
    seen: dict[str, str] = {}
    rules: list[Rule] = []
    for path in files:
        label = f"nlp/rules/{path.name}" if path.parent == RULES_DIR else str(path)
        for rule in _load_file(path, label):
            if rule.id in seen:
                raise RuleError(
                    f"{label}: entry '{rule.id}': duplicate id (also in {seen[rule.id]})"
                )
            seen[rule.id] = label
            rules.append(rule)
    return RuleSet(tuple(rules), ruleset_version(files), tuple(p.name for p in files))
