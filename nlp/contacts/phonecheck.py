"""Validation of candidate digit strings with ``phonenumbers`` and how plainly they were written."""

from __future__ import annotations

from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumber, PhoneNumberType

TYPE_NAMES = {
    PhoneNumberType.FIXED_LINE: "fixed_line",
    PhoneNumberType.MOBILE: "mobile",
    PhoneNumberType.FIXED_LINE_OR_MOBILE: "fixed_line_or_mobile",
    PhoneNumberType.TOLL_FREE: "toll_free",
    PhoneNumberType.PREMIUM_RATE: "premium_rate",
    PhoneNumberType.SHARED_COST: "shared_cost",
    PhoneNumberType.VOIP: "voip",
    PhoneNumberType.PERSONAL_NUMBER: "personal_number",
    PhoneNumberType.PAGER: "pager",
    PhoneNumberType.UAN: "uan",
    PhoneNumberType.VOICEMAIL: "voicemail",
}
# Numbers stitched together from pieces far apart must look like a person's phone.
PERSONAL_TYPES = frozenset({"mobile", "fixed_line_or_mobile", "fixed_line"})
MIN_DIGITS, MAX_DIGITS = 6, 17  # national numbers with an IDD prefix reach 17


# Answers per region, kept between adverts (bounded: cleared when it grows past the limit).
MEMO_LIMIT = 100_000
_MEMOS: dict[str, dict[str, tuple[PhoneNumber, str, bool] | None]] = {}


@lru_cache(maxsize=64)
def national_max(region: str) -> int:
    """The most digits a national number of ``region`` has (8 in DK); 0 when unknown."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    lengths = metadata.general_desc.possible_length if metadata and metadata.general_desc else ()
    return max(lengths or (0,))


@lru_cache(maxsize=64)
def _region_facts(region: str) -> tuple[str, bool]:
    """The region's country code, and whether its numbers are written with a trunk "0".

    Where the trunk prefix is "0" (AU, UK, RO, ...) people always write it at home, so
    "434 800 988" in AU is a fragment, not a number; DK has no trunk prefix.
    """
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    needs_zero = metadata is not None and metadata.national_prefix == "0"
    return str(phonenumbers.country_code_for_region(region) or ""), needs_zero


class PhoneChecker:
    """Parses candidates for one region, remembering answers, within a budget of parse calls."""

    __slots__ = ("_cc", "_memo", "_needs_zero", "budget", "national_max", "region")

    def __init__(self, region: str, budget: int = 5000) -> None:
        self.region = region
        self._cc, self._needs_zero = _region_facts(region)
        self.national_max = national_max(region)
        # shared by every checker of the region: adverts repeat their numbers across versions
        self._memo = _MEMOS.setdefault(region, {})
        if len(self._memo) > MEMO_LIMIT:
            self._memo.clear()
        self.budget = budget

    def check(self, digits: str, plus: bool) -> tuple[PhoneNumber, str, bool] | None:
        """Return (number, type name, written unusually) when ``digits`` is a valid number."""
        key = ("+" if plus else "") + digits
        self.budget -= 1  # counted even when remembered: hostile texts repeat themselves
        if key in self._memo:
            return self._memo[key]
        result = None
        if MIN_DIGITS <= len(digits) <= MAX_DIGITS:
            if plus:
                result = self._parse("+" + digits, False)
            else:
                bare = self._needs_zero and not digits.startswith("0")
                result = None if bare else self._parse(digits, False)
                if result is not None and self._cc and digits == self._cc + _national(result[0]):
                    result = (result[0], result[1], True)  # "4520123456": country code, no "+"
                if result is None and digits.startswith("00"):
                    # "0061 ..." where the region's own IDD differs (AU dials 0011)
                    result = self._parse("+" + digits[2:], True)
                elif result is None and self._cc and digits.startswith(self._cc):
                    result = self._parse("+" + digits, True)  # "4520123456" without "+"
                elif result is not None and digits.startswith("00"):
                    result = (result[0], result[1], True)
        self._memo[key] = result
        return result

    def check_foreign(self, digits: str) -> tuple[PhoneNumber, str, bool] | None:
        """A run longer than the region's numbers read as an international one without its "+".

        "46701234567" written in Denmark is +46 70 123 45 67, never +45 46 70 12 34.
        """
        if len(digits) <= self.national_max or digits.startswith("0"):
            return None
        found = self.check(digits, True)
        return None if found is None else (found[0], found[1], True)

    def _parse(self, candidate: str, unusual: bool) -> tuple[PhoneNumber, str, bool] | None:
        if self.budget <= 0:
            return None
        try:
            number = phonenumbers.parse(candidate, self.region)
        except NumberParseException:
            return None
        if not phonenumbers.is_valid_number(number):
            return None
        type_name = TYPE_NAMES.get(phonenumbers.number_type(number))
        return (number, type_name, unusual) if type_name else None


def _national(number: PhoneNumber) -> str:
    return "0" * (number.number_of_leading_zeros or 0) + str(number.national_number)


def e164(number: PhoneNumber) -> str:
    """The number in E.164 form."""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def region_of(number: PhoneNumber) -> str | None:
    """ISO region of the number ("DK"), None for non-geographic numbers."""
    region = phonenumbers.region_code_for_number(number)
    return region if region and region != "001" else None


def is_plain_grouping(groups: list[str], seps: list[str], plus: bool, number: PhoneNumber) -> bool:
    """Digits alone or in groups of two or more, split by one space or hyphen, is plain writing."""
    if any(sep.replace("(", "").replace(")", "") not in ("", " ", "-", "\xa0") for sep in seps):
        return False
    if plus and groups and groups[0] == str(number.country_code):
        groups = groups[1:]  # "+1 234 ..." : the country code is its own group
    return all(len(group) >= 2 for group in groups)
