"""Request and response schemas of the JSON API (pydantic models through django-ninja).

Response schemas are built from the same rows and clock readings the pages use; nothing is
computed here that a selector or a clock does not already compute.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import IntEnum
from typing import TYPE_CHECKING, Literal

from ninja import Field, Schema
from pydantic import ConfigDict, StrictBool

from frontdoor.clocks import ClockReading, ClockState
from frontdoor.mash.models import (
    DecisionOutcome,
    DecisionStatus,
    EnquiryStatus,
    Rating,
    RequestStatus,
)

if TYPE_CHECKING:
    from frontdoor.people.models import Person

#: The longest free text the API accepts (the same order as the pages' long text fields).
LONG_TEXT = 10_000
#: Text must not contain NUL: PostgreSQL cannot store it, so it is refused at the edge.
NO_NUL = r"^[^\x00]*$"


# --------------------------------------------------------------------------- problems


class Clock(Schema):
    """A reading of one timescale clock, from the record's own policy."""

    state: ClockState
    label: str = Field(description="The state as the pages show it, e.g. `Due soon`.")
    started_at: datetime
    due_at: datetime | None
    completed_at: datetime | None

    @classmethod
    def of(cls, reading: ClockReading) -> Clock:
        return cls(
            state=reading.state,
            label=reading.state.label,
            started_at=reading.started_at,
            due_at=reading.due_at,
            completed_at=reading.completed_at,
        )


# --------------------------------------------------------------------------- overview


class StateCounts(Schema):
    overdue: int
    due_soon: int
    on_time: int
    no_clock: int


class StageOverview(Schema):
    stage: str
    total: int
    counts: StateCounts


class TimelinessOut(Schema):
    clock: str
    completed: int = Field(description="Clocks stopped (work done) in the period.")
    met: int = Field(description="Of those, done by their due time.")
    late: int = Field(description="Of those, done after their due time.")
    open_overdue: int = Field(
        description="Clocks still running now whose due time has passed (not met)."
    )
    not_met: int = Field(description="late + open_overdue.")
    percent_met: float | None = Field(
        description="met / (completed + open_overdue) as a percentage; null when both are 0."
    )
    definition: str = Field(description="What the clock measures: its start and end events.")


class OverviewPeriod(IntEnum):
    """The periods the overview looks back over, in days."""

    DAYS_7 = 7
    DAYS_28 = 28
    DAYS_91 = 91
    DAYS_365 = 365


class OverviewOut(Schema):
    """Open work by stage and clock state, and timeliness over the last period."""

    generated_at: datetime
    period_days: int
    stages: list[StageOverview]
    timeliness: list[TimelinessOut]


# --------------------------------------------------------------------------- queues


class WorkItemOut(Schema):
    stage: str
    child_id: int
    child_name: str
    reference: str
    rating: Rating | Literal[""] = Field(description="BRAG rating; empty before screening.")
    owner: str = Field(description="Who holds the work (worker, author or agency), if anyone.")
    immediate_risk: bool = Field(
        default=False,
        description="The contact says a child is at immediate risk: first in the queue.",
    )
    note: str = Field(default="", description='A word about the item\'s state, e.g. "Sent back".')
    clock: Clock
    url: str = Field(description="The page for this work in the Front Door web service.")


class QueueOut(Schema):
    scope: Literal["mine", "team"]
    generated_at: datetime
    count: int
    items: list[WorkItemOut]


# --------------------------------------------------------------------------- people


class ChildOut(Schema):
    id: int
    name: str
    date_of_birth: date | None

    @classmethod
    def of(cls, child: Person) -> ChildOut:
        """A restricted record the caller may not see: "Restricted record (record N)" and no
        date of birth (``frontdoor.people.masking``)."""
        return cls(
            id=child.pk,
            name=child.full_name,
            date_of_birth=None if child.is_masked else child.date_of_birth,
        )


class ChildSearchIn(Schema):
    """What is known of a child: any of it, misspelt or partial. At least one is needed."""

    model_config = ConfigDict(extra="forbid")

    given_name: str = Field("", max_length=100, pattern=NO_NUL)
    family_name: str = Field("", max_length=100, pattern=NO_NUL)
    date_of_birth: date | None = None
    birth_year: int | None = Field(
        None, ge=1900, le=2100, description="When only the year (or month and year) is known"
    )
    birth_month: int | None = Field(None, ge=1, le=12)
    expected_date_of_birth: date | None = Field(None, description="For an unborn child")
    sex: Literal["M", "F", "U", ""] = ""
    postcode: str = Field("", max_length=10, pattern=NO_NUL)
    nhs_number: str = Field("", max_length=14, pattern=NO_NUL, description="Check digit checked")
    limit: int = Field(10, ge=1, le=50)


class MatchReasonOut(Schema):
    field: str
    level: str = Field(description="How the field compared: exact, nickname, typo, sounds...")
    weight: float = Field(description="Evidence in bits: positive for, negative against")
    reason: str


class ChildMatchOut(Schema):
    child: ChildOut
    weight: float = Field(description="Total match weight (the sum of the reasons' weights)")
    confidence: Literal["high", "medium", "low"]
    summary: str
    reasons: list[MatchReasonOut]


class ChildSearchOut(Schema):
    count: int
    results: list[ChildMatchOut]


class AgencyOut(Schema):
    code: str
    name: str


# --------------------------------------------------------------------------- requests


class RequestSummary(Schema):
    """A partner information request, as listed."""

    id: int
    reference: str
    enquiry_id: int
    child_id: int
    child_name: str
    agency: AgencyOut
    status: RequestStatus
    rating: Rating = Field(description="The enquiry's BRAG rating, which sets the deadline.")
    sent_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    clock: Clock


class RequestDetail(RequestSummary):
    """One request: its questions, its answer (if any) and its clock."""

    child: ChildOut
    questions: list[str]
    sent_by: str
    answered_by: str | None
    response: str
    not_shared_reason: str


class AnswerIn(Schema):
    """A partner's answer: the information held, or that it is not shared and why."""

    model_config = ConfigDict(extra="forbid")

    shared: StrictBool = Field(description="True: the information is shared in `response`.")
    response: str = Field(
        "",
        max_length=LONG_TEXT,
        pattern=NO_NUL,
        description="The information the agency holds (required when `shared` is true).",
    )
    not_shared_reason: str = Field(
        "",
        max_length=LONG_TEXT,
        pattern=NO_NUL,
        description="Why the information is not shared (required when `shared` is false).",
    )


# --------------------------------------------------------------------------- enquiries


class RatingChangeOut(Schema):
    rating: Rating
    previous: Rating | Literal[""]
    at: datetime
    by: str
    reason: str


class DecisionOut(Schema):
    status: DecisionStatus = Field(
        description="awaiting (sign-off) or signed_off: the decision in force. Decisions a "
        "manager sent back or replaced are history, shown on the enquiry's page."
    )
    outcome: DecisionOutcome
    outcome_label: str
    rationale: str
    recorded_by: str
    recorded_at: datetime
    signed_off_by: str | None
    signed_off_at: datetime | None
    oversight: str
    signoff_clock: Clock


class EnquiryOut(Schema):
    """A MASH enquiry: its rating and history, clock, visible requests and decision."""

    id: int
    reference: str
    status: EnquiryStatus
    child: ChildOut
    team: str
    allocated_to: str | None
    entered_at: datetime
    rating: Rating
    rated_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    clock: Clock
    rating_history: list[RatingChangeOut]
    requests: list[RequestSummary]
    decision: DecisionOut | None
