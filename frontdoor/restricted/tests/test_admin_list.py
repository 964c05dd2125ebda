"""The people admin's list never names a restricted child: this app replaces the children
app's admin with one that masks them (the children app does not import this one)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.urls import reverse

from frontdoor.people.models import Person
from frontdoor.restricted.admin import RestrictedPersonAdmin
from frontdoor.restricted.selectors import masked_label
from frontdoor.testing.factories import UserFactory, child_details, contact_child_of
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db


def test_the_people_admin_is_the_masking_one():
    assert isinstance(admin.site._registry[Person], RestrictedPersonAdmin)


def test_the_list_masks_a_restricted_child_and_names_the_others(contact_recorded, restrict):
    contact = contact_recorded(
        children=[child_details(first_name="Jaden"), child_details(first_name="Mia")]
    )
    hidden, shown = contact_child_of(contact, 0).child, contact_child_of(contact, 1).child
    restrict(hidden)
    superuser: Any = UserFactory(is_staff=True, is_superuser=True)

    page = client_for(superuser).get(reverse("admin:people_person_changelist")).content.decode()

    assert "Jaden" not in page
    assert masked_label(hidden) in page
    assert "Mia Example" in page and shown.pk
