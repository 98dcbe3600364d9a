"""The README that travels with every export: who it is for, on what basis, how it was made."""

from __future__ import annotations

from typing import Any

README = """# Scout anonymised export

- Recipient: {recipient}
- Legal basis: {basis}
- Expires: {expires} — delete every copy of this folder by then.
- Made on: {made} (ISO week {made_week}); rule set {ruleset}
- Rows: {counts}

## Method

Scout collects public escort adverts to offer help to people who may be
trafficked or controlled. This export holds no direct identifiers and no free
text: no contact points, names, external ids, URLs, image hashes or exact
timestamps. Adverts and clusters carry pseudonyms made with a key derived for
this recipient alone, so two recipients cannot join their data and no
pseudonym leads back to a phone number or to Scout's own records.

Quasi-identifiers are generalised: dates to ISO weeks, cities to regions, ages
to bands, nationalities to broad groups. Before anything was written, every
equivalence class of adverts (same week first seen, region, age band and
nationality group) was checked for k-anonymity (k = {k} distinct clusters, the
closest thing Scout has to a person, not k adverts) and l-diversity (l =
{l}) for each indicator category: a class whose members all show an indicator
fails. Rows of failing classes were suppressed; `suppression_report.csv` says
how many, and why. Clusters are checked for k-anonymity on their weeks and size
band. Fields are described in `datapackage.json`.

## Limits

- An indicator is a reason to offer help, never a label or a finding about a
  person; rules are heuristic and their weights are judgement.
- k-anonymity and l-diversity protect against linking by the generalised
  columns listed above; they do not protect against someone who already knows
  an advert in detail. Do not try to re-identify anyone, and do not combine
  this data with other sources about the people in it.
- Suppression biases the data against rare combinations (small regions,
  unusual ages or nationalities).
- Spreadsheet formula cells (starting = + - @ or a tab) were neutralised with a
  leading apostrophe.
"""


# The method of a clinic export (`--kind clinic`), in place of the adverts' paragraphs.
_ADVERT_METHOD = README[README.index("Scout collects") : README.index("## Limits")]
_VENUE_METHOD = """Scout screens clinics (massage and sex-work venues) so that outreach teams
know which places to visit and offer help. This export holds one row per venue
and no direct identifier: no address, postcode, venue name, phone number,
person, roster or exact date. Venues carry pseudonyms made with a key derived
for this recipient alone. A venue named by an advert of someone who opted out
is left out.

Places are generalised to municipality and region. Before anything was
written, every equivalence class of venues (same region and municipality) was
checked for k-anonymity (k = {k} venues) and l-diversity (l = {l}) of the
concern flag: a class whose venues are all of concern fails. Rows of failing
classes were suppressed; `suppression_report.csv` says how many, and why.
Fields are described in `datapackage.json`.

"""


def readme_text(meta: dict[str, Any], kind: str = "escort") -> str:
    counts = ", ".join(f"{table} {n}" for table, n in meta["counts"].items())
    text = README.replace(_ADVERT_METHOD, _VENUE_METHOD) if kind == "clinic" else README
    return text.format(counts=counts, **{k: v for k, v in meta.items() if k != "counts"})
