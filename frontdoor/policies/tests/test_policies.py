"""Versioned timescale policies: publishing, validating, and which one a clock keeps."""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from frontdoor.mash.services import enquiry_rate
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.models import PolicyVersion
from frontdoor.policies.selectors import policy_in_force
from frontdoor.policies.services import policy_ensure_default, policy_publish
from frontdoor.testing.factories import contact_child_of, end_of_day, events_of, local
from frontdoor.testing.fixtures import refused, snapshot

pytestmark = pytest.mark.django_db


def rules_with(**changes):
    rules = copy.deepcopy(DEFAULT_RULES)
    rules.update(changes)
    return rules


def publish(*, effective_from, by=None, rules=None, office_hours=None, note="", **kwargs):
    return policy_publish(
        office_hours=office_hours or DEFAULT_OFFICE_HOURS,
        rules=rules or DEFAULT_RULES,
        due_soon_fraction=kwargs.pop("due_soon_fraction", 0.25),
        effective_from=effective_from,
        by=by,
        note=note,
        at=kwargs.pop("at", local(2026, 2, 20, 9)),
    )


THREE_DAY_SCREENING = rules_with(screening={"duration": 3, "unit": "working_days"})


# ---------------------------------------------------------------- the default


def test_the_built_in_default_becomes_version_one_the_first_time_it_is_needed():
    assert not PolicyVersion.objects.exists()

    default = policy_ensure_default()

    assert default.version == 1
    assert (default.rules, default.office_hours) == (DEFAULT_RULES, DEFAULT_OFFICE_HOURS)
    assert default.effective_from == datetime(2000, 1, 1, tzinfo=UTC)
    assert policy_ensure_default() == default
    assert PolicyVersion.objects.count() == 1


def test_with_no_published_policy_the_default_is_in_force():
    assert policy_in_force(local(2026, 3, 2, 10)).version == 1


# ---------------------------------------------------------------- policy_publish


def test_publishing_creates_the_next_version_and_never_changes_older_ones(administrator):
    v1 = policy_ensure_default()
    v1_before = snapshot(v1)
    at = local(2026, 2, 20, 9)

    v2 = publish(
        effective_from=local(2026, 3, 1),
        rules=THREE_DAY_SCREENING,
        by=administrator,
        note="Screening relaxed",
        at=at,
    )
    v3 = publish(effective_from=local(2026, 4, 1), by=administrator)

    assert (v2.version, v3.version) == (2, 3)
    assert snapshot(v1) == v1_before
    assert v2.rules["screening"] == {"duration": 3, "unit": "working_days"}
    assert (v2.created_by, v2.created_at, v2.note) == (administrator, at, "Screening relaxed")
    (published,) = events_of(v2)
    assert published.action == "policy.published"
    assert (published.actor, published.at) == (administrator, at)
    assert published.after == {
        "effective_from": local(2026, 3, 1).isoformat(),
        "note": "Screening relaxed",
    }


def test_the_first_publication_on_a_new_installation_is_version_one(administrator):
    assert publish(effective_from=local(2026, 3, 1), by=administrator).version == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        pytest.param(
            {"office_hours": {"mon": ["17:30", "08:00"]}}, "closing time", id="closes-before-open"
        ),
        pytest.param({"office_hours": {"sat": ["08:00", "12:00"]}}, "weekday", id="weekend-only"),
        pytest.param({"office_hours": {"monday": ["08:00", "17:00"]}}, "unknown day", id="bad-day"),
        pytest.param({"office_hours": {"mon": ["8am", "5pm"]}}, "24-hour time", id="bad-time"),
        pytest.param(
            {"rules": rules_with(screening={"duration": -1, "unit": "working_days"})},
            "negative",
            id="negative-duration",
        ),
        pytest.param(
            {"rules": rules_with(screening={"duration": 1, "unit": "fortnights"})},
            "unknown timescale unit",
            id="unknown-unit",
        ),
        pytest.param(
            {"rules": rules_with(screening={"duration": 1.5, "unit": "working_days"})},
            "whole number of days",
            id="fractional-days",
        ),
        pytest.param(
            {
                "rules": rules_with(
                    first_visit={
                        **DEFAULT_RULES["first_visit"],
                        "RED": {
                            "duration": 1,
                            "unit": "working_days",
                            "continue_out_of_hours": True,
                        },
                    }
                )
            },
            "only applies to working_hours",
            id="out-of-hours-days",
        ),
        pytest.param(
            {"rules": {k: v for k, v in DEFAULT_RULES.items() if k != "signoff"}},
            "signoff: give a timescale for each rating",
            id="missing-clock",
        ),
        pytest.param(
            {"rules": rules_with(enquiry={**DEFAULT_RULES["enquiry"], "PINK": None})},
            "unknown rating PINK",
            id="unknown-rating",
        ),
        pytest.param({"rules": ["not", "an", "object"]}, "Rules must be an object", id="list"),
        pytest.param({"due_soon_fraction": 1.0}, "due-soon share", id="due-soon-one"),
        pytest.param({"due_soon_fraction": -0.1}, "due-soon share", id="due-soon-negative"),
    ],
)
def test_an_invalid_policy_is_refused_and_no_version_is_created(administrator, changes, message):
    policy_ensure_default()
    values = {
        "office_hours": DEFAULT_OFFICE_HOURS,
        "rules": DEFAULT_RULES,
        "due_soon_fraction": 0.25,
        **changes,
    }

    with refused("rules", message):
        policy_publish(effective_from=local(2026, 3, 1), by=administrator, **values)

    assert list(PolicyVersion.objects.values_list("version", flat=True)) == [1]


def test_a_policy_is_described_by_its_local_effective_date():
    policy_ensure_default()

    april = publish(effective_from=local(2026, 4, 1))  # midnight BST = 23:00 UTC on 31 March

    assert str(PolicyVersion.objects.get(pk=april.pk)) == "Policy version 2 (from 01 Apr 2026)"


# ---------------------------------------------------------------- policy_in_force


def test_the_policy_in_force_is_chosen_by_its_effective_date_not_its_version_number():
    default = policy_ensure_default()
    april = publish(effective_from=local(2026, 4, 1))  # version 2
    march = publish(effective_from=local(2026, 3, 1))  # version 3, published later

    assert policy_in_force(local(2026, 2, 28, 23, 59)) == default
    assert policy_in_force(local(2026, 3, 1)) == march
    assert policy_in_force(local(2026, 3, 31, 23, 59)) == march
    assert policy_in_force(local(2026, 4, 1)) == april
    assert policy_in_force(local(2027, 1, 1)) == april


def test_of_two_versions_effective_at_the_same_moment_the_later_one_wins():
    policy_ensure_default()
    publish(effective_from=local(2026, 3, 1))
    correction = publish(effective_from=local(2026, 3, 1), note="Correction")

    assert policy_in_force(local(2026, 3, 2)) == correction


def test_before_a_first_published_policy_takes_effect_the_built_in_default_applies():
    future = publish(effective_from=local(2026, 4, 1), rules=THREE_DAY_SCREENING)

    in_force = policy_in_force(local(2026, 3, 2, 10))

    assert in_force != future
    assert in_force.rules == DEFAULT_RULES


# ---------------------------------------------------------------- clocks keep their policy


def test_a_clock_keeps_the_policy_it_started_under(contact_recorded, administrator):
    old = contact_recorded(received_at=local(2026, 3, 2, 10))
    v2 = publish(
        effective_from=local(2026, 3, 2, 11),
        rules=THREE_DAY_SCREENING,
        by=administrator,
        at=local(2026, 3, 2, 10, 30),
    )

    new = contact_recorded(received_at=local(2026, 3, 2, 12))

    old.refresh_from_db()
    assert old.policy.version == 1
    assert contact_child_of(old).screening_due_at == end_of_day(2026, 3, 3)
    assert new.policy == v2
    assert contact_child_of(new).screening_due_at == end_of_day(2026, 3, 5)


def test_a_contact_received_before_a_new_policy_is_timed_by_the_old_one_even_if_recorded_after(
    contact_recorded, administrator
):
    default = policy_ensure_default()
    publish(effective_from=local(2026, 3, 2, 11), rules=THREE_DAY_SCREENING, by=administrator)

    late_entry = contact_recorded(received_at=local(2026, 3, 2, 10), at=local(2026, 3, 2, 12))

    assert late_entry.policy == default
    assert contact_child_of(late_entry).screening_due_at == end_of_day(2026, 3, 3)


def test_re_rating_uses_the_policy_the_enquiry_started_under(
    screened_to_mash, mash_manager, administrator
):
    enquiry = screened_to_mash(rating="AMBER")  # opened Mon 11:00 under version 1
    publish(
        effective_from=local(2026, 3, 2, 11, 30),
        rules=rules_with(
            enquiry={**DEFAULT_RULES["enquiry"], "RED": {"duration": 1, "unit": "calendar_hours"}}
        ),
        by=administrator,
    )

    enquiry = enquiry_rate(
        enquiry=enquiry,
        rating="RED",
        reason="Escalating",
        by=mash_manager,
        at=local(2026, 3, 2, 12),
    )

    assert enquiry.policy.version == 1
    assert enquiry.due_at == local(2026, 3, 2, 15)  # version 1's 4 hours, not version 2's 1


def test_a_new_enquiry_uses_the_policy_in_force_when_it_entered_the_mash(
    screened_to_mash, administrator
):
    policy_ensure_default()
    v2 = publish(
        effective_from=local(2026, 3, 2, 10, 30),
        rules=rules_with(
            enquiry={**DEFAULT_RULES["enquiry"], "AMBER": {"duration": 6, "unit": "working_hours"}}
        ),
        by=administrator,
    )

    enquiry = screened_to_mash(rating="AMBER")  # contact 10:00 under v1, enquiry 11:00 under v2

    assert enquiry.referral.contact_child.contact.policy.version == 1
    assert enquiry.policy == v2
    assert enquiry.due_at == local(2026, 3, 2, 17)
