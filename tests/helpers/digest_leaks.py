"""What must never appear in a digest or export: every demo-world contact point, name and URL."""

from __future__ import annotations

import re
from typing import Any

import phonenumbers


def phone_forms(value: str) -> set[str]:
    """E.164, national significant number and its common groupings."""
    number = phonenumbers.parse(value)
    national = str(number.national_number)
    pairs = " ".join(national[i : i + 2] for i in range(0, len(national), 2))
    return {value, value.lstrip("+"), national, pairs}


def forbidden_strings(truth: dict[str, Any]) -> set[str]:
    found: set[str] = set()
    for advert in truth["adverts"]:
        found.add(advert["path"])
        for version in advert["versions"]:
            for contact in version["contacts"]:
                found.add(contact["value"])
                found.add(contact["shown"].strip())
                if contact["kind"] == "phone":
                    found |= phone_forms(contact["value"])
    return {s for s in found if len(s) >= 5}


def forbidden_names(truth: dict[str, Any]) -> set[str]:
    return {persona["name"] for persona in truth["personas"]}


def leaks(text: str, truth: dict[str, Any]) -> list[str]:
    hits = sorted(s for s in forbidden_strings(truth) if s in text)
    hits += sorted(n for n in forbidden_names(truth) if re.search(rf"\b{re.escape(n)}\b", text))
    if re.search(r"https?://", text):
        hits.append("a URL")
    return hits
