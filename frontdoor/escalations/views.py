"""Pages for escalations: the list, one escalation, raise, answer, escalate, withdraw.

A referrer's "Disagree with this decision?" page, behind their referral's outcome link, is in
referrer_views.py.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import Role
from frontdoor.audit.selectors import timeline_for
from frontdoor.escalations import services
from frontdoor.escalations.access import (
    can_raise_about,
    can_respond,
    is_raiser,
    owns_stage,
    visible_escalations,
)
from frontdoor.escalations.forms import RaiseForm, ReasonForm, RespondForm
from frontdoor.escalations.models import Escalation, EscalationAbout, EscalationStageName
from frontdoor.escalations.records import (
    record_by_reference,
    record_facts,
    record_find,
    record_key,
    record_url,
)
from frontdoor.escalations.selectors import current_clock, escalation_rows, escalation_stages
from frontdoor.people.models import Person
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
STATUS_FILTERS = (("open", "Open"), ("resolved", "Resolved"), ("withdrawn", "Withdrawn"))


def _escalation(request: HttpRequest, pk: int) -> Escalation:
    return get_object_or_404(
        visible_escalations(
            request.user,
            Escalation.objects.select_related(
                "child",
                "raised_by",
                "raiser_agency",
                "team",
                "practitioner",
                "concerns_agency",
                "resolved_by",
                "submission",
            ),
        ),
        pk=pk,
    )


def _record(escalation: Escalation) -> Model | None:
    return record_find(escalation.record_type, escalation.record_id)


# --------------------------------------------------------------------------- list and detail


@requires(Perm.ESCALATION_VIEW)
@require_GET
def escalation_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "open")
    status = status if status in dict(STATUS_FILTERS) or status == "all" else "open"
    stage = request.GET.get("stage", "")
    stage = stage if stage in EscalationStageName.values else ""
    rows = escalation_rows(
        request.user, status="" if status == "all" else status, stage=stage, now=timezone.now()
    )
    return render(
        request,
        "escalations/list.html",
        {
            "rows": rows,
            "status": status,
            "stage": stage,
            "status_filters": STATUS_FILTERS,
            "stage_filters": EscalationStageName.choices,
            "can_raise": can(request.user, Perm.ESCALATION_RAISE),
        },
    )


def _detail_context(request: HttpRequest, escalation: Escalation) -> dict[str, Any]:
    now = timezone.now()
    record = _record(escalation)
    stages = escalation_stages(escalation, now)
    current = [row for row, _ in stages if row.stage == escalation.stage]
    raiser = is_raiser(request.user, escalation)
    escalatable = (
        raiser and bool(current) and services.raiser_may_escalate(escalation, current[0], now)
    )
    return {
        "escalation": escalation,
        "child": escalation.child,
        "record_link": record_url(record, request.user) if record is not None else "",
        "stages": stages,
        "reading": current_clock(escalation, now),
        "may_respond": can_respond(request.user, escalation),
        "may_escalate": escalatable,
        "may_withdraw": raiser and escalation.is_open,
        "can_see_child": can(request.user, Perm.CHILD_VIEW),
        "events": timeline_for([("escalation", escalation.pk)]),
    }


@requires(Perm.ESCALATION_VIEW)
@require_GET
def escalation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    log_view(request, [escalation.child], escalation)
    return render(request, "escalations/detail.html", _detail_context(request, escalation))


# --------------------------------------------------------------------------- raise


def _fixed_record(request: HttpRequest) -> Model | None:
    """The record named by ``?record=<model name>:<id>`` (404 unless the user may raise one)."""
    value = request.GET.get("record", "")
    if not value:
        return None
    record_type, _, raw_id = value.partition(":")
    if not raw_id.isdigit() or len(raw_id) > 18:
        raise Http404
    record = record_find(record_type, int(raw_id))
    if record is None or not can_raise_about(request.user, record):
        raise Http404
    return record


@requires(Perm.ESCALATION_RAISE)
@GET_POST
def escalation_new(request: HttpRequest) -> HttpResponse:
    """Raise an escalation: about a record named in the query string (from its page), or by
    typing the record's reference."""
    fixed = _fixed_record(request)
    facts = record_facts(fixed) if fixed is not None else None
    child = Person.objects.filter(pk=facts.child_id).first() if facts else None
    if fixed is not None and child is None:
        raise Http404
    form = RaiseForm(
        request.POST if request.method == "POST" else None, needs_reference=fixed is None
    )
    partner = request.user.role == Role.PARTNER_PRACTITIONER  # type: ignore[union-attr]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = fixed
        if record is None:
            record = record_by_reference(data["reference"], data["about"], partner=partner)
            if record is None or not can_raise_about(request.user, record):
                form.add_error(
                    "reference",
                    "No record you can raise an escalation about has that reference",
                )
                record = None
        if record is not None:
            record_type, record_id = record_key(record)
            owner = Person.objects.filter(pk=record_facts(record).child_id).first()
            if owner is None:
                raise Http404
            done = run_service(
                form,
                lambda: services.escalation_raise(
                    child=owner,
                    record_type=record_type,
                    record_id=record_id,
                    about=data["about"],
                    disagreement=data["disagreement"],
                    outcome_sought=data["outcome_sought"],
                    by=request.user,  # type: ignore[arg-type]
                ),
            )
            if done is not None:
                return redirect("escalation-detail", done.pk)
    if fixed is not None and child is not None:
        log_view(request, [child], fixed)
    return render(
        request,
        "escalations/raise.html",
        {
            "form": form,
            "record": fixed,
            "record_label": facts.label if facts else "",
            "child": child,
            "about_choices": EscalationAbout.choices,
            "partner": partner,
        },
    )


# --------------------------------------------------------------------------- answer


@requires(Perm.ESCALATION_RESPOND)
@GET_POST
def escalation_respond(request: HttpRequest, pk: int) -> HttpResponse:
    escalation = _escalation(request, pk)
    stage = request.POST.get("stage", "") if request.method == "POST" else escalation.stage
    if stage not in EscalationStageName.values:
        stage = escalation.stage
    if request.method == "GET" and not can_respond(request.user, escalation):
        raise PermissionDenied
    if request.method == "POST" and not owns_stage(request.user, escalation, stage):
        raise PermissionDenied
    form = RespondForm(
        request.POST if request.method == "POST" else None, initial={"stage": escalation.stage}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: services.escalation_respond(
                escalation=escalation,
                stage=data["stage"],
                result=data["result"],
                response=data["response"],
                learning=data["learning"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect("escalation-detail", escalation.pk)
    log_view(request, [escalation.child], escalation)
    context = _detail_context(request, escalation)
    context.update(
        {
            "form": form,
            "last_stage": services.next_stage(escalation.stage) is None,
            "stage_label": escalation.get_stage_display(),
        }
    )
    return render(request, "escalations/respond.html", context)


def _raiser_form(
    request: HttpRequest,
    pk: int,
    template: str,
    action: Any,
) -> HttpResponse:
    escalation = _escalation(request, pk)
    if not is_raiser(request.user, escalation):
        raise PermissionDenied
    form = ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        done = run_service(form, lambda: action(escalation, reason))
        if done is not None:
            return redirect("escalation-detail", escalation.pk)
    log_view(request, [escalation.child], escalation)
    context = _detail_context(request, escalation)
    following = services.next_stage(escalation.stage)
    context.update(
        {
            "form": form,
            "next_label": EscalationStageName(following).label if following else "",
        }
    )
    return render(request, template, context)


@requires(Perm.ESCALATION_RAISE)
@GET_POST
def escalation_escalate(request: HttpRequest, pk: int) -> HttpResponse:
    """The raiser takes it to the next stage (no answer in time, or an answer not accepted)."""
    return _raiser_form(
        request,
        pk,
        "escalations/escalate.html",
        lambda escalation, reason: services.escalation_escalate(
            escalation=escalation,
            reason=reason,
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.ESCALATION_RAISE)
@GET_POST
def escalation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _raiser_form(
        request,
        pk,
        "escalations/withdraw.html",
        lambda escalation, reason: services.escalation_withdraw(
            escalation=escalation,
            reason=reason,
            by=request.user,  # type: ignore[arg-type]
        ),
    )
