"""Accuracy of contact-point extraction and language detection against the demo world's truth."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Protocol

from nlp.contacts import find_contacts
from nlp.language import detect_languages

# What the crawler keeps: messenger numbers are phone contact points
# (as spiders/storage/ingest.py does).
KIND_OF = {"phone": "phone", "whatsapp": "phone", "signal": "phone", "email": "email",
           "telegram": "telegram"}  # fmt: skip
# Length buckets of the advert text (characters), for language accuracy.
BUCKETS = ((0, 100, "<100"), (100, 300, "100-300"), (300, 600, "300-600"), (600, None, "600+"))
_HREF = re.compile(r'<a\s[^>]*?href="([^"]*)"', re.IGNORECASE)


class DemoWorld(Protocol):
    """The part of ``demo.World`` used here: its adverts with their versions."""

    adverts: list[Any]


@dataclass(frozen=True, slots=True)
class SeenVersion:
    """One advert version as the crawler sees it: title, plain text, link targets, revealed."""

    title: str
    text: str
    fields: tuple[str, ...]
    truth: frozenset[tuple[str, str]]
    styles: dict[tuple[str, str], str]


def seen_versions(world: DemoWorld) -> Iterator[SeenVersion]:
    """Every version of every advert, with the link hrefs and "show number" answers as fields."""
    for advert in world.adverts:
        for version in advert.versions:
            fields = [href for href in _HREF.findall(version.html)]
            fields += [c.shown for c in version.contacts if c.reveal == "button"]
            truth = {(c.kind, c.value): c.style for c in version.contacts}
            yield SeenVersion(version.title, version.text, tuple(fields), frozenset(truth), truth)


def predicted_contacts(seen: SeenVersion) -> set[tuple[str, str]]:
    """(kind, value) pairs found in the text, the fields and the title, as ingestion keeps them."""
    found: set[tuple[str, str]] = set()
    for source in (seen.text, *seen.fields, seen.title):
        for match in find_contacts(source):
            kind = KIND_OF.get(match.kind)
            if kind is not None:
                found.add((kind, match.value))
    return found


def contact_accuracy(world: DemoWorld) -> dict[str, Any]:
    """Precision and recall of contact points over all advert versions, and per style.

    Per style, recall is the share of that style's true contact points found; precision is
    found / (found + wrong contact points in the advert versions that use the style), so a
    style that makes the extractor invent numbers loses precision.
    """
    true_positives = false_positives = false_negatives = 0
    by_style: Counter[str] = Counter()
    found_by_style: Counter[str] = Counter()
    false_by_style: Counter[str] = Counter()
    examples: list[dict[str, str]] = []
    for seen in seen_versions(world):
        predicted = predicted_contacts(seen)
        wrong = len(predicted - seen.truth)
        true_positives += len(predicted & seen.truth)
        false_positives += wrong
        false_negatives += len(seen.truth - predicted)
        for key, style in seen.styles.items():
            by_style[style] += 1
            found_by_style[style] += key in predicted
        # a wrong contact point counts against every style written in the same advert version
        for style in set(seen.styles.values()):
            false_by_style[style] += wrong
        if len(examples) < 20:
            examples += [{"kind": k, "value": v} for k, v in sorted(predicted - seen.truth)]
    return {
        "precision": _ratio(true_positives, true_positives + false_positives),
        "recall": _ratio(true_positives, true_positives + false_negatives),
        "true_positives": true_positives,
        "false_positives": false_positives,
        "false_negatives": false_negatives,
        "recall_by_style": {s: _ratio(found_by_style[s], n) for s, n in sorted(by_style.items())},
        "precision_by_style": {
            s: _ratio(found_by_style[s], found_by_style[s] + false_by_style[s])
            for s in sorted(by_style)
        },
        "count_by_style": dict(sorted(by_style.items())),
        "found_by_style": {s: found_by_style[s] for s in sorted(by_style)},
        "wrong_by_style": {s: false_by_style[s] for s in sorted(by_style)},
        "false_positive_examples": examples[:20],
    }


def bucket_of(length: int) -> str:
    """The length bucket a text of ``length`` characters falls in."""
    for low, high, name in BUCKETS:
        if length >= low and (high is None or length < high):
            return name
    return BUCKETS[-1][2]


def language_accuracy(world: DemoWorld) -> dict[str, Any]:
    """Share of adverts whose primary language is the truth's first language, per length bucket.

    Each advert counts once, on its first version's title and text as ``scout analyse`` reads
    them, bucketed by that length; "und" counts as wrong and is also reported on its own. The
    row "title only" reads the titles alone (20-60 characters), a probe of short texts.
    """
    total: Counter[str] = Counter()
    right: Counter[str] = Counter()
    undetermined: Counter[str] = Counter()

    def count(name: str, text: str, truth: str) -> None:
        primary = detect_languages(text).primary
        total[name] += 1
        right[name] += primary == truth
        undetermined[name] += primary == "und"

    for advert in world.adverts:
        first = advert.versions[0]
        text = f"{first.title}\n\n{first.text}"
        for name in (bucket_of(len(text)), "overall"):
            count(name, text, advert.languages[0])
        count("title only", first.title, advert.languages[0])
    order = [name for _, _, name in BUCKETS] + ["overall", "title only"]
    return {
        name: {"adverts": total[name], "accuracy": _ratio(right[name], total[name]),
               "und": _ratio(undetermined[name], total[name])}
        for name in order
    }  # fmt: skip


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None
