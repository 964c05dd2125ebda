"""Brothers, sisters and twins share a home: the scorer must not take them for one child."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.core.management import call_command

from frontdoor.matching.models import MatchSettings
from frontdoor.matching.names import clean
from frontdoor.matching.scorer import score
from frontdoor.matching.tests.scoring import field_of, rec

DUPLICATE_AT = MatchSettings().duplicate_at
HOME = {"postcode": "PE1 1AA", "address": "12 Mill Lane, Peterborough", "sex": "M"}


def test_siblings_at_one_address_are_not_proposed_as_duplicates() -> None:
    older = rec(given="Jack", family="Smith", date_of_birth=date(2014, 3, 9), **HOME)
    younger = rec(given="Oscar", family="Smith", date_of_birth=date(2017, 6, 21), **HOME)
    assert score(older, younger).weight < DUPLICATE_AT


def test_twins_are_not_proposed_as_duplicates_but_are_explained() -> None:
    one = rec(given="Jack", family="Smith", date_of_birth=date(2014, 3, 9), **HOME)
    two = rec(given="Oscar", family="Smith", date_of_birth=date(2014, 3, 9), **HOME)
    result = score(one, two)
    assert result.weight < DUPLICATE_AT
    assert "possibly twins" in field_of(one, two, "given_name").reason
    # Without the rule (batch data without families) the same pair scores far higher.
    assert score(one, two, twins=False).weight > result.weight + 10


def test_the_same_child_recorded_again_at_home_is_still_high() -> None:
    one = rec(given="William", family="Smith", date_of_birth=date(2014, 3, 9), **HOME)
    again = rec(given="Bill", family="Smyth", date_of_birth=date(2014, 9, 3), **HOME)
    assert score(one, again).weight >= MatchSettings().high_at


def test_within_one_postcode_the_address_only_says_which_house() -> None:
    here = rec(postcode="PE1 1AA", address="12 Mill Lane")
    same = rec(postcode="PE1 1AA", address="12 Mill Lane")
    next_door = rec(postcode="PE1 1AA", address="14 Mill Lane")
    assert field_of(here, same, "address").level == "same_house"
    assert field_of(here, next_door, "address").level == "other_house"
    assert field_of(here, next_door, "address").weight < 0


def test_neighbouring_house_numbers_are_different_addresses() -> None:
    a = rec(postcode="PE1 1AA", address="75 Station Road")
    b = rec(postcode="CB2 3QQ", address="76 Station Road")
    assert field_of(a, b, "address").level == "different"


def test_two_checked_nhs_numbers_that_differ_count_strongly_against() -> None:
    a = rec(given="Sam", nhs_number="943 476 5919")
    b = rec(given="Sam", nhs_number="401 023 2137")
    assert field_of(a, b, "nhs_number").weight < -9


def test_emoji_and_symbols_are_not_names() -> None:
    assert clean("😀") == ""
    assert clean("Sam😀") == "sam"
    assert clean("Zoë ★ Smith") == "zoe smith"


def test_the_batch_commands_can_turn_the_twins_rule_off(tmp_path: Path) -> None:
    source = tmp_path / "people.csv"
    source.write_text(
        "id,given_name,family_name,date_of_birth,sex,postcode,address,nhs_number\n"
        "1,Jack,Smith,2014-03-09,M,PE1 1AA,12 Mill Lane,\n"
        "2,Oscar,Smith,2014-03-09,M,PE1 1AA,12 Mill Lane,\n"
    )
    out = tmp_path / "clusters.csv"
    call_command("match", "dedupe", str(source), "--out", str(out), "--quiet", "--threshold", "12")
    assert out.read_text().splitlines()[1:] == ["1,1", "2,2"]
    call_command(
        "match", "dedupe", str(source), "--out", str(out), "--quiet", "--threshold", "12",
        "--no-twins-rule",
    )  # fmt: skip
    assert out.read_text().splitlines()[1:] == ["1,1", "2,1"]
