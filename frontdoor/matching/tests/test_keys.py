"""keys.py: a record with the usual errors still shares a blocking key with the original, so a
search (or a batch run) scores it at all."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.matching.keys import MAX_KEY, record_keys
from frontdoor.matching.record import MatchRecord

GIVEN = [
    "William", "Bill", "Alexander", "Alexandra", "Alex", "Olivia", "Mohammed", "Aaliyah",
    "Zoë", "Sam", "Katherine", "Jack", "Anne-Marie", "Мария", "Oliver", "Isla",
]  # fmt: skip
FAMILY = [
    "Smith", "Jones", "Smith-Jones", "O'Brien", "Nguyen", "Kowalczyk", "Mc Donald", "Brown",
    "Patel", "Okonkwo", "Thompson", "Иванова",
]  # fmt: skip
NICKNAMES = {
    "William": "Bill",
    "Bill": "William",
    "Alexander": "Alex",
    "Alexandra": "Alex",
    "Alex": "Alexandra",
    "Katherine": "Kate",
    "Jack": "John",
    "Oliver": "Ollie",
}
POSTCODES = ["PE1 1XX", "CB2 3QQ", "NR1 4TT", "LN6 7AB", "M1 1AE"]


def build(given: str, family: str, born: date | None, postcode: str, nhs: str) -> MatchRecord:
    return MatchRecord.build(
        given_names=[given] if given else [],
        family_names=[family] if family else [],
        date_of_birth=born,
        postcodes=[postcode] if postcode else [],
        nhs_number=nhs,
    )


@st.composite
def typo(draw: st.DrawFn, text: str) -> str:
    """One typing error: a letter wrong, missing, doubled, or two neighbours swapped."""
    if len(text) < 2:
        return text + "e"
    i = draw(st.integers(0, len(text) - 2))
    kind = draw(st.sampled_from(["wrong", "missing", "doubled", "swapped"]))
    if kind == "wrong":
        return text[:i] + draw(st.sampled_from("aeioulnrst")) + text[i + 1 :]
    if kind == "missing":
        return text[:i] + text[i + 1 :]
    if kind == "doubled":
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


@st.composite
def wrong_date(draw: st.DrawFn, born: date) -> date:
    """Day and month swapped, one digit wrong, or a nearby date."""
    kind = draw(st.sampled_from(["swapped", "digit", "nearby"]))
    if kind == "swapped" and born.day <= 12:
        return born.replace(month=born.day, day=born.month)
    if kind == "digit":
        digits = list(born.strftime("%Y%m%d"))
        i = draw(st.sampled_from([3, 5, 7]))  # last digit of the year, month or day
        for d in "0123456789":
            digits[i] = d
            text = "".join(digits)
            try:
                wrong = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            except ValueError:
                continue
            if wrong != born:
                return wrong
    return born + timedelta(days=draw(st.integers(1, 60)))


NAME_ERRORS = ["given_typo", "family_typo", "nickname", "swapped", "given_blank", "family_part"]
OTHER_ERRORS = ["date", "date_blank", "moved", "postcode_blank", "nhs_blank"]


@st.composite
def original_and_variant(draw: st.DrawFn) -> tuple[MatchRecord, MatchRecord, list[str]]:
    """A child, and another record of the same child with one error in the names, one in the
    other fields, or one of each (the usual errors of a second record of a child)."""
    given = draw(st.sampled_from(GIVEN))
    family = draw(st.sampled_from(FAMILY))
    born = draw(st.dates(min_value=date(2005, 1, 1), max_value=date(2026, 12, 31)))
    postcode = draw(st.sampled_from(POSTCODES))
    nhs = draw(st.sampled_from(["", "9434765919"]))
    original = build(given, family, born, postcode, nhs)
    errors = draw(
        st.sampled_from(
            [[e] for e in NAME_ERRORS + OTHER_ERRORS]
            + [[n, o] for n in NAME_ERRORS for o in OTHER_ERRORS if o != "date_blank"]
        )
    )
    g, f, p, n = given, family, postcode, nhs
    b: date | None = born
    for error in errors:
        if error == "given_typo":
            g = draw(typo(g))
        elif error == "family_typo":
            f = draw(typo(f))
        elif error == "nickname":
            g = NICKNAMES.get(g, g)
        elif error == "swapped":
            g, f = f, g
        elif error == "given_blank":
            g = ""
        elif error == "family_part":
            f = f.split("-")[0] if "-" in f else f"{f}-Brown"
        elif error == "date":
            b = draw(wrong_date(born))
        elif error == "date_blank":
            b = None
        elif error == "moved":
            p = draw(st.sampled_from([c for c in POSTCODES if c != postcode]))
        elif error == "postcode_blank":
            p = ""
        elif error == "nhs_blank":
            n = ""
    return original, build(g, f, b, p, n), errors


@settings(max_examples=500, deadline=None)
@given(original_and_variant())
def test_a_variant_with_the_usual_errors_shares_a_key_with_the_original(
    case: tuple[MatchRecord, MatchRecord, list[str]],
) -> None:
    original, variant, errors = case
    assert record_keys(original) & record_keys(variant), errors


@settings(max_examples=200, deadline=None)
@given(original_and_variant())
def test_a_search_finds_what_the_filed_keys_find(
    case: tuple[MatchRecord, MatchRecord, list[str]],
) -> None:
    """A query's keys include every key it would be filed under (and neighbouring months)."""
    original, variant, _ = case
    assert record_keys(original) <= record_keys(original, query=True)
    assert record_keys(variant) & record_keys(original, query=True)


def test_nickname_without_any_other_shared_value_still_shares_the_name_key() -> None:
    a = build("William", "Smith", date(2015, 3, 4), "", "")
    b = build("Bill", "Smith", date(2016, 8, 9), "", "")
    assert record_keys(a) & record_keys(b)


def test_day_and_month_either_way_round_share_the_date_key() -> None:
    a = build("Sam", "Jones", date(2015, 3, 4), "", "")
    b = build("Olivia", "Brown", date(2015, 4, 3), "", "")
    assert "d:20150304" in record_keys(a) & record_keys(b)


def test_an_unborn_child_shares_a_key_with_the_baby_born_next_month() -> None:
    unborn = MatchRecord.build(family_names=["Jones"], expected_date_of_birth=date(2026, 6, 28))
    baby = MatchRecord.build(family_names=["Jones"], date_of_birth=date(2026, 7, 2))
    assert record_keys(baby, query=True) & record_keys(unborn)


def test_identifiers_are_keys() -> None:
    keys = record_keys(MatchRecord.build(nhs_number="943 476 5919", upn="a123"))
    assert {"n:9434765919", "u:A123"} <= keys


def test_an_empty_record_has_no_keys() -> None:
    assert record_keys(MatchRecord.build()) == set()


@given(
    st.lists(st.text(), max_size=3),
    st.lists(st.text(), max_size=3),
    st.none() | st.dates(),
    st.none() | st.dates(),
    st.lists(st.text(), max_size=3),
    st.text(),
)
def test_keys_never_raise_and_are_short(
    given_names: list[str],
    family_names: list[str],
    born: date | None,
    expected: date | None,
    postcodes: list[str],
    nhs: str,
) -> None:
    record = MatchRecord.build(
        given_names=given_names,
        family_names=family_names,
        date_of_birth=born,
        expected_date_of_birth=expected,
        postcodes=postcodes,
        nhs_number=nhs,
        upn=nhs,
    )
    for query in (False, True):
        assert all(0 < len(key) <= MAX_KEY for key in record_keys(record, query=query))
