"""Pages for child and family assessments. Thin: parse a form, call one service, redirect."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can, visible_transfers
from frontdoor.accounts.middleware import requires
from frontdoor.assessments import services
from frontdoor.assessments.access import (
    can_authorise,
    can_start_assessment,
    can_work_on,
    visible_assessments,
)
from frontdoor.assessments.codes import NO_FACTORS, factors_grouped
from frontdoor.assessments.forms import CompleteForm, ReviewForm, StartForm, VisitForm
from frontdoor.assessments.models import Assessment, AssessmentStatus
from frontdoor.assessments.selectors import (
    assessment_clock,
    assessment_factors,
    assessment_visits,
    assessments_with_related,
    working_days_text,
)
from frontdoor.audit.selectors import timeline_for
from frontdoor.oversight.selectors import oversight_link
from frontdoor.oversight.services import oversight_missing
from frontdoor.transfers.models import Transfer
from frontdoor.web.pages import form_page, log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
NOT_IN_NEED = "assessment_not_in_need"
AUTHORISE = "assessment_authorise"


def _assessment(request: HttpRequest, pk: int) -> Assessment:
    return get_object_or_404(visible_assessments(request.user, assessments_with_related()), pk=pk)


def _context(request: HttpRequest, assessment: Assessment, **extra: Any) -> dict[str, Any]:
    """What every assessment page shows about the assessment (and logs the read)."""
    now = timezone.now()
    user = request.user
    log_view(request, [assessment.child], assessment)
    status = assessment.status
    may_review = status == AssessmentStatus.SUBMITTED and can_authorise(user, assessment)
    self_review = may_review and user.pk in (assessment.completed_by_id, assessment.worker_id)
    may_oversee = can(user, Perm.OVERSIGHT_RECORD)
    here = request.path
    return {
        "assessment": assessment,
        "child": assessment.child,
        "transfer": assessment.transfer,
        "reading": assessment_clock(assessment, now),
        "days": working_days_text(assessment, now),
        "visits": assessment_visits(assessment),
        "factors": assessment_factors(assessment),
        "can_work": status == AssessmentStatus.IN_PROGRESS and can_work_on(user, assessment),
        "can_review": may_review and not self_review,
        "self_review": self_review,
        "not_in_need_oversight_missing": status == AssessmentStatus.IN_PROGRESS
        and oversight_missing(record=assessment, transition=NOT_IN_NEED, at=now),
        "authorise_oversight_missing": status == AssessmentStatus.SUBMITTED
        and oversight_missing(record=assessment, transition=AUTHORISE, at=now),
        "may_oversee": may_oversee,
        "not_in_need_oversight_url": oversight_link(assessment, NOT_IN_NEED, here),
        "authorise_oversight_url": oversight_link(assessment, AUTHORISE, here),
        **extra,
    }


@requires(Perm.ASSESSMENT_WORK)
@GET_POST
def assessment_start(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the child and family assessment from an accepted transfer."""
    transfer = get_object_or_404(
        visible_transfers(
            request.user,
            Transfer.objects.select_related("child", "referral", "allocated_to", "to_team"),
        ),
        pk=pk,
    )
    if not can_start_assessment(request.user, transfer):
        raise PermissionDenied
    existing = Assessment.objects.filter(referral_id=transfer.referral_id).first()
    if existing is not None and request.method == "GET":
        return redirect("assessment-detail", existing.pk)
    form = StartForm(
        request.POST if request.method == "POST" else None,
        initial={"started_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        assessment = run_service(
            form,
            lambda: services.assessment_start(
                transfer=transfer,
                started_on=form.cleaned_data["started_on"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if assessment is not None:
            return redirect("assessment-detail", assessment.pk)
    log_view(request, [transfer.child], transfer)
    return render(
        request,
        "assessments/start.html",
        {"transfer": transfer, "child": transfer.child, "form": form, "existing": existing},
    )


@requires(Perm.ASSESSMENT_VIEW)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _assessment(request, pk)
    return render(
        request,
        "assessments/detail.html",
        _context(request, assessment, events=timeline_for([("assessment", assessment.pk)])),
    )


def _form_page(
    request: HttpRequest,
    assessment: Assessment,
    form: django_forms.Form,
    template: str,
    action: Any,
    *,
    status: str = AssessmentStatus.IN_PROGRESS,
    **extra: Any,
) -> HttpResponse:
    if request.method == "GET" and assessment.status != status:
        # Nothing to do here any more (submitted, authorised...): the assessment says why.
        return redirect("assessment-detail", assessment.pk)
    return form_page(
        request,
        form,
        action,
        done=reverse("assessment-detail", args=[assessment.pk]),
        page=lambda form: render(
            request, template, _context(request, assessment, form=form, **extra)
        ),
    )


@requires(Perm.ASSESSMENT_WORK)
@GET_POST
def assessment_visit(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a visit to the child during the assessment."""
    assessment = _assessment(request, pk)
    if not can_work_on(request.user, assessment):
        raise PermissionDenied
    form = VisitForm(request.POST if request.method == "POST" else None)
    return _form_page(
        request,
        assessment,
        form,
        "assessments/visit.html",
        lambda d: services.assessment_visit_record(
            assessment=assessment,
            visited_at=form.visited_at(),
            child_seen=d["child_seen"] == "yes",
            seen_alone=d["seen_alone"] == "yes",
            notes=d["notes"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


def _draft(assessment: Assessment) -> dict[str, Any]:
    """A returned assessment's outcome, to change and submit again."""
    if assessment.child_in_need is None:
        return {}
    return {
        "child_in_need": "yes" if assessment.child_in_need else "no",
        "next_step": assessment.next_step,
        "factors": list(assessment.factors),
        "analysis": assessment.analysis,
        "late_reason": assessment.late_reason,
    }


@requires(Perm.ASSESSMENT_WORK)
@GET_POST
def assessment_complete(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the outcome and factors and submit the assessment for authorisation."""
    assessment = _assessment(request, pk)
    if not can_work_on(request.user, assessment):
        raise PermissionDenied
    form = CompleteForm(
        request.POST if request.method == "POST" else None, initial=_draft(assessment)
    )
    due = assessment.due_at
    late = due is not None and timezone.now() > due
    chosen = form["factors"].value() or []
    return _form_page(
        request,
        assessment,
        form,
        "assessments/complete.html",
        lambda d: services.assessment_complete(
            assessment=assessment,
            child_in_need=form.in_need(),
            next_step=d["next_step"],
            factors=d["factors"],
            analysis=d["analysis"],
            late_reason=d["late_reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        late=late or bool(form.errors.get("late_reason")),
        groups=factors_grouped(),
        chosen=[str(code) for code in chosen],
        no_factors=NO_FACTORS,
    )


@requires(Perm.ASSESSMENT_AUTHORISE)
@GET_POST
def assessment_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager authorises the submitted assessment, or returns it for more work."""
    assessment = _assessment(request, pk)
    if not can_authorise(request.user, assessment):
        raise PermissionDenied
    form = ReviewForm(request.POST if request.method == "POST" else None)

    def action(data: dict[str, Any]) -> Assessment:
        if data["decision"] == "return":
            return services.assessment_return(
                assessment=assessment,
                reason=data["comment"],
                by=request.user,  # type: ignore[arg-type]
            )
        return services.assessment_authorise(
            assessment=assessment,
            comment=data["comment"],
            by=request.user,  # type: ignore[arg-type]
        )

    return _form_page(
        request,
        assessment,
        form,
        "assessments/review.html",
        action,
        status=AssessmentStatus.SUBMITTED,
    )
