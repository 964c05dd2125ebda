"""Pages for strategy discussions, section 47 enquiries and initial child protection
conferences. Each view parses a form, calls one service, and redirects or renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can, visible_transfers
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import Agency, AgencyKind
from frontdoor.audit.selectors import timeline_for
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, Enquiry
from frontdoor.oversight.selectors import oversight_link
from frontdoor.oversight.services import oversight_missing
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.protection.models import Transfer
from frontdoor.strategy import forms
from frontdoor.strategy import services as strategy
from frontdoor.strategy.access import (
    can_work_discussion,
    can_work_s47,
    sees_all_of,
    visible_actions,
    visible_discussions,
    visible_s47s,
)
from frontdoor.strategy.models import (
    DiscussionStatus,
    S47Enquiry,
    StrategyAction,
    StrategyDiscussion,
)
from frontdoor.strategy.selectors import (
    action_clock,
    conference_of,
    discussion_clock,
    icpc_clock,
    minutes_clock,
)
from frontdoor.web.pages import apply_errors, log_view

GET_POST = require_http_methods(["GET", "POST"])


def _run(form: django_forms.Form, action: Callable[[], Any], rename: dict[str, str]) -> Any:
    """Call a service; put its messages on the form (renaming its keys to the form's fields)."""
    try:
        return action()
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            error = ValidationError(
                {rename.get(key, key): value for key, value in error.error_dict.items()}
            )
        apply_errors(form, error)
        return None


def _user(request: HttpRequest) -> Any:
    return request.user


# ------------------------------------------------------------------ convening


def _default_agencies() -> list[str]:
    chosen: list[str] = []
    for kind in (AgencyKind.LOCAL_AUTHORITY, AgencyKind.POLICE, AgencyKind.HEALTH):
        agency = Agency.objects.filter(kind=kind, active=True).order_by("id").first()
        if agency is not None:
            chosen.append(str(agency.pk))
    return chosen


def _convene(
    request: HttpRequest,
    *,
    record: Enquiry | Transfer,
    decided_default: Any,
    back_url: str,
    back_text: str,
    call: Callable[[forms.ConveneForm], StrategyDiscussion],
) -> HttpResponse:
    local = timezone.localtime(decided_default)
    form = forms.ConveneForm(
        request.POST if request.method == "POST" else None,
        initial={
            "rating": record.rating,
            "decided_date": local.date(),
            "decided_time": f"{local:%H:%M}",
            "agencies": _default_agencies(),
        },
    )
    if request.method == "POST" and form.is_valid():
        discussion = _run(
            form,
            lambda: call(form),
            {"decided_at": "decided_date", "scheduled_for": "scheduled_date"},
        )
        if discussion is not None:
            return redirect("strategy-detail", discussion.pk)
    log_view(request, [record.child], record)
    return render(
        request,
        "strategy/convene.html",
        {
            "form": form,
            "child": record.child,
            "record": record,
            "back_url": back_url,
            "back_text": back_text,
            "agency_choices": form.fields["agencies"].choices,  # type: ignore[attr-defined]
            "chosen_agencies": request.POST.getlist("agencies")
            if request.method == "POST"
            else form.initial["agencies"],
        },
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def convene_from_enquiry(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_object_or_404(Enquiry.objects.select_related("child", "referral"), pk=pk)
    decision = Decision.objects.filter(enquiry=enquiry, status__in=LIVE_DECISION_STATUSES).first()
    default = decision.signed_off_at if decision and decision.signed_off_at else timezone.now()
    return _convene(
        request,
        record=enquiry,
        decided_default=default,
        back_url=reverse("enquiry-detail", args=[enquiry.pk]),
        back_text="Back to the MASH enquiry",
        call=lambda form: strategy.discussion_convene(
            enquiry=enquiry,
            reason=form.cleaned_data["reason"],
            rating=form.cleaned_data["rating"],
            decided_at=form.decided_at(),
            scheduled_for=form.scheduled_for(),
            chair=form.cleaned_data["chair"],
            agencies=form.chosen_agencies(),
            by=_user(request),
        ),
    )


@requires(Perm.STRATEGY_WORK)
@GET_POST
def convene_on_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(
        visible_transfers(request.user, Transfer.objects.select_related("child", "referral")),
        pk=pk,
    )
    return _convene(
        request,
        record=transfer,
        decided_default=timezone.now(),
        back_url=reverse("transfer-detail", args=[transfer.pk]),
        back_text="Back to the transfer",
        call=lambda form: strategy.discussion_convene(
            transfer=transfer,
            reason=form.cleaned_data["reason"],
            rating=form.cleaned_data["rating"],
            decided_at=form.decided_at(),
            scheduled_for=form.scheduled_for(),
            chair=form.cleaned_data["chair"],
            agencies=form.chosen_agencies(),
            by=_user(request),
        ),
    )


# ------------------------------------------------------------------ a discussion


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


def _oversight(request: HttpRequest, record: Any, transition: str) -> dict[str, Any]:
    """Whether ``transition`` needs oversight now that has not been given, and where to add it."""
    needed = oversight_missing(record=record, transition=transition, at=timezone.now())
    may_add = needed and can(request.user, Perm.OVERSIGHT_RECORD)
    return {
        "needed": needed,
        "label": OVERSIGHT_TRANSITIONS[transition],
        "url": oversight_link(record, transition, request.path) if may_add else "",
    }


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


def _form_page(
    request: HttpRequest,
    record: StrategyDiscussion | S47Enquiry,
    context: Callable[[], dict[str, Any]],
    template: str,
    form: django_forms.Form,
    action: Callable[[], Any],
    *,
    may_work: bool,
    done_url: str,
    rename: dict[str, str] | None = None,
) -> HttpResponse:
    """A form on a discussion's or an enquiry's page: call the service, or show the errors."""
    if not may_work:
        raise PermissionDenied
    if (
        request.method == "POST"
        and form.is_valid()
        and _run(form, action, rename or {}) is not None
    ):
        return redirect(done_url)
    log_view(request, [record.child], record)
    return render(request, template, {**context(), "form": form})


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


# ------------------------------------------------------------------ section 47


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
