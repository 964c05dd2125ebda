"""Screening hands a referral forward through a registry the later stages fill from their
``ready()``, and the children app tells the matcher of changes the same way
(docs/adr/0021): an earlier stage never imports a later one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from frontdoor.intake import services
from frontdoor.intake.models import Referral, ScreeningOutcome
from frontdoor.intake.services import referral_hand_off_register
from frontdoor.matching.models import MatchKey
from frontdoor.matching.services import match_keys_refresh
from frontdoor.people import services as people_services
from frontdoor.testing.factories import child_details, contact_child_of, contact_recorded, local

pytestmark = pytest.mark.django_db


def test_the_mash_and_transfers_take_their_referrals():
    hand_offs = services._HAND_OFFS
    assert hand_offs[ScreeningOutcome.MASH_ENQUIRY].__module__ == "frontdoor.mash.apps"
    assert hand_offs[ScreeningOutcome.STRATEGY_DISCUSSION].__module__ == "frontdoor.transfers.apps"


def test_only_a_screening_outcome_can_be_handed_off():
    with pytest.raises(ValueError, match="not a screening outcome"):
        referral_hand_off_register("mash", lambda **_: None)


def test_a_referral_no_stage_takes_is_refused_and_nothing_is_kept(monkeypatch, contact_manager):
    monkeypatch.setattr(services, "_HAND_OFFS", {})
    link = contact_child_of(contact_recorded())

    with pytest.raises(ImproperlyConfigured, match="No stage takes a referral"):
        services.contact_screen(
            contact_child=link,
            outcome=ScreeningOutcome.MASH_ENQUIRY,
            rationale="Bruising seen at school",
            rating="AMBER",
            by=contact_manager,
            at=local(2026, 3, 2, 12),
        )

    assert not Referral.objects.exists()
    link.refresh_from_db()
    assert link.screened_at is None


def test_the_matcher_hears_of_every_new_person(monkeypatch):
    assert match_keys_refresh in people_services._ON_CHANGE
    heard = []
    monkeypatch.setattr(
        people_services, "_ON_CHANGE", [lambda person, created_with: heard.append(person)]
    )

    link = contact_child_of(contact_recorded())

    assert heard == [link.child]
    assert not MatchKey.objects.filter(person=link.child).exists()


def test_two_children_on_one_contact_are_known_different_through_intake(contact_recorded):
    from frontdoor.intake.twins import named_on_one_contact
    from frontdoor.matching.duplicates import _DIFFERENT, known_different

    contact = contact_recorded(
        children=[child_details(first_name="Ava"), child_details(first_name="Isla")]
    )
    one, two = contact_child_of(contact, 0).child, contact_child_of(contact, 1).child
    alone = contact_child_of(contact_recorded()).child

    assert named_on_one_contact in _DIFFERENT
    assert known_different(one, two) == [f"Both records are named on contact {contact.reference}"]
    assert known_different(one, alone) == []


def test_a_compared_record_shows_what_each_stage_holds_through_the_registry(transferred):
    from frontdoor.matching.review import _HOLDINGS, _side

    transfer = transferred()

    assert set(_HOLDINGS) == {"contacts", "referrals", "enquiries", "transfers"}
    side = _side(transfer.child)
    assert (side.referrals, side.enquiries, side.transfers) == (1, 1, 1)
    assert [link.contact_id for link in side.contacts] == [
        transfer.referral.contact_child.contact_id
    ]
