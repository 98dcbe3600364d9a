"""What one clinic advert says on one day: the place and who is advertised there.

A clinic site file extracts `address`, `opening_hours`, `venue_name` and `roster` (see
pipeline/core/kinds.py); where a field is missing, the address and hours are read from the
advert's free text. The observation lives in memory only: what is kept is the venue (address
sealed, keyed hash), roster entries (name sealed) and the advert link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from nlp.clinics.address import Address, find_addresses, parse_address
from nlp.clinics.hours import OpeningHours, parse_hours


@dataclass(frozen=True)
class RosterPerson:
    """A person as the advert lists them today; never a contact value."""

    name: str | None
    stated_age: int | None = None
    nationality: str | None = None  # as stated, lower case English name ("romanian")
    image_hashes: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # languages the advert says the person speaks
    key: str | None = None  # a name's keyed hash already made (the NLP stage's name_keys)


@dataclass(frozen=True)
class ClinicObservation:
    advert_id: int
    seen_at: datetime
    text: str = ""  # title and text, for what the fields do not say
    address: str | None = None
    opening_hours: str | None = None
    venue_name: str | None = None
    phone_keys: tuple[str, ...] = ()  # ContactPoint.pseudonym of the advert's phone numbers
    price: int | None = None  # lowest price in DKK
    language: str | None = None  # the advert's language
    roster: tuple[RosterPerson, ...] = field(default_factory=tuple)

    @cached_property
    def parsed_address(self) -> Address | None:
        if self.address:
            parsed = parse_address(self.address)
            if parsed is not None:
                return parsed
            found = find_addresses(self.address)
            if found:
                return found[0]
        found = find_addresses(self.text) if self.text else []
        return found[0] if found else None

    @cached_property
    def parsed_hours(self) -> OpeningHours | None:
        for source in (self.opening_hours, self.text):
            parsed = parse_hours(source) if source else None
            if parsed is not None:
                return parsed
        return None
