"""Advert kinds: the one list of the kinds of advert Scout collects.

An advert has a kind (escort today; clinic and job adverts are the other outreach lines).
A site file declares the kind it collects, and every advert stored from it carries that
kind. A kind is data plus a few functions: this module holds the data each layer needs to
agree on (the name, and the fields a site file may extract for it); a kind's rules, linking
keys, screening and report sections live in their own layers, keyed by the kind's name.
Adding a kind means an entry here, a rule folder and those few functions.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core.errors import ScoutError


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    # Collect little (PRIVACY rule 1): the only fields a site file may extract for this kind.
    fields: tuple[str, ...]
    # The kind's indicator rules: a folder under nlp/rules/ ("" = the top folder, the escort
    # rules, which were there before kinds existed and keep their rule-set version).
    rules_folder: str = ""
    # Rosters are built from the names the NLP stage reads (clinic): a version keeps those
    # names sealed beside their keyed hashes, so key rotation can re-key the roster.
    keeps_names: bool = False


ESCORT = Kind(
    name="escort",
    label="Escort and private adverts",
    fields=("title", "text", "city", "stated_age", "price", "contact", "posted_at"),
)
# Job adverts (issue 16, forced labour): the wage is read from the text (nlp/jobs/), not
# stored in `adverts.price`, whose regional medians are the escort market's.
JOB = Kind(
    name="job",
    label="Job adverts (forced labour screening)",
    fields=("title", "text", "city", "contact", "posted_at"),
    rules_folder="job",
)

# A clinic's page or advert: the place (address, opening hours, the name it trades under) and
# who is advertised there "today" (the roster: name as written, stated age, nationality).
# Addresses are sealed at rest and linked by keyed hash (docs/clinics.md, docs/privacy.md).
CLINIC = Kind(
    name="clinic",
    label="Clinics (massage and sex-work venues)",
    fields=(
        "title", "text", "city", "price", "contact", "posted_at",
        "address", "opening_hours", "venue_name", "roster",
    ),
    # A clinic advert is a sex-work advert: the escort indicator rules read it; the venue's
    # own screening rules are nlp/rules/clinics/ (docs/clinics.md).
    rules_folder="",
    keeps_names=True,
)  # fmt: skip

KINDS: dict[str, Kind] = {kind.name: kind for kind in (ESCORT, CLINIC, JOB)}
DEFAULT_KIND = ESCORT.name


class UnknownKind(ScoutError):
    """A kind name that is not in `KINDS`."""


def get_kind(name: str) -> Kind:
    try:
        return KINDS[name]
    except KeyError:
        raise UnknownKind(
            f"unknown advert kind {name!r}; Scout knows {', '.join(sorted(KINDS))}"
        ) from None
