"""The services: restrict, name and remove people, lift, break-glass; refusals save nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import partial
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.audit.models import AccessAction, AccessLogEntry, Event
from frontdoor.outbox.models import Message
from frontdoor.restricted.guard import RestrictedRecord
from frontdoor.restricted.models import BreakGlass, Restriction
from frontdoor.restricted.selectors import hidden_child_ids
from frontdoor.restricted.services import (
    break_glass_open,
    restriction_create,
    restriction_lift,
    restriction_name,
    restriction_unname,
)
from frontdoor.restricted.tests.conftest import counts

REASON = "I am screening a new contact about this child's brother today."


def refused_saves_nothing(call: Callable[[], Any], match: str) -> None:
    before = counts()
    with pytest.raises(ValidationError) as excinfo:
        call()
    assert any(match in m for m in excinfo.value.messages), excinfo.value.messages
    assert counts() == before


@pytest.mark.django_db
def test_a_manager_restricts_a_child_naming_a_user(
    screened_to_mash: Any, mash_manager: Any, mash_worker: Any, assessment_worker: Any
) -> None:
    child = screened_to_mash().child
    restriction = restriction_create(
        child=child,
        category="high_profile",
        reason="Named in the local press.",
        named=[mash_worker],
        by=mash_manager,
    )
    assert restriction.owner == mash_manager and restriction.is_live
    assert [m.user for m in restriction.members.all()] == [mash_worker]
    event = Event.objects.get(action="restricted.made")
    assert event.child == child and event.reason == "Named in the local press."
    assert event.after["named"] == [mash_worker.username]
    assert AccessLogEntry.objects.filter(
        record_type="restriction", action=AccessAction.CHANGE, user=mash_manager
    ).exists()
    assert hidden_child_ids(assessment_worker, [child.pk]) == {child.pk}
    assert hidden_child_ids(mash_worker, [child.pk]) == set()
    assert hidden_child_ids(mash_manager, [child.pk]) == set()
    assert hidden_child_ids(None, [child.pk]) == set()


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["mash_worker", "assessment_manager", "auditor", "outsider"])
def test_only_restrict_manage_may_restrict(screened_to_mash: Any, who: str, request: Any) -> None:
    child = screened_to_mash().child
    user = request.getfixturevalue(who)
    refused_saves_nothing(
        lambda: restriction_create(child=child, category="other", reason="Because.", by=user),
        "Only a manager or the data protection officer",
    )


@pytest.mark.django_db
def test_bad_input_is_refused_and_saves_nothing(
    screened_to_mash: Any, mash_manager: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    refused_saves_nothing(
        lambda: restriction_create(child=child, category="", reason="x", by=mash_manager),
        "Select why the record is restricted",
    )
    refused_saves_nothing(
        lambda: restriction_create(child=child, category="other", reason="  ", by=mash_manager),
        "Enter the reason",
    )
    restrict(child)
    refused_saves_nothing(
        lambda: restriction_create(child=child, category="other", reason="x", by=mash_manager),
        "already restricted",
    )


@pytest.mark.django_db
def test_naming_removing_and_lifting(
    screened_to_mash: Any, mash_manager: Any, mash_worker: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    restriction = restrict(child)
    member = restriction_name(restriction=restriction, user=mash_worker, by=mash_manager)
    assert hidden_child_ids(mash_worker, [child.pk]) == set()
    refused_saves_nothing(
        lambda: restriction_name(restriction=restriction, user=mash_worker, by=mash_manager),
        "may already see this record",
    )
    refused_saves_nothing(
        lambda: restriction_name(restriction=restriction, user=mash_manager, by=mash_manager),
        "may already see this record",
    )
    restriction_unname(member=member, by=mash_manager)
    assert hidden_child_ids(mash_worker, [child.pk]) == {child.pk}
    refused_saves_nothing(
        lambda: restriction_unname(member=member, by=mash_manager), "already removed"
    )
    refused_saves_nothing(
        lambda: restriction_lift(restriction=restriction, reason="", by=mash_manager),
        "Enter the reason the restriction is lifted",
    )
    restriction_lift(
        restriction=restriction, reason="The press interest has ended.", by=mash_manager
    )
    assert hidden_child_ids(mash_worker, [child.pk]) == set()
    refused_saves_nothing(
        lambda: restriction_lift(restriction=restriction, reason="Again.", by=mash_manager),
        "lifted",
    )
    actions = list(
        Event.objects.filter(child=child, action__startswith="restricted.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "restricted.made",
        "restricted.named",
        "restricted.unnamed",
        "restricted.lifted",
    ]


@pytest.mark.django_db
def test_a_manager_not_on_the_record_cannot_change_who_sees_it(
    screened_to_mash: Any, head_of_service: Any, mash_worker: Any, restrict: Any
) -> None:
    restriction = restrict(screened_to_mash().child)
    before = counts()
    with pytest.raises(RestrictedRecord):
        restriction_name(restriction=restriction, user=mash_worker, by=head_of_service)
    with pytest.raises(RestrictedRecord):
        restriction_lift(restriction=restriction, reason="Not needed.", by=head_of_service)
    assert counts() == before
    assert Restriction.objects.get(pk=restriction.pk).is_live


@pytest.mark.django_db
def test_break_glass_needs_a_reason_of_a_sentence(
    screened_to_mash: Any, assessment_worker: Any, restrict: Any
) -> None:
    child = screened_to_mash().child
    restrict(child)
    for reason in ("", "   ", "need it", "checking"):
        refused_saves_nothing(
            partial(break_glass_open, child=child, reason=reason, by=assessment_worker),
            "in at least a sentence",
        )


@pytest.mark.django_db
def test_break_glass_grants_logs_and_alerts_the_owner_and_named(
    screened_to_mash: Any,
    mash_manager: Any,
    mash_worker: Any,
    assessment_worker: Any,
    restrict: Any,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.FRONTDOOR_BREAK_GLASS_MINUTES = 30
    child = screened_to_mash().child
    restrict(child, named=(mash_worker,))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        grant = break_glass_open(child=child, reason=REASON, by=assessment_worker)
    assert grant.expires_at - grant.at == timedelta(minutes=30)
    assert hidden_child_ids(assessment_worker, [child.pk]) == set()
    entry = AccessLogEntry.objects.get(record_type="breakglass", record_id=grant.pk)
    assert entry.action == AccessAction.VIEW and entry.reason == REASON
    assert entry.user == assessment_worker and entry.child == child
    event = Event.objects.get(action="restricted.break_glass")
    assert event.reason == REASON and event.child == child
    messages = Message.objects.filter(kind="break_glass")
    assert sorted(messages.values_list("to", flat=True)) == sorted(
        [mash_manager.email, mash_worker.email]
    )
    body = messages.first().body  # type: ignore[union-attr]
    assert f"record {child.pk}" in body and child.last_name not in body and REASON not in body
    assert len(mail.outbox) == 2  # delivered by the task worker (immediate in tests)
    # A second press while the grant is live is recognised, not duplicated.
    refused_saves_nothing(
        lambda: break_glass_open(child=child, reason=REASON, by=assessment_worker),
        "already opened this record",
    )


@pytest.mark.django_db
def test_a_grant_expires(screened_to_mash: Any, assessment_worker: Any, restrict: Any) -> None:
    child = screened_to_mash().child
    restrict(child)
    grant = break_glass_open(
        child=child, reason=REASON, by=assessment_worker, at=timezone.now() - timedelta(hours=2)
    )
    assert grant.expires_at < timezone.now()
    assert hidden_child_ids(assessment_worker, [child.pk]) == {child.pk}
    assert BreakGlass.objects.count() == 1


@pytest.mark.django_db
def test_break_glass_refusals(
    screened_to_mash: Any,
    mash_manager: Any,
    analyst: Any,
    assessment_worker: Any,
    restrict: Any,
) -> None:
    child = screened_to_mash().child
    refused_saves_nothing(
        lambda: break_glass_open(child=child, reason=REASON, by=assessment_worker),
        "not restricted",
    )
    restrict(child)
    refused_saves_nothing(
        lambda: break_glass_open(child=child, reason=REASON, by=mash_manager), "named on"
    )
    refused_saves_nothing(
        lambda: break_glass_open(child=child, reason=REASON, by=analyst),
        "may not open restricted records",
    )
