from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.apps import AppConfig

if TYPE_CHECKING:
    from frontdoor.accounts.models import User
    from frontdoor.intake.models import Referral
    from frontdoor.people.models import Person
    from frontdoor.transfers.models import Transfer


def _strategy_transfer(
    *, referral: Referral, rating: str, rationale: str, by: User, at: datetime
) -> Transfer:
    """An immediate strategy discussion: straight to the assessment team, RED, s47."""
    from frontdoor.transfers.services import transfer_request

    return transfer_request(
        referral=referral,
        route="s47",
        rating="RED",
        summary=f"Immediate strategy discussion: {rationale}",
        by=by,
        at=at,
    )


def _transfers_of(person: Person) -> int:
    from frontdoor.transfers.models import Transfer

    return Transfer.objects.filter(child=person).count()


class TransfersConfig(AppConfig):
    """Transfers from the front door to the assessment teams, and the first visits they make.

    The label stays ``protection`` (the app's first name): it names the tables and the
    migrations that existing databases have already applied (ADR 21)."""

    name = "frontdoor.transfers"
    label = "protection"
    verbose_name = "Transfers and first visits"

    def ready(self) -> None:
        from frontdoor.intake.models import ScreeningOutcome
        from frontdoor.intake.services import referral_hand_off_register
        from frontdoor.mash.selectors import enquiry_transfers_register
        from frontdoor.matching.review import person_holdings_register
        from frontdoor.transfers import chronology
        from frontdoor.transfers.selectors import enquiry_transfers

        chronology.register()

        # Screening hands an immediate strategy discussion to transfers.
        referral_hand_off_register(ScreeningOutcome.STRATEGY_DISCUSSION, _strategy_transfer)
        # Two records compared side by side show how many transfers each holds.
        person_holdings_register("transfers", _transfers_of)
        # The MASH's enquiry page and API show its transfers, and offer one by this stage's rule.
        enquiry_transfers_register(enquiry_transfers)
