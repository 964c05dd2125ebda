"""scorer.py: properties that hold for any records (symmetry, a record matches itself best,
nothing raises)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import score
from frontdoor.matching.tests.scoring import CHECKED, CHECKED_OTHER, rec

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
