"""Pages. Each view parses input, calls one service or selector, and renders.

Every view declares its permission with ``@requires``; the middleware refuses any that
does not. Views that show a child's data write an access-log entry.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can, visible_requests, visible_transfers
from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.accounts.models import Team, TeamKind
from frontdoor.accounts.services import team_duty_take
from frontdoor.assessments.selectors import assessments_for_child
from frontdoor.audit.selectors import timeline_for, timeline_for_child
from frontdoor.escalations.selectors import escalations_for_child
from frontdoor.intake import services as intake
from frontdoor.intake.feedback import feedback_given_at, feedback_state
from frontdoor.intake.models import Contact, ContactChild, Document, ScreeningOutcome
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
from frontdoor.intake.repeats import child_check, enquiry_check, screening_check
from frontdoor.mash import services as mash
from frontdoor.mash.models import TRANSFER_OUTCOMES, DecisionStatus, Enquiry, PartnerRequest
from frontdoor.matching.keys import record_keys
from frontdoor.matching.linking import triage_answer
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import Candidate
from frontdoor.matching.views import child_panel
from frontdoor.oversight.selectors import oversight_for_child
from frontdoor.people.chronology import categories as chronology_categories
from frontdoor.people.chronology import chronology_for, record_ids_for
from frontdoor.people.forms import ChronologyFilterForm
from frontdoor.people.models import Person, PersonKind
from frontdoor.people.services import ChildDetails
from frontdoor.protection import services as protection
from frontdoor.protection.models import Transfer, TransferStatus
from frontdoor.strategy.selectors import strategy_for_child
from frontdoor.web import forms
from frontdoor.web.matching import (
    CHOOSE_ERROR,
    MatchStep,
    candidates_shown,
    match_step,
    triage_rows,
)
from frontdoor.web.pages import log_view, run_service
from frontdoor.web.records import child_record_context, household_shown, one_per_change
from frontdoor.work.clocks import (
    acceptance_clock,
    enquiry_clock,
    feedback_clock,
    request_clock,
    screening_clock,
    signoff_clock,
    transfer_request_clock,
    visit_clock,
)
from frontdoor.work.queues import (
    OVERVIEW_DEFAULT_PERIOD,
    OVERVIEW_PERIODS,
    front_door_overview,
    my_queue,
    team_queue,
)

GET_POST = require_http_methods(["GET", "POST"])


# --- Sign in and home -------------------------------------------------------------------


@requires(PUBLIC)
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    if can(request.user, Perm.QUEUE_VIEW):
        return redirect("queue-mine")
    if can(request.user, Perm.OVERVIEW_VIEW):
        return redirect("overview")
    if can(request.user, Perm.AUDIT_VIEW):
        return redirect("audit-home")
    raise PermissionDenied


# --- Queues and overview ----------------------------------------------------------------


def _filter_items(request: HttpRequest, items: list[Any]) -> tuple[list[Any], dict[str, list[str]]]:
    states = request.GET.getlist("state")
    ratings = request.GET.getlist("rating")
    if states:
        items = [i for i in items if i.reading.state in states]
    if ratings:
        items = [i for i in items if i.rating in ratings]
    return items, {"state": states, "rating": ratings}


#: Items on one page of a queue (the download has them all).
QUEUE_PAGE_SIZE = 100


def _queue_page(request: HttpRequest, items: list[Any]) -> dict[str, Any]:
    """One page of a queue's items, soonest due first, and how many there are in all."""
    page = Paginator(items, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "items": page.object_list,
        "total": len(items),
        "page": page,
        "filters": query.urlencode(),
    }


@requires(Perm.QUEUE_VIEW)
def queue_mine(request: HttpRequest) -> HttpResponse:
    items, chosen = _filter_items(request, my_queue(request.user, timezone.now()))
    return render(
        request,
        "work/queue.html",
        {**_queue_page(request, items), "scope": "mine", "chosen": chosen},
    )


def _mash_duty(user: Any) -> dict[str, Any] | None:
    """For the contact centre and the MASH: who is the MASH manager on duty."""
    if getattr(user.team, "kind", None) not in (TeamKind.MASH, TeamKind.CONTACT_CENTRE):
        return None
    team = Team.objects.filter(kind=TeamKind.MASH).select_related("duty_manager").first()
    if team is None:
        return None
    return {
        "team": team,
        "manager": team.duty_manager if team.duty_manager and team.duty_manager.is_active else None,
        "may_take": can(user, Perm.DUTY_TAKE) and user.team_id == team.pk,
    }


@requires(Perm.QUEUE_VIEW)
def queue_team(request: HttpRequest) -> HttpResponse:
    items, chosen = _filter_items(request, team_queue(request.user, timezone.now()))
    return render(
        request,
        "work/queue.html",
        {
            **_queue_page(request, items),
            "scope": "team",
            "chosen": chosen,
            "duty": _mash_duty(request.user),
        },
    )


@requires(Perm.DUTY_TAKE)
@require_http_methods(["POST"])
def duty_take(request: HttpRequest) -> HttpResponse:
    """A MASH manager takes duty: immediate-risk alerts now go to them."""
    user = request.user
    if user.team is None:  # type: ignore[union-attr]
        raise PermissionDenied
    try:
        team_duty_take(team=user.team, user=user)  # type: ignore[union-attr,arg-type]
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from error
    return redirect("queue-team")


PERIOD_LABELS = {7: "Last 7 days", 28: "Last 28 days", 91: "Last 13 weeks", 365: "Last 12 months"}


@requires(Perm.OVERVIEW_VIEW)
@require_http_methods(["GET"])
def overview(request: HttpRequest) -> HttpResponse:
    """Open work now, and how each clock did over a chosen period (28 days by default)."""
    chosen = request.GET.get("days", str(OVERVIEW_DEFAULT_PERIOD))
    error = ""
    if not chosen.isdigit() or int(chosen) not in OVERVIEW_PERIODS:
        error = "Choose a period from the list"
        chosen = str(OVERVIEW_DEFAULT_PERIOD)
    return render(
        request,
        "work/overview.html",
        {
            "overview": front_door_overview(timezone.now(), int(chosen)),
            "periods": [(str(days), PERIOD_LABELS[days]) for days in OVERVIEW_PERIODS],
            "chosen": chosen,
            "period_error": error,
        },
    )


# --- Contacts and screening -------------------------------------------------------------


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
            enquiry = Enquiry.objects.filter(referral__contact_child=link).first()
            if enquiry is not None:
                return redirect("enquiry-detail", enquiry.pk)
            return redirect("contact-detail", pk)
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


# --- Children ---------------------------------------------------------------------------


SEARCH_MINIMUM = 0.0


@requires(Perm.CHILD_VIEW)
def child_search(request: HttpRequest) -> HttpResponse:
    """Find a child from whatever is known, misspelt or partial; best matches first."""
    who = request.GET.get("who", "child")
    # "?who=adult" alone (the "Find a person" link) opens the form, not an empty search.
    searched = any(key != "who" for key in request.GET)
    form = forms.ChildSearchForm(
        request.GET if searched else None,
        initial={"who": who if who in forms.SEARCH_KINDS else "child"},
    )
    results: list[Candidate] | None = None
    name_only = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        dob = data["date_of_birth"]
        record = MatchRecord.build(
            given_names=[data["first_name"]],
            family_names=[data["last_name"]],
            date_of_birth=dob.full() if dob else None,
            birth_year=dob.year if dob else None,
            birth_month=dob.month if dob else None,
            postcodes=[data["postcode"]],
            nhs_number=data["nhs_number"],
        )
        # Someone searching on purpose sees anything with more evidence for than against.
        results = candidates_shown(request, record, minimum=SEARCH_MINIMUM, kinds=form.kinds())
        name_only = not record_keys(record, query=True)
    return render(
        request,
        "people/child_search.html",
        {
            "form": form,
            "results": results,
            "name_only": name_only,
            "adults": who in ("adult", "any"),
        },
    )


@requires(Perm.CHILD_VIEW)
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Person.objects.select_related("allocated_worker"), pk=pk)
    if child.kind == PersonKind.ADULT:
        return redirect("person-detail", child.pk)
    log_view(request, [child], child)
    contacts = (
        ContactChild.objects.filter(child=child)
        .select_related("contact")
        .order_by("-contact__received_at")
    )
    return render(
        request,
        "people/child_detail.html",
        {
            "child": child,
            "contacts": contacts,
            "addresses": child.addresses.all(),
            "events": timeline_for_child(child.pk),
            "repeat": child_check(child),
            "duplicates": child_panel(request, child),
            "oversight_for_child": oversight_for_child(child, request.user),
            "escalations_for_child": escalations_for_child(child, request.user),
            "strategy_for_child": strategy_for_child(child, request.user),
            "assessments_for_child": assessments_for_child(child, request.user),
            **child_record_context(request, child),
        },
    )


@requires(Perm.CHILD_VIEW)
@require_http_methods(["GET"])
def child_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened to the child (and records merged into it), filterable."""
    child = get_object_or_404(Person.objects.select_related("merged_into"), pk=pk)
    form = ChronologyFilterForm(request.GET or None)
    chosen = form.chosen()
    entries = chronology_for(
        child,
        categories=chosen.categories,
        since=chosen.since,
        until=chosen.until,
        viewer=request.user,
    )
    if chosen.newest_first:
        entries.reverse()
    log_view(request, Person.objects.filter(pk__in=record_ids_for(child)), child)
    return render(
        request,
        "people/chronology.html",
        {
            "child": child,
            "form": form,
            "chosen": chosen,
            "entries": entries,
            "categories": chronology_categories(),
            "printed_at": timezone.now(),
        },
    )


# --- MASH enquiries ---------------------------------------------------------------------


def _enquiry(pk: int) -> Enquiry:
    return get_object_or_404(
        Enquiry.objects.select_related(
            "child", "policy", "referral__contact_child__contact", "allocated_to", "team"
        ),
        pk=pk,
    )


def _enquiry_context(request: HttpRequest, enquiry: Enquiry) -> dict[str, Any]:
    now = timezone.now()
    decision = getattr(enquiry, "decision", None)
    requests = [
        (r, request_clock(r, now))
        for r in visible_requests(
            request.user, enquiry.requests.select_related("agency", "policy", "answered_by")
        )
    ]
    transfers = [
        (t, acceptance_clock(t, now))
        for t in enquiry.referral.transfers.select_related("to_team", "policy").order_by("id")
    ]
    live_transfer = any(t.status != TransferStatus.RETURNED for t, _ in transfers)
    return {
        "enquiry": enquiry,
        "contact": enquiry.referral.contact_child.contact,
        "repeat": enquiry_check(enquiry),
        "clock": enquiry_clock(enquiry, now),
        "ratings": enquiry.ratings.select_related("by"),
        "requests": requests,
        "decision": decision,
        "past_decisions": [
            d
            for d in enquiry.decisions.select_related("recorded_by", "reviewed_by").order_by(
                "recorded_at", "id"
            )
            if decision is None or d.pk != decision.pk
        ],
        "signoff_clock": signoff_clock(decision, now) if decision else None,
        "transfer_clock": transfer_request_clock(decision, now)
        if decision is not None and decision.transfer_due_at
        else None,
        "transfers": transfers,
        "can_work": can(request.user, Perm.ENQUIRY_WORK) and enquiry.status == "open",
        "can_allocate": can(request.user, Perm.ENQUIRY_WORK),
        "can_sign_off": decision is not None
        and decision.status == DecisionStatus.AWAITING
        and can(request.user, Perm.SIGN_OFF, decision),
        "can_transfer": decision is not None
        and decision.status == DecisionStatus.SIGNED_OFF
        and decision.outcome in TRANSFER_OUTCOMES
        and not live_transfer
        and can(request.user, Perm.TRANSFER_REQUEST),
        "events": timeline_for(
            [("enquiry", enquiry.pk)]
            + [("partnerrequest", r.pk) for r, _ in requests]
            + [("transfer", t.pk) for t, _ in transfers]
        ),
    }


@requires(Perm.ENQUIRY_VIEW)
def enquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    log_view(request, [enquiry.child], enquiry)
    return render(request, "mash/enquiry_detail.html", _enquiry_context(request, enquiry))


def _enquiry_form_page(
    request: HttpRequest,
    enquiry: Enquiry,
    form_class: type[django_forms.Form],
    template: str,
    action: Callable[[Enquiry, dict[str, Any]], Any],
    initial: Callable[[Enquiry], dict[str, Any]] | None = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial(enquiry) if initial else None,
        **(form_kwargs or {}),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: action(enquiry, form.cleaned_data)) is not None
    ):
        return redirect("enquiry-detail", enquiry.pk)
    log_view(request, [enquiry.child], enquiry)
    context = _enquiry_context(request, enquiry)
    context["form"] = form
    return render(request, template, context)


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return _enquiry_form_page(
        request,
        _enquiry(pk),
        forms.RatingForm,
        "mash/enquiry_rate.html",
        lambda e, d: mash.enquiry_rate(
            enquiry=e,
            rating=d["rating"],
            reason=d["reason"],
            repeat_reason=d["repeat_reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        initial=lambda e: {"rating": e.rating},
    )


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_allocate(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(pk)
    return _enquiry_form_page(
        request,
        enquiry,
        forms.TeamMemberForm,
        "mash/enquiry_allocate.html",
        lambda e, d: mash.enquiry_allocate(
            enquiry=e,
            allocated_to=d["allocated_to"],
            by=request.user,  # type: ignore[arg-type]
        ),
        initial=lambda e: {"allocated_to": e.allocated_to_id or request.user.pk},
        form_kwargs={"team_id": enquiry.team_id},
    )


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_lived_experience(request: HttpRequest, pk: int) -> HttpResponse:
    return _enquiry_form_page(
        request,
        _enquiry(pk),
        forms.LivedExperienceForm,
        "mash/enquiry_lived_experience.html",
        lambda e, d: mash.enquiry_record_lived_experience(
            enquiry=e,
            text=d["lived_experience"],
            by=request.user,  # type: ignore[arg-type]
        ),
        initial=lambda e: {"lived_experience": e.lived_experience},
    )


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_request_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _enquiry_form_page(
        request,
        _enquiry(pk),
        forms.RequestSendForm,
        "mash/request_new.html",
        lambda e, d: mash.request_send(
            enquiry=e,
            agency=d["agency"],
            note=d["note"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_decision(request: HttpRequest, pk: int) -> HttpResponse:
    return _enquiry_form_page(
        request,
        _enquiry(pk),
        forms.DecisionForm,
        "mash/decision.html",
        lambda e, d: mash.decision_record(
            enquiry=e,
            outcome=d["outcome"],
            rationale=d["rationale"],
            referrer_feedback=d["referrer_feedback"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.SIGN_OFF)
@GET_POST
def enquiry_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager reviews the decision: signs it off, sends it back, or replaces it."""
    enquiry = _enquiry(pk)
    decision = enquiry.decision
    if decision is None or decision.status != DecisionStatus.AWAITING:
        raise Http404("No decision awaiting sign-off")
    if not can(request.user, Perm.SIGN_OFF, decision):
        raise PermissionDenied("A manager other than the decision's author must review it")
    user: Any = request.user

    def review(e: Enquiry, d: dict[str, Any]) -> Any:
        if d["review"] == "send_back":
            return mash.decision_send_back(decision=decision, reasons=d["oversight"], by=user)
        if d["review"] == "replace":
            return mash.decision_replace(
                decision=decision,
                outcome=d["outcome"],
                rationale=d["oversight"],
                referrer_feedback=d["referrer_feedback"],
                by=user,
            )
        return mash.decision_sign_off(decision=decision, oversight=d["oversight"], by=user)

    return _enquiry_form_page(
        request,
        enquiry,
        forms.SignOffForm,
        "mash/sign_off.html",
        review,
        initial=lambda e: {"referrer_feedback": decision.referrer_feedback},
    )


@requires(Perm.TRANSFER_REQUEST)
@GET_POST
def enquiry_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def action(enquiry: Enquiry, data: dict[str, Any]) -> Transfer:
        decision = getattr(enquiry, "decision", None)
        route = decision.outcome if decision is not None else ""
        return protection.transfer_request(
            referral=enquiry.referral,
            route=route,
            rating=enquiry.rating,
            summary=data["summary"],
            by=request.user,  # type: ignore[arg-type]
        )

    return _enquiry_form_page(
        request,
        _enquiry(pk),
        forms.TransferRequestForm,
        "mash/transfer_request.html",
        action,
        initial=lambda e: {
            "summary": "\n\n".join(
                p
                for p in [
                    getattr(getattr(e, "decision", None), "rationale", ""),
                    e.lived_experience,
                ]
                if p
            )
        },
    )


# --- Partner requests -------------------------------------------------------------------


@requires(Perm.REQUEST_VIEW)
@GET_POST
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner_request = get_object_or_404(
        visible_requests(
            request.user,
            PartnerRequest.objects.select_related("enquiry__child", "agency", "policy", "sent_by"),
        ),
        pk=pk,
    )
    form = forms.RequestAnswerForm(request.POST if request.method == "POST" else None)
    may_answer = can(request.user, Perm.REQUEST_ANSWER, partner_request)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            done = run_service(
                form,
                lambda: mash.request_answer(
                    request=partner_request,
                    shared=data["shared"] == "yes",
                    response=data["response"],
                    not_shared_reason=data["not_shared_reason"],
                    by=request.user,  # type: ignore[arg-type]
                ),
            )
            if done is not None:
                return redirect("request-detail", pk)
    log_view(request, [partner_request.enquiry.child], partner_request)
    return render(
        request,
        "mash/request_detail.html",
        {
            "req": partner_request,
            "child": partner_request.enquiry.child,
            "clock": request_clock(partner_request, timezone.now()),
            "form": form,
            "may_answer": may_answer and partner_request.status == "sent",
            "household": household_shown(request, partner_request.enquiry.child, partner_request),
            "events": timeline_for([("partnerrequest", partner_request.pk)]),
        },
    )


# --- Transfers and visits ---------------------------------------------------------------


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_object_or_404(
        visible_transfers(
            request.user,
            Transfer.objects.select_related(
                "child", "to_team", "policy", "requested_by", "allocated_to", "referral"
            ),
        ),
        pk=pk,
    )


def _transfer_page(
    request: HttpRequest, transfer: Transfer, template: str, form: django_forms.Form | None
) -> HttpResponse:
    now = timezone.now()
    log_view(request, [transfer.child], transfer)
    enquiry = getattr(transfer.referral, "enquiry", None)
    return render(
        request,
        template,
        {
            "transfer": transfer,
            "enquiry": enquiry,
            "visit": getattr(transfer, "visit", None),
            "acceptance": acceptance_clock(transfer, now),
            "visit_clock": visit_clock(transfer, now),
            "form": form,
            "can_respond": transfer.status == TransferStatus.REQUESTED
            and can(request.user, Perm.TRANSFER_RESPOND, transfer),
            "can_visit": transfer.status == TransferStatus.ACCEPTED
            and not hasattr(transfer, "visit")
            and can(request.user, Perm.VISIT_RECORD, transfer),
            "events": timeline_for([("transfer", transfer.pk)]),
        },
    )


@requires(Perm.TRANSFER_VIEW)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_page(request, _transfer(request, pk), "protection/transfer_detail.html", None)


def _transfer_form(
    request: HttpRequest,
    transfer: Transfer,
    perm: Perm,
    form: django_forms.Form,
    template: str,
    action: Callable[[Transfer, dict[str, Any]], Any],
) -> HttpResponse:
    if not can(request.user, perm, transfer):
        raise PermissionDenied
    if (
        request.method == "POST"
        and form.is_valid()
        and run_service(form, lambda: action(transfer, form.cleaned_data)) is not None
    ):
        return redirect("transfer-detail", transfer.pk)
    return _transfer_page(request, transfer, template, form)


@requires(Perm.TRANSFER_RESPOND)
@GET_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = forms.TeamMemberForm(
        request.POST if request.method == "POST" else None, team_id=transfer.to_team_id
    )
    return _transfer_form(
        request,
        transfer,
        Perm.TRANSFER_RESPOND,
        form,
        "protection/transfer_accept.html",
        lambda t, d: protection.transfer_accept(
            transfer=t,
            allocated_to=d["allocated_to"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.TRANSFER_RESPOND)
@GET_POST
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_form(
        request,
        _transfer(request, pk),
        Perm.TRANSFER_RESPOND,
        forms.TransferReturnForm(request.POST if request.method == "POST" else None),
        "protection/transfer_return.html",
        lambda t, d: protection.transfer_return(
            transfer=t,
            reason=d["return_reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.VISIT_RECORD)
@GET_POST
def transfer_visit(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.VisitForm(request.POST if request.method == "POST" else None)
    return _transfer_form(
        request,
        _transfer(request, pk),
        Perm.VISIT_RECORD,
        form,
        "protection/visit.html",
        lambda t, d: protection.visit_record(
            transfer=t,
            visited_at=form.visited_at(),
            child_seen=d["child_seen"] == "yes",
            seen_alone=d["seen_alone"] == "yes",
            notes=d["notes"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )
