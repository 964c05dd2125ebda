"""The demo generator: reproducible, complete history, live work in every kind of state."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import F
from django.test.utils import override_settings

from frontdoor.accounts.models import Role, User
from frontdoor.clocks import ClockState, WorkingCalendar, evaluate
from frontdoor.demo.generator import GenerationSummary, generate
from frontdoor.demo.reference import DEMO_USERS, demo_users_ensure
from frontdoor.intake.models import Contact, ContactChild, Referral
from frontdoor.mash.models import Decision, Enquiry, EnquiryStatus, PartnerRequest, RequestStatus
from frontdoor.transfers.models import Transfer, TransferStatus, Visit

NOW = datetime(2026, 3, 11, 15, 30, tzinfo=UTC)  # a Wednesday afternoon
SIZE: dict[str, Any] = {"seed": 11, "years": 0.1, "contacts_per_year": 1200, "now": NOW}


def _fingerprint() -> list[tuple[Any, ...]]:
    return list(
        Contact.objects.order_by("received_at", "id").values_list(
            "received_at", "source", "channel", "concern", "recorded_by__username"
        )
    )


@pytest.fixture(scope="module")
def runs(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    """Generate, flush, generate again with the same seed; keep the second run's data."""
    fast_hasher = override_settings(
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
    )
    with django_db_blocker.unblock(), fast_hasher:
        try:
            first = generate(**SIZE)
            first_rows = _fingerprint()
            call_command("flush", interactive=False, verbosity=0)
            second = generate(**SIZE)
            yield {
                "first": first,
                "second": second,
                "first_rows": first_rows,
                "second_rows": _fingerprint(),
            }
        finally:  # even when generating fails: leave nothing for the next module
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def summary(runs: dict[str, Any]) -> GenerationSummary:
    return runs["second"]


@pytest.mark.django_db
def test_same_seed_gives_the_same_history(runs: dict[str, Any]) -> None:
    assert runs["first"].contacts > 50
    assert runs["first"] == runs["second"]
    assert runs["first_rows"] == runs["second_rows"]
    assert Contact.objects.count() == runs["second"].contacts


@pytest.mark.django_db
def test_summary_matches_the_database(summary: GenerationSummary) -> None:
    assert ContactChild.objects.count() == summary.child_contacts
    assert Referral.objects.count() == summary.referrals
    assert Enquiry.objects.count() == summary.enquiries
    assert PartnerRequest.objects.count() == summary.partner_requests
    assert Decision.objects.count() == summary.decisions
    assert Transfer.objects.count() == summary.transfers
    assert Visit.objects.count() == summary.visits
    assert 1.03 <= summary.children_per_contact <= 1.25
    assert 0.08 <= summary.recontact_rate <= 0.32  # lower than 20-23%: a 5-week warm-up


def _states(rows: Iterable[tuple[datetime, datetime | None]]) -> Counter[str]:
    return Counter(
        evaluate(started_at=s, due_at=d, completed_at=None, now=NOW).state.value for s, d in rows
    )


def _open_work() -> dict[str, Counter[str]]:
    """Open clocks at NOW, read from the database, keyed like ``GenerationSummary.in_flight``."""
    work: dict[str, Counter[str]] = {
        "screening": _states(
            ContactChild.objects.filter(screened_at__isnull=True).values_list(
                "contact__received_at", "screening_due_at"
            )
        ),
        "signoff": _states(
            Decision.objects.filter(status="awaiting").values_list("recorded_at", "signoff_due_at")
        ),
        "acceptance": _states(
            Transfer.objects.filter(status=TransferStatus.REQUESTED).values_list(
                "requested_at", "acceptance_due_at"
            )
        ),
        "visit": _states(
            Transfer.objects.filter(status=TransferStatus.ACCEPTED, visit__isnull=True).values_list(
                "requested_at", "visit_due_at"
            )
        ),
    }
    for rating in ("RED", "AMBER", "GREEN", "BLUE"):
        work[f"enquiry {rating}"] = _states(
            Enquiry.objects.filter(status=EnquiryStatus.OPEN, rating=rating).values_list(
                "entered_at", "due_at"
            )
        )
    for code in PartnerRequest.objects.values_list("agency__code", flat=True).distinct():
        work[f"request {code}"] = _states(
            PartnerRequest.objects.filter(status=RequestStatus.SENT, agency__code=code).values_list(
                "sent_at", "due_at"
            )
        )
    return {key: counts for key, counts in work.items() if counts}


@pytest.mark.django_db
def test_recent_work_is_in_flight_with_clocks_in_every_state(summary: GenerationSummary) -> None:
    work = _open_work()
    recorded = {k: Counter(v) for k, v in summary.in_flight.items() if k != "to_transfer"}
    assert work == recorded
    # On a Wednesday afternoon every state is possible for every stage.
    for key in (
        "screening",
        "enquiry RED",
        "enquiry AMBER",
        "enquiry GREEN",
        "request police",
        "request health",
        "request education",
        "signoff",
        "acceptance",
        "visit",
    ):
        for state in (ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE):
            assert work[key][state.value] >= 1, (key, work[key])
    assert work["enquiry BLUE"][ClockState.NO_CLOCK.value] >= 1
    # The demo logins have work of their own.
    assert Enquiry.objects.filter(
        status=EnquiryStatus.OPEN, allocated_to__username="mash.worker"
    ).exists()
    assert Transfer.objects.filter(
        status=TransferStatus.ACCEPTED,
        visit__isnull=True,
        allocated_to__username="assessment.worker",
    ).exists()


@pytest.mark.django_db
def test_historic_work_is_complete_and_in_order(summary: GenerationSummary) -> None:
    calendar = WorkingCalendar()
    day = calendar.local_date(NOW)
    for _ in range(10):
        day -= timedelta(days=1)
        while not calendar.is_working_day(day):
            day -= timedelta(days=1)
    cutoff = calendar.start_of_local_day(day)
    old = {"contact__received_at__lt": cutoff}
    assert not ContactChild.objects.filter(screened_at__isnull=True, **old).exists()
    assert not Enquiry.objects.filter(
        status=EnquiryStatus.OPEN, referral__contact_child__contact__received_at__lt=cutoff
    ).exists()
    assert not Decision.objects.filter(
        status="awaiting",
        enquiry__referral__contact_child__contact__received_at__lt=cutoff,
    ).exists()
    assert not Transfer.objects.filter(
        status__in=[TransferStatus.REQUESTED, TransferStatus.ACCEPTED],
        visit__isnull=True,
        referral__contact_child__contact__received_at__lt=cutoff,
    ).exists()
    # Timestamps strictly increase along each journey.
    assert not ContactChild.objects.filter(screened_at__lte=F("contact__received_at")).exists()
    assert not Contact.objects.filter(recorded_at__lt=F("received_at")).exists()
    assert not Enquiry.objects.filter(
        entered_at__lt=F("referral__contact_child__contact__received_at")
    ).exists()
    assert not PartnerRequest.objects.filter(answered_at__lte=F("sent_at")).exists()
    assert not Decision.objects.filter(recorded_at__lte=F("enquiry__entered_at")).exists()
    assert not Transfer.objects.filter(responded_at__lte=F("requested_at")).exists()
    assert not Visit.objects.filter(visited_at__lte=F("transfer__responded_at")).exists()
    assert not Visit.objects.filter(recorded_at__lt=F("visited_at")).exists()
    assert not Contact.objects.filter(received_at__gt=NOW).exists()


@pytest.mark.django_db
def test_decisions_are_signed_off_by_another_manager(summary: GenerationSummary) -> None:
    signed = Decision.objects.filter(signed_off_by__isnull=False)
    assert signed.count() == summary.sign_offs > 10
    assert not signed.filter(signed_off_by=F("recorded_by")).exists()
    assert set(signed.values_list("signed_off_by__role", flat=True)) == {Role.MASH_MANAGER}
    assert set(Decision.objects.values_list("recorded_by__role", flat=True)) <= {
        Role.MASH_SOCIAL_WORKER,
        Role.MASH_MANAGER,
    }


@pytest.mark.django_db
def test_every_role_has_a_login(summary: GenerationSummary) -> None:
    roles = set(User.objects.filter(is_active=True).values_list("role", flat=True))
    assert set(Role.values) <= roles
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    police = User.objects.get(username="police.practitioner")
    assert police.agency is not None and police.agency.code == "police"
    assert police.team is not None and police.team.agency_id == police.agency_id
    assert User.objects.filter(email="mash.worker@example.org").exists()
    # Idempotent, and the printed password is the one that works (hashed with the test hasher).
    rows = demo_users_ensure("another-password")
    assert [row[0] for row in rows] == [spec.username for spec in DEMO_USERS]
    assert User.objects.filter(username__in=[row[0] for row in rows]).count() == len(rows)
    assert User.objects.get(username="police.practitioner").check_password("another-password")
    assert ("admin", "Administrator", "another-password") in rows


@pytest.mark.django_db
def test_referral_sources_and_outcomes_are_plausible(summary: GenerationSummary) -> None:
    total = summary.contacts
    share = {
        group: sum(n for code, n in summary.sources.items() if code.startswith(prefix)) / total
        for group, prefix in (("police", "6"), ("schools", "2"), ("health", "3"))
    }
    assert 0.2 <= share["police"] <= 0.4
    assert 0.12 <= share["schools"] <= 0.3
    assert 0.07 <= share["health"] <= 0.25
    assert len(summary.sources) >= 10
    screened = sum(summary.screening_outcomes.values())
    assert 0.3 <= summary.screening_outcomes["mash_enquiry"] / screened <= 0.6
    assert summary.ratings.keys() >= {"RED", "AMBER", "GREEN"}
    met = sum(v.get("met", 0) for v in summary.clocks.values())
    late = sum(v.get("met_late", 0) for v in summary.clocks.values())
    assert late > 0 and met > 4 * late


@pytest.mark.django_db
def test_seed_command_keeps_existing_history_and_prints_logins(
    summary: GenerationSummary,
) -> None:
    out = io.StringIO()
    call_command("demo_seed", stdout=out)
    text = out.getvalue()
    assert "nothing generated" in text
    assert Contact.objects.count() == summary.contacts
    for spec in DEMO_USERS:
        assert spec.username in text


@pytest.mark.django_db
def test_referrals_from_outside_arrive_through_the_form_and_the_partner_api(
    runs: dict[str, Any],
) -> None:
    from frontdoor.accounts.models import ApiToken
    from frontdoor.intake.models import Document, ReferralDraft, Submission
    from frontdoor.outbox.models import Message

    summary = runs["second"]
    channels = Counter(Submission.objects.values_list("channel", flat=True))
    assert channels["online_form"] > 0 and channels["partner_api"] > 0
    assert summary.submissions == sum(channels.values())
    assert not Submission.objects.filter(contact__isnull=True).exists()
    partner = Submission.objects.filter(channel="partner_api")
    assert not partner.filter(token__isnull=True).exists()
    assert set(partner.values_list("agency__code", flat=True)) <= {"police", "health"}
    assert Document.objects.filter(submission__isnull=False).count() == summary.documents
    assert ReferralDraft.objects.filter(submission__isnull=True).count() == summary.drafts >= 1
    assert set(ApiToken.objects.values_list("agency__code", flat=True)) == {"police", "health"}
    assert set(summary.tokens) == {"police", "health"}
    # History's emails are delivered (a few bounce); only the ones written at the end wait:
    # resume links, alerts, and the immediate-risk referral's acknowledgement and alert.
    waiting = set(Message.objects.filter(status="pending").values_list("kind", flat=True))
    assert waiting <= {
        "draft_resume_link",
        "intake_alert",
        "referral_acknowledgement",
        "immediate_risk_alert",
    }
    assert Message.objects.filter(status="pending", kind="referral_acknowledgement").count() <= 1
    assert Message.objects.filter(kind="referral_acknowledgement", status="sent").exists()
