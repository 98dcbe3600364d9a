"""Languages to write in: nlp.write_in's ranking, as the target list shows it."""

from __future__ import annotations

from pipeline.reports.outreach.languages import languages_to_write_in


def test_outreach_languages_ranked_with_reasons() -> None:
    ranked = languages_to_write_in({"ro": 8, "en": 2}, ["romanian"], ["RO"], 10)
    assert ranked[0].lang == "ro" and ranked[0].reasons
    assert [w.score for w in ranked] == sorted((w.score for w in ranked), reverse=True)


def test_outreach_languages_with_no_adverts_still_ranked() -> None:
    ranked = languages_to_write_in({}, ["Thai"], ["TH"], 0)
    assert ranked[0].lang == "th"
