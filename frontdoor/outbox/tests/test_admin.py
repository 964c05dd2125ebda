"""The outbox admin: read-only, with "Retry now"."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse

from frontdoor.audit.models import Event
from frontdoor.outbox.models import Message, MessageStatus
from frontdoor.outbox.services import message_enqueue
from frontdoor.testing.factories import UserFactory, local

pytestmark = pytest.mark.django_db

T0 = local(2026, 3, 2, 11)


@pytest.fixture
def superuser_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def a_message(status: str) -> Message:
    message = message_enqueue(
        kind="manager_alert",
        to="manager@example.org",
        subject="A referral is overdue",
        body="Resume link: https://frontdoor.example.org/continue/SECRET-TOKEN",
        at=T0,
    )
    Message.objects.filter(pk=message.pk).update(
        status=status, attempts=10, sent_at=T0 if status == MessageStatus.SENT else None
    )
    return message


def test_the_list_filters_by_status_and_kind(superuser_client):
    a_message(MessageStatus.FAILED)
    url = reverse("admin:outbox_message_changelist")

    response = superuser_client.get(url, {"status__exact": "failed"})

    assert response.status_code == 200
    assert b"manager_alert" in response.content
    assert superuser_client.get(url, {"status__exact": "sent"}).context["cl"].result_count == 0


def test_a_message_is_shown_read_only_without_its_body(superuser_client):
    message = a_message(MessageStatus.FAILED)

    response = superuser_client.get(reverse("admin:outbox_message_change", args=[message.pk]))

    assert response.status_code == 200
    assert message.reference.encode() in response.content
    assert b"SECRET-TOKEN" not in response.content
    assert b'name="_save"' not in response.content
    assert superuser_client.get(reverse("admin:outbox_message_add")).status_code == 403


def test_retry_now_requeues_failed_messages_and_leaves_sent_ones(
    superuser_client, django_capture_on_commit_callbacks
):
    failed = a_message(MessageStatus.FAILED)
    sent = a_message(MessageStatus.SENT)

    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:outbox_message_changelist"),
            {"action": "retry_now", "_selected_action": [failed.pk, sent.pk]},
            follow=True,
        )

    assert response.status_code == 200
    notices = [str(m) for m in response.context["messages"]]
    assert "1 message(s) queued to be sent again." in notices
    assert "1 message(s) were left alone: already sent or being sent now." in notices
    assert Message.objects.get(pk=failed.pk).status == MessageStatus.SENT
    assert [email.to for email in mail.outbox] == [["manager@example.org"]]
    assert Event.objects.filter(action="outbox.retried", record_id=failed.pk).count() == 1


def test_staff_who_may_only_view_cannot_retry(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_message"))
    client.force_login(viewer)
    failed = a_message(MessageStatus.FAILED)
    url = reverse("admin:outbox_message_changelist")

    assert client.get(url).status_code == 200
    assert b"Retry now" not in client.get(url).content
    client.post(url, {"action": "retry_now", "_selected_action": [failed.pk]})

    assert Message.objects.get(pk=failed.pk).status == MessageStatus.FAILED
