"""People in the admin: read-only, for superusers only, every opening access-logged."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.people.models import Person
from frontdoor.testing.factories import UserFactory, child_details, contact_child_of
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def child(contact_recorded: Any) -> Person:
    return contact_child_of(contact_recorded(children=[child_details(first_name="Jaden")])).child


def test_a_superuser_reads_a_person_and_the_reading_is_logged(child: Person) -> None:
    superuser: Any = UserFactory(is_staff=True, is_superuser=True)
    client = client_for(superuser)
    listed = client.get(reverse("admin:people_person_changelist"))
    assert listed.status_code == 200 and "Jaden Example" in listed.content.decode()
    page = client.get(reverse("admin:people_person_change", args=[child.pk]))
    assert page.status_code == 200
    assert "Jaden" in page.content.decode()
    assert 'name="first_name"' not in page.content.decode()  # read-only: no inputs
    assert AccessLogEntry.objects.filter(
        child=child, user=superuser, action=AccessAction.VIEW, record_type="person"
    ).exists()
    changed = client.post(
        reverse("admin:people_person_change", args=[child.pk]), {"first_name": "X"}
    )
    assert changed.status_code == 403
    assert client.get(reverse("admin:people_person_add")).status_code == 403
    assert client.get(reverse("admin:people_person_delete", args=[child.pk])).status_code == 403


def test_staff_who_are_not_superusers_do_not_see_people(child: Person) -> None:
    staff = UserFactory(is_staff=True, is_superuser=False)
    client = client_for(staff)
    assert client.get(reverse("admin:people_person_changelist")).status_code == 403
    assert client.get(reverse("admin:people_person_change", args=[child.pk])).status_code == 403
