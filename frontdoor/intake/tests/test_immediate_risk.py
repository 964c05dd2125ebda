"""Immediate risk first: its own clock in hours (out of hours too) whatever the channel, the
top of every screening queue with a red tag, and an alert to the MASH manager on duty."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from frontdoor.accounts.models import Team, TeamKind
from frontdoor.accounts.services import duty_managers, team_duty_take
from frontdoor.audit.models import Event
from frontdoor.intake.models import Contact, ContactChild
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.outbox.models import Message
from frontdoor.testing.factories import contact_recorded, end_of_day, local, referral_document
from frontdoor.testing.fixtures import client_for
from frontdoor.work.queues import Stage, team_queue

pytestmark = pytest.mark.django_db

FRIDAY_NIGHT = local(2026, 3, 6, 23, 15)


def _mash(org: Any) -> Team:
    return Team.objects.get(kind=TeamKind.MASH)


def test_an_immediate_risk_contact_is_due_two_hours_later_at_night(org: Any) -> None:
    contact = contact_recorded(received_at=FRIDAY_NIGHT, immediate_risk=True)
    assert contact.children.get().screening_due_at == local(2026, 3, 7, 1, 15)


def test_any_other_contact_keeps_its_working_day(org: Any) -> None:
    contact = contact_recorded(received_at=FRIDAY_NIGHT)
    assert contact.children.get().screening_due_at == end_of_day(2026, 3, 9)


@pytest.mark.parametrize("channel", ["partner_api", "online_form"])
def test_the_partner_api_and_the_online_form_get_the_same_clock(
    org: Any, channel: str, settings: Any
) -> None:
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document(immediate_risk=True)),
        channel=channel,
        idempotency_scope=channel,
        idempotency_key="k1",
        agency=org.police if channel == "partner_api" else None,
        at=FRIDAY_NIGHT,
    )
    contact = Contact.objects.get(submission=received.submission)
    assert contact.immediate_risk
    assert contact.children.get().screening_due_at == local(2026, 3, 7, 1, 15)


def test_immediate_risk_is_first_in_the_screening_queue_even_when_due_later(
    org: Any, mash_worker: Any
) -> None:
    ordinary = contact_recorded(received_at=local(2026, 3, 2, 9))  # overdue since 4 Mar
    urgent = contact_recorded(received_at=local(2026, 3, 9, 9), immediate_risk=True)
    queue = [
        i for i in team_queue(mash_worker, local(2026, 3, 9, 9, 30)) if i.stage == Stage.SCREENING
    ]
    assert [i.reference for i in queue] == [urgent.reference, ordinary.reference]
    assert [i.urgent for i in queue] == [True, False]


def test_the_queue_page_tags_immediate_risk_in_red(org: Any, contact_officer: Any) -> None:
    contact_recorded(received_at=local(2026, 3, 9, 9), immediate_risk=True)
    with time_machine.travel(local(2026, 3, 9, 9, 30), tick=False):
        body = client_for(contact_officer).get(reverse("queue-team")).content.decode()
    assert "govuk-tag--red frontdoor-immediate-risk" in body


def test_the_duty_manager_is_alerted_without_the_childs_details(
    org: Any, mash_manager: Any, mash_manager_2: Any
) -> None:
    team_duty_take(team=_mash(org), user=mash_manager, at=local(2026, 3, 6, 8))
    contact = contact_recorded(received_at=FRIDAY_NIGHT, immediate_risk=True)
    [message] = Message.objects.filter(kind="immediate_risk_alert")
    assert message.to == mash_manager.email
    child = contact.children.get().child
    assert contact.reference in message.body and f"/contacts/{contact.pk}/" in message.body
    assert child.first_name not in message.body and child.last_name not in message.body
    assert "01:15" in message.body
    event = Event.objects.get(action="contact.immediate_risk_alert", record_id=contact.pk)
    assert "queued" in event.summary and event.after["duty_manager"] is True


def test_with_nobody_on_duty_every_mash_manager_is_alerted(
    org: Any, mash_manager: Any, mash_manager_2: Any, mash_worker: Any
) -> None:
    contact_recorded(received_at=FRIDAY_NIGHT, immediate_risk=True)
    recipients = set(
        Message.objects.filter(kind="immediate_risk_alert").values_list("to", flat=True)
    )
    assert recipients == {mash_manager.email, mash_manager_2.email}
    event = Event.objects.get(action="contact.immediate_risk_alert")
    assert "no duty manager" in event.summary and event.after["duty_manager"] is False


def test_a_contact_without_immediate_risk_alerts_nobody(org: Any, mash_manager: Any) -> None:
    contact_recorded(received_at=FRIDAY_NIGHT)
    assert not Message.objects.filter(kind="immediate_risk_alert").exists()


def test_an_inactive_duty_manager_is_passed_over(
    org: Any, mash_manager: Any, mash_manager_2: Any
) -> None:
    team_duty_take(team=_mash(org), user=mash_manager, at=local(2026, 3, 6, 8))
    mash_manager.is_active = False
    mash_manager.save()
    assert duty_managers(_mash(org)) == [mash_manager_2]


def test_a_mash_manager_takes_duty_from_the_team_queue(
    org: Any, mash_manager: Any, mash_worker: Any
) -> None:
    client = client_for(mash_manager)
    page = client.get(reverse("queue-team")).content.decode()
    assert "No MASH manager has taken duty" in page and "Take duty" in page
    response = client.post(reverse("duty-take"))
    assert response.status_code == 302
    team = _mash(org)
    assert team.duty_manager == mash_manager
    assert Event.objects.filter(action="team.duty_taken", record_id=team.pk).count() == 1
    worker_page = client_for(mash_worker).get(reverse("queue-team")).content.decode()
    assert mash_manager.display_name in worker_page and "Take duty" not in worker_page
    assert client_for(mash_worker).post(reverse("duty-take")).status_code == 403


def test_only_managers_in_the_mash_take_mash_duty(org: Any, mash_manager: Any) -> None:
    from django.core.exceptions import ValidationError

    other = Team.objects.exclude(kind=TeamKind.MASH).first()
    assert other is not None
    with pytest.raises(ValidationError):
        team_duty_take(team=other, user=mash_manager)
    assert not ContactChild.objects.exists() and len(mail.outbox) == 0
