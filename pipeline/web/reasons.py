"""Indicator reasons on the pages, in the reader's language.

A rule's plain-language reason (`nlp/rules/reasons/`) in Danish or English; for a rule
without one, the English reason stored with the score (marked `lang="en"` on a Danish
page), else the rule id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from jinja2 import Environment
from markupsafe import Markup, escape

from nlp.reasons import Reason, say
from pipeline.reports.outreach.targets import top_reasons


def reason_filter(reasons: Mapping[str, Reason], language: str) -> Callable[..., Markup]:
    def reason(item: Mapping[str, Any]) -> Markup:
        rule_id = str(item.get("rule_id") or "")
        plain = say(reasons, rule_id, language)
        if plain is not None:
            return escape(plain)
        stored = str(item.get("reason") or "")
        if stored and language != "en":
            return Markup('<span lang="en">{}</span>').format(stored)
        return escape(stored or rule_id)

    return reason


def install(env: Environment, language: str, reasons: Mapping[str, Reason]) -> None:
    """`{{ item | reason }}` for an explanation entry; `explanation | top_reasons`."""
    env.filters["reason"] = reason_filter(reasons, language)
    env.filters["top_reasons"] = top_reasons
