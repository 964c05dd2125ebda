"""The pages everyone opens first: home, the work queues and the front-door overview."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.accounts.models import Team, TeamKind
from frontdoor.accounts.services import team_duty_take
from frontdoor.web.paging import page_of, query_without_page
from frontdoor.work.overview import OVERVIEW_DEFAULT_PERIOD, OVERVIEW_PERIODS, front_door_overview
from frontdoor.work.queues import my_queue, team_queue

GET_POST = require_http_methods(["GET", "POST"])


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
    return {
        "items": (page := page_of(items, request, QUEUE_PAGE_SIZE)).object_list,
        "total": len(items),
        "page": page,
        "filters": query_without_page(request),
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
