"""scorer.py: every comparison level, its weight and its plain-word reason; and properties
that hold for any records (symmetry, a record matches itself best, nothing raises)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import (
    FIELD_LABELS,
    PROBABILITIES,
    WEIGHTS,
    FieldScore,
    MatchScore,
    score,
)

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


# --- The model --------------------------------------------------------------------------


def test_every_field_has_a_label_and_every_level_a_weight_from_m_and_u() -> None:
    assert set(FIELD_LABELS) == set(PROBABILITIES)
    for levels in PROBABILITIES.values():
        for m, u in levels.values():
            assert 0 < m <= 1
            assert 0 < u <= 1


def test_agreement_is_evidence_for_and_disagreement_against() -> None:
    for field, levels in WEIGHTS.items():
        for level, weight in levels.items():
            if level.startswith("different"):
                assert weight < 0, (field, level)
            elif level in ("exact", "same", "exact_unchecked", "swapped"):
                assert weight > 0, (field, level)


def test_weaker_levels_weigh_less_than_exact_agreement() -> None:
    given = WEIGHTS["given_name"]
    assert given["exact"] > given["nickname"] > given["sounds"] > given["initial"]
    assert given["exact"] > given["typo"] > given["first_part"]
    family = WEIGHTS["family_name"]
    assert family["exact"] > family["part"] > family["typo"] > family["sounds"]
    dob = WEIGHTS["date_of_birth"]
    assert dob["exact"] > dob["swapped"] > dob["typo"] > dob["year_month"] > 0
    postcode = WEIGHTS["postcode"]
    assert postcode["exact"] > postcode["previous"] > postcode["sector"] > postcode["district"]


def test_missing_values_on_either_side_give_no_evidence() -> None:
    full = rec(
        given="Sam",
        family="Jones",
        date_of_birth=date(2015, 3, 4),
        sex="M",
        postcode="PE1 1XX",
        address="1 Mill Lane",
        nhs_number=CHECKED,
        upn="A123456789012",
    )
    result = score(full, MatchRecord.build())
    assert result.weight == 0
    assert result.fields == ()


def test_the_total_is_the_sum_of_the_fields_and_reasons_are_strongest_first() -> None:
    a = rec(given="Sam", family="Jones", date_of_birth=date(2015, 3, 4), sex="M")
    b = rec(given="Sam", family="Brown", date_of_birth=date(2015, 3, 4), sex="M")
    result = score(a, b)
    assert result.weight == round(sum(f.weight for f in result.fields), 2)
    assert result.reasons[0] == "same date of birth"
    assert result.reasons[-1] == "same sex"
    assert result.summary.startswith("Same date of birth, ")
    assert {f.label for f in result.fields} == {"First name", "Last name", "Date of birth", "Sex"}


def test_summary_of_nothing_is_empty() -> None:
    assert MatchScore(weight=0, fields=()).summary == ""


# --- First names ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("Sam", "SAM", "exact", "same first name", id="exact-any-case"),
        pytest.param("Zoë", "Zoe", "exact", "same first name", id="exact-accent"),
        pytest.param(
            "Bill", "William", "nickname", "first name is a short form (Bill / William)",
            id="nickname-bill-william",
        ),
        pytest.param(
            "Alex", "Alexander", "nickname", "first name is a short form (Alex / Alexander)",
            id="nickname-alex-alexander",
        ),
        pytest.param(
            "Alex", "Alexandra", "nickname", "first name is a short form (Alex / Alexandra)",
            id="nickname-alex-alexandra",
        ),
        pytest.param(
            "Sandy", "Alex", "nickname", "first name is a short form (Sandy / Alex)",
            id="nickname-two-short-forms",
        ),
        pytest.param(
            "Olivia", "Olivai", "typo", "first name spelt slightly differently (Olivia / Olivai)",
            id="typo-transposed",
        ),
        pytest.param(
            "Aaliyah", "Aliya", "typo", "first name spelt slightly differently (Aaliyah / Aliya)",
            id="typo-missing-letters",
        ),
        pytest.param(
            "Anne-Marie", "Marie", "first_part", "first name shares a part (Anne-Marie / Marie)",
            id="first-part-hyphenated",
        ),
        pytest.param(
            "Mary Jane", "Mary", "first_part", "first name shares a part (Mary Jane / Mary)",
            id="first-part-double",
        ),
        pytest.param(
            "Stephen", "Steven", "sounds", "first name sounds alike (Stephen / Steven)",
            id="phonetic",
        ),
        pytest.param(
            "Mohammed", "Muhammad", "sounds", "first name sounds alike (Mohammed / Muhammad)",
            id="phonetic-transliteration",
        ),
        pytest.param("J", "James", "initial", "first name matches only by initial", id="initial"),
        pytest.param(
            "Sam", "Olivia", "different", "different first name (Sam / Olivia)", id="different"
        ),
    ],
)  # fmt: skip
def test_first_name_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(given=a), rec(given=b), "given_name", level, reason)


def test_first_name_matching_an_earlier_name_says_so() -> None:
    a = rec(given=["Samira", "Sam"])
    b = rec(given="Sam")
    got = field_of(a, b, "given_name")
    assert got.level == "exact"
    assert got.reason == "same first name (a previous name)"


def test_non_latin_first_name_matches_its_latin_spelling() -> None:
    assert field_of(rec(given="Мария"), rec(given="Mariya"), "given_name").level == "exact"


# --- Last names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("Jones", "jones", "exact", "same last name", id="exact"),
        pytest.param(
            "Smith-Jones", "Jones", "part",
            "last name shares a part of a double or hyphenated name (Smith-Jones / Jones)",
            id="hyphenated",
        ),
        pytest.param(
            "Smith Jones", "Smith", "part",
            "last name shares a part of a double or hyphenated name (Smith Jones / Smith)",
            id="double",
        ),
        pytest.param(
            "Jones-Smith", "Smith-Jones", "part",
            "last name shares a part of a double or hyphenated name (Jones-Smith / Smith-Jones)",
            id="double-reordered",
        ),
        pytest.param(
            "Thompson", "Thomson", "typo",
            "last name spelt slightly differently (Thompson / Thomson)", id="typo",
        ),
        pytest.param(
            "Smith", "Smyth", "sounds", "last name sounds alike (Smith / Smyth)", id="phonetic"
        ),
        pytest.param(
            "Smith", "Brown", "different", "different last name (Smith / Brown)", id="different"
        ),
    ],
)  # fmt: skip
def test_last_name_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(family=a), rec(family=b), "family_name", level, reason)


def test_last_name_matching_a_previous_name_says_so() -> None:
    got = field_of(rec(family=["Brown", "Jones"]), rec(family="Jones"), "family_name")
    assert got.level == "exact"
    assert got.reason == "same last name (a previous name)"


def test_first_and_last_names_swapped() -> None:
    a = rec(given="John", family="Smith")
    b = rec(given="Smith", family="John")
    result = score(a, b)
    assert [(f.field, f.level, f.reason) for f in result.fields] == [
        ("names_swapped", "swapped", "first and last names swapped")
    ]
    assert result.weight == round(WEIGHTS["names_swapped"]["swapped"], 2)
    assert result.weight > 0


def test_swapped_names_with_a_typo_still_count_as_swapped() -> None:
    a = rec(given="Jonathan", family="Smith")
    b = rec(given="Smith", family="Jonathon")
    assert [f.level for f in score(a, b).fields] == ["swapped"]


def test_names_in_the_right_fields_are_not_called_swapped() -> None:
    a = rec(given="John", family="Smith")
    fields = score(a, rec(given="John", family="Smith")).fields
    assert [f.field for f in fields] == ["given_name", "family_name"]


def test_a_given_name_that_is_also_a_surname_is_not_swapped_when_names_agree() -> None:
    # Thomas James / James Thomas: both readings fit; the straight reading is exact.
    a = rec(given="Thomas", family="James")
    assert [f.level for f in score(a, rec(given="Thomas", family="James")).fields] == [
        "exact",
        "exact",
    ]


# --- Dates of birth ---------------------------------------------------------------------

BORN = date(2015, 3, 4)


@pytest.mark.parametrize(
    ("other", "level", "reason"),
    [
        pytest.param(date(2015, 3, 4), "exact", "same date of birth", id="exact"),
        pytest.param(date(2015, 4, 3), "swapped", "day and month of birth swapped", id="swapped"),
        pytest.param(
            date(2015, 3, 14), "typo", "date of birth differs by one digit", id="one-digit-day"
        ),
        pytest.param(
            date(2016, 3, 4), "typo", "date of birth differs by one digit", id="one-digit-year"
        ),
        pytest.param(
            date(2015, 3, 25), "year_month", "born in the same month, different day",
            id="same-month",
        ),
        pytest.param(date(2012, 11, 20), "different", "different date of birth", id="different"),
    ],
)  # fmt: skip
def test_date_of_birth_levels(other: date, level: str, reason: str) -> None:
    assert_level(rec(date_of_birth=BORN), rec(date_of_birth=other), "date_of_birth", level, reason)


def test_neighbouring_digits_typed_the_wrong_way_round_are_one_typing_error() -> None:
    got = field_of(
        rec(date_of_birth=date(2015, 3, 12)), rec(date_of_birth=date(2015, 3, 21)), "date_of_birth"
    )
    assert got.level == "typo"  # 20150312 / 20150321: the last two digits swapped


def test_same_day_and_month_is_not_called_swapped() -> None:
    got = field_of(
        rec(date_of_birth=date(2015, 5, 5)), rec(date_of_birth=date(2015, 5, 5)), "date_of_birth"
    )
    assert got.level == "exact"


@pytest.mark.parametrize(
    ("partial", "level", "reason"),
    [
        pytest.param({"birth_year": 2015}, "partial_year", "born in the year given", id="year"),
        pytest.param(
            {"birth_year": 2015, "birth_month": 3}, "partial_year_month",
            "born in the month and year given", id="year-month",
        ),
        pytest.param({"birth_year": 2014}, "different", "born in a different year", id="year-no"),
        pytest.param(
            {"birth_year": 2015, "birth_month": 4}, "different", "born in a different month",
            id="month-no",
        ),
    ],
)  # fmt: skip
def test_a_partial_date_of_birth_in_a_search(
    partial: dict[str, int], level: str, reason: str
) -> None:
    query = rec(**partial)
    child = rec(date_of_birth=BORN)
    assert_level(query, child, "date_of_birth", level, reason)
    assert_level(child, query, "date_of_birth", level, reason)


@pytest.mark.parametrize(
    ("born", "level", "reason"),
    [
        pytest.param(
            date(2026, 5, 20), "expected_close", "born within a month of the expected date",
            id="within-a-month",
        ),
        pytest.param(
            date(2026, 7, 20), "expected_near", "born within three months of the expected date",
            id="within-three-months",
        ),
        pytest.param(
            date(2026, 12, 1), "different", "expected date of birth far from the other date",
            id="far",
        ),
    ],
)  # fmt: skip
def test_an_unborn_child_and_a_born_child(born: date, level: str, reason: str) -> None:
    unborn = rec(family="Jones", expected_date_of_birth=date(2026, 6, 1))
    baby = rec(family="Jones", date_of_birth=born)
    assert_level(unborn, baby, "date_of_birth", level, reason)
    assert_level(baby, unborn, "date_of_birth", level, reason)


def test_two_unborn_records_compare_their_expected_dates() -> None:
    a = rec(expected_date_of_birth=date(2026, 6, 1))
    b = rec(expected_date_of_birth=date(2026, 6, 20))
    assert field_of(a, b, "date_of_birth").level == "expected_close"


def test_a_record_with_a_date_of_birth_ignores_an_expected_date() -> None:
    record = rec(date_of_birth=BORN, expected_date_of_birth=date(2026, 6, 1))
    assert record.expected_date_of_birth is None


# --- Sex, postcode, address -------------------------------------------------------------


def test_sex_levels() -> None:
    assert_level(rec(sex="F"), rec(sex="F"), "sex", "same", "same sex")
    assert_level(rec(sex="F"), rec(sex="M"), "sex", "different", "different sex recorded")
    assert not score(rec(sex="F"), rec(sex="U")).fields  # unknown is not compared


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param(["PE1 1XX"], ["pe11xx"], "exact", "same postcode", id="exact"),
        pytest.param(
            ["PE2 9ZZ", "PE1 1XX"], ["PE1 1XX"], "previous",
            "lived at the same postcode (PE1 1XX)", id="previous",
        ),
        pytest.param(
            ["PE1 1XX"], ["PE1 1YZ"], "sector", "same postcode sector (PE1 1)", id="sector"
        ),
        pytest.param(
            ["PE1 1XX"], ["PE1 9YZ"], "district", "same postcode district (PE1)", id="district"
        ),
        pytest.param(["PE1 1XX"], ["CB2 3QQ"], "different", "different postcode", id="different"),
    ],
)  # fmt: skip
def test_postcode_levels(a: list[str], b: list[str], level: str, reason: str) -> None:
    assert_level(rec(postcodes=a), rec(postcodes=b), "postcode", level, reason)


def test_a_previous_postcode_on_both_sides_counts() -> None:
    a = rec(postcodes=["CB2 3QQ", "PE1 1XX"])
    b = rec(postcodes=["NR1 1AA", "PE1 1XX"])
    assert field_of(a, b, "postcode").reason == "lived at the same postcode (PE1 1XX)"


@pytest.mark.parametrize(
    ("a", "b", "level", "reason"),
    [
        pytest.param("1 Mill Lane, Peterborough", "1 mill lane peterborough", "same",
                     "same address", id="same"),
        pytest.param("Flat 2, 1 Mill Lane, Peterborough", "1 Mill Ln, Peterboro", "similar",
                     "similar address", id="similar"),
        pytest.param("1 Mill Lane, Peterborough", "99 Station Road, Norwich", "different",
                     "different address", id="different"),
    ],
)  # fmt: skip
def test_address_levels(a: str, b: str, level: str, reason: str) -> None:
    assert_level(rec(address=a), rec(address=b), "address", level, reason)


# --- Identifiers ------------------------------------------------------------------------


def test_the_same_checked_nhs_number_is_strong_evidence() -> None:
    got = field_of(rec(nhs_number=CHECKED), rec(nhs_number="943 476 5919"), "nhs_number")
    assert (got.level, got.reason) == ("exact", "same NHS number")
    assert got.weight > 19
    # Stronger than everything else agreeing except the identifiers.
    others = max(WEIGHTS["names_swapped"].values())
    assert got.weight > others


def test_different_checked_nhs_numbers_count_against() -> None:
    assert_level(
        rec(nhs_number=CHECKED),
        rec(nhs_number=CHECKED_OTHER),
        "nhs_number",
        "different",
        "different NHS number",
    )


def test_an_unchecked_identifier_is_weaker_than_a_checked_nhs_number() -> None:
    got = field_of(rec(nhs_number="1234567"), rec(nhs_number="1234567"), "nhs_number")
    assert (got.level, got.reason) == (
        "exact_unchecked",
        "same identifier (not a checked NHS number)",
    )
    assert got.weight < WEIGHTS["nhs_number"]["exact"]


def test_an_unchecked_identifier_one_digit_wrong() -> None:
    assert_level(
        rec(nhs_number="9434765918"),  # the check digit is wrong: a typing error
        rec(nhs_number=CHECKED),
        "nhs_number",
        "typo_unchecked",
        "identifier differs by one digit",
    )


def test_different_unchecked_identifiers() -> None:
    assert_level(
        rec(nhs_number="1234567"),
        rec(nhs_number="7654321"),
        "nhs_number",
        "different_unchecked",
        "different identifier",
    )


def test_an_identifier_that_is_not_digits_is_ignored() -> None:
    assert rec(nhs_number="not known").nhs_number == ""
    assert not score(rec(nhs_number="not known"), rec(nhs_number=CHECKED)).fields


def test_upn_levels() -> None:
    assert_level(rec(upn="a123 456 789 012"), rec(upn="A123456789012"), "upn", "exact", "same UPN")
    assert_level(rec(upn="A123456789012"), rec(upn="B999"), "upn", "different", "different UPN")


# --- Whole records ----------------------------------------------------------------------


def test_same_child_with_typical_errors_scores_above_the_duplicate_threshold() -> None:
    a = rec(
        given="William",
        family="Smith-Jones",
        date_of_birth=date(2015, 3, 4),
        sex="M",
        postcode="PE1 1XX",
        address="1 Mill Lane",
    )
    b = rec(
        given="Bill",
        family="Jones",
        date_of_birth=date(2015, 4, 3),
        sex="M",
        postcode="PE1 1XX",
        address="1 Mill Ln",
    )
    assert score(a, b).weight >= 12  # MatchSettings.duplicate_at's default


def test_different_children_score_below_zero() -> None:
    a = rec(given="Sam", family="Jones", date_of_birth=date(2015, 3, 4), postcode="PE1 1XX")
    b = rec(given="Olivia", family="Brown", date_of_birth=date(2011, 9, 22), postcode="NR2 4TT")
    assert score(a, b).weight < 0


# --- Properties -------------------------------------------------------------------------

GIVEN = ["Sam", "William", "Bill", "Alex", "Alexandra", "Olivia", "Zoë", "Мария", "Anne-Marie"]
FAMILY = ["Jones", "Smith-Jones", "Smith", "O'Brien", "Nguyễn", "Brown", "Mc Donald"]
names = st.sampled_from(GIVEN) | st.text(max_size=30)
family_names = st.sampled_from(FAMILY) | st.text(max_size=30)
dates = st.none() | st.dates(min_value=date(1990, 1, 1), max_value=date(2030, 12, 31))
postcode_values = st.sampled_from(["PE1 1XX", "PE1 1YZ", "PE1 9AA", "CB2 3QQ", ""]) | st.text(
    max_size=10
)
address_values = st.sampled_from(["1 Mill Lane", "2 Mill Lane"]) | st.text(max_size=40)
identifiers = st.sampled_from(["", CHECKED, CHECKED_OTHER, "1234567", "9434765918"]) | st.text(
    alphabet="0123456789 -", max_size=12
)


@st.composite
def records(draw: st.DrawFn, partial_dates: bool = True) -> MatchRecord:
    """Any record; with ``partial_dates`` it may be a search's (a year, or a year and month,
    of birth and no full date)."""
    born = draw(dates)
    partial = partial_dates and born is None
    return MatchRecord.build(
        id=draw(st.text(max_size=5)),
        given_names=draw(st.lists(names, max_size=3)),
        family_names=draw(st.lists(family_names, max_size=3)),
        date_of_birth=born,
        birth_year=draw(st.none() | st.integers(1990, 2030)) if partial else None,
        birth_month=draw(st.none() | st.integers(1, 12)) if partial else None,
        expected_date_of_birth=draw(dates),
        sex=draw(st.sampled_from(["", "M", "F", "U"])),
        postcodes=draw(st.lists(postcode_values, max_size=3)),
        addresses=draw(st.lists(address_values, max_size=2)),
        nhs_number=draw(identifiers),
        upn=draw(st.sampled_from(["", "A123456789012", "B1"])),
    )


@settings(max_examples=300, deadline=None)
@given(records(), records(partial_dates=False))
def test_score_is_symmetric(a: MatchRecord, b: MatchRecord) -> None:
    """Any record (a search's, with a partial date, or a child's) against a child's."""
    assert score(a, b).weight == score(b, a).weight


def test_two_partial_dates_of_birth_compare_symmetrically() -> None:
    year = rec(birth_year=1990)
    year_month = rec(birth_year=1990, birth_month=1)
    assert score(year, year_month).weight == score(year_month, year).weight


@st.composite
def modified(draw: st.DrawFn, record: MatchRecord) -> MatchRecord:
    """A copy of ``record`` with some fields changed, blanked or mistyped."""
    given = [n.text for n in record.given]
    family = [n.text for n in record.family]
    born = record.date_of_birth
    postcodes = list(record.postcodes)
    nhs = record.nhs_number
    sex = record.sex
    for change in draw(st.lists(st.integers(0, 9), min_size=1, max_size=3)):
        if change == 0 and given:
            given[0] = given[0][:-1] + draw(st.sampled_from("aeiouxyz"))
        elif change == 1:
            given = draw(st.lists(names, max_size=2))
        elif change == 2:
            family = draw(st.lists(family_names, max_size=2))
        elif change == 3:
            given, family = family, given
        elif change == 4 and born is not None:
            if born.day <= 12 and draw(st.booleans()):
                born = born.replace(month=born.day, day=born.month)  # day and month swapped
            else:
                born += timedelta(days=draw(st.integers(-400, 400)))
        elif change == 5:
            born = draw(dates)
        elif change == 6:
            postcodes = draw(st.lists(postcode_values, max_size=2))
        elif change == 7:
            nhs = draw(identifiers)
        elif change == 8:
            sex = draw(st.sampled_from(["", "M", "F"]))
        else:
            given, family, born = [], [], None
    return MatchRecord.build(
        given_names=given,
        family_names=family,
        date_of_birth=born,
        sex=sex,
        postcodes=postcodes,
        addresses=record.addresses,
        nhs_number=nhs,
        upn=record.upn,
    )


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_a_record_matches_itself_at_least_as_well_as_any_modified_copy(data: st.DataObject) -> None:
    record = data.draw(records())
    copy = data.draw(modified(record))
    assert score(record, record).weight >= score(record, copy).weight


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.text(), max_size=3),
    st.lists(st.text(), max_size=3),
    st.none() | st.dates(),
    st.none() | st.dates(),
    st.none() | st.integers(-10, 10_000),
    st.none() | st.integers(-5, 20),
    st.text(),
    st.lists(st.text(), max_size=3),
    st.lists(st.text(), max_size=3),
    st.text(),
    st.text(),
)
def test_building_and_scoring_never_raise_on_arbitrary_text_and_dates(
    given_names: list[str],
    family_names: list[str],
    born: date | None,
    expected: date | None,
    year: int | None,
    month: int | None,
    sex: str,
    postcodes: list[str],
    addresses: list[str],
    nhs: str,
    upn: str,
) -> None:
    a = MatchRecord.build(
        given_names=given_names,
        family_names=family_names,
        date_of_birth=born,
        expected_date_of_birth=expected,
        birth_year=year,
        birth_month=month,
        sex=sex,
        postcodes=postcodes,
        addresses=addresses,
        nhs_number=nhs,
        upn=upn,
    )
    b = MatchRecord.build(
        given_names=list(reversed(family_names)),
        family_names=given_names,
        date_of_birth=expected,
        expected_date_of_birth=born,
        postcodes=list(reversed(postcodes)),
        nhs_number=nhs[::-1],
    )
    for x, y in ((a, b), (b, a), (a, a)):
        result = score(x, y)
        assert result.weight == round(sum(f.weight for f in result.fields), 2)
        assert all(isinstance(reason, str) and reason for reason in result.reasons)
