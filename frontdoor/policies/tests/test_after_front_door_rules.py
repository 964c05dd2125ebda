"""Policy keys added for the work after the front door: strategy discussions, minutes, ICPC,
assessments, supervision, escalation stages and the management-oversight rule."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from frontdoor.clocks import Timescale, Unit
from frontdoor.policies.defaults import (
    DEFAULT_OFFICE_HOURS,
    DEFAULT_RULES,
    ESCALATION_STAGES,
    LATER_KEYS,
    OVERSIGHT_TRANSITIONS,
)
from frontdoor.policies.rules import parse_rules
from frontdoor.testing.factories import end_of_day, local


def parse(rules: dict[str, Any]) -> Any:
    return parse_rules(DEFAULT_OFFICE_HOURS, rules, 0.25)


def without(*keys: str) -> dict[str, Any]:
    return {k: v for k, v in copy.deepcopy(DEFAULT_RULES).items() if k not in keys}


def with_(**changes: Any) -> dict[str, Any]:
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(changes)
    return rules


def test_the_defaults() -> None:
    rules = parse(DEFAULT_RULES)
    days = Unit.WORKING_DAYS
    assert rules.timescale("strategy", "RED") == Timescale(Decimal(0), days)
    for rating in ("AMBER", "GREEN", "BLUE"):
        assert rules.timescale("strategy", rating) == Timescale(Decimal(1), days)
    assert rules.timescale("strategy_minutes") == Timescale(Decimal(1), days)
    assert rules.timescale("icpc") == Timescale(Decimal(15), days)
    assert rules.timescale("assessment") == Timescale(Decimal(45), days)
    assert rules.timescale("supervision") == Timescale(Decimal(20), days)
    assert [rules.timescale("escalation", s) for s in ESCALATION_STAGES] == [
        Timescale(Decimal(n), days) for n in (2, 3, 5, 10)
    ]
    assert rules.oversight.required_before == {"s47_no_conference", "assessment_not_in_need"}


def test_a_red_strategy_discussion_is_due_by_the_end_of_the_same_working_day() -> None:
    rules = parse(DEFAULT_RULES)
    decided = local(2026, 3, 6, 15, 30)  # a Friday afternoon
    assert rules.due("strategy", decided, "RED") == end_of_day(2026, 3, 6)
    assert rules.due("strategy", decided, "AMBER") == end_of_day(2026, 3, 9)


def test_an_icpc_is_due_15_working_days_after_the_discussion_across_easter() -> None:
    rules = parse(DEFAULT_RULES)
    # Thursday 26 March 2026; Good Friday 3 April and Easter Monday 6 April are not counted.
    due = rules.due("icpc", local(2026, 3, 26, 14))
    assert due == end_of_day(2026, 4, 20)
    assert due - local(2026, 3, 26, 14) > timedelta(days=21)


def test_a_version_published_before_the_new_keys_gets_their_defaults() -> None:
    old = parse(without(*LATER_KEYS))
    new = parse(DEFAULT_RULES)
    for clock in ("strategy_minutes", "icpc", "assessment", "supervision"):
        assert old.timescale(clock) == new.timescale(clock)
    assert old.rated["strategy"] == new.rated["strategy"]
    assert old.rated["escalation"] == new.rated["escalation"]
    assert old.oversight == new.oversight


def test_each_new_timescale_is_data_an_administrator_changes() -> None:
    rules = parse(
        with_(
            icpc={"duration": 10, "unit": "working_days"},
            escalation={**DEFAULT_RULES["escalation"], "partnership": None},
            oversight={"required_before": []},
        )
    )
    assert rules.timescale("icpc") == Timescale(Decimal(10), Unit.WORKING_DAYS)
    assert rules.timescale("escalation", "partnership") is None
    assert not rules.oversight.needed("s47_no_conference")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"icpc": {"duration": 15, "unit": "fortnights"}}, "icpc: unknown timescale unit"),
        ({"assessment": {"duration": 1.5, "unit": "working_days"}}, "assessment: working_days"),
        ({"strategy": {"RED": None, "PINK": None}}, "strategy: unknown rating PINK"),
        ({"strategy": "same day"}, "strategy: give a timescale for each rating"),
        (
            {"escalation": {**DEFAULT_RULES["escalation"], "ombudsman": None}},
            "escalation: unknown stage ombudsman",
        ),
        ({"oversight": ["s47_no_conference"]}, "oversight: give an object"),
        ({"oversight": {"required": []}}, "oversight: unknown setting required"),
        ({"oversight": {"required_before": "s47_no_conference"}}, "give a list of transitions"),
        ({"oversight": {"required_before": ["closing"]}}, "unknown transition closing"),
    ],
)
def test_bad_settings_are_refused_naming_the_bad_part(changes: dict[str, Any], message: str):
    with pytest.raises(ValueError, match=message):
        parse(with_(**changes))


def test_every_oversight_transition_can_be_required() -> None:
    rules = parse(with_(oversight={"required_before": list(OVERSIGHT_TRANSITIONS)}))
    assert all(rules.oversight.needed(t) for t in OVERSIGHT_TRANSITIONS)


def test_an_immediate_risk_contact_is_due_two_hours_later_even_at_night() -> None:
    rules = parse(DEFAULT_RULES)
    friday_night = local(2026, 3, 6, 23, 15)
    assert rules.due("screening_immediate_risk", friday_night) == local(2026, 3, 7, 1, 15)
    assert rules.due("screening", friday_night) == end_of_day(2026, 3, 9)


def test_the_journey_clocks_have_defaults_and_older_versions_get_them() -> None:
    old = parse(without(*LATER_KEYS))
    new = parse(DEFAULT_RULES)
    days = Unit.WORKING_DAYS
    assert new.timescale("open_case_information") == Timescale(Decimal(1), days)
    assert new.timescale("referrer_feedback") == Timescale(Decimal(1), days)
    assert new.timescale("transfer_request", "AMBER") == Timescale(Decimal(4), Unit.WORKING_HOURS)
    for clock in ("screening_immediate_risk", "open_case_information", "referrer_feedback"):
        assert old.timescale(clock) == new.timescale(clock)
    assert old.rated["transfer_request"] == new.rated["transfer_request"]


def test_an_administrator_can_lengthen_the_immediate_risk_clock() -> None:
    rules = parse(with_(screening_immediate_risk={"duration": 4, "unit": "calendar_hours"}))
    assert rules.due("screening_immediate_risk", local(2026, 3, 6, 23)) == local(2026, 3, 7, 3)
