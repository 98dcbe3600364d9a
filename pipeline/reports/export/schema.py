"""The export's tables, field by field: one definition feeds datapackage.json and docs/export.md."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, get_args

from nlp.rules import EscortCategory, JobCategory

# One export holds one kind (`scout export --kind`): escort adverts (the default), job adverts
# or clinic venues.
CATEGORIES: tuple[str, ...] = tuple(sorted(get_args(EscortCategory)))
JOB_CATEGORIES: tuple[str, ...] = tuple(sorted(get_args(JobCategory)))
DOC_START = "<!-- fields:start (generated from the datapackage schema; do not edit) -->"
DOC_END = "<!-- fields:end -->"
JOB_DOC_START = "<!-- job-fields:start (generated from the datapackage schema; do not edit) -->"
JOB_DOC_END = "<!-- job-fields:end -->"
CLINIC_DOC_START = (
    "<!-- clinic-fields:start (generated from the datapackage schema; do not edit) -->"
)
CLINIC_DOC_END = "<!-- clinic-fields:end -->"


@dataclass(frozen=True)
class ExportField:
    name: str
    type: str  # Frictionless field type
    description: str
    role: str = ""  # pseudonym | quasi-identifier | sensitive | attribute


def indicator_column(category: str) -> str:
    return f"ind_{category}"


def indicator_fields(categories: tuple[str, ...]) -> tuple[ExportField, ...]:
    return tuple(
        ExportField(
            indicator_column(c),
            "boolean",
            f"Whether any indicator of category '{c}' "
            "matched the advert: a reason to offer help, never a verdict.",
            "sensitive",
        )
        for c in categories
    )


ADVERT_KEYS: tuple[ExportField, ...] = (
    ExportField(
        "advert", "string", "Pseudonym of the advert, keyed for this recipient only.", "pseudonym"
    ),
    ExportField(
        "cluster",
        "string",
        "Pseudonym of the advert's cluster (adverts that belong "
        "together), keyed for this recipient; empty when not linked.",
        "pseudonym",
    ),
    ExportField(
        "week_first_seen",
        "string",
        "ISO week (e.g. 2026-W45, local time) the advert was first seen.",
        "quasi-identifier",
    ),
)
ADVERT_FIELDS: tuple[ExportField, ...] = (
    *ADVERT_KEYS,
    ExportField(
        "region", "string", "Danish region of the advert's city, or 'unknown'.", "quasi-identifier"
    ),
    ExportField(
        "age_band",
        "string",
        "Stated age as a band: under 18, 18-23, 24-29, 30-39, 40+ or unknown.",
        "quasi-identifier",
    ),
    ExportField(
        "nationality_group",
        "string",
        "Nationality the advert emphasises, as a broad "
        "group (Asia, Eastern Europe, Latin America, Africa, unspecified, several "
        "groups, not stated).",
        "quasi-identifier",
    ),
    *indicator_fields(CATEGORIES),
)
JOB_ADVERT_FIELDS: tuple[ExportField, ...] = (
    *ADVERT_KEYS,
    ExportField(
        "region",
        "string",
        "Danish region of the place of work (of the advert's city when the text names "
        "none; 'several' for more than one region), or 'unknown'. Never finer.",
        "quasi-identifier",
    ),
    ExportField(
        "industry",
        "string",
        "Industry classified from the text (cleaning, agriculture, construction, "
        "hotels_restaurants, transport, car_wash) or 'unknown'.",
        "quasi-identifier",
    ),
    ExportField(
        "language", "string", "Language of the advert (ISO 639-1) or 'unknown'.", "quasi-identifier"
    ),
    ExportField(
        "wage_unit",
        "string",
        "Unit of the first stated wage: hour, day, week, month, piece, 'not said' or 'none' "
        "(no wage stated).",
        "quasi-identifier",
    ),
    ExportField(
        "wage_band",
        "string",
        "The first stated wage as DKK an hour, in a band (under 100, 100-149, 150-199, 200+), "
        "or 'not comparable' (per piece, unknown unit or currency) or 'none'; never the wage.",
        "quasi-identifier",
    ),
    *indicator_fields(JOB_CATEGORIES),
)
# Clinics (issue 15): one row per venue, at municipality level; never an address, postcode,
# name, phone or roster. k counts venues (a class of k places), l the concern flag.
VENUE_FIELDS: tuple[ExportField, ...] = (
    ExportField(
        "venue", "string", "Pseudonym of the venue, keyed for this recipient only.", "pseudonym"
    ),
    ExportField(
        "region", "string", "Danish region of the venue, or 'unknown'.", "quasi-identifier"
    ),
    ExportField(
        "municipality",
        "string",
        "Municipality of the venue (from its postcode), or 'unknown'. Never finer.",
        "quasi-identifier",
    ),
    ExportField(
        "of_concern",
        "boolean",
        "Whether the clinic rules (nlp/rules/clinics) gave the venue a score of concern when "
        "exported: a reason to visit and offer help, never a verdict.",
        "sensitive",
    ),
    ExportField(
        "active", "boolean", "Whether the venue was still advertised when exported.", "attribute"
    ),
    ExportField(
        "visited",
        "boolean",
        "Whether an outreach team has logged a visit to the venue (any outcome).",
        "attribute",
    ),
)
CLUSTER_FIELDS: tuple[ExportField, ...] = (
    ExportField(
        "cluster", "string", "Pseudonym of the cluster, keyed for this recipient.", "pseudonym"
    ),
    ExportField(
        "week_first_seen", "string", "ISO week the cluster was first seen.", "quasi-identifier"
    ),
    ExportField(
        "week_last_seen", "string", "ISO week the cluster was last seen.", "quasi-identifier"
    ),
    ExportField(
        "size_band",
        "string",
        "Exported adverts in the cluster: 1, 2-4, 5-9 or 10+.",
        "quasi-identifier",
    ),
    ExportField(
        "regions", "integer", "Number of distinct regions its exported adverts are in.", "attribute"
    ),
    ExportField("active", "boolean", "Whether the cluster was active when exported.", "attribute"),
)
HIT_FIELDS: tuple[ExportField, ...] = (
    ExportField("advert", "string", "Pseudonym of the advert (as in adverts.csv).", "pseudonym"),
    ExportField("rule_id", "string", "Indicator rule that matched (see nlp/rules/).", "attribute"),
    ExportField("category", "string", "Category of the rule.", "attribute"),
    ExportField("weight", "number", "Weight of the rule in scores.", "attribute"),
    ExportField(
        "ruleset_version", "string", "Version of the rule set that produced the hit.", "attribute"
    ),
)
SUPPRESSION_FIELDS: tuple[ExportField, ...] = (
    ExportField("table", "string", "Table rows were suppressed from."),
    ExportField(
        "reason",
        "string",
        "k-anonymity, l-diversity, or 'advert suppressed' for "
        "rows that belonged to a suppressed advert.",
    ),
    ExportField("rows", "integer", "How many rows were suppressed for that reason."),
)
TABLES: dict[str, tuple[ExportField, ...]] = {
    "adverts": ADVERT_FIELDS,
    "clusters": CLUSTER_FIELDS,
    "indicator_hits": HIT_FIELDS,
    "suppression_report": SUPPRESSION_FIELDS,
}
JOB_TABLES: dict[str, tuple[ExportField, ...]] = {
    "job_adverts": JOB_ADVERT_FIELDS,
    "clusters": CLUSTER_FIELDS,
    "indicator_hits": HIT_FIELDS,
    "suppression_report": SUPPRESSION_FIELDS,
}
CLINIC_TABLES: dict[str, tuple[ExportField, ...]] = {
    "venues": VENUE_FIELDS,
    "suppression_report": SUPPRESSION_FIELDS,
}
KIND_TABLES: dict[str, dict[str, tuple[ExportField, ...]]] = {
    "escort": TABLES,
    "job": JOB_TABLES,
    "clinic": CLINIC_TABLES,
}
EXPORT_KINDS: tuple[str, ...] = tuple(KIND_TABLES)
TABLE_DESCRIPTIONS = {
    "adverts": "One row per advert that passed k-anonymity and l-diversity.",
    "job_adverts": "One row per job advert that passed k-anonymity and l-diversity.",
    "venues": "One row per clinic venue that passed k-anonymity and l-diversity.",
    "clusters": "One row per cluster with at least one exported advert and passing k-anonymity.",
    "indicator_hits": "Indicator rules that matched exported adverts (no text, no offsets).",
    "suppression_report": "How many rows were left out, per table and reason.",
}


def advert_table(kind: str) -> str:
    """The name of the advert table in an export of `kind` (its first table)."""
    return next(iter(KIND_TABLES[kind]))


def quasi(table: str, kind: str = "escort") -> list[str]:
    return [f.name for f in KIND_TABLES[kind][table] if f.role == "quasi-identifier"]


def sensitive(table: str, kind: str = "escort") -> list[str]:
    return [f.name for f in KIND_TABLES[kind][table] if f.role == "sensitive"]


def datapackage(
    fmt: str, resource: Mapping[str, str], meta: dict[str, Any], kind: str = "escort"
) -> dict[str, Any]:
    """A Frictionless tabular data package describing every file and field; `resource` holds
    the format's own resource keys (e.g. CSV's media type and encoding)."""
    resources = []
    for table, fields in KIND_TABLES[kind].items():
        resources.append(
            {
                "name": table.replace("_", "-"),
                "path": f"{table}.{fmt}",
                "profile": "tabular-data-resource",
                "format": fmt,
                "description": TABLE_DESCRIPTIONS[table],
                **resource,
                "schema": {
                    "fields": [
                        {"name": f.name, "type": f.type, "description": f.description}
                        for f in fields
                    ]
                },
            }
        )
    return {
        "name": "scout-export",
        "profile": "tabular-data-package",
        **meta,
        "resources": resources,
    }


def markdown_fields(package: dict[str, Any], start: str = DOC_START, end: str = DOC_END) -> str:
    """The field table of docs/export.md, generated from a datapackage.json."""
    lines = [start]
    for resource in package["resources"]:
        lines += [
            "",
            f"### `{resource['path']}`",
            "",
            resource["description"],
            "",
            "| field | type | meaning |",
            "|---|---|---|",
        ]
        lines += [
            f"| `{f['name']}` | {f['type']} | {f['description']} |"
            for f in resource["schema"]["fields"]
        ]
    return "\n".join([*lines, "", end])
