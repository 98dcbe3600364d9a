"""What the NLP layer does per kind of advert (pipeline/core/kinds.py names the kinds): the
spaCy component that reads the kind's fields, the rule folder, and the field checks that
`kind: check` rules may name. Adding a kind adds one entry to `FIELD_COMPONENTS` (and its
checks to `CHECKS`), and a folder under nlp/rules/."""

from __future__ import annotations

from pathlib import Path

from nlp import fields_component  # noqa: F401  (registers scout_fields)
from nlp.jobs import component  # noqa: F401  (registers scout_job_fields)
from nlp.jobs.checks import CHECKS as JOB_CHECKS
from nlp.jobs.checks import Check
from pipeline.core.kinds import DEFAULT_KIND, get_kind

RULES_DIR = Path(__file__).parent / "rules"

# kind -> the spaCy component that sets its fields (escort: Doc._.fields; others:
# Doc._.kind_fields, whose `.record()` is stored with the version).
# A clinic advert is read like an escort advert (its venue fields: nlp/clinics/).
FIELD_COMPONENTS: dict[str, str] = {
    "escort": "scout_fields",
    "clinic": "scout_fields",
    "job": "scout_job_fields",
}
# check name -> function, for rules of `kind: check` (any kind's rule folder may name one).
CHECKS: dict[str, Check] = {**JOB_CHECKS}


def rules_dir_of(kind: str, rules_dir: Path | None = None) -> Path | None:
    """A kind's rule folder: the escort kind's is `rules_dir` (None = the bundled top
    folder, as before kinds existed); another kind's is `<rules_dir>/<folder>` when that
    folder exists, else the bundled `nlp/rules/<folder>`."""
    folder = get_kind(kind).rules_folder
    if kind == DEFAULT_KIND or not folder:
        return rules_dir
    if rules_dir is not None and (rules_dir / folder).is_dir():
        return rules_dir / folder
    return RULES_DIR / folder


def field_component(kind: str) -> str:
    get_kind(kind)
    return FIELD_COMPONENTS[kind]
