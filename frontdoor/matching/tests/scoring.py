"""Helpers for the scorer's tests: records from short keyword names, one field's score, and an
assertion of a field's level, reason and weight."""

from __future__ import annotations

from typing import Any

from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import WEIGHTS, FieldScore, score

CHECKED = "9434765919"  # a valid NHS number (the check digit is right)
CHECKED_OTHER = "9434765870"


def rec(**kwargs: Any) -> MatchRecord:
    """A record from short keyword names: given="Sam", family="Jones", postcodes=[...]."""
    if "given" in kwargs:
        value = kwargs.pop("given")
        kwargs["given_names"] = value if isinstance(value, list) else [value]
    if "family" in kwargs:
        value = kwargs.pop("family")
        kwargs["family_names"] = value if isinstance(value, list) else [value]
    if "postcode" in kwargs:
        kwargs["postcodes"] = [kwargs.pop("postcode")]
    if "address" in kwargs:
        kwargs["addresses"] = [kwargs.pop("address")]
    return MatchRecord.build(**kwargs)


def field_of(a: MatchRecord, b: MatchRecord, field: str) -> FieldScore:
    found = [f for f in score(a, b).fields if f.field == field]
    assert len(found) == 1, score(a, b).fields
    return found[0]


def assert_level(a: MatchRecord, b: MatchRecord, field: str, level: str, reason: str) -> None:
    got = field_of(a, b, field)
    assert (got.level, got.reason) == (level, reason)
    assert got.weight == round(WEIGHTS[field][level], 2)
