"""The contact finder on 2 MB adversarial inputs: no quadratic behaviour.

Run: ``make bench BENCH=hostile``. The inputs are the ones the hostile-input tests feed
(``tests/nlp/contacts/test_contacts_hostile.py``; the tests check only that the finder
survives them — speed is measured here, never asserted in a test). Reference in the same
run: one pass of a plain digit regex over the same text; the ratio is Scout's time over
it. A linear finder stays within a small constant factor of the reference; quadratic
behaviour shows as a ratio in the thousands.
"""

from __future__ import annotations

import importlib.util
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from nlp.contacts import find_contacts  # noqa: E402

TITLE = "Contact finder on 2 MB adversarial inputs (seconds; ratio to one regex pass)"
TESTS = ROOT / "tests" / "nlp" / "contacts" / "test_contacts_hostile.py"
_DIGITS = re.compile(r"\d+")


def _inputs() -> dict[str, str]:
    spec = importlib.util.spec_from_file_location("contacts_hostile_cases", TESTS)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return dict(module.ADVERSARIAL)


def _seconds(work, text: str) -> float:
    started = time.perf_counter()
    work(text)
    return time.perf_counter() - started


def run() -> list[dict]:
    rows = []
    for name, text in sorted(_inputs().items()):
        scout = _seconds(find_contacts, text)
        reference = _seconds(_DIGITS.findall, text)
        rows.append(
            {
                "case": name,
                "MB": round(len(text.encode()) / 1e6, 2),
                "scout s": scout,
                "regex pass s": reference,
                "ratio": scout / reference if reference else None,
            }
        )
    return rows
