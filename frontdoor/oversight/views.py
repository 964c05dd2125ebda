"""Pages for management oversight (and case supervision)."""

from __future__ import annotations

import contextlib
from typing import Any

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Model, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import User
from frontdoor.oversight.access import (
    can_complete_action,
    can_record_supervision,
    can_view_supervision,
    can_view_worker,
    sees_all,
    supervised_workers,
    visible_actions,
)
from frontdoor.oversight.forms import ACTION_ROWS, OversightForm, SupervisionForm
from frontdoor.oversight.models import SupervisionAction, SupervisionRecord
from frontdoor.oversight.selectors import (
    action_clock,
    allocated_at,
    allocated_children,
    case_supervisions,
    open_actions,
    record_clock,
    records_for,
    worker_rows,
)
from frontdoor.oversight.services import (
    oversight_record,
    supervision_action_complete,
    supervision_record,
)
from frontdoor.people.models import Person, PersonKind
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.restricted.selectors import shown_children
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
#: The records oversight can be about: model name -> app label.
OVERSIGHT_RECORD_APPS = ("strategy", "assessments", "protection", "mash", "intake", "escalations")


def _record(child: Person, value: str) -> Model | None:
    """The record named ``"<model name>:<id>"`` in the query string, if it is this child's."""
    if not value:
        return None
    model_name, _, raw_id = value.partition(":")
    if not raw_id.isdigit():
        raise Http404
    for label in OVERSIGHT_RECORD_APPS:
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        record = model._default_manager.filter(pk=int(raw_id)).first()
        if record is None or getattr(record, "child_id", None) != child.pk:
            raise Http404
        return record
    raise Http404


def _local_next(request: HttpRequest, default: str) -> str:
    """The ``next`` page if it is a path on this site (never another site), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith("/")
        and not target.startswith("//")
    ):
        return target
    return default


def _next(request: HttpRequest, child: Person) -> str:
    return _local_next(request, reverse("child-detail", args=[child.pk]))


@requires(Perm.OVERSIGHT_RECORD)
@GET_POST
def oversight_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record management oversight of a child's case, optionally before a named step.

    ``?record=s47enquiry:12&transition=s47_no_conference&next=/s47/12/`` ties it to a record
    and the step it clears.
    """
    child = get_object_or_404(Person, pk=pk, kind=PersonKind.CHILD)
    record = _record(child, request.GET.get("record", ""))
    transition = request.GET.get("transition", "")
    if transition and (transition not in OVERSIGHT_TRANSITIONS or record is None):
        raise Http404
    form = OversightForm(request.POST if request.method == "POST" else None)
    next_url = _next(request, child)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: oversight_record(
                child=child,
                direction=form.cleaned_data["direction"],
                by=request.user,  # type: ignore[arg-type]
                record_type=(record._meta.model_name or "") if record is not None else "",
                record_id=int(record.pk) if record is not None else None,
                transition=transition,
            ),
        )
        if done is not None:
            return redirect(next_url)
    log_view(request, [child], record if record is not None else child)
    return render(
        request,
        "oversight/oversight_new.html",
        {
            "child": child,
            "record": record,
            "transition_label": OVERSIGHT_TRANSITIONS.get(transition, ""),
            "form": form,
            "next_url": next_url,
        },
    )


# ------------------------------------------------------------------ case supervision

PAGE_SIZE = 50


@requires(Perm.SUPERVISION_VIEW)
@require_http_methods(["GET"])
def supervision_overview(request: HttpRequest) -> HttpResponse:
    """Managers: each worker they supervise, with cases overdue, due soon and on time for
    supervision. Auditors and the head of service: every team. Workers: their own page."""
    user = request.user
    if not (can(user, Perm.SUPERVISION_RECORD) or sees_all(user)):
        return redirect("supervision-mine")
    rows = worker_rows(user, timezone.now())
    return render(
        request,
        "oversight/supervision_overview.html",
        {
            "rows": rows,
            "all_teams": sees_all(user),
            "totals": {
                "overdue": sum(r.overdue for r in rows),
                "due_soon": sum(r.due_soon for r in rows),
                "on_time": sum(r.on_time for r in rows),
            },
        },
    )


@requires(Perm.SUPERVISION_VIEW)
@require_http_methods(["GET"])
def supervision_worker(request: HttpRequest, pk: int) -> HttpResponse:
    """One worker's allocated cases with each case's supervision clock."""
    worker = get_object_or_404(User.objects.select_related("team"), pk=pk)
    if not can_view_worker(request.user, worker):
        raise PermissionDenied
    now = timezone.now()
    cases = case_supervisions(allocated_children([worker]), now)
    actions = open_actions(
        visible_actions(request.user, SupervisionAction.objects.filter(owner=worker))
    )
    log_view(request, shown_children(request.user, [case.child for case in cases]), worker)
    return render(
        request,
        "oversight/supervision_worker.html",
        {
            "worker": worker,
            "cases": cases,
            "actions": [(a, action_clock(a, now)) for a in actions],
            "can_record": can(request.user, Perm.SUPERVISION_RECORD)
            and supervised_workers(request.user).filter(pk=worker.pk).exists(),
            "can_see_child": can(request.user, Perm.CHILD_VIEW),
        },
    )


def _owners(user: Any, child: Person) -> QuerySet[User]:
    """Who can own an action: the worker, the supervisor and the worker's team."""
    worker = child.allocated_worker
    team = worker.team_id if worker is not None else None
    return User.objects.filter(is_active=True).filter(
        Q(pk=user.pk) | Q(pk=getattr(worker, "pk", None)) | Q(team_id=team, team__isnull=False)
    )


@requires(Perm.SUPERVISION_RECORD)
@GET_POST
def supervision_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record case supervision of a child with their allocated worker."""
    child = get_object_or_404(
        Person.objects.select_related("allocated_worker"), pk=pk, kind=PersonKind.CHILD
    )
    if child.allocated_worker is not None and not can_record_supervision(request.user, child):
        raise PermissionDenied
    form = SupervisionForm(
        request.POST if request.method == "POST" else None, owners=_owners(request.user, child)
    )
    if request.method == "POST" and form.is_valid():
        record = run_service(
            form,
            lambda: supervision_record(
                child=child,
                held_at=form.held(),
                lived_experience=form.cleaned_data["lived_experience"],
                working_well=form.cleaned_data["working_well"],
                worries=form.cleaned_data["worries"],
                analysis=form.cleaned_data["analysis"],
                decisions=form.cleaned_data["decisions"],
                actions=form.actions(),
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if record is not None:
            return redirect("supervision-detail", record.pk)
    log_view(request, [child], child)
    cases = case_supervisions(Person.objects.filter(pk=child.pk), timezone.now())
    return render(
        request,
        "oversight/supervision_new.html",
        {
            "child": child,
            "form": form,
            "case": cases[0] if cases else None,
            "allocated_at": allocated_at(child) if child.allocated_worker else None,
            "action_rows": range(1, ACTION_ROWS + 1),
        },
    )


@requires(Perm.SUPERVISION_VIEW)
@require_http_methods(["GET"])
def supervision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = get_object_or_404(
        SupervisionRecord.objects.select_related("child", "worker", "supervisor", "policy"), pk=pk
    )
    if not can_view_supervision(request.user, record):
        raise PermissionDenied
    now = timezone.now()
    actions = record.actions.select_related("owner", "completed_by", "supervision__policy")
    log_view(request, [record.child], record)
    return render(
        request,
        "oversight/supervision_detail.html",
        {
            "record": record,
            "child": record.child,
            "clock": record_clock(record, now),
            "actions": [
                (a, action_clock(a, now), can_complete_action(request.user, a)) for a in actions
            ],
            "can_see_child": can(request.user, Perm.CHILD_VIEW),
            "can_add_oversight": can(request.user, Perm.OVERSIGHT_RECORD),
        },
    )


@requires(Perm.SUPERVISION_VIEW)
@require_http_methods(["POST"])
def supervision_action_done(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark an action agreed in supervision as done (its owner, or a manager)."""
    action = get_object_or_404(SupervisionAction.objects.select_related("supervision"), pk=pk)
    if not can_complete_action(request.user, action):
        raise PermissionDenied
    back = _local_next(request, reverse("supervision-detail", args=[action.supervision_id]))
    # A repeated press (already done) is refused by the service and changes nothing: the page
    # it returns to shows the action as done.
    with contextlib.suppress(ValidationError):
        supervision_action_complete(action=action, by=request.user)  # type: ignore[arg-type]
    return redirect(back)


@requires(Perm.SUPERVISION_VIEW)
@require_http_methods(["GET"])
def supervision_mine(request: HttpRequest) -> HttpResponse:
    """The user's own supervision records and open actions (an auditor: every record)."""
    user = request.user
    now = timezone.now()
    auditor = sees_all(user) and not can(user, Perm.SUPERVISION_RECORD)
    records = records_for(user)
    if not auditor:
        records = records.filter(Q(worker=user) | Q(supervisor=user))
    page = Paginator(records, PAGE_SIZE).get_page(request.GET.get("page"))
    actions = open_actions(SupervisionAction.objects.filter(owner_id=user.pk))
    log_view(
        request,
        shown_children(user, {r.child for r in page.object_list}),
        user,  # type: ignore[arg-type]
    )
    return render(
        request,
        "oversight/supervision_mine.html",
        {
            "page": page,
            "records": [(r, record_clock(r, now)) for r in page.object_list],
            "actions": [(a, action_clock(a, now)) for a in actions],
            "all_records": auditor,
        },
    )
