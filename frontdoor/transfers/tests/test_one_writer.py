"""One writer per state: a transfer's acceptance closes the enquiry through the MASH, and
allocates the child through the children app; a signed-off NFA decision marks the referral
through intake. Each write is the owning app's, with its event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from frontdoor.mash.models import EnquiryStatus
from frontdoor.mash.services import enquiry_close
from frontdoor.testing.factories import access_entries_of, actions_of, events_of
from frontdoor.transfers.services import transfer_accept

pytestmark = pytest.mark.django_db


def test_accepting_a_transfer_closes_the_enquiry_with_an_enquiry_event(
    transferred, assessment_manager, assessment_worker
):
    transfer = transferred(outcome="s17")
    enquiry = transfer.referral.enquiry
    at = transfer.requested_at + timedelta(hours=20)

    transfer_accept(transfer=transfer, allocated_to=assessment_worker, by=assessment_manager, at=at)

    enquiry.refresh_from_db()
    assert enquiry.status == EnquiryStatus.CLOSED
    closed = events_of(enquiry)[-1]
    assert closed.action == "enquiry.closed"
    assert (closed.actor, closed.at, closed.child) == (assessment_manager, at, enquiry.child)
    assert closed.before == {"status": "decided"}
    assert closed.after == {"status": "closed"}
    assert "accepted the transfer" in closed.reason
    assert access_entries_of(enquiry)[-1].user == assessment_manager
    transfer.child.refresh_from_db()
    assert transfer.child.allocated_worker == assessment_worker


def test_closing_a_closed_enquiry_writes_nothing(accepted, assessment_manager):
    transfer = accepted()
    enquiry = transfer.referral.enquiry
    before = actions_of(enquiry)
    assert before.count("enquiry.closed") == 1

    enquiry_close(enquiry=enquiry, reason="again", by=assessment_manager, at=transfer.responded_at)

    assert actions_of(enquiry) == before


def test_an_nfa_decision_marks_the_referral_through_intake(signed_off):
    decision = signed_off(outcome="nfa")

    referral = decision.enquiry.referral
    referral.refresh_from_db()
    assert referral.nfa is True
    decision.enquiry.refresh_from_db()
    assert decision.enquiry.status == EnquiryStatus.CLOSED


def test_an_s17_decision_leaves_the_referral_open(signed_off):
    decision = signed_off(outcome="s17")

    referral = decision.enquiry.referral
    referral.refresh_from_db()
    assert referral.nfa is False


def test_only_the_owning_apps_write_these_fields():
    """The write of each state is in one app's services (a scan of the source)."""
    import pathlib
    import re

    root = pathlib.Path(__file__).resolve().parents[2]
    writers = {
        r"\.allocated_worker = ": {"people/services.py"},
        r"\.nfa = ": {"intake/services.py"},
        r"status = EnquiryStatus\.CLOSED": {"mash/services.py"},
    }
    for pattern, allowed in writers.items():
        found = {
            str(path.relative_to(root))
            for path in root.rglob("*.py")
            if "tests" not in path.parts
            and "migrations" not in path.parts
            and "demo" not in path.parts
            and re.search(pattern, path.read_text())
        }
        assert found == allowed, pattern
