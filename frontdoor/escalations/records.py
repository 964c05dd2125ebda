"""The records an escalation can be about, and what each says about who answers it.

A record is named by its model name and primary key (``"decision"``, 12), as management
oversight names records. For each kind this module knows its child, the team that owns it,
the practitioner concerned, a partner agency it is about (a partner's information request),
the words and reference shown for it, and the page it lives on. Later records (strategy
discussions, assessments) are found by name when their apps define them.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.apps import apps
from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from frontdoor.accounts.access import Perm, can, visible_requests, visible_transfers
from frontdoor.accounts.models import Agency, Team, TeamKind, User
from frontdoor.intake.models import ContactChild
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, Enquiry, PartnerRequest
from frontdoor.oversight.selectors import record_key as record_key  # named as oversight names them
from frontdoor.transfers.models import Transfer

#: model name -> app label, for every kind of record an escalation may be about.
RECORD_APPS: dict[str, str] = {
    "contactchild": "intake",
    "enquiry": "mash",
    "decision": "mash",
    "partnerrequest": "mash",
    "transfer": "protection",
    # Optional: used when these apps define them (see ``LATER_RECORDS``).
    "strategydiscussion": "strategy",
    "s47enquiry": "strategy",
    "assessment": "assessments",
}


@dataclass(frozen=True)
class LaterRecord:
    """A record kind from an app built after the front door, found by name when it exists."""

    label: str
    url_name: str
    access_module: str
    can_view: str


LATER_RECORDS: dict[str, LaterRecord] = {
    "strategydiscussion": LaterRecord(
        "Strategy discussion", "strategy-detail", "frontdoor.strategy.access", "can_view_discussion"
    ),
    "s47enquiry": LaterRecord(
        "Section 47 enquiry", "s47-detail", "frontdoor.strategy.access", "can_view_s47"
    ),
    "assessment": LaterRecord(
        "Child and family assessment",
        "assessment-detail",
        "frontdoor.assessments.access",
        "can_view_assessment",
    ),
}


@dataclass(frozen=True)
class RecordFacts:
    """What an escalation needs to know about its record."""

    record: Model
    child_id: int
    label: str
    team: Team | None
    practitioner: User | None
    partner_agency: Agency | None


def record_model(record_type: str) -> type[Model] | None:
    label = RECORD_APPS.get(record_type)
    if label is None:
        return None
    try:
        return apps.get_model(label, record_type)
    except LookupError:
        return None


def record_find(record_type: str, record_id: int | None) -> Model | None:
    """The record named, or None if there is no such kind or row."""
    model = record_model(record_type)
    if model is None or record_id is None:
        return None
    return model._default_manager.filter(pk=record_id).first()


def _first_team(kind: str) -> Team | None:
    return Team.objects.filter(kind=kind).order_by("id").first()


def _user(value: Any) -> User | None:
    return value if isinstance(value, User) and value.is_active else None


def record_facts(record: Model) -> RecordFacts:
    """Child, owning team, practitioner concerned and partner agency of ``record``."""
    if isinstance(record, ContactChild):
        screener = _user(record.screened_by)
        team = (screener.team if screener else None) or _first_team(TeamKind.CONTACT_CENTRE)
        return RecordFacts(
            record,
            record.child_id,
            f"Screening decision on contact {record.contact.reference}",
            team,
            screener,
            None,
        )
    if isinstance(record, Enquiry):
        return RecordFacts(
            record,
            record.child_id,
            f"MASH enquiry E{record.pk}",
            record.team,
            _user(record.allocated_to),
            None,
        )
    if isinstance(record, Decision):
        enquiry = record.enquiry
        return RecordFacts(
            record,
            enquiry.child_id,
            f"MASH decision on enquiry E{enquiry.pk}: {record.get_outcome_display()}",
            enquiry.team,
            _user(record.recorded_by),
            None,
        )
    if isinstance(record, PartnerRequest):
        enquiry = record.enquiry
        return RecordFacts(
            record,
            enquiry.child_id,
            f"Information request R{record.pk} to {record.agency.name}",
            enquiry.team,
            None,
            record.agency,
        )
    if isinstance(record, Transfer):
        return RecordFacts(
            record,
            record.child_id,
            f"Transfer T{record.pk} to {record.to_team.name}",
            record.to_team,
            _user(record.allocated_to) or _user(record.responded_by),
            None,
        )
    # A later record (strategy discussion, section 47 enquiry, assessment): read what it has.
    team = getattr(record, "team", None) or getattr(record, "to_team", None)
    practitioner = None
    for name in (
        "allocated_to",
        "worker",
        "social_worker",
        "recorded_by",
        "convened_by",
        "outcome_recorded_by",
    ):
        practitioner = _user(getattr(record, name, None))
        if practitioner is not None:
            break
    if team is None and practitioner is not None:
        team = practitioner.team
    later = LATER_RECORDS.get(record._meta.model_name or "")
    verbose = later.label if later else str(record._meta.verbose_name).capitalize()
    return RecordFacts(
        record,
        int(getattr(record, "child_id", 0) or 0),
        f"{verbose} {record.pk}",
        team if isinstance(team, Team) else None,
        practitioner,
        None,
    )


def record_url(record: Model, user: Any) -> str:
    """The record's page, if ``user`` may open it ("" when not)."""
    try:
        if isinstance(record, ContactChild):
            return (
                reverse("contact-detail", args=[record.contact_id])
                if can(user, Perm.CONTACT_VIEW)
                else ""
            )
        if isinstance(record, Enquiry):
            return (
                reverse("enquiry-detail", args=[record.pk]) if can(user, Perm.ENQUIRY_VIEW) else ""
            )
        if isinstance(record, Decision):
            return (
                reverse("enquiry-detail", args=[record.enquiry_id])
                if can(user, Perm.ENQUIRY_VIEW)
                else ""
            )
        if isinstance(record, PartnerRequest):
            visible = visible_requests(user, PartnerRequest.objects.filter(pk=record.pk)).exists()
            return reverse("request-detail", args=[record.pk]) if visible else ""
        if isinstance(record, Transfer):
            visible = visible_transfers(user, Transfer.objects.filter(pk=record.pk)).exists()
            return reverse("transfer-detail", args=[record.pk]) if visible else ""
        later = LATER_RECORDS.get(record._meta.model_name or "")
        if later is None:
            return ""
        try:
            may_view = getattr(import_module(later.access_module), later.can_view)
        except (ImportError, AttributeError):
            return ""
        return reverse(later.url_name, args=[record.pk]) if may_view(user, record) else ""
    except NoReverseMatch:
        return ""
    return ""


def record_by_reference(reference: str, about: str, *, partner: bool) -> Model | None:
    """The record a typed reference names, for an escalation ``about`` a decision or delay.

    ``E12``: the enquiry (a delay) or its decision; ``R5``: the information request (a
    council worker's complaint of a partner's delay), or for a partner its enquiry's decision
    or the enquiry (the MASH's delay); ``T7``: the transfer; a contact's reference: its
    screening decision (when it names one child).
    """
    value = reference.strip().upper().replace(" ", "")
    if len(value) < 2 or len(value) > 30:
        return None
    prefix, number = value[0], value[1:]
    if prefix in "ERT" and number.isdigit():
        pk = int(number)
        if prefix == "E":
            enquiry = Enquiry.objects.filter(pk=pk).first()
            if enquiry is None:
                return None
            return _decision_or(enquiry, about)
        if prefix == "R":
            request = PartnerRequest.objects.select_related("enquiry").filter(pk=pk).first()
            if request is None:
                return None
            if about == "decision" or partner:
                return _decision_or(request.enquiry, about)
            return request
        return Transfer.objects.filter(pk=pk).first()
    links = list(ContactChild.objects.filter(contact__reference__iexact=value)[:2])
    return links[0] if len(links) == 1 else None


def _decision_or(enquiry: Enquiry, about: str) -> Model:
    decision = Decision.objects.filter(enquiry=enquiry, status__in=LIVE_DECISION_STATUSES).first()
    if about == "decision" and decision is not None:
        return decision
    return enquiry
