"""ScoutError texts on pages: a code with a catalogue entry is said in the reader's language;
an error without one keeps the command line's English, marked as English."""

from __future__ import annotations

import re
from pathlib import Path

import pipeline
from pipeline.core.errors import ScoutError
from pipeline.web.errors import SCOUT_ERRORS, said

SOURCE = Path(pipeline.__file__).parent
RAISED = re.compile(r'code="([a-z0-9-]+)"')


def _raised_codes() -> set[str]:
    return {code for path in SOURCE.rglob("*.py") for code in RAISED.findall(path.read_text())}


def test_said_every_raised_code_has_a_catalogue_entry_and_none_is_left_over() -> None:
    raised = _raised_codes()
    assert "export-expiry-past" in raised  # the scan finds the raise sites
    assert raised == set(SCOUT_ERRORS)


def test_said_a_coded_error_and_an_uncoded_one() -> None:
    coded = said(ScoutError("expiry 2020-01-01 ...", code="export-expiry-past", expires="2020"))
    assert coded.message == SCOUT_ERRORS["export-expiry-past"] and coded.english is None
    assert coded.message % coded.params == "The expiry date 2020 is not in the future."
    plain = said(ScoutError("rules/x.yaml: line 3: not a list"))
    assert plain.message is None and plain.english == "rules/x.yaml: line 3: not a list"
