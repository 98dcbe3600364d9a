"""The text of a spaCy Doc, joined once per document and shared by Scout's components."""

from __future__ import annotations

from spacy.tokens import Doc

_KEY = "scout.text"


def doc_text(doc: Doc) -> str:
    """``doc.text``, remembered in ``doc.user_data``.

    spaCy rebuilds ``doc.text`` from the tokens on every access; with five components reading
    it, that join was a quarter of the whole per-advert cost.
    """
    text = doc.user_data.get(_KEY)
    if text is None:
        text = doc.user_data[_KEY] = doc.text
    return text


def with_text(doc: Doc, text: str) -> Doc:
    """``doc`` with the text it was made from remembered, so no component joins its tokens.

    spaCy's tokenizer keeps every character: the text is ``doc.text``.
    """
    doc.user_data[_KEY] = text
    return doc
