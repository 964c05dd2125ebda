"""The repeat rule in a policy version: validated like the timescales, proposing ratings."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_REPEAT_RULE, DEFAULT_RULES
from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.rules import RepeatRule, parse_repeat, rating_at_least, rules_for
from frontdoor.policies.services import policy_ensure_default, policy_publish
from frontdoor.testing.factories import local
from frontdoor.testing.fixtures import refused

pytestmark = pytest.mark.django_db


def rules_with_repeat(repeat: Any) -> dict[str, Any]:
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["repeat"] = repeat
    return rules


def test_the_default_proposes_amber_after_three_previous_contacts_or_a_re_referral() -> None:
    rule = parse_repeat(DEFAULT_REPEAT_RULE)

    assert rule == RepeatRule(
        window_months=12,
        contacts_at_least=3,
        propose_rating="AMBER",
        re_referral_propose_rating="AMBER",
    )
    assert rule.proposal(previous_contacts=2, re_referral=False) == ("", ())
    assert rule.proposal(previous_contacts=3, re_referral=False) == ("AMBER", ("contacts",))
    assert rule.proposal(previous_contacts=0, re_referral=True) == ("AMBER", ("re_referral",))
    assert rule.proposal(previous_contacts=5, re_referral=True) == (
        "AMBER",
        ("contacts", "re_referral"),
    )


def test_when_both_triggers_fire_the_more_urgent_rating_is_proposed() -> None:
    rule = RepeatRule(
        window_months=6,
        contacts_at_least=2,
        propose_rating="RED",
        re_referral_propose_rating="GREEN",
    )

    assert rule.proposal(previous_contacts=2, re_referral=True)[0] == "RED"
    assert rule.proposal(previous_contacts=1, re_referral=True)[0] == "GREEN"


def test_either_trigger_can_be_switched_off() -> None:
    contacts_only = parse_repeat({**DEFAULT_REPEAT_RULE, "re_referral_propose_rating": None})
    re_referrals_only = parse_repeat(
        {"window_months": 12, "contacts_at_least": None, "re_referral_propose_rating": "AMBER"}
    )

    assert contacts_only is not None and re_referrals_only is not None
    assert contacts_only.proposal(previous_contacts=0, re_referral=True) == ("", ())
    assert re_referrals_only.proposal(previous_contacts=9, re_referral=False) == ("", ())


def test_ratings_compare_by_urgency_blue_lowest() -> None:
    assert rating_at_least("RED", "AMBER")
    assert rating_at_least("AMBER", "AMBER")
    assert not rating_at_least("GREEN", "AMBER")
    assert not rating_at_least("BLUE", "GREEN")


def test_a_published_version_can_switch_the_rule_off_with_null() -> None:
    policy_ensure_default()
    version = policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules_with_repeat(None),
        due_soon_fraction=0.25,
        effective_from=local(2026, 3, 1),
        by=None,
    )

    assert rules_for(version).repeat is None


def test_a_version_published_before_the_rule_existed_gets_the_default_rule() -> None:
    rules = copy.deepcopy(DEFAULT_RULES)
    del rules["repeat"]
    version = policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 3, 1),
        by=None,
    )

    assert rules_for(version).repeat == parse_repeat(DEFAULT_REPEAT_RULE)


@pytest.mark.parametrize(
    ("repeat", "message"),
    [
        pytest.param(["AMBER"], "repeat: give an object", id="not-an-object"),
        pytest.param({**DEFAULT_REPEAT_RULE, "colour": "pink"}, "unknown setting colour", id="key"),
        pytest.param({**DEFAULT_REPEAT_RULE, "window_months": 0}, "from 1 to 60", id="window-0"),
        pytest.param({**DEFAULT_REPEAT_RULE, "window_months": 61}, "from 1 to 60", id="window-61"),
        pytest.param({**DEFAULT_REPEAT_RULE, "window_months": 1.5}, "whole number", id="window"),
        pytest.param({**DEFAULT_REPEAT_RULE, "window_months": True}, "whole number", id="bool"),
        pytest.param({**DEFAULT_REPEAT_RULE, "contacts_at_least": 0}, "1 or more", id="count-0"),
        pytest.param({**DEFAULT_REPEAT_RULE, "contacts_at_least": "3"}, "1 or more", id="text"),
        pytest.param(
            {**DEFAULT_REPEAT_RULE, "propose_rating": None},
            "give the rating to propose",
            id="no-rating",
        ),
        pytest.param(
            {**DEFAULT_REPEAT_RULE, "propose_rating": "PINK"},
            "propose_rating: give one of RED, AMBER, GREEN",
            id="unknown-rating",
        ),
        pytest.param(
            {**DEFAULT_REPEAT_RULE, "propose_rating": "BLUE"},
            "give one of RED, AMBER, GREEN",
            id="blue-is-not-a-proposal",
        ),
        pytest.param(
            {**DEFAULT_REPEAT_RULE, "re_referral_propose_rating": "amber"},
            "re_referral_propose_rating: give one of",
            id="lower-case",
        ),
    ],
)
def test_an_invalid_repeat_rule_is_refused_and_no_version_is_created(
    administrator: Any, repeat: Any, message: str
) -> None:
    policy_ensure_default()

    with refused("rules", message):
        policy_publish(
            office_hours=DEFAULT_OFFICE_HOURS,
            rules=rules_with_repeat(repeat),
            due_soon_fraction=0.25,
            effective_from=local(2026, 3, 1),
            by=administrator,
        )

    assert list(PolicyVersion.objects.values_list("version", flat=True)) == [1]


def test_the_admin_form_refuses_an_invalid_repeat_rule_and_says_why() -> None:
    from frontdoor.policies.admin import PolicyVersionForm

    form = PolicyVersionForm(
        data={
            "effective_from": "2026-03-01 00:00",
            "note": "",
            "office_hours": '{"mon": ["08:00", "17:30"]}',
            "rules": json.dumps(
                rules_with_repeat({**DEFAULT_REPEAT_RULE, "propose_rating": "PINK"})
            ),
            "due_soon_fraction": "0.25",
        }
    )

    assert not form.is_valid()
    assert "propose_rating" in str(form.errors)
