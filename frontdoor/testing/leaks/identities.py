"""Who may see which restricted child in the leak crawl, and the restricted children's names and
identifiers, found nowhere else (``Identity.tokens``, ``UniqueNaming``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from frontdoor.people.services import ChildDetails
from frontdoor.testing.factories import child_details, referral_document
from frontdoor.testing.world import Naming

#: (persona, child key): the only restricted children a crawled user may see. The owner of
#: every restriction is ``OWNER``, who is not crawled.
ALLOWED: frozenset[tuple[str, str]] = frozenset(
    {
        ("mash_manager", "Frankie"),  # named on the restriction
        ("mash_worker", "Dee"),  # broke the glass
        ("auditor", "Sam"),  # broke the glass
    }
)
OWNER = "restriction_owner"
#: A restricted child made for the leak test alone: its contact's concern names it, as a
#: referrer would, and it waits in the screening queue.
CONCERN_CHILD = "Noor"
#: The referrer's outcome link (and its disagreement pages) shows the first name and initial
#: of each child the referrer sent, as they typed it, to whoever holds the link.
REFERRER_ROUTES = ("referral-outcome", "referral-disagree", "referral-disagree-escalate")
REFERRAL_CHILD = "Riley"


# --------------------------------------------------------------------------- identities


def nhs_number(serial: int) -> str:
    """A valid NHS number (modulus 11) starting 999 000, unique to ``serial``."""
    while True:
        stem = f"999000{serial:03d}"
        total = sum(int(d) * w for d, w in zip(stem, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return stem + str(check)
        serial += 500


@dataclass(frozen=True)
class Identity:
    """A restricted child's identifying details, each unlike anything else on any page."""

    key: str  # the world's name for the child ("Sam")
    serial: int
    first_name: str
    last_name: str
    date_of_birth: date
    nhs_number: str
    postcode: str
    address_line_1: str
    upn: str
    alias_first: str
    alias_last: str

    @classmethod
    def make(
        cls, key: str, serial: int, *, last_name: str = "", born: date | None = None
    ) -> Identity:
        letter = chr(ord("a") + serial)
        return cls(
            key=key,
            serial=serial,
            first_name=f"{key}quill",
            last_name=last_name or f"Zorvath{letter}",
            date_of_birth=born or date(2011, 1 + serial % 12, 10 + serial),
            nhs_number=nhs_number(serial),
            postcode=f"ZZ9 9Q{letter.upper()}",
            address_line_1=f"{20 + serial} Quillimore Lane",
            upn=f"LEAKUPN{serial:06d}",
            alias_first=f"{key}vellion",
            alias_last=f"Ostrander{letter}",
        )

    def tokens(self) -> dict[str, str]:
        """What a page must not contain, by kind (compared ignoring case)."""
        dob = self.date_of_birth
        nhs = self.nhs_number
        return {
            "first name": self.first_name,
            "last name": self.last_name,
            "alias": self.alias_first,
            "alias last name": self.alias_last,
            "date of birth": f"{dob.day} {dob:%b %Y}",
            "date of birth (long)": f"{dob.day} {dob:%B %Y}",
            "date of birth (ISO)": dob.isoformat(),
            "date of birth (slashes)": f"{dob:%d/%m/%Y}",
            "NHS number": nhs,
            "NHS number (spaced)": f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}",
            "postcode": self.postcode,
            "address": self.address_line_1,
            "UPN": self.upn,
        }


class UniqueNaming(Naming):
    """Names every child of a world uniquely (``Identity``), and remembers each."""

    tag = "-leak"

    def __init__(self) -> None:
        self.identities: dict[str, Identity] = {}

    def identity(self, key: str, *, last_name: str = "", born: date | None = None) -> Identity:
        if key not in self.identities:
            self.identities[key] = Identity.make(
                key, len(self.identities), last_name=last_name, born=born
            )
        return self.identities[key]

    def details(self, first_name: str) -> ChildDetails:
        found = self.identity(first_name)
        return child_details(
            first_name=found.first_name,
            last_name=found.last_name,
            date_of_birth=found.date_of_birth,
            nhs_number=found.nhs_number,
            postcode=found.postcode.lower(),
            address_line_1=found.address_line_1,
        )

    def person(self, first_name: str, last_name: str) -> dict[str, Any]:
        # Twins share their surname and date of birth, as the world's do, so they still look
        # like duplicates; no NHS number (records with different ones could not be merged).
        born = {"Twin": date(2012, 2, 14), "Merged": date(2012, 3, 15)}.get(last_name)
        found = self.identity(first_name, last_name=f"{last_name}zorvath", born=born)
        return {
            "first_name": found.first_name,
            "last_name": found.last_name,
            "date_of_birth": found.date_of_birth,
        }

    def document(self) -> dict[str, Any]:
        found = self.identity(REFERRAL_CHILD)
        document = referral_document()
        child = document["children"][0]
        child.update(
            first_name=found.first_name,
            last_name=found.last_name,
            date_of_birth=found.date_of_birth.isoformat(),
            nhs_number=found.nhs_number,
            postcode=found.postcode.lower(),
            address_line_1=found.address_line_1,
        )
        document["concern"] = (
            f"{found.first_name} came to school with a bruise and said she was scared to go home."
        )
        return document
