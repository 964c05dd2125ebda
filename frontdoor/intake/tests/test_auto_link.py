"""Online and partner referrals are linked to a known child only when there is no doubt."""

from __future__ import annotations

from copy import deepcopy
from typing import Any

import pytest

from frontdoor.audit.models import Event
from frontdoor.intake.models import ContactChild, Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive, submissions_convert_pending
from frontdoor.matching.models import MatchSettings
from frontdoor.people.models import Person
from frontdoor.testing.factories import referral_document

pytestmark = pytest.mark.django_db


def _arrive(key: str, **changes: Any) -> Submission:
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document(**changes)),
        channel="partner_api",
        idempotency_scope="agency:police",
        idempotency_key=key,
    )
    submissions_convert_pending()
    return Submission.objects.select_related("contact").get(pk=received.submission.pk)


def _child(**changes: Any) -> dict[str, Any]:
    child = deepcopy(referral_document()["children"][0])
    child.update(changes)
    return child


def test_a_second_referral_for_the_same_child_joins_their_record(org: Any) -> None:
    _arrive("first")
    second = _arrive("second", children=[_child(first_name="Riley", last_name="Exampel")])

    (riley,) = Person.objects.all()
    assert ContactChild.objects.filter(child=riley).count() == 2
    assert second.contact is not None
    event = Event.objects.get(action="person.matched")
    assert event.child_id == riley.pk and "same nhs number" in event.summary.lower()
    assert event.after["weight"] >= MatchSettings().auto_link_at


def test_without_strong_evidence_a_new_record_is_made(org: Any) -> None:
    _arrive("first")
    _arrive("second", children=[_child(nhs_number="", date_of_birth="2016-04-03")])

    assert Person.objects.count() == 2
    assert not Event.objects.filter(action="person.matched").exists()


def test_the_thresholds_are_data(org: Any) -> None:
    MatchSettings.objects.create(auto_link_at=1000.0)
    _arrive("first")
    _arrive("second")
    assert Person.objects.count() == 2


def test_a_close_runner_up_stops_the_automatic_link(org: Any) -> None:
    _arrive("first")
    _arrive("twin", children=[_child(first_name="Rylee", nhs_number="")])
    MatchSettings.objects.create(auto_link_margin=1000.0)
    _arrive("third")
    assert Person.objects.count() == 3


def test_two_children_of_one_referral_never_become_one_record(org: Any) -> None:
    _arrive("first")
    _arrive("both", children=[_child(), _child()])

    links = ContactChild.objects.filter(contact__submission__idempotency_key="both")
    assert links.count() == 2
    assert len({link.child_id for link in links}) == 2


def test_names_dates_and_address_alone_never_link_without_a_person(org: Any) -> None:
    _arrive("first", children=[_child(nhs_number="")])
    _arrive("second", children=[_child(nhs_number="")])
    assert Person.objects.count() == 2
