"""Every kind of event the history holds, in one list: its name (``Event.action``), the label
a history or chronology shows, the chronology category it falls under, and the data its
``after`` carries.

``event_append`` refuses a name that is not here, so a new transition starts by adding its
type. A later app may add its own types from its ``ready()`` (``event_type_register``), as it
registers its queue source and chronology category (ADR 11). The chronology reads each
event's category from here; the KPIs will count by these names. The category is a key of a
chronology category (``frontdoor.people.chronology``); "other" is an event about no child's
story (a token, a policy, a retried email), shown under "Other" if it ever names a child.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    name: str
    #: What a history or chronology calls it ("Transfer accepted").
    label: str
    #: The chronology category key ("transfers"), or "other".
    category: str
    #: The keys its event's ``after`` holds (what it carries).
    data: tuple[str, ...] = ()


class UnregisteredEventType(ValueError):
    """An event was appended with a name no app registered."""


_TYPES: dict[str, EventType] = {}


def event_type_register(*types: EventType) -> None:
    """Add (or replace, by name) event types: the list below, or an app's from ``ready()``."""
    for kind in types:
        if not kind.name or not kind.label or not kind.category:
            raise ValueError(f"An event type needs a name, label and category: {kind!r}")
        _TYPES[kind.name] = kind


def event_type(name: str) -> EventType:
    """The registered type called ``name``; ``UnregisteredEventType`` if there is none."""
    try:
        return _TYPES[name]
    except KeyError:
        raise UnregisteredEventType(
            f"Event type {name!r} is not registered: add it to frontdoor/audit/event_types.py"
        ) from None


def event_type_or_none(name: str) -> EventType | None:
    """For reading stored history, which may hold names from before this list."""
    return _TYPES.get(name)


def event_types() -> list[EventType]:
    """Every registered type, by name."""
    return sorted(_TYPES.values(), key=lambda kind: kind.name)


def event_label(name: str) -> str:
    """The label of ``name`` ("Transfer accepted"), or the name itself if unregistered."""
    kind = _TYPES.get(name)
    return kind.label if kind else name


def _register_all(types: Iterable[EventType]) -> None:
    event_type_register(*types)


_register_all(
    [
        EventType(
            "api_token.issued", "API token issued", "other", ("agency", "expires_at", "scopes")
        ),
        EventType("api_token.revoked", "API token revoked", "other", ()),
        EventType("assessment.authorised", "Assessment authorised", "assessments", ("status",)),
        EventType(
            "assessment.completed",
            "Assessment completed",
            "assessments",
            ("child_in_need", "factors", "late", "next_step", "status"),
        ),
        EventType("assessment.returned", "Assessment returned", "assessments", ("status",)),
        EventType(
            "assessment.started",
            "Assessment started",
            "assessments",
            ("due_at", "policy", "started_on", "worker"),
        ),
        EventType(
            "assessment.visit_recorded",
            "Assessment visit recorded",
            "assessments",
            ("child_seen", "seen_alone", "visited_at"),
        ),
        EventType("audit.redacted", "Event redacted", "other", ("content_hash", "event")),
        EventType(
            "conference.booked", "Conference booked", "protection", ("icpc_due_at", "scheduled_for")
        ),
        EventType(
            "conference.held",
            "Conference held",
            "protection",
            ("category", "held_at", "icpc_due_at", "plan"),
        ),
        EventType(
            "conference.rebooked",
            "Conference rebooked",
            "protection",
            ("icpc_due_at", "scheduled_for"),
        ),
        EventType(
            "contact.child_added",
            "Child added to contact",
            "contacts",
            ("child", "screening_due_at"),
        ),
        EventType("contact.child_match_checked", "Child's match checked", "contacts", ()),
        EventType("contact.corrected", "Contact corrected", "contacts", ()),
        EventType(
            "contact.immediate_risk_alert",
            "Immediate risk alert sent",
            "contacts",
            ("due_at", "duty_manager", "recipients"),
        ),
        EventType(
            "contact.open_case_acknowledged",
            "Open case acknowledged",
            "contacts",
            ("acknowledged_at",),
        ),
        EventType(
            "contact.passed_to_worker",
            "Passed to allocated worker",
            "contacts",
            ("due_at", "worker"),
        ),
        EventType(
            "contact.recorded",
            "Contact recorded",
            "contacts",
            (
                "channel",
                "consent_status",
                "immediate_risk",
                "lawful_basis",
                "received_at",
                "source",
            ),
        ),
        EventType("contact.screened", "Contact screened", "contacts", ("outcome", "rating")),
        EventType("decision.recorded", "Decision recorded", "decisions", ("outcome", "status")),
        EventType("decision.replaced", "Decision replaced", "decisions", ("decision", "outcome")),
        EventType(
            "decision.sent_back",
            "Decision sent back",
            "decisions",
            ("allocated_to", "decision", "due_at", "status"),
        ),
        EventType(
            "decision.signed_off",
            "Decision signed off",
            "decisions",
            ("enquiry", "outcome", "signed_off_by", "transfer_due_at"),
        ),
        EventType("duplicate.not_same", "Not the same person", "merges", ("status",)),
        EventType("enquiry.allocated", "Enquiry allocated", "enquiries", ("allocated_to",)),
        EventType("enquiry.closed", "Enquiry closed", "enquiries", ("status",)),
        EventType(
            "enquiry.lived_experience",
            "Lived experience recorded",
            "enquiries",
            ("lived_experience",),
        ),
        EventType("enquiry.opened", "Enquiry opened", "enquiries", ("due_at", "rating")),
        EventType("enquiry.rated", "Enquiry rated", "enquiries", ("due_at", "rating")),
        EventType(
            "escalation.escalated",
            "Escalation escalated",
            "escalations",
            ("by_raiser", "stage", "stage_due_at"),
        ),
        EventType(
            "escalation.raised",
            "Escalation raised",
            "escalations",
            (
                "about",
                "disagreement",
                "outcome_sought",
                "record_id",
                "record_type",
                "stage",
                "stage_due_at",
            ),
        ),
        EventType(
            "escalation.resolved",
            "Escalation resolved",
            "escalations",
            ("learning", "resolution", "status"),
        ),
        EventType("escalation.withdrawn", "Escalation withdrawn", "escalations", ("status",)),
        EventType("feedback.given", "Feedback given to referrer", "feedback", ("at", "method")),
        EventType(
            "feedback.requested",
            "Feedback to referrer due",
            "feedback",
            ("due_at", "email", "stage"),
        ),
        EventType("feedback.unreachable", "Referrer unreachable", "feedback", ("at", "method")),
        EventType("match_settings.changed", "Matching settings changed", "other", ()),
        EventType("outbox.retried", "Email retried", "other", ("attempts", "status")),
        EventType(
            "oversight.recorded",
            "Oversight recorded",
            "oversight",
            ("direction", "record_id", "record_type", "transition"),
        ),
        EventType("person.address_added", "Person address added", "record", ()),
        EventType("person.address_moved_out", "Moved out of address", "record", ()),
        EventType("person.alias_added", "Person alias added", "record", ()),
        EventType("person.alias_removed", "Person alias removed", "record", ()),
        EventType("person.corrected", "Record corrected", "record", ()),
        EventType("person.created", "Person created", "record", ("date_of_birth", "name")),
        EventType("person.matched", "Child matched to a record", "record", ("reasons", "weight")),
        EventType("person.merged", "Person merged", "merges", ()),
        EventType("person.unmerged", "Person unmerged", "merges", ()),
        EventType("policy.published", "Policy published", "other", ("effective_from", "note")),
        EventType(
            "referral.created",
            "Referral created",
            "referrals",
            ("re_referral", "referral_date", "source"),
        ),
        EventType("relationship.added", "Relationship added", "household", ("person",)),
        EventType("relationship.changed", "Relationship changed", "household", ()),
        EventType("relationship.ended", "Relationship ended", "household", ("ended_on",)),
        EventType("request.answered", "Partner request answered", "enquiries", ("status",)),
        EventType("request.not_shared", "Request answered: not shared", "enquiries", ("status",)),
        EventType("request.sent", "Partner request sent", "enquiries", ("agency", "due_at")),
        EventType(
            "restricted.break_glass", "Break-glass access", "restricted", ("expires_at", "user")
        ),
        EventType("restricted.lifted", "Restricted lifted", "restricted", ("restricted",)),
        EventType(
            "restricted.made", "Record restricted", "restricted", ("category", "named", "owner")
        ),
        EventType("restricted.named", "User named on restriction", "restricted", ("user",)),
        EventType("restricted.unnamed", "User removed from restriction", "restricted", ()),
        EventType("retention.applied", "Retention applied", "retention", ("status",)),
        EventType("retention.approved", "Retention approved", "retention", ("status", "to_delete")),
        EventType("retention.deleted", "Retention deleted", "retention", ("anonymised", "deleted")),
        EventType("retention.item_excluded", "Retention item excluded", "retention", ("status",)),
        EventType("retention.item_included", "Retention item included", "retention", ("status",)),
        EventType("retention.proposed", "Retention proposed", "retention", ("items",)),
        EventType("retention.rule_changed", "Retention rule changed", "retention", ()),
        EventType(
            "s47.icpc_due_moved",
            "ICPC due date moved",
            "protection",
            ("icpc_due_at", "kind", "last_discussion"),
        ),
        EventType(
            "s47.outcome",
            "Section 47 outcome recorded",
            "protection",
            ("icpc_needed", "outcome", "outcome_at"),
        ),
        EventType(
            "s47.started",
            "Section 47 enquiry started",
            "protection",
            ("discussion", "icpc_due_at", "kind", "started_at"),
        ),
        EventType("signin.unlock", "Sign-in unlocked", "other", ("unlocked_at",)),
        EventType(
            "strategy.action_added",
            "Strategy action added",
            "meetings",
            ("action", "description", "due_on"),
        ),
        EventType("strategy.action_done", "Strategy action done", "meetings", ("action",)),
        EventType(
            "strategy.attendance",
            "Strategy attendance recorded",
            "meetings",
            ("attendance", "quorate"),
        ),
        EventType("strategy.cancelled", "Strategy cancelled", "meetings", ("status",)),
        EventType(
            "strategy.convened",
            "Strategy convened",
            "meetings",
            ("decided_at", "due_at", "rating", "s47", "scheduled_for"),
        ),
        EventType(
            "strategy.held",
            "Strategy held",
            "meetings",
            ("decision", "held_at", "minutes_due_at", "quorate", "s47_kind", "status"),
        ),
        EventType(
            "strategy.invited",
            "Strategy invited",
            "meetings",
            ("agency", "person_name", "person_role"),
        ),
        EventType("strategy.minutes_recorded", "Strategy minutes recorded", "meetings", ()),
        EventType(
            "strategy.minutes_sent",
            "Strategy minutes sent",
            "meetings",
            ("agencies", "minutes_due_at"),
        ),
        EventType("submission.alert_raised", "Submission alert raised", "other", ("kind",)),
        EventType("submission.converted", "Submission converted", "other", ("contact",)),
        EventType(
            "submission.received",
            "Submission received",
            "other",
            ("agency", "channel", "documents"),
        ),
        EventType(
            "supervision.action_completed",
            "Supervision action completed",
            "oversight",
            ("completed_at", "due_at"),
        ),
        EventType(
            "supervision.recorded",
            "Supervision recorded",
            "oversight",
            ("actions", "due_at", "held_at", "next_due_at", "supervisor", "worker"),
        ),
        EventType("team.duty_taken", "Duty manager changed", "other", ("duty_manager",)),
        EventType(
            "transfer.accepted", "Transfer accepted", "transfers", ("allocated_to", "status")
        ),
        EventType(
            "transfer.requested",
            "Transfer requested",
            "transfers",
            ("acceptance_due_at", "rating", "route", "visit_due_at"),
        ),
        EventType("transfer.returned", "Transfer returned", "transfers", ("status",)),
        EventType(
            "visit.recorded",
            "First visit recorded",
            "transfers",
            ("child_seen", "seen_alone", "visited_at"),
        ),
        # Written by the benchmark endpoint only (frontdoor.benchmarking).
        EventType("benchmark.bare_insert", "Benchmark insert", "other", ()),
    ]
)
