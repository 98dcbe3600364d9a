"""Build Scout's NLP pipeline and analyse advert texts in batches into AdvertAnalysis records."""

from __future__ import annotations

import gc
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, cast

import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import minibatch

# Importing these modules registers Scout's spaCy factories (scout_contacts, scout_language,
# scout_fields, scout_indicators).
from nlp import language_component  # noqa: F401
from nlp.contacts import component  # noqa: F401
from nlp.doctext import doc_text, with_text
from nlp.fields import AdvertFields
from nlp.indicators import IndicatorComponent, IndicatorHit
from nlp.kinds import field_component, rules_dir_of
from pipeline.core.kinds import DEFAULT_KIND

# Adverts are short (~600 chars); anything far longer is a broken page or an attack. Capping
# keeps spaCy under its max_length and bounds the cost of every rule.
MAX_CHARS = 100_000
# Markup left in by a site (or planted in an advert) is blanked with spaces of the same length,
# so words either side stay apart and offsets still point into the text as given.
_TAG = re.compile(r"<[^<>]{0,500}>")
_WORD = re.compile(r"[^\W\d_]{2,}")
# Left out with with_optional=False: tests and benchmarks of the rules alone run faster.
OPTIONAL_COMPONENTS = ("scout_contacts", "scout_language")


@dataclass
class AdvertAnalysis:
    """What the NLP stage found in one advert; this is what gets stored."""

    contacts: list[Any]
    language: Any
    fields: AdvertFields
    hits: list[IndicatorHit]
    truncated: bool = False
    text_length: int = 0
    markup: bool = False  # tags were blanked out before analysis
    has_words: bool = True  # False for empty, whitespace-, emoji- or digit-only text
    ruleset_version: str = ""
    components: list[str] = field(default_factory=list)
    kind: str = DEFAULT_KIND
    kind_fields: Any = None  # another kind's fields (e.g. nlp.jobs.fields.JobFields)


def prepare_text(text: str | None) -> tuple[str, bool]:
    """NFC-normalise (so an "ø" typed as o + combining stroke matches), blank markup, cap length."""
    clean = unicodedata.normalize("NFC", text or "")
    clean = _TAG.sub(lambda m: " " * len(m.group(0)), clean)
    return clean[:MAX_CHARS], len(clean) > MAX_CHARS


@cache
def _build(lang: str, rules_dir: str | None, with_optional: bool, kind: str) -> Language:
    pipeline = spacy.blank(lang)
    for factory in OPTIONAL_COMPONENTS if with_optional else ():
        pipeline.add_pipe(factory)
    pipeline.add_pipe(field_component(kind))
    folder = rules_dir_of(kind, Path(rules_dir) if rules_dir else None)
    pipeline.add_pipe("scout_indicators", config={"rules_dir": str(folder) if folder else None})
    _settle()
    return pipeline


def _settle() -> None:
    """Take what is alive now (spaCy, the rules, the language model: ~10^5 objects that live
    as long as the process, since pipelines are cached) out of the collector's full passes.

    An analysis keeps a batch of docs alive across young collections, so full collections
    come every few hundred adverts; each walked the whole spaCy heap again (~0.1-0.3 s), a
    fifth of the NLP stage's CPU time. Garbage is collected first, so nothing is kept that
    is already unreachable; objects frozen here are only never collected *as cycles* later.
    """
    gc.collect()
    gc.freeze()


def build_pipeline(
    lang: str = "da",
    rules_dir: Path | None = None,
    with_optional: bool = True,
    kind: str = DEFAULT_KIND,
) -> Language:
    """A blank pipeline: scout_contacts and scout_language (unless with_optional is False),
    the kind's fields component (escort: scout_fields), scout_indicators with the kind's
    rules (`nlp.kinds.rules_dir_of`). Cached per (lang, rules_dir, kind); callers must not
    add or remove pipes."""
    return _build(lang, str(rules_dir) if rules_dir else None, with_optional, kind)


def ruleset_version(pipeline: Language) -> str:
    """The version of the rule set a pipeline built by build_pipeline applies."""
    return cast(IndicatorComponent, pipeline.get_pipe("scout_indicators")).rules.version


def _distinct_docs(pipeline: Language, cleaned: list[str]) -> tuple[list[Doc], list[int]]:
    """A doc for each distinct text of a batch, and each text's doc by index.

    Adverts are reposted word for word (on other sites, or again the same day): a batch
    analyses each text once, and its copies get the same analysis.
    """
    slots: dict[str, int] = {}
    docs: list[Doc] = []
    for clean in cleaned:
        if clean not in slots:
            slots[clean] = len(docs)
            docs.append(with_text(pipeline.make_doc(clean), clean))
    return docs, [slots[clean] for clean in cleaned]


def _annotate(pipeline: Language, docs: list[Doc]) -> list[Doc]:
    """Run the pipeline's components over a batch of docs, as ``Language.pipe`` would, without
    its per-doc generator chain: components with a ``pipe`` get the whole batch."""
    for _, step in pipeline.pipeline:
        batched = getattr(step, "pipe", None)
        docs = list(batched(docs)) if batched is not None else [step(doc) for doc in docs]
    return docs


def analyse_texts(
    texts: Iterable[str | None],
    lang: str = "da",
    batch_size: int = 256,
    rules_dir: Path | None = None,
    with_optional: bool = True,
    kind: str = DEFAULT_KIND,
) -> Iterator[AdvertAnalysis]:
    """Analyse adverts of one kind in order, one AdvertAnalysis each; never raises on odd
    input."""
    pipeline = build_pipeline(lang, rules_dir, with_optional, kind)
    version = ruleset_version(pipeline)
    components = list(pipeline.pipe_names)
    # registered when their modules are imported; another kind's pipeline may not set them
    optional = [Doc.has_extension(name) for name in ("contacts", "language", "kind_fields")]
    for batch in minibatch(texts, size=batch_size):
        prepared = [prepare_text(text) for text in batch]
        docs, slots = _distinct_docs(pipeline, [clean for clean, _ in prepared])
        docs = _annotate(pipeline, docs)
        for text, (_, truncated), slot in zip(batch, prepared, slots, strict=True):
            doc = docs[slot]
            markup = text is not None and "<" in text and _TAG.search(text) is not None
            found = doc._  # one extension accessor a doc (each `doc._` builds a new one)
            yield AdvertAnalysis(
                contacts=list((found.contacts if optional[0] else None) or []),
                language=found.language if optional[1] else None,
                fields=found.fields or AdvertFields(),
                hits=list(found.indicators or []),
                truncated=truncated,
                text_length=len(text or ""),
                markup=markup,
                has_words=_WORD.search(doc_text(doc)) is not None,
                ruleset_version=version,
                components=list(components),
                kind=kind,
                kind_fields=found.kind_fields if optional[2] else None,
            )
