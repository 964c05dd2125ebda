"""Reads shared by the assessment pages, the child's page and the work queues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from frontdoor.assessments.access import visible_assessments
from frontdoor.assessments.codes import FACTORS_BY_CODE, Factor
from frontdoor.assessments.models import Assessment, AssessmentVisit
from frontdoor.clocks import ClockReading, ClockState
from frontdoor.people.models import Person
from frontdoor.policies.reading import clock_reading
from frontdoor.policies.rules import rules_for


def assessments_with_related() -> QuerySet[Assessment]:
    return Assessment.objects.select_related(
        "child",
        "worker",
        "policy",
        "started_by",
        "completed_by",
        "authorised_by",
        "returned_by",
        "referral",
        "transfer__to_team",
        "transfer__allocated_to",
    )


def assessment_clock(assessment: Assessment, now: datetime) -> ClockReading:
    """45 working days (policy ``assessment``) from the referral to completion."""
    return clock_reading(
        assessment.policy, assessment.referral_at, assessment.due_at, assessment.completed_at, now
    )


def working_days_text(assessment: Assessment, now: datetime) -> str:
    """ "12 working days left", "3 working days over", "Completed in 40 working days"..."""
    due = assessment.due_at
    if due is None:
        return "No timescale"
    calendar = rules_for(assessment.policy).calendar
    done = assessment.completed_at
    if done is not None:
        taken = calendar.working_days_between(assessment.referral_at, done)
        text = f"Completed in {_days(taken)}"
        if done > due:
            text += f", {_days(calendar.working_days_between(due, done))} late"
        return text
    if now <= due:
        left = calendar.working_days_between(now, due)
        return "Due today" if left == 0 else f"{_days(left)} left"
    over = calendar.working_days_between(due, now)
    return "Overdue" if over == 0 else f"{_days(over)} over"


def _days(n: int) -> str:
    return f"{n} working day" + ("" if n == 1 else "s")


@dataclass(frozen=True)
class VisitRow:
    visited_at: datetime
    child_seen: bool
    seen_alone: bool
    notes: str
    first: bool  # the first visit after the transfer (recorded on the transfer)
    recorded_by: Any


@dataclass(frozen=True)
class Visits:
    rows: list[VisitRow]

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def seen(self) -> bool:
        return any(row.child_seen for row in self.rows)

    @property
    def seen_alone(self) -> bool:
        return any(row.seen_alone for row in self.rows)

    @property
    def last_seen(self) -> datetime | None:
        seen = [row.visited_at for row in self.rows if row.child_seen]
        return max(seen) if seen else None


def assessment_visits(assessment: Assessment) -> Visits:
    """The first visit after the transfer, then the visits during the assessment."""
    rows: list[VisitRow] = []
    first = getattr(assessment.transfer, "visit", None)
    if first is not None:
        rows.append(
            VisitRow(
                first.visited_at,
                first.child_seen,
                first.seen_alone,
                first.notes,
                True,
                first.recorded_by,
            )
        )
    visits: QuerySet[AssessmentVisit] = assessment.visits.select_related("recorded_by")
    rows += [
        VisitRow(v.visited_at, v.child_seen, v.seen_alone, v.notes, False, v.recorded_by)
        for v in visits
    ]
    return Visits(sorted(rows, key=lambda row: row.visited_at))


def assessment_factors(assessment: Assessment) -> list[Factor]:
    return [FACTORS_BY_CODE[code] for code in assessment.factors if code in FACTORS_BY_CODE]


@dataclass(frozen=True)
class AssessmentRow:
    assessment: Assessment
    reading: ClockReading
    days: str

    @property
    def overdue(self) -> bool:
        return self.reading.state == ClockState.OVERDUE


def assessments_for_child(
    child: Person, user: Any, now: datetime | None = None
) -> list[AssessmentRow]:
    """The child's assessments the user may see, newest first, each with its clock."""

    now = now or timezone.now()
    qs = visible_assessments(user, assessments_with_related().filter(child=child))
    return [
        AssessmentRow(a, assessment_clock(a, now), working_days_text(a, now))
        for a in qs.order_by("-started_on", "-id")
    ]
