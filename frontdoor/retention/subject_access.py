"""Subject access: everything held about a child, in one zip file.

The zip holds a JSON file per section (``sections/<key>.json``), the documents referrers
uploaded (``documents/``), and ``summary.html``, a readable copy of every section. It walks
each app's records for the child and every record merged into it (``record_ids_for``).
The data protection officer reviews it (and redacts what belongs to other people) before
anything is sent to the requester.
"""

from __future__ import annotations

import html
import io
import json
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from frontdoor.accounts.models import Agency, Team, User
from frontdoor.assessments.models import Assessment, AssessmentVisit
from frontdoor.audit.models import AccessAction, Event
from frontdoor.audit.services import access_log_record
from frontdoor.escalations.models import Escalation, EscalationStage
from frontdoor.intake.models import (
    Contact,
    ContactChild,
    Document,
    OpenCaseInformation,
    Referral,
    ReferrerFeedback,
    Submission,
)
from frontdoor.mash.models import Decision, Enquiry, PartnerRequest, RatingChange
from frontdoor.oversight.models import OversightEntry, SupervisionAction, SupervisionRecord
from frontdoor.people.chronology import record_ids_for
from frontdoor.people.models import Address, Alias, Disability, Person, Relationship
from frontdoor.strategy.models import (
    Conference,
    Invitation,
    MinutesDistribution,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.transfers.models import Transfer, Visit

Ids = list[int]


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    rows: Callable[[Ids], QuerySet[Any]]


def _people(ids: Ids) -> QuerySet[Any]:
    return Person.objects.filter(pk__in=ids).order_by("pk")


def _relationships(ids: Ids) -> QuerySet[Any]:
    return Relationship.objects.filter(Q(child_id__in=ids) | Q(person_id__in=ids)).order_by("pk")


def _contacts(ids: Ids) -> QuerySet[Any]:
    return (
        Contact.objects.filter(children__child_id__in=ids).distinct().order_by("received_at", "pk")
    )


def _events(ids: Ids) -> QuerySet[Any]:
    return Event.objects.filter(
        Q(child_id__in=ids) | Q(record_type="person", record_id__in=ids)
    ).order_by("at", "pk")


def _documents(ids: Ids) -> QuerySet[Any]:
    return (
        Document.objects.filter(submission__contact__children__child_id__in=ids)
        .distinct()
        .order_by("uploaded_at", "pk")
    )


SECTIONS: tuple[Section, ...] = (
    Section("person", "The child's record", _people),
    Section("aliases", "Other names", lambda ids: Alias.objects.filter(person_id__in=ids)),
    Section("addresses", "Addresses", lambda ids: Address.objects.filter(person_id__in=ids)),
    Section(
        "disabilities", "Disabilities", lambda ids: Disability.objects.filter(person_id__in=ids)
    ),
    Section("relationships", "Relationships and household", _relationships),
    Section("contacts", "Contacts", _contacts),
    Section(
        "screening",
        "Screening decisions",
        lambda ids: ContactChild.objects.filter(child_id__in=ids).order_by("pk"),
    ),
    Section(
        "open_case_information",
        "New information passed to the allocated worker",
        lambda ids: OpenCaseInformation.objects.filter(contact_child__child_id__in=ids),
    ),
    Section(
        "referrer_feedback",
        "Feedback to the referrer",
        lambda ids: ReferrerFeedback.objects.filter(contact_child__child_id__in=ids),
    ),
    Section(
        "submissions",
        "Online and partner referrals as received",
        lambda ids: Submission.objects.filter(contact__children__child_id__in=ids).distinct(),
    ),
    Section("referrals", "Referrals", lambda ids: Referral.objects.filter(child_id__in=ids)),
    Section("enquiries", "MASH enquiries", lambda ids: Enquiry.objects.filter(child_id__in=ids)),
    Section(
        "ratings",
        "MASH ratings and their changes",
        lambda ids: RatingChange.objects.filter(enquiry__child_id__in=ids),
    ),
    Section(
        "partner_requests",
        "Information requests to partner agencies and their answers",
        lambda ids: PartnerRequest.objects.filter(enquiry__child_id__in=ids),
    ),
    Section(
        "decisions",
        "MASH decisions",
        lambda ids: Decision.objects.filter(enquiry__child_id__in=ids),
    ),
    Section(
        "transfers",
        "Transfers to the assessment team",
        lambda ids: Transfer.objects.filter(child_id__in=ids),
    ),
    Section("visits", "Visits", lambda ids: Visit.objects.filter(child_id__in=ids)),
    Section(
        "strategy_discussions",
        "Strategy discussions",
        lambda ids: StrategyDiscussion.objects.filter(child_id__in=ids),
    ),
    Section(
        "strategy_invitations",
        "Strategy discussion invitations and attendance",
        lambda ids: Invitation.objects.filter(discussion__child_id__in=ids),
    ),
    Section(
        "strategy_actions",
        "Strategy discussion actions",
        lambda ids: StrategyAction.objects.filter(discussion__child_id__in=ids),
    ),
    Section(
        "minutes_distributions",
        "Strategy discussion minutes sent to agencies",
        lambda ids: MinutesDistribution.objects.filter(discussion__child_id__in=ids),
    ),
    Section(
        "s47_enquiries",
        "Section 47 enquiries",
        lambda ids: S47Enquiry.objects.filter(child_id__in=ids),
    ),
    Section(
        "conferences",
        "Initial child protection conferences",
        lambda ids: Conference.objects.filter(child_id__in=ids),
    ),
    Section(
        "assessments",
        "Child and family assessments",
        lambda ids: Assessment.objects.filter(child_id__in=ids),
    ),
    Section(
        "assessment_visits",
        "Assessment visits",
        lambda ids: AssessmentVisit.objects.filter(child_id__in=ids),
    ),
    Section(
        "escalations",
        "Escalations and professional disagreements",
        lambda ids: Escalation.objects.filter(child_id__in=ids),
    ),
    Section(
        "escalation_stages",
        "Escalation stages",
        lambda ids: EscalationStage.objects.filter(escalation__child_id__in=ids),
    ),
    Section(
        "supervision",
        "Case supervision",
        lambda ids: SupervisionRecord.objects.filter(child_id__in=ids),
    ),
    Section(
        "supervision_actions",
        "Case supervision actions",
        lambda ids: SupervisionAction.objects.filter(supervision__child_id__in=ids),
    ),
    Section(
        "oversight",
        "Management oversight",
        lambda ids: OversightEntry.objects.filter(child_id__in=ids),
    ),
    Section("chronology", "Chronology (the history of every change)", _events),
    Section("documents", "Documents", _documents),
)


# ------------------------------------------------------------------- rows


class _Names:
    """Users, teams and agencies by id, read once each."""

    def __init__(self) -> None:
        self.cache: dict[tuple[type[models.Model], int], str] = {}

    def name(self, model: type[models.Model], pk: int) -> str:
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            if isinstance(obj, User):
                self.cache[key] = obj.get_full_name() or obj.username
            else:
                self.cache[key] = str(obj) if obj is not None else ""
        return self.cache[key]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return (
            timezone.localtime(value).isoformat() if timezone.is_aware(value) else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (memoryview, bytes)):
        return None
    return value


def row_of(obj: models.Model, names: _Names) -> dict[str, Any]:
    """Every stored field of ``obj`` (not file contents): choices with their words, people,
    teams and agencies by name as well as id."""
    row: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if isinstance(field, models.BinaryField) or field.name.endswith("_hash"):
            continue
        value = getattr(obj, field.attname)
        row[field.attname] = _plain(value)
        if field.is_relation and value is not None:
            target = field.related_model
            if target in (User, Team, Agency):
                row[field.name] = names.name(target, value)  # type: ignore[arg-type]
        elif field.choices and value not in (None, ""):
            row[f"{field.name}_label"] = str(dict(field.flatchoices).get(value, value))
    return row


# ------------------------------------------------------------------- the export


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    counts: dict[str, int]


def _summary_html(
    child: Person, tables: list[tuple[Section, list[dict[str, Any]]]], at: datetime, by: User
) -> str:
    esc = html.escape
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>Subject access export: record {child.pk}</title>",
        "<style>body{font-family:Arial,sans-serif;margin:2em}table{border-collapse:collapse;"
        "margin-bottom:2em;font-size:12px}th,td{border:1px solid #b1b4b6;padding:4px;"
        "vertical-align:top;text-align:left}th{background:#f3f2f1}</style></head><body>",
        f"<h1>Everything held about {esc(child.full_name)} (record {child.pk})</h1>",
        f"<p>Exported {timezone.localtime(at):%-d %B %Y %H:%M} by "
        f"{esc(by.get_full_name() or by.username)}. "
        "Review it, and redact what is about other people, before sending it.</p>",
        "<h2>Contents</h2><ul>",
        *[f"<li><a href='#{s.key}'>{esc(s.title)}</a>: {len(rows)}</li>" for s, rows in tables],
        "</ul>",
    ]
    for section, rows in tables:
        parts.append(f"<h2 id='{section.key}'>{esc(section.title)}</h2>")
        if not rows:
            parts.append("<p>None held.</p>")
            continue
        columns = list(dict.fromkeys(k for row in rows for k in row))
        parts.append("<table><thead><tr>")
        parts.extend(f"<th scope='col'>{esc(c)}</th>" for c in columns)
        parts.append("</tr></thead><tbody>")
        for row in rows:
            cells = []
            for column in columns:
                value = row.get(column)
                text = (
                    json.dumps(value, ensure_ascii=False)
                    if isinstance(value, (dict, list))
                    else ("" if value is None else str(value))
                )
                cells.append(f"<td>{esc(text)}</td>")
            parts.append("<tr>" + "".join(cells) + "</tr>")
        parts.append("</tbody></table>")
    parts.append("</body></html>")
    return "".join(parts)


def _document_name(document: Document) -> str:
    safe = "".join(c if c.isalnum() or c in "._-" else "_" for c in document.filename)
    return f"documents/{document.pk}-{safe}"


def subject_access_build(child: Person, *, at: datetime, by: User) -> Export:
    """The zip file of everything held about ``child`` (and the records merged into it)."""
    ids = record_ids_for(child)
    names = _Names()
    tables: list[tuple[Section, list[dict[str, Any]]]] = []
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in SECTIONS:
            query = section.rows(ids)
            if section.key == "documents":
                query = query.defer("content")
            objects = list(query)
            rows = [row_of(obj, names) for obj in objects]
            if section.key == "documents":
                for row, document in zip(rows, objects, strict=True):
                    row["file"] = _document_name(document)
            tables.append((section, rows))
            archive.writestr(
                f"sections/{section.key}.json",
                json.dumps(rows, ensure_ascii=False, indent=2, default=str),
            )
        for document in _documents(ids):
            archive.writestr(_document_name(document), bytes(document.content))
        archive.writestr("summary.html", _summary_html(child, tables, at, by))
    stamp = timezone.localtime(at)
    return Export(
        filename=f"subject-access-record-{child.pk}-{stamp:%Y%m%d-%H%M}.zip",
        content=buffer.getvalue(),
        counts={section.key: len(rows) for section, rows in tables},
    )


def subject_access_export(
    *, child: Person, reason: str, by: User, path: str = "", at: datetime | None = None
) -> Export:
    """Build the export and log it as an access to every record of the child, with the reason."""
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are exporting this child's records"})
    people = list(Person.objects.filter(pk__in=record_ids_for(child)))
    export = subject_access_build(child, at=at, by=by)
    access_log_record(
        user=by,
        children=people,
        record=child,
        action=AccessAction.VIEW,
        at=at,
        path=path,
        fields=[key for key, count in export.counts.items() if count],
        reason=f"Subject access export: {reason.strip()}",
    )
    return export


def sections() -> Iterable[Section]:
    return SECTIONS
