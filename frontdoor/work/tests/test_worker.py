"""The worker's intake loop makes submissions contacts without anyone asking."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from frontdoor.intake.models import Submission
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.testing.factories import referral_document
from frontdoor.work.management.commands.worker import _intake

pytestmark = pytest.mark.django_db


class UntilIdle(threading.Event):
    """Stops the loop the first time it would sit and wait (nothing left to do)."""

    waits = 0

    def wait(self, timeout: float | None = None) -> bool:
        self.waits += 1
        self.set()
        return True


def test_the_intake_loop_makes_every_waiting_submission_a_contact_then_waits(
    org: Any, settings: Any
) -> None:
    settings.FRONTDOOR_INTAKE_CONVERT = "worker"
    for key in ("a", "b"):
        submission_receive(
            referral=ReferralIn.model_validate(referral_document(concern=f"Concern {key}")),
            channel="online_form",
            idempotency_scope="online_form",
            idempotency_key=key,
        )
    stop = UntilIdle()

    _intake(stop, 1.0)

    assert not Submission.objects.filter(contact__isnull=True).exists()
    assert stop.waits == 1
