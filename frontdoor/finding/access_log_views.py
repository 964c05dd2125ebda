"""The data protection officer's pages: who accessed a child, what a user accessed, exports.

Both lists are access log entries, newest first, paged by keyset. Showing them is itself an
access (logged as an ``AUDIT`` of each child shown); an export asks for a reason and is logged
with it before the file is written. A restricted child the reader may not see is shown as
"Restricted record (record N)" (``frontdoor.people.masking``), so these pages are never
refused: the data protection officer and auditors can always see who accessed a restricted
record and what a user accessed, break-glass uses and refused attempts included. An auditor
(who may break the glass) is offered the break-glass page to see the child's name.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import Role, User
from frontdoor.audit.chain import CHAINS
from frontdoor.audit.models import AccessAction, ChainHead
from frontdoor.audit.selectors import access_entries, access_page, cursor_parse, record_label
from frontdoor.audit.services import access_log_record, audit_export_log
from frontdoor.finding.access_log_forms import (
    AccessFilterForm,
    ChildAccessForm,
    ExportForm,
    UserAccessForm,
)
from frontdoor.people.models import Person
from frontdoor.restricted.middleware import break_glass_url
from frontdoor.web.downloads import csv_cell
from frontdoor.web.pages import run_service

PAGE_SIZE = 50
EXPORT_CHUNK = 2000
CSV_HEADER = [
    "Time",
    "Username",
    "User",
    "Role",
    "Agency",
    "Access",
    "Child record number",
    "Child",
    "Record",
    "Record number",
    "Page",
    "Fields",
    "Reason",
]
ROLE_LABELS = dict(Role.choices)


def _role(value: str) -> str:
    return str(ROLE_LABELS.get(value, value))


ACTION_LABELS = dict(AccessAction.choices)


def _action(value: str) -> str:
    return str(ACTION_LABELS.get(value, value))


def _log_shown(request: HttpRequest, children: Iterable[Person], record: Any) -> None:
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        children=children,
        record=record,
        action=AccessAction.AUDIT,
        at=timezone.now(),
        path=request.path,
        fields=["access_log"],
    )


def _filter_query(request: HttpRequest) -> str:
    """The filters in the query string, without the paging cursor."""
    query = request.GET.copy()
    for key in ("older", "newer"):
        query.pop(key, None)
    return query.urlencode()


def _page_context(request: HttpRequest, qs: Any) -> dict[str, Any]:
    page = access_page(
        qs,
        older_than=cursor_parse(request.GET.get("older")),
        newer_than=cursor_parse(request.GET.get("newer")),
        size=PAGE_SIZE,
    )
    return {
        "page": page,
        "query": _filter_query(request),
        "role_label": _role,
        "record_label": record_label,
        "action_label": _action,
    }


@requires(Perm.AUDIT_VIEW)
@require_GET
def audit_home(request: HttpRequest) -> HttpResponse:
    heads = {head.name: head for head in ChainHead.objects.all()}
    return render(
        request,
        "audit/home.html",
        {"heads": [(chain.name, heads.get(chain.name)) for chain in CHAINS]},
    )


@requires(Perm.AUDIT_VIEW)
@require_GET
def audit_child(request: HttpRequest) -> HttpResponse:
    """Who accessed this child (optionally: only this user, between two dates)."""
    form = ChildAccessForm(request.GET if "child" in request.GET else None)
    context: dict[str, Any] = {"form": form, "child": None}
    if form.is_bound and form.is_valid():
        child: Person = form.cleaned_data["child"]
        user: User | None = form.cleaned_data["username"]
        qs = access_entries(
            child_id=child.pk,
            user_id=user.pk if user else None,
            since=form.since(),
            until=form.until(),
        )
        context.update(
            _page_context(request, qs),
            child=child,
            filtered_user=user,
            break_glass=_break_glass(request, child),
        )
        _log_shown(request, [child], child)
    return render(request, "audit/child.html", context)


def _break_glass(request: HttpRequest, child: Person) -> str:
    """The break-glass page for a child hidden from the reader, if they may break the glass."""
    if not child.is_masked or not can(request.user, Perm.BREAK_GLASS):
        return ""
    return break_glass_url(child.pk, request.get_full_path())


@requires(Perm.AUDIT_VIEW)
@require_GET
def audit_user(request: HttpRequest) -> HttpResponse:
    """What did this user access (optionally between two dates)."""
    form = UserAccessForm(request.GET if "username" in request.GET else None)
    context: dict[str, Any] = {"form": form, "subject": None}
    if form.is_bound and form.is_valid():
        subject: User = form.cleaned_data["username"]
        qs = access_entries(user_id=subject.pk, since=form.since(), until=form.until())
        context.update(_page_context(request, qs), subject=subject)
        _log_shown(request, [e.child for e in context["page"].entries], subject)
    return render(request, "audit/user.html", context)


# ------------------------------------------------------------------------------ exports


class _Echo:
    def write(self, value: str) -> str:
        return value


def _safe(value: Any) -> str:
    """A cell a spreadsheet will not run as a formula (the shared rule for every download)."""
    return str(csv_cell(value))


def _rows(qs: Any) -> Iterator[list[str]]:
    yield CSV_HEADER
    last: tuple[Any, int] | None = None
    while True:
        chunk = access_page(qs, older_than=last, size=EXPORT_CHUNK).entries
        for entry in chunk:
            yield [
                _safe(v)
                for v in (
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.user.username if entry.user else "",
                    entry.user.display_name if entry.user else "",
                    _role(entry.role),
                    entry.agency,
                    AccessAction(entry.action).name,
                    entry.child_id,
                    entry.child.full_name,
                    record_label(entry.record_type),
                    entry.record_id,
                    entry.path,
                    ", ".join(str(f) for f in entry.fields or []),
                    entry.reason,
                )
            ]
        if len(chunk) < EXPORT_CHUNK:
            return
        last = (chunk[-1].at, chunk[-1].pk)


def _csv(qs: Any, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _rows(qs)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _export(
    request: HttpRequest,
    form: AccessFilterForm,
    *,
    back: str,
    build: Any,
) -> HttpResponse | StreamingHttpResponse:
    """GET: ask for the reason. POST: log the export with it, then send the CSV file."""
    if not form.is_valid():
        # Filters typed into the address bar: show them, with their errors, on the search page.
        return redirect(f"{reverse(back)}?{request.GET.urlencode()}")
    qs, children, record, filename, context = build(form)
    export = ExportForm(request.POST if request.method == "POST" else None)
    named = context.pop("named", [])
    if request.method == "GET" and named:
        _log_shown(request, named, record)  # the page names the child
    if request.method == "POST" and export.is_valid():

        def log() -> bool:
            audit_export_log(
                children=children(),
                record=record,
                reason=export.cleaned_data["reason"],
                path=request.path,
                by=request.user,  # type: ignore[arg-type]
            )
            return True

        if run_service(export, log):
            return _csv(qs, filename)
    return render(
        request,
        "audit/export.html",
        {
            "filters": form,
            "form": export,
            "query": request.GET.urlencode(),
            "back": back,
            **context,
        },
    )


@requires(Perm.AUDIT_VIEW)
@require_http_methods(["GET", "POST"])
def audit_child_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    def build(form: ChildAccessForm) -> tuple[Any, ...]:
        child: Person = form.cleaned_data["child"]
        user: User | None = form.cleaned_data["username"]
        qs = access_entries(
            child_id=child.pk,
            user_id=user.pk if user else None,
            since=form.since(),
            until=form.until(),
        )
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return (
            qs,
            lambda: [child],
            child,
            f"access-log-child-{child.pk}-{stamp}.csv",
            {"title": f"Export who accessed {child.full_name}", "named": [child]},
        )

    return _export(request, ChildAccessForm(request.GET), back="audit-child", build=build)


@requires(Perm.AUDIT_VIEW)
@require_http_methods(["GET", "POST"])
def audit_user_export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    def build(form: UserAccessForm) -> tuple[Any, ...]:
        subject: User = form.cleaned_data["username"]
        qs = access_entries(user_id=subject.pk, since=form.since(), until=form.until())

        def children() -> list[Person]:
            ids = qs.order_by().values_list("child_id", flat=True).distinct()
            return list(Person.objects.filter(pk__in=ids))

        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return (
            qs,
            children,
            subject,
            f"access-log-user-{subject.username}-{stamp}.csv",
            {"title": f"Export what {subject.display_name} accessed"},
        )

    return _export(request, UserAccessForm(request.GET), back="audit-user", build=build)
