"""One person as the matcher sees them: every name they have been known by, every postcode.

A ``MatchRecord`` is built once (names cleaned and coded by sound, identifiers checked) and
then compared many times, so the scorer does no parsing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from anyascii import anyascii

from frontdoor.matching.names import Name
from frontdoor.people.identifiers import (
    nhs_number_normalise,
    nhs_number_valid,
    postcode_normalise,
    postcode_valid,
)

MAX_TEXT = 200
_ADDRESS_NOISE = re.compile(r"[^a-z0-9 ]+")


def _address(value: str) -> str:
    text = anyascii((value or "")[:MAX_TEXT]).lower()
    return " ".join(_ADDRESS_NOISE.sub(" ", text).split())


def _postcode(value: str) -> str:
    text = anyascii((value or "")[:20])
    return postcode_normalise(re.sub(r"[^A-Za-z0-9 ]", "", text))


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


@dataclass(frozen=True, slots=True)
class MatchRecord:
    """A child (or a row of a CSV file) ready to compare.

    ``given`` and ``family`` hold the current name first and then any other names (aliases,
    previous names); ``postcodes`` and ``addresses`` hold the current address first.
    ``birth_year``/``birth_month`` describe a partial date of birth given in a search.
    ``nhs_checked`` is true when the NHS number passes its check digit: an unchecked number
    (from a CSV file) is weaker evidence and may contain a typing error.
    """

    id: str = ""
    given: tuple[Name, ...] = ()
    family: tuple[Name, ...] = ()
    date_of_birth: date | None = None
    birth_year: int | None = None
    birth_month: int | None = None
    expected_date_of_birth: date | None = None
    sex: str = ""
    postcodes: tuple[str, ...] = ()
    sectors: tuple[str, ...] = ()  # "PE1 1" of each valid UK postcode
    districts: tuple[str, ...] = ()  # "PE1"
    addresses: tuple[str, ...] = ()
    nhs_number: str = ""
    nhs_checked: bool = False
    upn: str = ""

    @classmethod
    def build(
        cls,
        *,
        id: str = "",
        given_names: Iterable[str] = (),
        family_names: Iterable[str] = (),
        date_of_birth: date | None = None,
        birth_year: int | None = None,
        birth_month: int | None = None,
        expected_date_of_birth: date | None = None,
        sex: str = "",
        postcodes: Iterable[str] = (),
        addresses: Iterable[str] = (),
        nhs_number: str = "",
        upn: str = "",
    ) -> MatchRecord:
        given = _names(given_names)
        family = _names(family_names)
        nhs = nhs_number_normalise(anyascii((nhs_number or "")[:20]))
        nhs = nhs if nhs.isascii() and nhs.isdigit() else ""
        if date_of_birth is not None:
            birth_year, birth_month = date_of_birth.year, date_of_birth.month
        codes = _unique(_postcode(p) for p in postcodes)
        valid = [p for p in codes if postcode_valid(p)]
        return cls(
            id=id,
            given=given,
            family=family,
            date_of_birth=date_of_birth,
            birth_year=birth_year,
            birth_month=birth_month if birth_year else None,
            expected_date_of_birth=None if date_of_birth else expected_date_of_birth,
            sex=sex if sex in ("M", "F") else "",
            postcodes=codes,
            sectors=_unique(p[:-2] for p in valid),
            districts=_unique(p.split(" ")[0] for p in valid),
            addresses=_unique(_address(a) for a in addresses),
            nhs_number=nhs,
            nhs_checked=bool(nhs) and nhs_number_valid(nhs),
            upn=re.sub(r"[^A-Z0-9]", "", (upn or "")[:20].upper()),
        )

    @property
    def is_empty(self) -> bool:
        """Nothing to search on: no name, no date, no identifier, no postcode."""
        return not (
            self.given
            or self.family
            or self.birth_year
            or self.expected_date_of_birth
            or self.nhs_number
            or self.upn
            or self.postcodes
        )


def _names(values: Iterable[str]) -> tuple[Name, ...]:
    seen: dict[str, Name] = {}
    for value in values:
        name = Name.of(value)
        if name is not None and name.text not in seen:
            seen[name.text] = name
    return tuple(seen.values())
