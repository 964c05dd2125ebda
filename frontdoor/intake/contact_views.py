"""Contact and screening pages: recording a contact, its page, adding a child, screening,
the uploaded documents, and reconciling online submissions with the contacts they became.

Every view declares its permission with ``@requires``; views that show a child's data write
an access-log entry."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.audit.models import Event
from frontdoor.audit.selectors import timeline_for
from frontdoor.intake import contact_forms as forms
from frontdoor.intake import services as intake
from frontdoor.intake.adults import adult_add_page
from frontdoor.intake.clocks import feedback_clock, screening_clock
from frontdoor.intake.corrections import CONTACT_CORRECTED, contact_correct
from frontdoor.intake.feedback import feedback_given_at, feedback_state
from frontdoor.intake.linking import triage_answer
from frontdoor.intake.match_steps import (
    CHOOSE_ERROR,
    MatchStep,
    match_step,
    triage_rows,
)
from frontdoor.intake.models import Contact, ContactChild, Document, Referral, ScreeningOutcome
from frontdoor.intake.payload import ORGANISATION_LABELS, RELATIONSHIP_LABELS
from frontdoor.intake.reconciliation import (
    gap_checks,
    grace,
    open_alerts,
    reconciliation_rows,
    reconciliation_summary,
    submission_documents,
    submission_for_contact,
)
from frontdoor.intake.repeats import screening_check
from frontdoor.intake.selectors import referral_page
from frontdoor.people.models import Person, PersonKind
from frontdoor.people.services import ChildDetails
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])


def one_per_change(events: Iterable[Event]) -> list[Event]:
    """A contact's history: a correction is appended once per child named in the contact (so
    each child's chronology has it); the contact's page shows it once."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for event in events:
        if event.action == CONTACT_CORRECTED:
            key = (event.at, event.summary, event.actor_id)
            if key in seen:
                continue
            seen.add(key)
        kept.append(event)
    return kept


def _known_child(value: str | None) -> Person | None:
    """The live child record named by ``?child=`` (recording a contact from the child's page)."""
    if not value or not value.isdigit():
        return None
    return Person.objects.filter(
        pk=int(value), kind=PersonKind.CHILD, merged_into__isnull=True
    ).first()


@requires(Perm.CONTACT_CREATE)
@GET_POST
def contact_new(request: HttpRequest) -> HttpResponse:
    """Record a contact; the child is searched for before a new record is made."""
    known = _known_child(request.POST.get("child") or request.GET.get("child"))
    form: forms.ContactDetailsForm = (
        forms.ContactDetailsForm(request.POST if request.method == "POST" else None)
        if known is not None
        else forms.ContactForm(request.POST if request.method == "POST" else None)
    )
    step: MatchStep | None = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        child: Person | ChildDetails | None = known
        if isinstance(form, forms.ContactForm):
            details = form.child_details()
            step = match_step(request, form, details)
            child = step.existing or (details if step.create_new else None)
        if child is not None:
            chosen = child
            contact = run_service(
                form,
                lambda: intake.contact_record(
                    received_at=form.received_at(),
                    channel=data["channel"],
                    source=data["source"],
                    referrer_name=data["referrer_name"],
                    referrer_role=data["referrer_role"],
                    referrer_agency=data["referrer_agency"],
                    referrer_phone=data["referrer_phone"],
                    referrer_email=data["referrer_email"],
                    concern=data["concern"],
                    immediate_risk=data["immediate_risk"] == "yes",
                    consent_status=data["consent_status"],
                    consent_reason=data["consent_reason"],
                    lawful_basis=data["lawful_basis"],
                    sharing_override_reason=data["sharing_override_reason"],
                    parents_aware=data["parents_aware"],
                    parental_responsibility_notes=data["parental_responsibility_notes"],
                    household_notes=data["household_notes"],
                    children=[chosen],
                    by=request.user,  # type: ignore[arg-type]
                ),
            )
            if contact is not None:
                return redirect("contact-detail", contact.pk)
    if known is not None:
        log_view(request, [known], known)
    return render(request, "intake/contact_new.html", {"form": form, "known": known, "step": step})


@requires(Perm.CONTACT_VIEW)
@GET_POST
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A contact; for an online or partner referral, also "is this a child we know?"."""
    contact = get_object_or_404(Contact.objects.select_related("recorded_by", "policy"), pk=pk)
    errors: dict[int, str] = {}
    if request.method == "POST":
        done = _triage_answer(request, contact, errors)
        if done is not None:
            return done
    links = list(
        contact.children.select_related(
            "child", "screened_by", "contact__policy", "open_case__worker"
        )
    )
    now = timezone.now()
    rows = [(link, screening_clock(link, now)) for link in links]
    feedback = [
        {
            "feedback": f,
            "state": feedback_state(f),
            "given_at": feedback_given_at(f),
            "clock": feedback_clock(f, now),
        }
        for f in contact.feedback.select_related(
            "contact_child__child", "email_message", "policy", "given_by"
        )
    ]
    log_view(request, [link.child for link in links], contact)
    submission = submission_for_contact(contact)
    records = [("contact", contact.pk)]
    records += [("referrerfeedback", f.pk) for f in contact.feedback.all()]
    if submission is not None:
        records.append(("submission", submission.pk))
    return render(
        request,
        "intake/contact_detail.html",
        {
            "contact": contact,
            "rows": rows,
            "feedback": feedback,
            "triage": triage_rows(request, links) if can(request.user, Perm.SCREEN) else [],
            "triage_errors": errors,
            "events": one_per_change(timeline_for(records)),
            "submission": submission,
            "submitted": _submitted_rows(submission.payload) if submission else None,
            "documents": submission_documents(submission) if submission else [],
        },
    )


def _triage_answer(
    request: HttpRequest, contact: Contact, errors: dict[int, str]
) -> HttpResponse | None:
    """Answer "is this a child we already know?" for one child of an online referral."""
    if not can(request.user, Perm.SCREEN):
        raise PermissionDenied
    link_pk = request.POST.get("link", "")
    link = get_object_or_404(
        ContactChild.objects.select_related("contact", "child"),
        pk=int(link_pk) if link_pk.isdigit() and len(link_pk) < 12 else 0,
        contact=contact,
    )
    answer = request.POST.get("existing_child", "").strip()
    if not answer:
        errors[link.pk] = CHOOSE_ERROR
        return None
    try:
        triage_answer(link=link, answer=answer, by=request.user)  # type: ignore[arg-type]
    except ValidationError as error:
        errors[link.pk] = " ".join(error.messages)
        return None
    return redirect("contact-detail", contact.pk)


def _submitted_rows(payload: dict[str, Any]) -> dict[str, Any]:
    """What the referrer sent, in words, for the contact page."""
    referrer = payload.get("referrer", {})
    kind = referrer.get("kind", "")
    who = (
        ORGANISATION_LABELS.get(referrer.get("organisation_type") or "", "Professional")
        if kind == "professional"
        else RELATIONSHIP_LABELS.get(referrer.get("relationship") or "", "Member of the public")
    )
    parents = {"yes": "Yes", "no": "No", "not_known": "Not known"}
    general = [
        ("Referrer", who),
        (
            "Family not to be told who referred",
            "Yes" if referrer.get("anonymous_to_family") else "No",
        ),
        ("When and where", payload.get("when_and_where") or "Not given"),
        ("Who has parental responsibility", payload.get("parental_responsibility") or "Not given"),
        ("Household and regular visitors", payload.get("household") or "Not given"),
        (
            "Parents know about the referral",
            parents.get(payload.get("parents_aware", ""), "Not known"),
        ),
    ]
    children = []
    for child in payload.get("children", []):
        name = " ".join(p for p in (child.get("first_name"), child.get("last_name")) if p)
        address = ", ".join(
            p for p in (child.get("address_line_1"), child.get("town"), child.get("postcode")) if p
        )
        children.append(
            (
                name or "Unborn baby",
                [
                    ("NHS number", child.get("nhs_number") or "Not given"),
                    ("Address", address or "Not given"),
                    ("Previous addresses", child.get("previous_addresses") or "Not given"),
                    ("Where the child is now", child.get("current_location") or "Not given"),
                    ("Needs", child.get("needs") or "Not given"),
                ],
            )
        )
    return {"general": general, "children": children}


@requires(Perm.CONTACT_VIEW)
@require_http_methods(["GET"])
def contact_document(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """An uploaded document, only ever as a download, never rendered or run by the browser."""
    contact = get_object_or_404(Contact, pk=pk)
    document = get_object_or_404(
        Document.objects.filter(submission__contact=contact), pk=document_pk
    )
    log_view(request, [link.child for link in contact.children.select_related("child")], contact)
    response = HttpResponse(bytes(document.content), content_type=document.content_type)
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=document.filename) or "attachment"
    )
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- Reconciliation -----------------------------------------------------------------------

RECONCILIATION_PERIODS = {"1": "Today", "7": "Last 7 days", "30": "Last 30 days", "all": "All time"}
RECONCILIATION_ROW_LIMIT = 500


@requires(Perm.RECONCILIATION_VIEW)
@require_http_methods(["GET"])
def reconciliation(request: HttpRequest) -> HttpResponse:
    """Every online and partner submission against the contact it became, gaps first."""
    period = request.GET.get("period", "7")
    if period not in RECONCILIATION_PERIODS:
        period = "7"
    problems_only = request.GET.get("problems") == "1"
    now = timezone.now()
    since = None
    if period != "all":
        start = timezone.localdate(now) - timedelta(days=int(period) - 1)
        since = timezone.make_aware(datetime.combine(start, time.min))
    rows = reconciliation_rows(
        since=since, problems_only=problems_only, now=now, limit=RECONCILIATION_ROW_LIMIT
    )
    return render(
        request,
        "intake/reconciliation.html",
        {
            "rows": rows,
            "summary": reconciliation_summary(since=since, now=now),
            "alerts": list(open_alerts()[:50]),
            "period": period,
            "periods": RECONCILIATION_PERIODS,
            "problems_only": problems_only,
            "limit": RECONCILIATION_ROW_LIMIT,
            "now": now,
            "grace_minutes": int(grace().total_seconds() // 60),
            "checks": [(check, check.find(now)) for check in gap_checks()],
        },
    )


@requires(Perm.CONTACT_CREATE)
@GET_POST
def contact_add_child(request: HttpRequest, pk: int) -> HttpResponse:
    """Add another child to a contact, searching for them first."""
    contact = get_object_or_404(Contact, pk=pk)
    form = forms.ChildForm(request.POST if request.method == "POST" else None)
    step: MatchStep | None = None
    if request.method == "POST" and form.is_valid():
        details = form.child_details()
        step = match_step(request, form, details)
        child = step.existing or (details if step.create_new else None)
        if child is not None:
            chosen = child
            link = run_service(
                form,
                lambda: intake.contact_add_child(
                    contact=contact,
                    child=chosen,
                    by=request.user,  # type: ignore[arg-type]
                ),
            )
            if link is not None:
                return redirect("contact-detail", contact.pk)
    return render(
        request,
        "intake/contact_add_child.html",
        {"form": form, "contact": contact, "step": step},
    )


@requires(Perm.SCREEN)
@GET_POST
def contact_screen(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    link = get_object_or_404(
        ContactChild.objects.select_related("contact__policy", "child"), pk=link_pk, contact_id=pk
    )
    form = forms.ScreeningForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: intake.contact_screen(
                contact_child=link,
                outcome=data["outcome"],
                rating=data["rating"],
                rationale=data["rationale"],
                repeat_reason=data["repeat_reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            # On to the stage that took the referral up (the MASH's enquiry), if one did.
            referral = Referral.objects.filter(contact_child=link).first()
            taken_up = referral_page(referral) if referral is not None else None
            return redirect(taken_up or reverse("contact-detail", args=[pk]))
    log_view(request, [link.child], link.contact)
    return render(
        request,
        "intake/contact_screen.html",
        {
            "form": form,
            "link": link,
            "contact": link.contact,
            "clock": screening_clock(link, timezone.now()),
            "outcomes": ScreeningOutcome,
            "repeat": screening_check(link),
        },
    )


# --- Correcting a contact -----------------------------------------------------------------


@requires(Perm.RECORD_EDIT)
@GET_POST
def contact_adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    children = [link.child for link in contact.children.select_related("child").order_by("id")]
    return adult_add_page(
        request,
        children=children,
        back=reverse("contact-detail", args=[contact.pk]),
        contact=contact,
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_object_or_404(Contact, pk=pk)
    form = forms.ContactEditForm(
        request.POST if request.method == "POST" else None, contact=contact
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: contact_correct(
                contact=contact,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect("contact-detail", contact.pk)
    log_view(request, [link.child for link in contact.children.select_related("child")], contact)
    return render(request, "intake/contact_edit.html", {"form": form, "contact": contact})
