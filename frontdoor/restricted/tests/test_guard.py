"""The guard: a named user sees the child; other staff are sent to break-glass on every kind
of child page, and a write to the child's data is refused and rolled back."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse
from django.utils import timezone

from frontdoor.assessments import services as assessments
from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import ContactChild
from frontdoor.mash.models import Decision
from frontdoor.restricted.models import BreakGlass
from frontdoor.restricted.services import break_glass_open
from frontdoor.restricted.tests.conftest import counts
from frontdoor.strategy.services import discussion_convene
from frontdoor.testing.factories import local
from frontdoor.testing.fixtures import client_for
from frontdoor.testing.personas import org_agency


@pytest.fixture
def case(accepted: Any, head_of_service: Any, mash_worker: Any) -> dict[str, Any]:
    """One child with a contact, an enquiry, a transfer, a strategy discussion and an
    assessment: every kind of page about a child."""
    transfer = accepted(outcome="s47", rating="RED")
    enquiry = Decision.objects.get(enquiry__child=transfer.child).enquiry
    discussion = discussion_convene(
        enquiry=enquiry,
        reason="Bruising to a non-mobile baby.",
        by=mash_worker,
        agencies=[org_agency(a) for a in ("council", "police")],
        at=local(2026, 3, 3, 16),
    )
    assessment = assessments.assessment_start(
        transfer=transfer,
        started_on=local(2026, 3, 4).date(),
        by=transfer.allocated_to,
        at=local(2026, 3, 4, 12),
    )
    child = transfer.child
    contact = ContactChild.objects.filter(child=child).first().contact  # type: ignore[union-attr]
    return {
        "child": child,
        "pages": {
            "child": reverse("child-detail", args=[child.pk]),
            "chronology": reverse("child-chronology", args=[child.pk]),
            "contact": reverse("contact-detail", args=[contact.pk]),
            "enquiry": reverse("enquiry-detail", args=[enquiry.pk]),
            "transfer": reverse("transfer-detail", args=[transfer.pk]),
            "strategy": reverse("strategy-detail", args=[discussion.pk]),
            "assessment": reverse("assessment-detail", args=[assessment.pk]),
        },
        "enquiry": enquiry,
    }


@pytest.mark.django_db
def test_other_staff_are_sent_to_break_glass_on_every_child_page(
    case: dict[str, Any], head_of_service: Any, mash_worker: Any, restrict: Any
) -> None:
    client = client_for(head_of_service)
    for name, path in case["pages"].items():
        assert client.get(path).status_code == 200, name
    restrict(case["child"], named=(mash_worker,))
    for name, path in case["pages"].items():
        response = client.get(path)
        assert response.status_code == 302, name
        target = urlparse(response["Location"])
        assert target.path == reverse("break-glass", args=[case["child"].pk]), name
        assert parse_qs(target.query)["next"] == [path], name
    named = client_for(mash_worker)
    for name in ("child", "chronology", "contact", "enquiry", "strategy"):
        assert named.get(case["pages"][name]).status_code == 200, name


@pytest.mark.django_db
def test_a_live_grant_opens_every_page_until_it_expires(
    case: dict[str, Any], head_of_service: Any, restrict: Any
) -> None:
    restrict(case["child"])
    break_glass_open(
        child=case["child"],
        reason="Covering the duty desk: a new referral has come in today.",
        by=head_of_service,
    )
    client = client_for(head_of_service)
    for name, path in case["pages"].items():
        assert client.get(path).status_code == 200, name
    now = timezone.now()
    BreakGlass.objects.update(at=now - timedelta(hours=2), expires_at=now - timedelta(hours=1))
    assert client.get(case["pages"]["child"]).status_code == 302


@pytest.mark.django_db
def test_a_write_by_someone_not_named_is_refused_and_rolled_back(
    screened_to_mash: Any, mash_worker: Any, mash_manager: Any, restrict: Any
) -> None:
    enquiry = screened_to_mash()
    restrict(enquiry.child, by=mash_manager)
    client = client_for(mash_worker)
    before = counts()
    response = client.post(
        reverse("enquiry-decision", args=[enquiry.pk]),
        {
            "outcome": "nfa",
            "rating": "GREEN",
            "rationale": "No further action: the family is getting support.",
            "referrer_feedback": "Thank you.",
        },
    )
    assert response.status_code == 403
    assert "This is a restricted record" in response.content.decode()
    assert reverse("break-glass", args=[enquiry.child.pk]) in response.content.decode()
    after = counts()
    # Nothing is saved but the refusal itself (frontdoor/restricted/tests/test_refusals.py).
    assert after.pop("audit.AccessLogEntry") == before.pop("audit.AccessLogEntry") + 1
    assert after == before
    assert not Decision.objects.filter(enquiry=enquiry).exists()
    refused = AccessLogEntry.objects.latest("id")
    assert (refused.action, refused.user, refused.child_id) == (
        "refused",
        mash_worker,
        enquiry.child_id,
    )


@pytest.mark.django_db
def test_the_api_refuses_a_restricted_enquiry(
    screened_to_mash: Any, mash_worker: Any, restrict: Any
) -> None:
    enquiry = screened_to_mash()
    restrict(enquiry.child)
    response = client_for(mash_worker).get(f"/api/v1/enquiries/{enquiry.pk}")
    assert response.status_code == 403
    assert "restricted" in response.json()["detail"]


@pytest.mark.django_db
def test_lifting_opens_the_record_again(
    screened_to_mash: Any, mash_worker: Any, mash_manager: Any, restrict: Any
) -> None:
    from frontdoor.restricted.services import restriction_lift

    enquiry = screened_to_mash()
    restriction = restrict(enquiry.child)
    client = client_for(mash_worker)
    assert client.get(reverse("child-detail", args=[enquiry.child.pk])).status_code == 302
    restriction_lift(restriction=restriction, reason="No longer needed.", by=mash_manager)
    assert client.get(reverse("child-detail", args=[enquiry.child.pk])).status_code == 200


@pytest.mark.django_db
def test_the_guards_quick_check_sees_only_live_restrictions(
    case: dict[str, Any], restrict: Any, mash_manager: Any
) -> None:
    from frontdoor.people.models import Person
    from frontdoor.restricted.guard import any_restricted
    from frontdoor.restricted.services import restriction_lift
    from frontdoor.testing.factories import PersonFactory

    child, other = case["child"], cast(Person, PersonFactory())
    assert not any_restricted([child.pk, other.pk])
    restriction = restrict(child)
    assert any_restricted([other.pk, child.pk])
    assert not any_restricted([other.pk])
    restriction_lift(restriction=restriction, reason="The staff member has left.", by=mash_manager)
    assert not any_restricted([child.pk])
