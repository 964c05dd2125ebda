from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Referral
    from frontdoor.mash.models import Enquiry
    from frontdoor.people.models import Person


def _enquiry_open(
    *, referral: Referral, rating: str, rationale: str, by: User, at: datetime
) -> Enquiry:
    from frontdoor.mash.services import enquiry_open

    return enquiry_open(referral=referral, rating=rating, by=by, reason=rationale, at=at)


def _enquiry_page(referral: Referral) -> str | None:
    from django.urls import reverse

    from frontdoor.mash.models import Enquiry

    enquiry = Enquiry.objects.filter(referral=referral).only("pk").first()
    return reverse("enquiry-detail", args=[enquiry.pk]) if enquiry is not None else None


def _enquiries_of(person: Person) -> int:
    from frontdoor.mash.models import Enquiry

    return Enquiry.objects.filter(child=person).count()


class MashConfig(AppConfig):
    name = "frontdoor.mash"
    label = "mash"

    def ready(self) -> None:
        from frontdoor.intake.models import ScreeningOutcome
        from frontdoor.intake.selectors import referral_page_register
        from frontdoor.intake.services import referral_hand_off_register
        from frontdoor.mash import chronology
        from frontdoor.matching.review import person_holdings_register

        chronology.register()

        # Screening hands a referral to the MASH (intake never imports the MASH).
        referral_hand_off_register(ScreeningOutcome.MASH_ENQUIRY, _enquiry_open)
        # Screening goes on to the enquiry it opened.
        referral_page_register(_enquiry_page)
        # Two records compared side by side show how many enquiries each holds.
        person_holdings_register("enquiries", _enquiries_of)
