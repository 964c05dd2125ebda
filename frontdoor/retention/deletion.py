"""Deleting one record under a retention rule, and anonymising the people left with nothing.

Called from ``services.retention_apply`` inside the transaction for one item. A person is
never deleted: the access log and the event history refer to them, so their row is kept
and everything that identifies them is blanked (the audit record stays).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from frontdoor.audit.models import Event
from frontdoor.audit.services import event_redact
from frontdoor.intake.models import (
    Contact,
    ContactChild,
    Document,
    IntakeAlert,
    OpenCaseInformation,
    ReferralDraft,
    ReferrerFeedback,
    Submission,
)
from frontdoor.matching.models import DuplicatePair, MatchKey
from frontdoor.outbox.models import Message
from frontdoor.people.models import (
    Address,
    Alias,
    Disability,
    Ethnicity,
    Gender,
    Person,
    PersonKind,
    Relationship,
    Sex,
)

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

#: Relations to a person that are part of the person's own record (blanked or deleted with
#: it) or the audit of it (kept): they do not keep a record from being anonymised.
OWN_RECORD = {
    "people.alias",
    "people.address",
    "people.disability",
    "people.relationship",
    "matching.matchkey",
    "matching.duplicatepair",
}
KEPT_APPS = {"audit", "retention"}


class Deleted:
    """What one deletion removed, for the deletion log."""

    def __init__(self) -> None:
        self.rows: Counter[str] = Counter()
        self.records: list[tuple[str, int]] = []  # (model name, id): their events are redacted
        self.anonymised: list[int] = []

    def add(self, result: tuple[int, dict[str, int]]) -> None:
        for label, count in result[1].items():
            if count:
                self.rows[label] += count


# ------------------------------------------------------------------- records


def contact_delete(contact: Contact, deleted: Deleted) -> list[int]:
    """Delete a contact, its children's screening rows, the feedback given to its referrer
    and any new information it was for an allocated worker, the submission it came from (the
    payload), its documents, alerts and emails; returns the children's ids."""
    child_ids = list(
        ContactChild.objects.filter(contact=contact)
        .order_by("id")
        .values_list("child_id", flat=True)
    )
    submission = Submission.objects.filter(contact=contact).first()
    deleted.records.append(("contact", contact.pk))
    deleted.records.extend(
        ("contactchild", pk)
        for pk in ContactChild.objects.filter(contact=contact).values_list("pk", flat=True)
    )
    if submission is not None:
        deleted.records.append(("submission", submission.pk))
        deleted.records.extend(
            ("document", pk) for pk in submission.documents.values_list("pk", flat=True)
        )
        for draft in ReferralDraft.objects.filter(submission=submission):
            draft_delete(draft, deleted)
        deleted.add(Document.objects.filter(submission=submission).delete())
        deleted.add(IntakeAlert.objects.filter(submission=submission).delete())
        deleted.add(Message.objects.filter(about=f"submission:{submission.pk}").delete())
        deleted.add(Submission.objects.filter(pk=submission.pk).delete())
    deleted.add(Message.objects.filter(about=f"contact:{contact.pk}").delete())
    # What its decisions left behind: feedback to the referrer (and its emails), and new
    # information passed to an allocated worker.
    feedback = ReferrerFeedback.objects.filter(contact=contact)
    deleted.records.extend(("referrerfeedback", pk) for pk in feedback.values_list("pk", flat=True))
    emails = [pk for pk in feedback.values_list("email_message_id", flat=True) if pk]
    deleted.add(feedback.delete())
    deleted.add(Message.objects.filter(pk__in=emails).delete())
    deleted.add(OpenCaseInformation.objects.filter(contact_child__contact=contact).delete())
    deleted.add(ContactChild.objects.filter(contact=contact).delete())
    deleted.add(Contact.objects.filter(pk=contact.pk).delete())
    return child_ids


def draft_delete(draft: ReferralDraft, deleted: Deleted) -> None:
    """Delete an online referral draft with its uploads and its resume-link email."""
    deleted.records.append(("referraldraft", draft.pk))
    deleted.add(Message.objects.filter(about=f"draft:{draft.pk}").delete())
    deleted.add(Document.objects.filter(draft=draft).delete())
    deleted.add(ReferralDraft.objects.filter(pk=draft.pk).delete())


def document_delete(document: Document, deleted: Deleted) -> None:
    deleted.records.append(("document", document.pk))
    deleted.add(Document.objects.filter(pk=document.pk).delete())


# ------------------------------------------------------------------- people


def has_other_records(person: Person, *, own_relationships_count: bool) -> bool:
    """Does anything other than the person's own details still refer to them?

    Every relation to ``Person`` is checked (so a new app's records count without a change
    here), except the person's own details and the audit. For an adult,
    ``own_relationships_count``: a relationship to another child keeps them.
    """
    if person.merged_into_id is not None or person.allocated_worker_id is not None:
        return True
    for relation in Person._meta.related_objects:
        model = relation.related_model
        assert not isinstance(model, str)
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if model._meta.app_label in KEPT_APPS:
            continue
        if label in OWN_RECORD and not (own_relationships_count and label == "people.relationship"):
            continue
        if model._default_manager.filter(**{relation.field.name: person}).exists():
            return True
    return False


BLANK: dict[str, Any] = {
    "first_name": "",
    "last_name": "",
    "date_of_birth": None,
    "expected_date_of_birth": None,
    "sex": Sex.UNKNOWN,
    "gender": Gender.NOT_RECORDED,
    "ethnicity": Ethnicity.NOBT,
    "nhs_number": "",
    "upn": "",
    "first_language": "",
    "interpreter_needed": False,
    "religion": "",
    "allocated_worker": None,
}


def person_anonymise(person: Person, deleted: Deleted) -> list[int]:
    """Blank everything that identifies ``person`` and delete their other names, addresses,
    disabilities, relationships, match keys and duplicate proposals; the row is kept.
    Adults related only to this person are anonymised too. Returns the people anonymised."""
    related_adults = list(
        Person.objects.filter(kind=PersonKind.ADULT, relationships_to__child=person).distinct()
    )
    deleted.add(Alias.objects.filter(person=person).delete())
    deleted.add(Address.objects.filter(person=person).delete())
    deleted.add(Disability.objects.filter(person=person).delete())
    deleted.add(Relationship.objects.filter(Q(person=person) | Q(child=person)).delete())
    deleted.add(MatchKey.objects.filter(person=person).delete())
    deleted.add(DuplicatePair.objects.filter(Q(first=person) | Q(second=person)).delete())
    Person.objects.filter(pk=person.pk).update(**BLANK)
    deleted.rows["people.Person (anonymised)"] += 1
    deleted.anonymised.append(person.pk)
    done = [person.pk]
    for adult in related_adults:
        if not has_other_records(adult, own_relationships_count=True):
            done.extend(person_anonymise(adult, deleted))
    return done


def people_anonymise_if_unused(person_ids: Iterable[int], deleted: Deleted) -> None:
    for person in Person.objects.filter(pk__in=list(person_ids)).order_by("pk"):
        if not has_other_records(person, own_relationships_count=False):
            person_anonymise(person, deleted)


# ------------------------------------------------------------------- the history


def events_of(deleted: Deleted) -> list[Event]:
    """The events whose before/after may hold the deleted records' personal data."""
    query = Q(child_id__in=deleted.anonymised) | Q(
        record_type="person", record_id__in=deleted.anonymised
    )
    by_type: dict[str, list[int]] = {}
    for record_type, record_id in deleted.records:
        by_type.setdefault(record_type, []).append(record_id)
    for record_type, ids in by_type.items():
        query |= Q(record_type=record_type, record_id__in=ids)
    return list(
        Event.objects.filter(query, redacted_at__isnull=True)
        .exclude(action__startswith="retention.")
        .exclude(action__startswith="audit.")
        .order_by("id")
    )


def events_redact(
    events: list[Event], *, by: User | None, reason: str, at: datetime | None = None
) -> int:
    """Redact the personal data in these events, keeping the events (who did what, when).

    The one place retention redacts history: through the audit trail's ``event_redact``,
    which blanks the content but keeps each event's place in the hash chain (and appends an
    ``audit.redacted`` event saying why). Returns the number redacted.
    """
    for event in events:
        event_redact(event, by, reason, at=at)
    return len(events)
