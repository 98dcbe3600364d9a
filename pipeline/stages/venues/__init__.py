"""Venues (clinics): from clinic adverts to linked places with rosters and events (issue 15)."""

from pipeline.stages.venues.linking import VenueRun, link_venues, mark_vanished
from pipeline.stages.venues.observations import ClinicObservation, RosterPerson
from pipeline.stages.venues.stored import link_stored, stored_observations

__all__ = [
    "ClinicObservation",
    "RosterPerson",
    "VenueRun",
    "link_stored",
    "link_venues",
    "mark_vanished",
    "stored_observations",
]
