"""Search before create: the step every page that records a child goes through.

When someone records a child, the details are matched against the children already known.
If there are possible matches, the page shows them (with their confidence and reasons) and
asks "is this one of these children?"; the record is linked or created only once they
answer. Showing a possible match is a read of that child's data, so it is access-logged.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django import forms
from django.db.models import Q
from django.http import HttpRequest

from frontdoor.intake.linking import TRIAGE_CHOOSE_ERROR, triage_open
from frontdoor.intake.models import ContactChild
from frontdoor.matching.models import DuplicatePair, DuplicateStatus
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import (
    Candidate,
    candidates_for,
    people_for_matching,
    record_for_details,
    record_for_person,
)
from frontdoor.people.models import Person, PersonKind
from frontdoor.people.services import ChildDetails
from frontdoor.restricted.selectors import shown_children
from frontdoor.web.pages import log_view

CHOOSE_ERROR = TRIAGE_CHOOSE_ERROR


@dataclass
class MatchStep:
    """The outcome of the step: a known child, a new one, or a question for the user."""

    signature: str
    existing: Person | None = None
    create_new: bool = False
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def needs_answer(self) -> bool:
        return self.existing is None and not self.create_new


def details_signature(details: ChildDetails) -> str:
    return hashlib.sha256(repr(details).encode()).hexdigest()[:32]


def log_candidates_shown(request: HttpRequest, candidates: list[Candidate]) -> None:
    """Log each candidate shown; a restricted record the user may not see is shown masked
    (frontdoor.restricted), so it is not read and not logged."""
    shown = {c.pk for c in shown_children(request.user, [c.person for c in candidates])}
    for candidate in candidates:
        if candidate.person.pk in shown:
            log_view(request, [candidate.person], candidate.person)


def candidates_shown(
    request: HttpRequest,
    record: MatchRecord,
    *,
    minimum: float | None = None,
    kinds: tuple[str, ...] = ("child",),
) -> list[Candidate]:
    """Possible matches for ``record`` (children, unless ``kinds`` says "adult" too or
    instead), logged as read by the user they are shown to."""
    if record.is_empty:
        return []
    found = candidates_for(record, minimum=minimum, kinds=kinds)
    log_candidates_shown(request, found)
    return found


def match_step(request: HttpRequest, form: forms.Form, details: ChildDetails) -> MatchStep:
    """Decide, from the form's answer, whether to link, create, or ask (with candidates).

    Adds an error to ``existing_child`` when the answer is missing or no longer valid.
    """
    signature = details_signature(details)
    answer = (form.cleaned_data.get("existing_child") or "").strip()
    answered_these = form.cleaned_data.get("match_check") == signature
    if answered_these and answer == "new":
        return MatchStep(signature, create_new=True)
    if answered_these and answer.isdigit():
        person = Person.objects.filter(
            pk=int(answer), kind=PersonKind.CHILD, merged_into__isnull=True
        ).first()
        if person is not None:
            return MatchStep(signature, existing=person)
    candidates = candidates_shown(request, record_for_details(details))
    if not candidates:
        return MatchStep(signature, create_new=True)
    if answered_these:
        form.add_error("existing_child", CHOOSE_ERROR)
    return MatchStep(signature, candidates=candidates)


# --- Online and partner referrals: is this a child we already know? ----------------------


@dataclass
class TriageRow:
    """A child of an online or partner referral who may be a child already known."""

    link: ContactChild
    candidates: list[Candidate]
    signature: str


def not_same_ids(child: Person) -> set[int]:
    pairs = DuplicatePair.objects.filter(
        Q(first=child) | Q(second=child), status=DuplicateStatus.NOT_SAME
    ).values_list("first_id", "second_id")
    return {a if b == child.pk else b for a, b in pairs}


def triage_rows(request: HttpRequest, links: list[ContactChild]) -> list[TriageRow]:
    rows: list[TriageRow] = []
    for link in links:
        if not triage_open(link):
            continue
        record = record_for_person(people_for_matching([link.child_id])[0])
        found = candidates_for(record, exclude=[link.child_id, *not_same_ids(link.child)])
        if found:
            log_candidates_shown(request, found)
            rows.append(TriageRow(link, found, f"triage-{link.pk}"))
    return rows
