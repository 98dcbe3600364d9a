"""The whole NLP pipeline: component order, caching, odd or hostile input that must not crash."""

from __future__ import annotations

import unicodedata

import pytest

from nlp.pipeline import MAX_CHARS, AdvertAnalysis, analyse_texts, build_pipeline, prepare_text


def test_pipeline_order_and_cache() -> None:
    nlp = build_pipeline("da")
    names = nlp.pipe_names
    assert names[-2:] == ["scout_fields", "scout_indicators"]
    optional = [n for n in names if n in ("scout_contacts", "scout_language")]
    assert names[: len(optional)] == optional
    assert build_pipeline("da") is nlp
    assert build_pipeline("en", with_optional=False) is not nlp


BAD_INPUT = ["", "   \n\t ", "😀🔥💋", "hej", None, "<script>alert('x')</script>" * 50,
             "\x00\ufeff\u200b", pytest.param("<" * 5000 + ">" * 5000, marks=pytest.mark.slow),
             "Hun er 17 år " * 3000]  # fmt: skip


@pytest.mark.parametrize("text", BAD_INPUT, ids=range(len(BAD_INPUT)))
def test_pipeline_odd_input_never_crashes(text: str | None) -> None:
    (result,) = analyse_texts([text], with_optional=False)
    assert isinstance(result, AdvertAnalysis)
    assert result.ruleset_version and not result.truncated


def test_pipeline_two_megabytes_truncated() -> None:
    text = ("Hun er ny i byen. " + "x" * 99) * 18_000
    (result,) = analyse_texts([text], with_optional=False)
    assert result.truncated and result.text_length == len(text) > 2_000_000
    assert max(hit.end for hit in result.hits) <= MAX_CHARS


def test_pipeline_nfd_danish_letters_match() -> None:
    nfd = unicodedata.normalize("NFD", "Åben døgnet rundt i Næstved, ingen grænser")
    assert nfd != unicodedata.normalize("NFC", nfd)
    (result,) = analyse_texts([nfd], with_optional=False)
    assert {"always_available", "risky_services"} <= {hit.rule_id for hit in result.hits}
    assert [c.city for c in result.fields.cities] == ["Næstved"]


def test_pipeline_markup_is_blanked_keeping_offsets() -> None:
    text, cut = prepare_text("<b>She is</b> <i>new in town</i>")
    assert not cut and len(text) == len("<b>She is</b> <i>new in town</i>")
    (result,) = analyse_texts(["<b>She is</b> <i>new in town</i>"], with_optional=False)
    hits = {hit.rule_id: hit for hit in result.hits}
    assert hits["third_person_voice"].evidence_text == "She is"
    assert text[hits["movement_language"].start : hits["movement_language"].end] == "new in town"


def test_pipeline_batches_keep_order() -> None:
    texts = [f"Anna {age} år" for age in range(18, 60)] * 10
    results = list(analyse_texts(texts, batch_size=7, with_optional=False))
    assert [r.fields.ages[0].value for r in results] == [a for a in range(18, 60)] * 10


def test_pipeline_copies_in_a_batch_get_the_analysis_of_the_text_alone() -> None:
    text = "Ny i byen, 23 år. Ring 20 12 34 56 eller skriv anna (at) example dot com"
    # two texts that read the same once markup is blanked: one analysis, each its own flags
    marked, spaced = "<b>" + text, "   " + text
    alone = next(analyse_texts([text]))
    results = list(analyse_texts([text, "Hej", text, marked, text, spaced]))
    assert [repr(r) for r in results[0:5:2]] == [repr(alone)] * 3
    assert results[3].markup and not results[5].markup
    assert results[3].text_length == results[5].text_length == len(text) + 3
    assert results[3].contacts == results[5].contacts == next(analyse_texts([spaced])).contacts
    results[0].contacts.clear()  # each copy has its own lists
    assert results[2].contacts == alone.contacts and results[2].hits == alone.hits
