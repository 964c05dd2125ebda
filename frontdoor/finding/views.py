"""Finding work: the contact search, decisions and closures, and caseloads.

Each page parses its filters with a form (errors go to the GOV.UK error summary; nothing a
visitor types gives a server error), asks one selector, logs the children it names (the
restricted ones it may not name are masked, not logged), and renders. The CSV downloads of
these and the other work lists are in ``frontdoor.finding.exports``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_each
from frontdoor.finding.access import can_view_caseload, sees_every_team
from frontdoor.finding.caseload import STATES, team_caseloads, worker_caseload
from frontdoor.finding.contacts import (
    ContactQuery,
    contact_ids_for_reference,
    contact_rows,
    contact_search,
    with_children,
)
from frontdoor.finding.decisions import (
    CLOSURE,
    DECISION,
    DecisionQuery,
    decision_rows,
    decision_search,
)
from frontdoor.finding.forms import ContactSearchForm, DecisionFilterForm
from frontdoor.people.models import Person
from frontdoor.restricted.selectors import hidden_child_ids
from frontdoor.web.paging import page_of, pagination, query_without_page

#: A download holds at most this many rows (the newest); the page says when there are more.
DOWNLOAD_LIMIT = 10000


def log_shown(
    request: HttpRequest, reads: Iterable[tuple[Person, Model]], hidden: set[int]
) -> None:
    """Log that the user was shown these children (the hidden ones are masked: not logged)."""
    access_log_each(
        user=request.user,  # type: ignore[arg-type]
        reads=[(child, record) for child, record in reads if child.pk not in hidden],
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
    )


def _context(request: HttpRequest, page: Any, **extra: Any) -> dict[str, Any]:
    query = query_without_page(request)
    return {
        "page": page,
        "pagination": pagination(page, query),
        "query": query,
        "download_limit": DOWNLOAD_LIMIT,
        **extra,
    }


# ------------------------------------------------------------------------ contact search


@requires(Perm.CONTACT_VIEW)
@require_GET
def contact_search_page(request: HttpRequest) -> HttpResponse:
    """Find a contact; an exact reference alone opens the contact it names."""
    form = ContactSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "finding/contacts.html",
            {"form": form, "page": None},
        )
    query = form.query() if form.is_bound else ContactQuery()
    if query.reference_only and "page" not in request.GET:
        found = contact_ids_for_reference(query.reference)
        if len(found) == 1:
            return redirect("contact-detail", found[0])
    hidden = hidden_child_ids(request.user)
    page = page_of(with_children(contact_search(query, user=request.user, hidden=hidden)), request)
    rows = contact_rows(page.object_list, hidden)
    log_shown(request, [(link.child, row.contact) for row in rows for link in row.links], hidden)
    return render(
        request,
        "finding/contacts.html",
        _context(
            request, page, form=form, rows=rows, searched=query != ContactQuery(), search=query
        ),
    )


# ------------------------------------------------------------------ decisions and closures


@requires(Perm.CONTACT_VIEW)
@require_GET
def decision_list(request: HttpRequest) -> HttpResponse:
    """Decisions made and work closed, newest first, with filters."""
    form = DecisionFilterForm(request.GET or None, user=request.user)
    context: dict[str, Any] = {
        "form": form,
        "groups": [(g, [k for k in form.kinds if k.group == g]) for g in (DECISION, CLOSURE)],
    }
    if form.is_bound and not form.is_valid():
        return render(
            request,
            "finding/decisions.html",
            {**context, "page": None},
        )
    query = form.query() if form.is_bound else DecisionQuery()
    page = page_of(decision_search(query, user=request.user), request)
    rows = decision_rows(page.object_list)
    hidden = hidden_child_ids(request.user, [row.child.pk for row in rows])
    log_shown(request, [(row.child, row.record) for row in rows], hidden)
    return render(request, "finding/decisions.html", _context(request, page, rows=rows, **context))


# ------------------------------------------------------------------------------ caseloads


@requires(Perm.CASELOAD_VIEW)
@require_GET
def caseload_page(request: HttpRequest) -> HttpResponse:
    """Each worker in the manager's team (the head of service: every team) with their open
    work by clock state."""
    teams = team_caseloads(request.user, timezone.now())
    return render(
        request,
        "finding/caseload.html",
        {
            "teams": teams,
            "states": STATES,
            "all_teams": sees_every_team(request.user),
        },
    )


@requires(Perm.CASELOAD_VIEW)
@require_GET
def caseload_worker(request: HttpRequest, pk: int) -> HttpResponse:
    """One worker's caseload: every item of their open work, the soonest due first."""
    worker = get_object_or_404(User.objects.select_related("team"), pk=pk)
    if not can_view_caseload(request.user, worker):
        raise PermissionDenied
    caseload = worker_caseload(worker, timezone.now())
    hidden = hidden_child_ids(request.user, [item.child.pk for item in caseload.items])
    log_shown(request, [(item.child, worker) for item in caseload.items], hidden)
    return render(
        request,
        "finding/caseload_worker.html",
        {"worker": worker, "caseload": caseload, "states": STATES},
    )
