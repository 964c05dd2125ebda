"""Blocking keys: the few indexed values a record shares with every record it could match.

Scoring every child against every other is impossible at a million records, so each record
is filed under short keys (sound of a name, date parts, postcode, identifiers) and a search
scores only the records sharing at least one key with it. Keys combine two weak values
(a surname's sound *and* a year of birth) so that each key holds few records, and several
different keys cover each kind of error: a misspelt name still shares the date key, a wrong
date still shares the name-pair key, names written the wrong way round share the sorted
name-pair key. Nickname groups share a key because a name is filed under the sound of every
full name it can be short for (Bill under William).
"""

from __future__ import annotations

from datetime import date

from frontdoor.matching.names import Name, canonical_forms, sound
from frontdoor.matching.record import MatchRecord

MAX_KEY = 64
MAX_GIVEN_SOUNDS = 8


def _given_sounds(names: tuple[Name, ...]) -> set[str]:
    out: set[str] = set()
    for name in names:
        first = name.parts[0]
        out.add(sound(first))
        if name.sound:
            out.add(name.sound)
        for form in sorted(canonical_forms(first))[:MAX_GIVEN_SOUNDS]:
            out.add(sound(form))
    return {s for s in out if s}


def _family_sounds(names: tuple[Name, ...]) -> set[str]:
    out: set[str] = set()
    for name in names:
        out.add(name.sound)
        out.update(name.part_sounds)
    return {s for s in out if s}


def _month(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}"


def _months_around(d: date) -> list[str]:
    index = d.year * 12 + d.month - 1
    return [f"{(i // 12):04d}{(i % 12) + 1:02d}" for i in (index - 1, index, index + 1)]


def record_keys(record: MatchRecord, *, query: bool = False) -> set[str]:
    """The keys a record is filed under; a query also looks in the neighbouring months."""
    keys: set[str] = set()
    if record.nhs_number:
        keys.add(f"n:{record.nhs_number}")
    if record.upn:
        keys.add(f"u:{record.upn}")
    given = _given_sounds(record.given)
    family = _family_sounds(record.family)
    dob = record.date_of_birth
    if dob is not None:
        low, high = sorted((dob.month, dob.day))
        keys.add(f"d:{dob.year:04d}{low:02d}{high:02d}")  # day and month either way round
    if record.birth_year:
        for f in family:
            keys.add(f"y:{f}:{record.birth_year}")
        for g in given:
            keys.add(f"yg:{g}:{record.birth_year}")
    for g in given:
        for f in family:
            keys.add("nm:" + ":".join(sorted((g, f))))
    for postcode in record.postcodes:
        compact = postcode.replace(" ", "")
        for f in family:
            keys.add(f"pf:{compact}:{f}")
        for g in given:
            keys.add(f"pg:{compact}:{g}")
    # Unborn children: filed by the month they are expected; a born child by the month of
    # birth, so that a baby recorded before birth is found once born.
    birth = dob or record.expected_date_of_birth
    if birth is not None:
        months = _months_around(birth) if query else [_month(birth)]
        for m in months:
            for f in family:
                keys.add(f"ef:{m}:{f}")
            for postcode in record.postcodes:
                keys.add(f"ep:{m}:{postcode.replace(' ', '')}")
    return {k[:MAX_KEY] for k in keys}


def name_keys(record: MatchRecord) -> set[str]:
    """A name alone: the sound of each last name, and of each first name as written.

    These blocks are large (every Smith), so the database files every child under them but a
    search uses them only when it has nothing else (a search by surname only); the batch
    commands do not use them at all.
    """
    keys = {f"f:{f}" for f in _family_sounds(record.family)}
    keys |= {f"g:{sound(n.parts[0])}" for n in record.given if sound(n.parts[0])}
    return {k[:MAX_KEY] for k in keys}


#: Adults (parents, carers, alleged perpetrators) are filed under the same keys with this
#: prefix, so a search for a child never scores an adult and a search for an adult never
#: scores a child, without a join to the person's kind on every search.
ADULT_PREFIX = "a|"
KINDS = ("child", "adult")


def for_kind(keys: set[str], kind: str) -> set[str]:
    """``keys`` in the namespace of people of ``kind`` ("child" or "adult")."""
    if kind == "adult":
        return {(ADULT_PREFIX + k)[:MAX_KEY] for k in keys}
    return keys


def stored_keys(record: MatchRecord) -> set[str]:
    """Every key the database files a child under."""
    return record_keys(record) | name_keys(record)


def search_keys(record: MatchRecord) -> set[str]:
    """The keys a search looks in: the combined keys, or failing those the names alone."""
    return record_keys(record, query=True) or name_keys(record)
