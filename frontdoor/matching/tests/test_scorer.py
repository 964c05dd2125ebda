"""scorer.py: the model, and whole records.

Each field's comparison levels, weights and plain-word reasons are tested in test_scorer_names,
test_scorer_dates and test_scorer_fields; properties that hold for any records (symmetry, a
record matches itself best, nothing raises) in test_scorer_properties.
"""

from __future__ import annotations

from datetime import date

from frontdoor.matching.record import MatchRecord
from frontdoor.matching.scorer import FIELD_LABELS, PROBABILITIES, WEIGHTS, MatchScore, score
from frontdoor.matching.tests.scoring import CHECKED, rec

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
