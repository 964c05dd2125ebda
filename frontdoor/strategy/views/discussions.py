"""Pages of one strategy discussion: the discussion, invitations, attendance, holding it,
minutes, actions and cancelling it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for
from frontdoor.strategy import forms
from frontdoor.strategy import services as strategy
from frontdoor.strategy.access import (
    can_work_discussion,
    sees_all_of,
    visible_actions,
    visible_discussions,
)
from frontdoor.strategy.models import (
    DiscussionStatus,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.selectors import action_clock, discussion_clock, minutes_clock
from frontdoor.strategy.views._shared import GET_POST, _form_page, _oversight, _user
from frontdoor.web.pages import log_view


def _discussion(request: HttpRequest, pk: int) -> StrategyDiscussion:
    return get_object_or_404(
        visible_discussions(
            request.user,
            StrategyDiscussion.objects.select_related(
                "child",
                "referral",
                "enquiry",
                "transfer",
                "policy",
                "minutes_policy",
                "chair",
                "convened_by",
                "s47",
            ),
        ),
        pk=pk,
    )


def _discussion_context(request: HttpRequest, discussion: StrategyDiscussion) -> dict[str, Any]:
    now = timezone.now()
    user = request.user
    full = sees_all_of(user)
    actions = [
        (a, action_clock(a, now))
        for a in visible_actions(
            user,
            discussion.actions.select_related("owner_user__agency", "owner_agency", "completed_by"),
        )
    ]
    started = S47Enquiry.objects.filter(start_discussion=discussion).first()
    can_work = can_work_discussion(user, discussion)
    convened = discussion.status == DiscussionStatus.CONVENED
    held = discussion.status == DiscussionStatus.HELD
    return {
        "discussion": discussion,
        "child": discussion.child,
        "clock": discussion_clock(discussion, now),
        "minutes_clock": minutes_clock(discussion, now),
        "quorum": strategy.discussion_quorum(discussion),
        "invitations": discussion.invitations.select_related("agency"),
        "actions": actions,
        "distributions": discussion.distributions.select_related("agency", "sent_by"),
        "show_minutes": full or discussion.minutes_sent_at is not None,
        "full": full,
        "s47": started or discussion.s47,
        "started_s47": started,
        "can_work": can_work,
        "can_attendance": can_work and convened,
        "can_hold": can_work and convened,
        "can_minutes": can_work and held and discussion.minutes_sent_at is None,
        "can_actions": can_work and held,
        "no_s47_oversight": _oversight(request, discussion, "strategy_no_s47")
        if can_work and convened
        else None,
        "events": timeline_for([("strategydiscussion", discussion.pk)]) if full else [],
    }


@requires(Perm.STRATEGY_VIEW)
def discussion_detail(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    log_view(request, [discussion.child], discussion)
    return render(
        request, "strategy/discussion_detail.html", _discussion_context(request, discussion)
    )


def _discussion_form(
    request: HttpRequest,
    discussion: StrategyDiscussion,
    template: str,
    form: django_forms.Form,
    action: Callable[[], Any],
    *,
    rename: dict[str, str] | None = None,
    anchor: str = "",
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    return _form_page(
        request,
        discussion,
        lambda: {**_discussion_context(request, discussion), **(extra or {})},
        template,
        form,
        action,
        may_work=can_work_discussion(request.user, discussion),
        done_url=reverse("strategy-detail", args=[discussion.pk]) + anchor,
        rename=rename,
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def discussion_invite(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.InviteForm(request.POST if request.method == "POST" else None)
    return _discussion_form(
        request,
        discussion,
        "strategy/invite.html",
        form,
        lambda: strategy.discussion_invite(
            discussion=discussion,
            agency=form.cleaned_data["agency"],
            person_name=form.cleaned_data["person_name"],
            person_role=form.cleaned_data["person_role"],
            by=_user(request),
        ),
        anchor="#attendance",
    )


def _attendance(d: StrategyDiscussion, form: forms.AttendanceForm, by: Any) -> Any:
    rows = [
        strategy.AttendanceRow(
            agency=invitation.agency, attendance=form.cleaned_data[form.key(invitation)]
        )
        for invitation in form.invitations
    ]
    data = form.cleaned_data
    if data["agency"] is not None or data["person_name"]:
        rows.append(
            strategy.AttendanceRow(
                agency=data["agency"],
                attendance="attended",
                person_name=data["person_name"],
                person_role=data["person_role"],
            )
        )
    return strategy.attendance_record(discussion=d, rows=rows, by=by)


@requires(Perm.STRATEGY_WORK)
@GET_POST
def discussion_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.AttendanceForm(
        request.POST if request.method == "POST" else None,
        invitations=list(discussion.invitations.select_related("agency")),
    )
    return _discussion_form(
        request,
        discussion,
        "strategy/attendance.html",
        form,
        lambda: _attendance(discussion, form, _user(request)),
        anchor="#attendance",
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def discussion_hold(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.HoldForm(request.POST if request.method == "POST" else None)
    return _discussion_form(
        request,
        discussion,
        "strategy/hold.html",
        form,
        lambda: strategy.discussion_hold(
            discussion=discussion,
            held_at=form.held_at(),
            information_shared=form.cleaned_data["information_shared"],
            decision=form.cleaned_data["decision"],
            s47_kind=form.cleaned_data["s47_kind"],
            contingency_plan=form.cleaned_data["contingency_plan"],
            quorum_reason=form.cleaned_data["quorum_reason"],
            by=_user(request),
        ),
        rename={"held_at": "held_date"},
    )


def _minutes(d: StrategyDiscussion, form: forms.MinutesForm, request: HttpRequest) -> Any:
    by = _user(request)
    saved = strategy.minutes_record(discussion=d, minutes=form.cleaned_data["minutes"], by=by)
    if request.POST.get("send") == "yes":
        return strategy.minutes_distribute(discussion=saved, by=by)
    return saved


@requires(Perm.STRATEGY_WORK)
@GET_POST
def discussion_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.MinutesForm(
        request.POST if request.method == "POST" else None, initial={"minutes": discussion.minutes}
    )
    return _discussion_form(
        request,
        discussion,
        "strategy/minutes.html",
        form,
        lambda: _minutes(discussion, form, request),
        anchor="#minutes",
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def action_new(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.ActionForm(request.POST if request.method == "POST" else None)
    return _discussion_form(
        request,
        discussion,
        "strategy/action_new.html",
        form,
        lambda: strategy.action_add(
            discussion=discussion,
            description=form.cleaned_data["description"],
            owner_user=form.cleaned_data["owner"],
            owner_agency=form.cleaned_data["owner_agency"],
            owner_name=form.cleaned_data["owner_name"],
            due_on=form.cleaned_data["due_on"],
            by=_user(request),
        ),
        anchor="#actions",
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    action = get_object_or_404(StrategyAction, pk=action_pk, discussion_id=pk)
    form = forms.ActionDoneForm(request.POST if request.method == "POST" else None)
    return _discussion_form(
        request,
        _discussion(request, pk),
        "strategy/action_done.html",
        form,
        lambda: strategy.action_complete(
            action=action, note=form.cleaned_data["note"], by=_user(request)
        ),
        anchor="#actions",
        extra={"action": action},
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def discussion_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    discussion = _discussion(request, pk)
    form = forms.CancelForm(request.POST if request.method == "POST" else None)
    return _discussion_form(
        request,
        discussion,
        "strategy/cancel.html",
        form,
        lambda: strategy.discussion_cancel(
            discussion=discussion, reason=form.cleaned_data["cancel_reason"], by=_user(request)
        ),
    )
