"""Pages of a section 47 enquiry: the enquiry, its outcome, and booking and recording the initial
child protection conference."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for
from frontdoor.strategy import forms
from frontdoor.strategy import services as strategy
from frontdoor.strategy.access import can_work_s47, sees_all_of, visible_discussions, visible_s47s
from frontdoor.strategy.models import S47Enquiry, StrategyDiscussion
from frontdoor.strategy.selectors import conference_of, icpc_clock
from frontdoor.strategy.views._shared import GET_POST, _form_page, _oversight, _user
from frontdoor.web.pages import log_view


def _s47(request: HttpRequest, pk: int) -> S47Enquiry:
    return get_object_or_404(
        visible_s47s(
            request.user,
            S47Enquiry.objects.select_related(
                "child", "policy", "start_discussion", "last_discussion", "outcome_recorded_by"
            ),
        ),
        pk=pk,
    )


def _s47_context(request: HttpRequest, s47: S47Enquiry) -> dict[str, Any]:
    now = timezone.now()
    conference = conference_of(s47)
    can_work = can_work_s47(request.user, s47)
    discussions = visible_discussions(
        request.user,
        StrategyDiscussion.objects.filter(pk=s47.start_discussion_id)
        | StrategyDiscussion.objects.filter(s47=s47),
    ).order_by("decided_at", "id")
    full = sees_all_of(request.user)
    return {
        "s47": s47,
        "child": s47.child,
        "clock": icpc_clock(s47, now),
        "conference": conference,
        "discussions": discussions,
        "can_outcome": can_work and not s47.outcome,
        "can_book": can_work
        and bool(s47.outcome)
        and bool(s47.icpc_needed)
        and (conference is None or conference.held_at is None),
        "can_conference": can_work and conference is not None and conference.held_at is None,
        "no_conference_oversight": _oversight(request, s47, "s47_no_conference")
        if can_work and not s47.outcome
        else None,
        "no_plan_oversight": _oversight(request, s47, "icpc_no_plan")
        if can_work and conference is not None and conference.held_at is None
        else None,
        "events": timeline_for([("s47enquiry", s47.pk)]) if full else [],
        "full": full,
    }


@requires(Perm.STRATEGY_VIEW)
def s47_detail(request: HttpRequest, pk: int) -> HttpResponse:
    s47 = _s47(request, pk)
    log_view(request, [s47.child], s47)
    return render(request, "strategy/s47_detail.html", _s47_context(request, s47))


def _s47_form(
    request: HttpRequest,
    pk: int,
    template: str,
    form: django_forms.Form,
    action: Callable[[S47Enquiry], Any],
    rename: dict[str, str],
) -> HttpResponse:
    s47 = _s47(request, pk)
    return _form_page(
        request,
        s47,
        lambda: _s47_context(request, s47),
        template,
        form,
        lambda: action(s47),
        may_work=can_work_s47(request.user, s47),
        done_url=reverse("s47-detail", args=[s47.pk]),
        rename=rename,
    )


@requires(Perm.PROTECTION_WORK)
@GET_POST
def s47_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.S47OutcomeForm(request.POST if request.method == "POST" else None)
    return _s47_form(
        request,
        pk,
        "strategy/s47_outcome.html",
        form,
        lambda s: strategy.s47_outcome_record(
            s47=s,
            outcome=form.cleaned_data["outcome"],
            icpc_needed=form.cleaned_data["icpc_needed"] == "yes",
            outcome_at=form.outcome_at(),
            notes=form.cleaned_data["notes"],
            by=_user(request),
        ),
        {"outcome_at": "outcome_date"},
    )


@requires(Perm.PROTECTION_WORK)
@GET_POST
def conference_book(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ConferenceBookForm(request.POST if request.method == "POST" else None)
    return _s47_form(
        request,
        pk,
        "strategy/conference_book.html",
        form,
        lambda s: strategy.conference_book(
            s47=s, scheduled_for=form.scheduled_for(), by=_user(request)
        ),
        {"scheduled_for": "scheduled_date"},
    )


@requires(Perm.PROTECTION_WORK)
@GET_POST
def conference_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    form = forms.ConferenceOutcomeForm(request.POST if request.method == "POST" else None)

    def record(s: S47Enquiry) -> Any:
        conference = conference_of(s)
        if conference is None:
            raise ValidationError("Book the conference before recording its outcome")
        return strategy.conference_record(
            conference=conference,
            held_at=form.held_at(),
            plan=form.cleaned_data["plan"] == "yes",
            category=form.cleaned_data["category"],
            notes=form.cleaned_data["notes"],
            by=_user(request),
        )

    return _s47_form(
        request,
        pk,
        "strategy/conference_outcome.html",
        form,
        record,
        {"held_at": "held_date"},
    )
