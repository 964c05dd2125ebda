"""CSV downloads of every work list: my work, the team's work, the contact search, decisions
and closures, caseloads, escalations, supervision and reconciliation.

Each download takes the same filters as its page (invalid ones send the reader back to the
page, which shows the errors), lists what the page would list, names a restricted child the
reader may not see only as "Restricted record (record N)" (with nothing else about the
contact's referrer), logs every other child listed as downloaded (``AccessAction.EXPORT``,
before the file is sent), and writes the file through the shared helper
(``frontdoor.web.downloads``), which neutralises anything a spreadsheet would run.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_each
from frontdoor.escalations.models import EscalationStageName, EscalationStatus
from frontdoor.escalations.selectors import escalation_rows
from frontdoor.finding.access import can_view_caseload
from frontdoor.finding.caseload import STATES, team_caseloads, worker_caseload
from frontdoor.finding.contacts import ContactQuery, contact_rows, contact_search, with_children
from frontdoor.finding.decisions import DecisionQuery, decision_rows, decision_search
from frontdoor.finding.forms import ContactSearchForm, DecisionFilterForm
from frontdoor.finding.views import DOWNLOAD_LIMIT
from frontdoor.intake.reconciliation import reconciliation_rows
from frontdoor.matching.review import duplicate_queue
from frontdoor.oversight.access import can_view_worker, sees_all
from frontdoor.oversight.selectors import allocated_children, case_supervisions, worker_rows
from frontdoor.people.models import Person
from frontdoor.restricted.selectors import hidden_child_ids, masked_label
from frontdoor.web.downloads import csv_filename, csv_response
from frontdoor.work.queues import WorkItem, my_queue, team_queue

#: What an export names instead of a contact's referrer when it names a restricted child.
WITHHELD = ""


def _download(
    request: HttpRequest,
    *,
    name: str,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    reads: Iterable[tuple[Person, Model]],
    what: str,
) -> HttpResponse:
    """Log each (child, record) listed, then send the file."""
    now = timezone.now()
    access_log_each(
        user=request.user,  # type: ignore[arg-type]
        reads=reads,
        action=AccessAction.EXPORT,
        at=now,
        path=request.path,
        fields=list(header),
        reason=f"Downloaded as a CSV file: {what}",
    )
    return csv_response(csv_filename(name, now), header, rows)


def _back(name: str, request: HttpRequest) -> HttpResponse:
    """Back to the list's page with the same filters (it shows what is wrong with them)."""
    query = request.GET.urlencode()
    return redirect(reverse(name) + (f"?{query}" if query else ""))


def _child(child: Person, hidden: set[int]) -> tuple[str, int]:
    return (masked_label(child) if child.pk in hidden else child.full_name, child.pk)


def _shown(reads: Iterable[tuple[Person, Model]], hidden: set[int]) -> list[tuple[Person, Model]]:
    return [(child, record) for child, record in reads if child.pk not in hidden]


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value is not None else None


# ------------------------------------------------------------------------- queues

QUEUE_HEADER = (
    "Child",
    "Child record",
    "Stage",
    "Reference",
    "Owner",
    "Rating",
    "Started",
    "Due",
    "Clock",
)


def _queue_rows(items: Sequence[WorkItem], hidden: set[int]) -> list[list[Any]]:
    return [
        [
            *_child(item.child, hidden),
            item.stage,
            item.reference,
            item.owner,
            item.rating.title(),
            item.reading.started_at,
            item.reading.due_at,
            item.reading.state.label,
        ]
        for item in items
    ]


def _filtered(request: HttpRequest, items: list[WorkItem]) -> list[WorkItem]:
    """The queue page's filters (clock state, rating)."""
    states, ratings = request.GET.getlist("state"), request.GET.getlist("rating")
    if states:
        items = [i for i in items if i.reading.state in states]
    if ratings:
        items = [i for i in items if i.rating in ratings]
    return items


def _queue_download(
    request: HttpRequest, items: list[WorkItem], name: str, what: str
) -> HttpResponse:
    items = _filtered(request, items)
    hidden = hidden_child_ids(request.user, [i.child.pk for i in items])
    return _download(
        request,
        name=name,
        header=QUEUE_HEADER,
        rows=_queue_rows(items, hidden),
        reads=_shown(((i.child, i.child) for i in items), hidden),
        what=what,
    )


@requires(Perm.QUEUE_VIEW)
@require_GET
def queue_mine_csv(request: HttpRequest) -> HttpResponse:
    items = my_queue(request.user, timezone.now())
    return _queue_download(request, items, "my-work", "my work")


@requires(Perm.QUEUE_VIEW)
@require_GET
def queue_team_csv(request: HttpRequest) -> HttpResponse:
    items = team_queue(request.user, timezone.now())
    return _queue_download(request, items, "team-work", "team work")


# ----------------------------------------------------------------- contact search

CONTACT_HEADER = (
    "Reference",
    "Received",
    "Channel",
    "Referrer",
    "Referrer role",
    "Referrer agency",
    "Referrer email",
    "Referrer phone",
    "Immediate risk",
    "Child",
    "Child record",
    "Screening outcome",
    "Screened",
)


@requires(Perm.CONTACT_VIEW)
@require_GET
def contact_search_csv(request: HttpRequest) -> HttpResponse:
    """The contact search's results (every page, the newest ``DOWNLOAD_LIMIT``), one row per
    child named in each contact."""
    form = ContactSearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _back("contact-search", request)
    query = form.query() if form.is_bound else ContactQuery()
    hidden = hidden_child_ids(request.user)
    contacts = with_children(contact_search(query, user=request.user, hidden=hidden))
    rows: list[list[Any]] = []
    reads: list[tuple[Person, Model]] = []
    for row in contact_rows(contacts[:DOWNLOAD_LIMIT], hidden):
        c = row.contact
        referrer = (
            [WITHHELD] * 5
            if row.masked
            else [
                c.referrer_name,
                c.referrer_role,
                c.referrer_agency,
                c.referrer_email,
                c.referrer_phone,
            ]
        )
        for link in row.links:
            rows.append(
                [
                    c.reference,
                    _local(c.received_at),
                    c.get_channel_display(),
                    *referrer,
                    c.immediate_risk,
                    *_child(link.child, hidden),
                    link.get_outcome_display() if link.outcome else "Awaiting screening",
                    _local(link.screened_at),
                ]
            )
            reads.append((link.child, c))
    return _download(
        request,
        name="contacts",
        header=CONTACT_HEADER,
        rows=rows,
        reads=_shown(reads, hidden),
        what="contact search results",
    )


# ---------------------------------------------------------- decisions and closures

DECISION_HEADER = (
    "Date",
    "Kind",
    "Reference",
    "Child",
    "Child record",
    "Outcome",
    "Decided by",
    "Team",
    "State",
    "State by",
    "State date",
)


@requires(Perm.CONTACT_VIEW)
@require_GET
def decision_list_csv(request: HttpRequest) -> HttpResponse:
    form = DecisionFilterForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return _back("decision-list", request)
    query = form.query() if form.is_bound else DecisionQuery()
    found = decision_rows(decision_search(query, user=request.user)[:DOWNLOAD_LIMIT])
    hidden = hidden_child_ids(request.user, [r.child.pk for r in found])
    rows = [
        [
            _local(r.at),
            r.kind.label,
            r.reference,
            *_child(r.child, hidden),
            r.outcome,
            r.by.display_name if r.by else "",
            r.team.name if r.team else "",
            r.state,
            r.state_by.display_name if r.state_by else "",
            _local(r.state_at),
        ]
        for r in found
    ]
    return _download(
        request,
        name="decisions-and-closures",
        header=DECISION_HEADER,
        rows=rows,
        reads=_shown(((r.child, r.record) for r in found), hidden),
        what="decisions and closures",
    )


# ----------------------------------------------------------------------- caseloads

CASELOAD_HEADER = (
    "Team",
    "Worker",
    "Username",
    "Role",
    "Allocated children",
    *(state.label for state in STATES),
    "Open work",
)


@requires(Perm.CASELOAD_VIEW)
@require_GET
def caseload_csv(request: HttpRequest) -> HttpResponse:
    """One row per worker: counts only, no child is named."""
    rows = [
        [
            team.team.name,
            c.worker.display_name,
            c.worker.username,
            c.worker.get_role_display(),
            c.allocated_children,
            *(c.get(state) for state in STATES),
            c.total,
        ]
        for team in team_caseloads(request.user, timezone.now())
        for c in team.caseloads
    ]
    return _download(
        request, name="caseloads", header=CASELOAD_HEADER, rows=rows, reads=[], what="caseloads"
    )


@requires(Perm.CASELOAD_VIEW)
@require_GET
def caseload_worker_csv(request: HttpRequest, pk: int) -> HttpResponse:
    worker = get_object_or_404(User, pk=pk)
    if not can_view_caseload(request.user, worker):
        raise PermissionDenied
    items = worker_caseload(worker, timezone.now()).items
    hidden = hidden_child_ids(request.user, [i.child.pk for i in items])
    return _download(
        request,
        name=f"caseload-{worker.username}",
        header=QUEUE_HEADER,
        rows=_queue_rows(items, hidden),
        reads=_shown(((i.child, worker) for i in items), hidden),
        what=f"caseload of {worker.display_name}",
    )


# --------------------------------------------------------------------- escalations

ESCALATION_HEADER = (
    "Reference",
    "Child",
    "Child record",
    "About",
    "Record",
    "Raised by",
    "Organisation",
    "Raised",
    "Stage",
    "Status",
    "Due",
    "Clock",
    "Closed",
)


@requires(Perm.ESCALATION_VIEW)
@require_GET
def escalation_list_csv(request: HttpRequest) -> HttpResponse:
    """The escalations list with its filters (status, default open; stage)."""
    status = request.GET.get("status", "open")
    status = status if status in EscalationStatus.values or status == "all" else "open"
    stage = request.GET.get("stage", "")
    stage = stage if stage in EscalationStageName.values else ""
    found = escalation_rows(
        request.user, status="" if status == "all" else status, stage=stage, now=timezone.now()
    )
    hidden = hidden_child_ids(request.user, [r.escalation.child_id for r in found])
    rows = []
    for r in found:
        e = r.escalation
        rows.append(
            [
                e.reference,
                *_child(e.child, hidden),
                e.get_about_display(),
                e.record_label,
                e.raiser_name,
                e.raiser_organisation,
                _local(e.raised_at),
                e.get_stage_display(),
                e.get_status_display(),
                r.reading.due_at if e.is_open else None,
                r.reading.state.label if e.is_open else "",
                _local(e.closed_at),
            ]
        )
    return _download(
        request,
        name="escalations",
        header=ESCALATION_HEADER,
        rows=rows,
        reads=_shown(((r.escalation.child, r.escalation) for r in found), hidden),
        what="escalations",
    )


# --------------------------------------------------------------------- supervision

SUPERVISION_HEADER = (
    "Worker",
    "Team",
    "Allocated cases",
    "Overdue",
    "Due soon",
    "On time",
    "Last supervision",
)
SUPERVISION_CASES_HEADER = (
    "Child",
    "Child record",
    "Worker",
    "Allocated",
    "Last supervision",
    "Next due",
    "Clock",
)


@requires(Perm.SUPERVISION_VIEW)
@require_GET
def supervision_csv(request: HttpRequest) -> HttpResponse:
    """The supervision overview: one row per worker supervised (counts only)."""
    user = request.user
    if not (can(user, Perm.SUPERVISION_RECORD) or sees_all(user)):
        raise PermissionDenied
    rows = [
        [
            r.worker.display_name,
            r.worker.team.name if r.worker.team else "",
            r.cases,
            r.overdue,
            r.due_soon,
            r.on_time,
            _local(r.last_supervision_at),
        ]
        for r in worker_rows(user, timezone.now())
    ]
    return _download(
        request,
        name="supervision",
        header=SUPERVISION_HEADER,
        rows=rows,
        reads=[],
        what="supervision by worker",
    )


@requires(Perm.SUPERVISION_VIEW)
@require_GET
def supervision_worker_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """One worker's allocated cases and each case's supervision clock."""
    worker = get_object_or_404(User, pk=pk)
    if not can_view_worker(request.user, worker):
        raise PermissionDenied
    cases = case_supervisions(allocated_children([worker]), timezone.now())
    hidden = hidden_child_ids(request.user, [case.child.pk for case in cases])
    rows = [
        [
            *_child(case.child, hidden),
            worker.display_name,
            _local(case.allocated_at),
            _local(case.last.held_at) if case.last else None,
            case.reading.due_at,
            case.reading.state.label,
        ]
        for case in cases
    ]
    return _download(
        request,
        name=f"supervision-{worker.username}",
        header=SUPERVISION_CASES_HEADER,
        rows=rows,
        reads=_shown(((case.child, worker) for case in cases), hidden),
        what=f"supervision of {worker.display_name}'s cases",
    )


# ------------------------------------------------------------------ duplicates

DUPLICATE_HEADER = (
    "Child",
    "Child record",
    "Born",
    "Other child",
    "Other child record",
    "Other born",
    "Weight (bits)",
    "Confidence",
    "Why they may be the same child",
    "Found",
)


@requires(Perm.DUPLICATE_REVIEW)
@require_GET
def duplicate_queue_csv(request: HttpRequest) -> HttpResponse:
    """The possible duplicates waiting for review, strongest first (as the page lists them).
    The reasons name what matched, so a pair with a restricted record the reader may not see
    is listed without them."""
    found = duplicate_queue()
    hidden = hidden_child_ids(
        request.user, [c.pk for r in found for c in (r.pair.first, r.pair.second)]
    )
    rows = []
    for r in found:
        p = r.pair
        masked = p.first_id in hidden or p.second_id in hidden
        cells: list[Any] = []
        for child in (p.first, p.second):
            born = child.date_of_birth or child.expected_date_of_birth
            cells += [*_child(child, hidden), None if child.pk in hidden else born]
        rows.append(
            [
                *cells,
                round(p.weight, 1),
                r.confidence_label,
                "" if masked else "; ".join(r.reasons),
                _local(p.found_at),
            ]
        )
    return _download(
        request,
        name="possible-duplicates",
        header=DUPLICATE_HEADER,
        rows=rows,
        reads=_shown(((c, r.pair) for r in found for c in (r.pair.first, r.pair.second)), hidden),
        what="possible duplicate records",
    )


# ------------------------------------------------------------------ reconciliation

RECONCILIATION_HEADER = (
    "Reference",
    "Received",
    "Channel",
    "Agency",
    "Contact",
    "Children",
    "Screened",
    "Unscreened due",
    "Acknowledgement",
    "Problems",
)
RECONCILIATION_PERIODS = ("1", "7", "30", "all")


@requires(Perm.RECONCILIATION_VIEW)
@require_GET
def reconciliation_csv(request: HttpRequest) -> HttpResponse:
    """The reconciliation page's rows (same period and "only problems"); no child is named."""
    period = request.GET.get("period", "7")
    period = period if period in RECONCILIATION_PERIODS else "7"
    now = timezone.now()
    since = None
    if period != "all":
        start = timezone.localdate(now) - timedelta(days=int(period) - 1)
        since = timezone.make_aware(datetime.combine(start, time.min))
    found = reconciliation_rows(
        since=since, problems_only=request.GET.get("problems") == "1", now=now
    )
    rows = [
        [
            r.submission.reference,
            _local(r.submission.received_at),
            r.submission.get_channel_display(),
            r.submission.agency.name if r.submission.agency else "",
            r.submission.contact.reference if r.submission.contact else "",
            r.children,
            r.screened,
            r.unscreened_due_at,
            r.acknowledgement,
            "; ".join(str(flag) for flag in r.flags),
        ]
        for r in found
    ]
    return _download(
        request,
        name="reconciliation",
        header=RECONCILIATION_HEADER,
        rows=rows,
        reads=[],
        what="reconciliation",
    )
