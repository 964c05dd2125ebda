"""The demo's follow-up of decisions: referrers phoned, new information acknowledged by the
allocated workers, a MASH manager on duty, and an immediate-risk referral waiting now.

Run after the generator's history, once its emails have been delivered (so feedback whose
email bounced is known). Through the services, at past times:

* feedback to referrers with no email address (or whose email bounced) is recorded as a
  phone call, now and then a letter, or "could not reach them", most within the day and
  some late; the last couple of working days' are left open, so the queues show phone tasks
  on time, due soon and overdue;
* new information passed to an allocated worker is acknowledged, with what they did, except
  the most recent, left waiting in the workers' queues;
* ``mash.manager`` took duty this morning;
* a police system sent a referral saying a child is at immediate risk 40 minutes ago: it is
  at the top of every screening queue with its 2-hour clock running.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from random import Random

from django.utils import timezone

from frontdoor.accounts.models import Agency, ApiToken, Team, TeamKind, User
from frontdoor.accounts.services import team_duty_take
from frontdoor.demo.intake import referral_for
from frontdoor.intake.feedback import feedback_record, feedback_to_give
from frontdoor.intake.models import OpenCaseInformation
from frontdoor.intake.services import open_case_acknowledge
from frontdoor.intake.submissions import submission_convert, submission_receive

#: Feedback and new information younger than this (in days) are left open.
OPEN_DAYS = 2.5
P_LATE = 0.12
#: How a person gave feedback the email could not: mostly by phone.
METHODS = (("phone", 0.86), ("letter", 0.08), ("unreachable", 0.06))
CALL_NOTES = (
    "Told them the decision and why; they were glad it is being looked into.",
    "Explained that no further action will be taken by social care and gave the early help number.",
    "Left a message, then spoke to them at 3pm: explained the decision and what happens next.",
    "Told the referrer the child's social worker has the information; they will call if "
    "anything else happens.",
)
LETTER_NOTES = ("Letter sent to the address they gave, with the decision and our number.",)
UNREACHABLE_NOTES = (
    "Three calls over two days, no answer and no voicemail.",
    "The number given is not in service; no other contact details.",
)
ACTIONS = (
    "Visited the family the next day: the new concern is part of the existing plan.",
    "Spoke to the school and the child; added to the assessment, no change to the plan.",
    "Discussed in supervision: convening a strategy discussion.",
    "Called mum and the health visitor; the injury is explained and recorded.",
    "Shared with the core group; the child protection plan already covers this.",
)


def _weighted(rng: Random, pairs: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([p for p, _ in pairs], weights=[w for _, w in pairs])[0]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _feedback(now: datetime, rng: Random) -> dict[str, int]:
    counts = {"recorded": 0, "open": 0}
    workers = list(User.objects.filter(role="mash_social_worker", is_active=True).order_by("id"))
    for feedback in feedback_to_give().select_related("decided_by").order_by("created_at", "id"):
        if feedback.created_at > now - timedelta(days=OPEN_DAYS):
            counts["open"] += 1
            continue
        due = feedback.due_at or feedback.created_at + timedelta(days=1)
        span = max(due - feedback.created_at, timedelta(minutes=30))
        late = rng.random() < P_LATE
        given_at = feedback.created_at + span * (
            rng.uniform(1.05, 2.5) if late else rng.uniform(0.1, 0.9)
        )
        given_at = min(given_at, now - timedelta(hours=1))
        by = feedback.decided_by
        if by is None or by.role not in ("mash_social_worker", "mash_manager"):
            by = rng.choice(workers)
        method = _weighted(rng, METHODS)
        note = rng.choice(
            {"phone": CALL_NOTES, "letter": LETTER_NOTES, "unreachable": UNREACHABLE_NOTES}[method]
        )
        feedback_record(
            feedback=feedback,
            method=method,
            given_at=given_at,
            note=note,
            by=by,
            at=given_at + timedelta(minutes=rng.randint(2, 40)),
        )
        counts["recorded"] += 1
    return counts


def _open_cases(now: datetime, rng: Random) -> dict[str, int]:
    counts = {"acknowledged": 0, "open": 0}
    items = OpenCaseInformation.objects.filter(acknowledged_at__isnull=True).select_related(
        "worker"
    )
    for item in items.order_by("passed_at", "id"):
        if item.passed_at > now - timedelta(days=OPEN_DAYS) or not item.worker.is_active:
            counts["open"] += 1
            continue
        due = item.due_at or item.passed_at + timedelta(days=1)
        span = max(due - item.passed_at, timedelta(minutes=30))
        late = rng.random() < P_LATE
        at = item.passed_at + span * (rng.uniform(1.05, 3) if late else rng.uniform(0.1, 0.9))
        open_case_acknowledge(
            item=item,
            action_taken=rng.choice(ACTIONS),
            by=item.worker,
            at=min(at, now - timedelta(hours=1)),
        )
        counts["acknowledged"] += 1
    return counts


def _immediate_risk_referral(now: datetime, rng: Random) -> int:
    police = Agency.objects.filter(code="police").first()
    if police is None:
        return 0
    at = now - timedelta(minutes=40)
    referral = referral_for(
        cat="police",
        source="6",
        referrer={
            "referrer_name": "PC Hollis 4471",
            "referrer_role": "Police officer",
            "referrer_agency": "Demo Constabulary",
            "referrer_email": "mash.desk@constabulary.example.org",
            "referrer_phone": "01632 960999",
        },
        consent={
            "consent_status": "not_sought",
            "consent_reason": "Immediate risk: asking first would delay protecting the child.",
            "lawful_basis": "vital_interests",
        },
        concern="Officers attended a domestic incident at 01:10: the mother was assaulted in "
        "front of the children and the father has left with the youngest, aged 4. The older "
        "child is with a neighbour. Immediate protection may be needed.",
        immediate=True,
        children=[
            {
                "first_name": "Mia",
                "last_name": "Garrow",
                "date_of_birth": timezone.localdate(now) - timedelta(days=4 * 365 + 40),
                "expected_date_of_birth": None,
                "sex": "F",
                "postcode": "PE1 4RT",
                "address_line_1": "27 Fletton Avenue",
            }
        ],
        reference=f"CCN-{rng.randint(100000, 999999)}",
        surname="Garrow",
        rng=rng,
    )
    token = ApiToken.objects.filter(agency=police, revoked_at__isnull=True).order_by("id").first()
    received = submission_receive(
        referral=referral,
        channel="partner_api",
        token=token,
        idempotency_scope=f"agency:{police.code}",
        idempotency_key=f"demo-immediate-{rng.getrandbits(64)}",
        agency=police,
        at=at,
    )
    submission_convert(submission=received.submission, at=at + timedelta(seconds=2))
    return 1


def demo_followup(*, now: datetime, rng: Random) -> dict[str, int]:
    """Follow up the history's decisions; returns what was done."""
    counts = {f"feedback_{k}": v for k, v in _feedback(now, rng).items()}
    counts.update({f"open_case_{k}": v for k, v in _open_cases(now, rng).items()})
    manager = _user("mash.manager")
    team = Team.objects.filter(kind=TeamKind.MASH).first()
    if manager is not None and team is not None and manager.team_id == team.pk:
        team_duty_take(team=team, user=manager, at=now - timedelta(hours=3))
        counts["duty"] = 1
    counts["immediate_risk_waiting"] = _immediate_risk_referral(now, rng)
    return counts
