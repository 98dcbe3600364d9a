"""The indicator component: applies the rule files to an advert and records signs that may warrant
an offer of help (never a verdict) as IndicatorHits in ``Doc._.indicators``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from spacy import registry
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc

from nlp.doctext import doc_text
from nlp.fields import find_ages
from nlp.kinds import CHECKS
from nlp.matchgate import MatcherGate
from nlp.rules import Rule, RuleSet, load_rules


@dataclass(frozen=True)
class IndicatorHit:
    """One sign found in one advert; offsets are character offsets into the analysed text.

    Contact hits carry ``<kind>`` as evidence text, never the number itself (PRIVACY.md rule 6).
    """

    rule_id: str
    category: str
    weight: float
    start: int
    end: int
    evidence_text: str
    ruleset_version: str
    detail: dict[str, Any] = field(default_factory=dict)


def _hit(rule: Rule, start: int, end: int, text: str, version: str, **detail: Any) -> IndicatorHit:
    return IndicatorHit(rule.id, rule.category, rule.weight, start, end, text, version, detail)


def price_below_median(price: float, median: float, ratio: float) -> bool:
    """True when a price is below ``ratio`` x the regional median (same currency, both > 0)."""
    return price > 0 and median > 0 and price < ratio * median


@registry.misc("scout.indicator_scorer.v1")
def make_indicator_scorer() -> Any:
    """Score = sum of the weights of the distinct rules that fired (a rule counts once)."""

    def score(hits: Iterable[IndicatorHit]) -> float:
        weights = {hit.rule_id: hit.weight for hit in hits}
        return round(sum(weights.values()), 6)

    return score


if not Doc.has_extension("indicators"):
    Doc.set_extension("indicators", default=None)


@Language.factory(
    "scout_indicators",
    default_config={"rules_dir": None, "home_country": "DK", "max_hits_per_rule": 5},
)
def make_indicator_component(
    nlp: Language, name: str, rules_dir: str | None, home_country: str, max_hits_per_rule: int
) -> IndicatorComponent:
    rules = load_rules(Path(rules_dir) if rules_dir else None)
    return IndicatorComponent(nlp, rules, home_country, max_hits_per_rule)


class IndicatorComponent:
    """Phrase, token-pattern and (Thai) text-regex rules, plus field and contact rules."""

    def __init__(self, nlp: Language, rules: RuleSet, home_country: str, max_hits: int) -> None:
        self.rules, self.home_country, self.max_hits = rules, home_country.upper(), max_hits
        self.phrases = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.patterns = Matcher(nlp.vocab, validate=True)
        self.keys: dict[int, tuple[Rule, str]] = {}
        self.regexes: list[tuple[Rule, str, re.Pattern[str]]] = []
        token_patterns: list[list[dict[str, Any]]] = []
        for rule in rules.by_kind("text"):
            for lang, phrases in rule.phrases.items():
                self.phrases.add(self._key(nlp, rule, lang), [nlp.make_doc(p) for p in phrases])
            for lang, patterns in rule.patterns.items():
                self.patterns.add(self._key(nlp, rule, lang), patterns)
                token_patterns += patterns
            for lang, regexes in rule.regex.items():
                self.regexes.append((rule, lang, re.compile("|".join(regexes))))
        self.gate = MatcherGate(token_patterns)
        # the rules of each other kind, picked out once (not once an advert)
        self.field_rules = rules.by_kind("field")
        self.contact_rules = rules.by_kind("contact")
        self.check_rules = rules.by_kind("check")

    def _key(self, nlp: Language, rule: Rule, lang: str) -> str:
        key = f"{rule.id}|{lang}"
        self.keys[nlp.vocab.strings.add(key)] = (rule, lang)
        return key

    def __call__(self, doc: Doc) -> Doc:
        text = doc_text(doc)
        found = self._text_hits(doc, text)
        if self.field_rules or self.contact_rules or self.check_rules:
            extensions = doc._  # one accessor for the three reads (each `doc._` is a new object)
            found += self._field_hits(extensions.fields, text)
            if self.contact_rules and Doc.has_extension("contacts"):
                found += self._contact_hits(extensions.contacts)
            if self.check_rules and Doc.has_extension("kind_fields"):
                found += self._check_hits(doc, extensions.kind_fields)
        doc._.indicators = self._limit(found) if found else []
        return doc

    def _text_hits(self, doc: Doc, text: str) -> list[IndicatorHit]:
        version, hits = self.rules.version, []
        patterns = self.patterns(doc) if self.gate.open(text) else []
        for match_id, start, end in [*self.phrases(doc), *patterns]:
            rule, lang = self.keys[match_id]
            span = doc[start:end]
            detail: dict[str, Any] = {"lang": lang}
            if rule.detail_key:
                detail[rule.detail_key] = span[0].lower_
            hits.append(_hit(rule, span.start_char, span.end_char, span.text, version, **detail))
        for rule, lang, pattern in self.regexes:
            for m in pattern.finditer(text):
                hits.append(_hit(rule, m.start(), m.end(), m.group(0), version, lang=lang))
        return hits

    def _field_hits(self, fields: Any, text: str) -> list[IndicatorHit]:
        if not self.field_rules:
            return []
        ages = fields.ages if fields is not None else find_ages(text)
        hits = []
        for rule in self.field_rules:
            band = rule.field
            for age in ages:
                if band and (band.min or 0) <= age.value < (band.max or 200):
                    hits.append(
                        _hit(rule, age.start, age.end, age.text, self.rules.version, age=age.value)
                    )
        return hits

    def _contact_hits(self, contacts: Any) -> list[IndicatorHit]:
        hits = []
        for rule in self.contact_rules:
            wanted = rule.contact
            for contact in contacts or []:
                country = (getattr(contact, "country", None) or "").upper()
                foreign = contact.kind == "phone" and bool(country) and country != self.home_country
                if wanted and (contact.obscured in wanted.obscured or (wanted.foreign and foreign)):
                    detail = {
                        "kind": contact.kind,
                        "obscured": contact.obscured,
                        "country": country,
                    }
                    evidence = f"<{contact.kind}>"
                    hits.append(_hit(rule, contact.start, contact.end, evidence,
                                     self.rules.version, **detail))  # fmt: skip
        return hits

    def _check_hits(self, doc: Doc, fields: Any) -> list[IndicatorHit]:
        """`kind: check` rules: a named check on the kind's fields (`Doc._.kind_fields`)."""
        if fields is None:
            return []
        hits = []
        for rule in self.check_rules:
            assert rule.check is not None  # the rule model requires it for kind: check
            for start, end, text, detail in CHECKS[rule.check.name](doc, fields, rule.check):
                hits.append(_hit(rule, start, end, text, self.rules.version, **detail))
        return hits

    def _limit(self, hits: list[IndicatorHit]) -> list[IndicatorHit]:
        """Drop overlapping spans of the same rule and cap hits a rule, so a 100k-char text
        cannot yield thousands of rows."""
        kept: list[IndicatorHit] = []
        per_rule: dict[str, list[IndicatorHit]] = {}
        for hit in sorted(hits, key=lambda h: (h.start, -(h.end - h.start))):
            mine = per_rule.setdefault(hit.rule_id, [])
            if len(mine) < self.max_hits and all(hit.start >= o.end for o in mine):
                mine.append(hit)
                kept.append(hit)
        return kept
