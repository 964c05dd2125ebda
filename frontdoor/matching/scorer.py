"""Fellegi–Sunter match weights: how much each field's agreement says "same child".

For each field the comparison falls into one *level* (exact, short form, typing error,
sounds alike, different...). Each level has two probabilities:

- ``m``: how often two records of the **same** child fall in that level;
- ``u``: how often two records of **different** children fall in it by chance.

The level's weight is ``log2(m / u)``: positive when agreement is evidence for a match,
negative when disagreement is evidence against. A missing value on either side gives 0.
The total is the sum over fields. The values below are documented in
``docs/matching.md``; thresholds on the total are data (``MatchSettings``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from rapidfuzz.distance import DamerauLevenshtein, JaroWinkler
from rapidfuzz.fuzz import token_set_ratio

from frontdoor.matching.names import Name, nickname_of_each_other
from frontdoor.matching.record import MatchRecord

# House and flat numbers: "12", "12a", "3b" (a postcode's digits are not in the address text).
_HOUSE_NUMBER = re.compile(r"\b\d+[a-z]?\b")

# field -> level -> (m, u)
PROBABILITIES: dict[str, dict[str, tuple[float, float]]] = {
    "given_name": {
        "exact": (0.86, 0.008),
        "nickname": (0.03, 0.002),
        "typo": (0.04, 0.003),
        "first_part": (0.03, 0.004),
        "sounds": (0.02, 0.008),
        "initial": (0.005, 0.05),
        "different": (0.015, 0.93),
        # The same date of birth and last name with a different first name is what twins
        # look like: among such pairs almost none are one child (m) and almost all are two
        # (u), so the first name counts far more against than usual.
        "different_twin": (0.0000005, 0.95),
    },
    "family_name": {
        "exact": (0.86, 0.004),
        "part": (0.04, 0.0008),
        "typo": (0.05, 0.002),
        "sounds": (0.02, 0.006),
        "different": (0.03, 0.99),
    },
    "names_swapped": {"swapped": (0.01, 0.00002)},
    "date_of_birth": {
        "exact": (0.85, 0.0003),
        "swapped": (0.02, 0.0003),
        "typo": (0.06, 0.002),
        "year_month": (0.02, 0.006),
        "partial_year_month": (0.9, 0.005),
        "partial_year": (0.9, 0.06),
        "expected_close": (0.8, 0.02),
        "expected_near": (0.15, 0.04),
        "different": (0.03, 0.99),
    },
    "sex": {"same": (0.97, 0.5), "different": (0.03, 0.5)},
    "postcode": {
        "exact": (0.6, 0.0005),
        "previous": (0.2, 0.0006),
        "sector": (0.08, 0.004),
        "district": (0.04, 0.03),
        "different": (0.08, 0.965),
    },
    # When the postcodes already agree, the address only says whether it is the same house
    # in that postcode; brothers and sisters share one, so it is weak evidence there.
    "address": {
        "same": (0.5, 0.005),
        "similar": (0.15, 0.02),
        "different": (0.35, 0.975),
        "same_house": (0.9, 0.25),
        "other_house": (0.1, 0.75),
    },
    "nhs_number": {
        "exact": (0.99, 0.000001),
        # Two checked NHS numbers that differ: one child is rarely given two.
        "different": (0.001, 0.999999),
        "exact_unchecked": (0.9, 0.00001),
        "typo_unchecked": (0.08, 0.0001),
        "different_unchecked": (0.02, 0.9999),
    },
    "upn": {"exact": (0.97, 0.000001), "different": (0.03, 0.999999)},
}

WEIGHTS: dict[str, dict[str, float]] = {
    field: {level: math.log2(m / u) for level, (m, u) in levels.items()}
    for field, levels in PROBABILITIES.items()
}

FIELD_LABELS = {
    "given_name": "First name",
    "family_name": "Last name",
    "names_swapped": "Names",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "postcode": "Postcode",
    "address": "Address",
    "nhs_number": "NHS number",
    "upn": "UPN",
}


@dataclass(frozen=True, slots=True)
class FieldScore:
    field: str
    level: str
    weight: float
    reason: str

    @property
    def label(self) -> str:
        return FIELD_LABELS[self.field]


@dataclass(frozen=True, slots=True)
class MatchScore:
    weight: float
    fields: tuple[FieldScore, ...]

    @property
    def reasons(self) -> list[str]:
        """Plain words, strongest evidence first: "same NHS number", "surname sounds alike"."""
        ranked = sorted(self.fields, key=lambda f: -abs(f.weight))
        return [f.reason for f in ranked]

    @property
    def summary(self) -> str:
        text = ", ".join(self.reasons)
        return text[:1].upper() + text[1:]


def score(a: MatchRecord, b: MatchRecord, *, twins: bool = True) -> MatchScore:
    """Compare two records field by field; the total weight is the evidence of a match.

    ``twins``: count a different first name with the same date of birth and last name as
    the mark of twins (``different_twin``). Always on for children; the batch commands can
    turn it off for data without families (``--no-twins-rule``).
    """
    fields: list[FieldScore] = []
    fields.extend(_names(a, b, twins=twins))
    for compare in (_date_of_birth, _sex, _postcode, _address, _nhs, _upn):
        result = compare(a, b)
        if result is not None:
            fields.append(result)
    return MatchScore(weight=round(sum(f.weight for f in fields), 2), fields=tuple(fields))


def _field(field: str, level: str, reason: str, penalty: float = 0.0) -> FieldScore:
    return FieldScore(field, level, round(WEIGHTS[field][level] - penalty, 2), reason)


# --- Names ----------------------------------------------------------------------------

_GIVEN_ORDER = ["exact", "nickname", "typo", "first_part", "sounds", "initial", "different"]
_FAMILY_ORDER = ["exact", "part", "typo", "sounds", "different"]


def _given_level(a: Name, b: Name) -> str:
    if a.text == b.text:
        return "exact"
    if nickname_of_each_other(a.parts[0], b.parts[0]) or nickname_of_each_other(a.text, b.text):
        return "nickname"
    if JaroWinkler.similarity(a.text, b.text) >= 0.9:
        return "typo"
    if a.parts[0] == b.parts[0] or set(a.parts) & set(b.parts):
        return "first_part"
    if a.sound == b.sound or a.part_sounds[0] == b.part_sounds[0]:
        return "sounds"
    if (len(a.text) == 1 or len(b.text) == 1) and a.text[0] == b.text[0]:
        return "initial"
    return "different"


def _family_level(a: Name, b: Name) -> str:
    if a.text == b.text:
        return "exact"
    if set(a.parts) & set(b.parts):
        return "part"
    if JaroWinkler.similarity(a.text, b.text) >= 0.9:
        return "typo"
    if a.sound == b.sound or set(a.part_sounds) & set(b.part_sounds):
        return "sounds"
    return "different"


def _best(
    left: Iterable[Name],
    right: Iterable[Name],
    level_of: Callable[[Name, Name], str],
    order: list[str],
) -> tuple[str, Name, Name, bool] | None:
    """The best level over every pair of names, and whether it used a non-current name."""
    best: tuple[str, Name, Name, bool] | None = None
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            level = level_of(x, y)
            if best is None or order.index(level) < order.index(best[0]):
                best = (level, x, y, i > 0 or j > 0)
            if level == "exact" and i == 0 and j == 0:
                return best
    return best


_GIVEN_REASONS = {
    "exact": "same first name",
    "nickname": "first name is a short form ({a} / {b})",
    "typo": "first name spelt slightly differently ({a} / {b})",
    "first_part": "first name shares a part ({a} / {b})",
    "sounds": "first name sounds alike ({a} / {b})",
    "initial": "first name matches only by initial",
    "different": "different first name ({a} / {b})",
    "different_twin": "different first name with the same date of birth and last name: "
    "possibly twins ({a} / {b})",
}
_FAMILY_REASONS = {
    "exact": "same last name",
    "part": "last name shares a part of a double or hyphenated name ({a} / {b})",
    "typo": "last name spelt slightly differently ({a} / {b})",
    "sounds": "last name sounds alike ({a} / {b})",
    "different": "different last name ({a} / {b})",
}


def _names(a: MatchRecord, b: MatchRecord, *, twins: bool) -> list[FieldScore]:
    given = _best(a.given, b.given, _given_level, _GIVEN_ORDER)
    family = _best(a.family, b.family, _family_level, _FAMILY_ORDER)
    out: list[FieldScore] = []
    if given is not None:
        level, x, y, other = given
        if (
            twins
            and level == "different"
            and family is not None
            and family[0] in ("exact", "part", "typo")
            and a.date_of_birth is not None
            and a.date_of_birth == b.date_of_birth
        ):
            level = "different_twin"
        reason = _GIVEN_REASONS[level].format(a=x.text.title(), b=y.text.title())
        out.append(_field("given_name", level, reason + (" (a previous name)" if other else "")))
    if family is not None:
        level, x, y, other = family
        reason = _FAMILY_REASONS[level].format(a=x.text.title(), b=y.text.title())
        out.append(_field("family_name", level, reason + (" (a previous name)" if other else "")))
    # Given and family names written the wrong way round on one of the records.
    if a.given and a.family and b.given and b.family:
        straight = sum(f.weight for f in out)
        crossed_given = _best(a.given, b.family, _family_level, _FAMILY_ORDER)
        crossed_family = _best(a.family, b.given, _family_level, _FAMILY_ORDER)
        good = ("exact", "part", "typo")
        if (
            crossed_given is not None
            and crossed_family is not None
            and crossed_given[0] in good
            and crossed_family[0] in good
        ):
            swapped = _field("names_swapped", "swapped", "first and last names swapped")
            if swapped.weight > straight:
                return [swapped]
    return out


# --- Dates ----------------------------------------------------------------------------


def _digits(d: date) -> str:
    return d.strftime("%Y%m%d")


def _one_digit_apart(x: date, y: date) -> bool:
    """One digit wrong, or two neighbouring digits typed the wrong way round."""
    return DamerauLevenshtein.distance(_digits(x), _digits(y)) == 1


def _date_of_birth(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    f = "date_of_birth"
    if a.date_of_birth and b.date_of_birth:
        x, y = a.date_of_birth, b.date_of_birth
        if x == y:
            return _field(f, "exact", "same date of birth")
        if x.year == y.year and x.day == y.month and x.month == y.day:
            return _field(f, "swapped", "day and month of birth swapped")
        if _one_digit_apart(x, y):
            return _field(f, "typo", "date of birth differs by one digit")
        if x.year == y.year and x.month == y.month:
            return _field(f, "year_month", "born in the same month, different day")
        return _field(f, "different", "different date of birth")
    born = a.date_of_birth or b.date_of_birth
    expected = a.expected_date_of_birth or b.expected_date_of_birth
    if a.expected_date_of_birth and b.expected_date_of_birth:
        born, expected = a.expected_date_of_birth, b.expected_date_of_birth
    if born and expected:
        gap = abs((born - expected).days)
        if gap <= 31:
            return _field(f, "expected_close", "born within a month of the expected date")
        if gap <= 90:
            return _field(f, "expected_near", "born within three months of the expected date")
        return _field(f, "different", "expected date of birth far from the other date")
    if a.birth_year and b.birth_year:
        # At least one side is partial (a search): compare as far as both are known.
        if a.birth_year != b.birth_year:
            return _field(f, "different", "born in a different year")
        if a.birth_month and b.birth_month:
            if a.birth_month == b.birth_month:
                return _field(f, "partial_year_month", "born in the month and year given")
            return _field(f, "different", "born in a different month")
        return _field(f, "partial_year", "born in the year given")
    return None


# --- Sex, places, identifiers -----------------------------------------------------------


def _sex(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    if not (a.sex and b.sex):
        return None
    if a.sex == b.sex:
        return _field("sex", "same", "same sex")
    return _field("sex", "different", "different sex recorded")


def _postcode(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    if not (a.postcodes and b.postcodes):
        return None
    f = "postcode"
    if a.postcodes[0] == b.postcodes[0]:
        return _field(f, "exact", "same postcode")
    common = set(a.postcodes) & set(b.postcodes)
    if common:
        return _field(f, "previous", f"lived at the same postcode ({min(common)})")
    sectors = set(a.sectors) & set(b.sectors)
    if sectors:
        return _field(f, "sector", f"same postcode sector ({min(sectors)})")
    districts = set(a.districts) & set(b.districts)
    if districts:
        return _field(f, "district", f"same postcode district ({min(districts)})")
    return _field(f, "different", "different postcode")


def _same_house(x: str, y: str) -> int:
    """Similarity of two addresses (0-100); 0 when both give house numbers that differ."""
    nx, ny = _HOUSE_NUMBER.findall(x), _HOUSE_NUMBER.findall(y)
    if nx and ny and not set(nx) & set(ny):
        return 0
    return int(token_set_ratio(x, y))


def _address(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    if not (a.addresses and b.addresses):
        return None
    best = max(_same_house(x, y) for x in a.addresses for y in b.addresses)
    if set(a.postcodes) & set(b.postcodes):
        if best >= 90:
            return _field("address", "same_house", "same house in that postcode")
        return _field("address", "other_house", "a different house in that postcode")
    if best >= 90:
        return _field("address", "same", "same address")
    if best >= 75:
        return _field("address", "similar", "similar address")
    return _field("address", "different", "different address")


def _nhs(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    if not (a.nhs_number and b.nhs_number):
        return None
    f = "nhs_number"
    if a.nhs_checked and b.nhs_checked:
        if a.nhs_number == b.nhs_number:
            return _field(f, "exact", "same NHS number")
        return _field(f, "different", "different NHS number")
    if a.nhs_number == b.nhs_number:
        return _field(f, "exact_unchecked", "same identifier (not a checked NHS number)")
    if DamerauLevenshtein.distance(a.nhs_number, b.nhs_number) == 1:
        return _field(f, "typo_unchecked", "identifier differs by one digit")
    return _field(f, "different_unchecked", "different identifier")


def _upn(a: MatchRecord, b: MatchRecord) -> FieldScore | None:
    if not (a.upn and b.upn):
        return None
    if a.upn == b.upn:
        return _field("upn", "exact", "same UPN")
    return _field("upn", "different", "different UPN")
