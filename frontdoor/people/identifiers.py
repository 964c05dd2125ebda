"""Identifiers of people: NHS numbers, UPNs and postcodes, checked and normalised."""

from __future__ import annotations

import re

_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


def nhs_number_normalise(value: str) -> str:
    """Digits only: NHS numbers are written ``943 476 5919`` or ``943-476-5919``."""
    return re.sub(r"[\s-]", "", value or "")


def nhs_number_valid(value: str) -> bool:
    """Ten digits whose last is the modulus 11 check digit of the first nine."""
    digits = nhs_number_normalise(value)
    if len(digits) != 10 or not digits.isascii() or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def postcode_normalise(value: str) -> str:
    """Upper case with one space before the inward code: ``pe1 1xx`` → ``PE1 1XX``."""
    compact = re.sub(r"\s+", "", value or "").upper()
    if len(compact) < 5:
        return compact
    return f"{compact[:-3]} {compact[-3:]}"


def postcode_valid(value: str) -> bool:
    return bool(_POSTCODE.match(postcode_normalise(value)))
