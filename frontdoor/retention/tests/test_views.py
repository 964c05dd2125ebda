"""The retention and subject access pages: only the data protection officer may use them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from frontdoor.intake.models import Contact
from frontdoor.retention.models import ItemStatus, RetentionItem, RetentionReview, ReviewStatus
from frontdoor.retention.services import retention_propose
from frontdoor.retention.tests.conftest import NOW
from frontdoor.testing.fixtures import client_for
from frontdoor.testing.personas import PERSONAS, persona

pytestmark = pytest.mark.django_db


@pytest.fixture
def review(nfa_contact: Callable[..., Contact]) -> RetentionReview:
    nfa_contact()
    nfa_contact()
    found = retention_propose(at=NOW)
    assert found is not None
    return found


def pages(review: RetentionReview) -> list[str]:
    item = review.items.first()
    assert item is not None
    return [
        "/retention/",
        f"/retention/reviews/{review.pk}/",
        f"/retention/reviews/{review.pk}/approve/",
        f"/retention/items/{item.pk}/exclude/",
        "/subject-access/",
    ]


@pytest.mark.parametrize("name", sorted(set(PERSONAS) - {"data_protection_officer"}))
def test_everyone_else_is_refused(name: str, review: RetentionReview) -> None:
    client = client_for(persona(name))
    for path in pages(review):
        assert client.get(path).status_code == 403, path
    assert client.post("/retention/reviews/new/").status_code == 403
    assert (
        client.post(f"/retention/reviews/{review.pk}/approve/", {"confirm": "on"}).status_code
        == 403
    )
    assert RetentionReview.objects.get(pk=review.pk).status == ReviewStatus.PROPOSED


def test_a_visitor_not_signed_in_is_sent_to_sign_in(review: RetentionReview) -> None:
    for path in pages(review):
        response = Client().get(path)
        assert response.status_code == 302 and "/sign-in/" in response["Location"], path


def test_the_data_protection_officer_sees_every_page(review: RetentionReview) -> None:
    client = client_for(persona("data_protection_officer"))
    for path in pages(review):
        assert client.get(path).status_code == 200, path
    body = client.get(f"/retention/reviews/{review.pk}/").content.decode()
    assert "more than 6 years ago" in body and "To be deleted" in body
    assert client.get("/retention/reviews/99999/").status_code == 404
    assert client.get("/retention/items/99999/exclude/").status_code == 404


def test_the_officer_keeps_one_record_and_approves_the_rest(
    review: RetentionReview, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_for(persona("data_protection_officer"))
    kept, other = review.items.order_by("id")
    page = client.post(f"/retention/items/{kept.pk}/exclude/", {"reason": ""})
    assert "Enter why this record must be kept" in page.content.decode()
    response = client.post(f"/retention/items/{kept.pk}/exclude/", {"reason": "Legal hold"})
    assert response.status_code == 302
    page = client.post(f"/retention/reviews/{review.pk}/approve/", {})
    assert "Confirm that you have reviewed" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/retention/reviews/{review.pk}/approve/", {"confirm": "on"})
    assert response.status_code == 302
    assert RetentionItem.objects.get(pk=kept.pk).status == ItemStatus.EXCLUDED
    assert RetentionItem.objects.get(pk=other.pk).status == ItemStatus.DELETED
    assert Contact.objects.filter(pk=kept.record_id).exists()
    assert not Contact.objects.filter(pk=other.record_id).exists()
    assert RetentionReview.objects.get(pk=review.pk).status == ReviewStatus.APPLIED
    body = client.get(f"/retention/reviews/{review.pk}/").content.decode()
    assert "Legal hold" in body and "Deleted" in body
    # Nothing more to approve.
    assert "Approve deletion" not in body


def test_finding_records_due_from_the_page(nfa_contact: Callable[..., Contact]) -> None:
    client = client_for(persona("data_protection_officer"))
    page = client.post("/retention/reviews/new/")
    assert "Nothing new is due" in page.content.decode()
    nfa_contact()
    response = client.post("/retention/reviews/new/")
    assert response.status_code == 302
    assert RetentionReview.objects.count() == 1


def test_putting_back_a_record_not_kept_does_nothing(review: RetentionReview) -> None:
    client = client_for(persona("data_protection_officer"))
    item = review.items.order_by("id").first()
    assert item is not None
    response = client.post(f"/retention/items/{item.pk}/include/")
    assert response.status_code == 302
    assert RetentionItem.objects.get(pk=item.pk).status == ItemStatus.DUE
