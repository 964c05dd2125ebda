"""Management oversight entries and the rule that requires them before chosen transitions."""

from __future__ import annotations

import copy

import pytest
from django.core.exceptions import ValidationError

from frontdoor.audit.models import Event
from frontdoor.oversight.models import OversightEntry
from frontdoor.oversight.services import oversight_record, oversight_required
from frontdoor.policies.defaults import DEFAULT_OFFICE_HOURS, DEFAULT_RULES
from frontdoor.policies.services import policy_publish
from frontdoor.testing.factories import local

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 5, 10)


def test_a_manager_records_oversight_with_an_event_on_the_childs_timeline(
    accepted, assessment_manager
):
    transfer = accepted()
    entry = oversight_record(
        child=transfer.child,
        direction="Visit again with the police; review on Friday.",
        by=assessment_manager,
        record_type="transfer",
        record_id=transfer.pk,
        transition="assessment_not_in_need",
        at=AT,
    )
    event = Event.objects.get(record_type="oversightentry", record_id=entry.pk)
    assert event.child_id == transfer.child_id
    assert event.action == "oversight.recorded"
    assert "not a child in need" in event.summary


def test_a_social_worker_cannot_record_oversight(accepted, assessment_worker):
    transfer = accepted()
    with pytest.raises(ValidationError, match="Only a manager"):
        oversight_record(child=transfer.child, direction="x", by=assessment_worker, at=AT)
    assert OversightEntry.objects.count() == 0


@pytest.mark.parametrize("direction", ["", "   "])
def test_oversight_needs_a_direction(accepted, assessment_manager, direction):
    transfer = accepted()
    with pytest.raises(ValidationError, match="direction"):
        oversight_record(child=transfer.child, direction=direction, by=assessment_manager, at=AT)
    assert OversightEntry.objects.count() == 0


def test_a_required_transition_is_refused_until_oversight_for_that_record_is_given(
    accepted, assessment_manager
):
    transfer = accepted()
    with pytest.raises(ValidationError, match="management oversight"):
        oversight_required(record=transfer, transition="assessment_not_in_need", at=AT)
    oversight_record(
        child=transfer.child,
        direction="Agreed: no further action; single agency support from school.",
        by=assessment_manager,
        record_type="transfer",
        record_id=transfer.pk,
        transition="assessment_not_in_need",
        at=AT,
    )
    oversight_required(record=transfer, transition="assessment_not_in_need", at=AT)
    # Given after the moment of the transition does not count for it.
    with pytest.raises(ValidationError):
        oversight_required(
            record=transfer, transition="assessment_not_in_need", at=local(2026, 3, 5, 9)
        )


def test_a_transition_the_policy_does_not_list_needs_no_oversight(accepted):
    transfer = accepted()
    oversight_required(record=transfer, transition="strategy_no_s47", at=AT)


def test_the_rule_is_policy_data(accepted, administrator):
    transfer = accepted()
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["oversight"] = {"required_before": ["strategy_no_s47"]}
    policy_publish(
        office_hours=DEFAULT_OFFICE_HOURS,
        rules=rules,
        due_soon_fraction=0.25,
        effective_from=local(2026, 3, 4),
        by=administrator,
    )
    with pytest.raises(ValidationError):
        oversight_required(record=transfer, transition="strategy_no_s47", at=AT)
    oversight_required(record=transfer, transition="assessment_not_in_need", at=AT)


def test_an_unknown_transition_in_a_policy_is_refused(administrator):
    rules = copy.deepcopy(DEFAULT_RULES)
    rules["oversight"] = {"required_before": ["closing_everything"]}
    with pytest.raises(ValidationError, match="unknown transition closing_everything"):
        policy_publish(
            office_hours=DEFAULT_OFFICE_HOURS,
            rules=rules,
            due_soon_fraction=0.25,
            effective_from=local(2026, 3, 4),
            by=administrator,
        )
