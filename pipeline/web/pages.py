"""The pages the navigation can link to, each with its role-matrix key; later pages add a line."""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.core import roles
from pipeline.web.i18n import N_


@dataclass(frozen=True)
class Page:
    key: str  # the role-matrix entry that opens the page
    path: str
    label: str  # a catalogue message id


PAGES: tuple[Page, ...] = (
    Page("home", "/", N_("Home")),
    Page("targets", "/targets", N_("Today")),
    Page("jobs", "/jobs", N_("Job adverts")),
    Page("clinics", "/clinics", N_("Clinics")),
    Page("follow-ups", "/follow-ups", N_("Follow-ups")),
    Page("digests", "/digests", N_("Digests")),
    Page("effects", "/effects", N_("Effects")),
    Page("rules", "/rules", N_("Rules")),
    Page("label", "/label", N_("Label")),
    Page("sites", "/sites", N_("Sites")),
    Page("audit", "/audit", N_("Audit")),
    Page("exports", "/exports", N_("Exports")),
    Page("users", "/users", N_("Accounts")),
    Page("account", "/account", N_("My account")),
    Page("sessions", "/account/sessions", N_("My sessions")),
)


ROLE_NAMES = {
    "outreach": N_("outreach worker"),
    "lead": N_("outreach team lead"),
    "researcher": N_("researcher"),
    "analyst": N_("analyst"),
    "admin": N_("admin"),
}


def pages_for(role: str) -> list[Page]:
    return [page for page in PAGES if roles.is_allowed(page.key, role)]
