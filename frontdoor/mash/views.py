"""MASH enquiry pages: the enquiry, its rating, allocation, lived experience, partner
requests and their answers, the decision and its sign-off."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can, visible_requests
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for
from frontdoor.intake.repeats import enquiry_check
from frontdoor.mash import forms
from frontdoor.mash import services as mash
from frontdoor.mash.clocks import request_clock
from frontdoor.mash.models import DecisionStatus, Enquiry, PartnerRequest
from frontdoor.mash.selectors import enquiry_detail, enquiry_visible
from frontdoor.people.pages import household_shown
from frontdoor.web.pages import form_page, log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])


def _enquiry(request: HttpRequest, pk: int) -> Enquiry:
    return enquiry_visible(request.user, pk)


def enquiry_context(request: HttpRequest, enquiry: Enquiry) -> dict[str, Any]:
    """What an enquiry's page and its form pages show (``enquiry_detail``), and what the
    signed-in user may do on it."""
    detail = enquiry_detail(enquiry, request.user, timezone.now())
    decision = detail.decision
    return {
        "enquiry": enquiry,
        "contact": enquiry.referral.contact_child.contact,
        "repeat": enquiry_check(enquiry),
        "clock": detail.clock,
        "ratings": detail.ratings,
        "requests": detail.requests,
        "decision": decision,
        "past_decisions": detail.past_decisions,
        "signoff_clock": detail.signoff_clock,
        "transfer_clock": detail.transfer_clock,
        "transfers": detail.transfers,
        "can_work": can(request.user, Perm.ENQUIRY_WORK) and enquiry.status == "open",
        "can_allocate": can(request.user, Perm.ENQUIRY_WORK),
        "can_sign_off": decision is not None
        and decision.status == DecisionStatus.AWAITING
        and can(request.user, Perm.SIGN_OFF, decision),
        "can_transfer": detail.transfer_refused is None
        and can(request.user, Perm.TRANSFER_REQUEST),
        "events": timeline_for(
            [("enquiry", enquiry.pk)]
            + [("partnerrequest", r.pk) for r, _ in detail.requests]
            + [("transfer", t.pk) for t, _ in detail.transfers]
        ),
    }


@requires(Perm.ENQUIRY_VIEW)
def enquiry_detail_page(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = _enquiry(request, pk)
    log_view(request, [enquiry.child], enquiry)
    return render(request, "mash/enquiry_detail.html", enquiry_context(request, enquiry))


def enquiry_form_page(
    request: HttpRequest,
    enquiry: Enquiry,
    form_class: type[django_forms.Form],
    template: str,
    action: Callable[[Enquiry, dict[str, Any]], Any],
    initial: Callable[[Enquiry], dict[str, Any]] | None = None,
    form_kwargs: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form on an enquiry's page; done, back to the enquiry."""
    form = form_class(
        request.POST if request.method == "POST" else None,
        initial=initial(enquiry) if initial else None,
        **(form_kwargs or {}),
    )

    def page(form: django_forms.Form) -> HttpResponse:
        log_view(request, [enquiry.child], enquiry)
        return render(request, template, {**enquiry_context(request, enquiry), "form": form})

    return form_page(
        request,
        form,
        lambda data: action(enquiry, data),
        done=reverse("enquiry-detail", args=[enquiry.pk]),
        page=page,
    )


@requires(Perm.ENQUIRY_WORK)
@GET_POST
def enquiry_rate(request: HttpRequest, pk: int) -> HttpResponse:
    return enquiry_form_page(
        request,
        _enquiry(request, pk),
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
    enquiry = _enquiry(request, pk)
    return enquiry_form_page(
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
    return enquiry_form_page(
        request,
        _enquiry(request, pk),
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
    return enquiry_form_page(
        request,
        _enquiry(request, pk),
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
    return enquiry_form_page(
        request,
        _enquiry(request, pk),
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
    enquiry = _enquiry(request, pk)
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

    return enquiry_form_page(
        request,
        enquiry,
        forms.SignOffForm,
        "mash/sign_off.html",
        review,
        initial=lambda e: {"referrer_feedback": decision.referrer_feedback},
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
