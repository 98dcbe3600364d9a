"""Languages to write in: nlp.write_in's ranking, and the fallback used without it."""

from __future__ import annotations

from pipeline.reports.outreach.languages import _fallback, languages_to_write_in


def test_outreach_languages_ranked_with_reasons() -> None:
    ranked = languages_to_write_in({"ro": 8, "en": 2}, ["romanian"], ["RO"], 10)
    assert ranked[0].lang == "ro" and ranked[0].reasons
    assert [w.score for w in ranked] == sorted((w.score for w in ranked), reverse=True)


def test_outreach_languages_fallback() -> None:
    ranked = _fallback({"en": 3, "und": 1}, ["Thai"], ["TH", "DK"], 4)
    assert [w.lang for w in ranked] == ["th", "en"]  # 0.5 + 0.4 against 3 of 4 adverts
    assert ranked[0].reasons == ["nationality stated: Thai", "phone registered in TH"]
