"""Pages for the data protection officer: retention rules, review batches, subject access."""

from __future__ import annotations

import contextlib

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.people.models import Person
from frontdoor.retention.forms import ApproveForm, ExcludeForm, SubjectAccessForm
from frontdoor.retention.models import ItemStatus, RetentionItem, ReviewStatus
from frontdoor.retention.rules import rules_ensure
from frontdoor.retention.selectors import review_items, reviews_with_counts
from frontdoor.retention.services import (
    retention_item_exclude,
    retention_item_include,
    retention_propose,
    retention_review_approve,
)
from frontdoor.retention.subject_access import SECTIONS, subject_access_export
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
PAGE_SIZE = 100


def _home(request: HttpRequest, *, nothing_due: bool = False) -> HttpResponse:
    return render(
        request,
        "retention/home.html",
        {
            "rules": rules_ensure(),
            "reviews": list(reviews_with_counts()[:50]),
            "nothing_due": nothing_due,
        },
    )


@requires(Perm.RETENTION_REVIEW)
@require_http_methods(["GET"])
def retention_home(request: HttpRequest) -> HttpResponse:
    """The retention rules in force and every review batch."""
    return _home(request)


@requires(Perm.RETENTION_REVIEW)
@require_http_methods(["POST"])
def review_propose(request: HttpRequest) -> HttpResponse:
    """Find what is due now and write a batch to review (the worker does this too)."""
    review = retention_propose(by=request.user)  # type: ignore[arg-type]
    if review is None:
        return _home(request, nothing_due=True)
    return redirect("retention-review", review.pk)


@requires(Perm.RETENTION_REVIEW)
@require_http_methods(["GET"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One batch: each record, why it is due, and whether it will be deleted or kept."""
    review = get_object_or_404(reviews_with_counts(), pk=pk)
    status = request.GET.get("status", "")
    page = Paginator(review_items(review, status), PAGE_SIZE).get_page(request.GET.get("page"))
    items: list[RetentionItem] = list(page.object_list)
    child_ids = {pk for item in items for pk in item.child_ids}
    children = list(Person.objects.filter(pk__in=child_ids))
    if children:
        log_view(request, children, review)
    return render(
        request,
        "retention/review.html",
        {
            "review": review,
            "page": page,
            "items": items,
            "status": status if status in ItemStatus.values else "",
            "statuses": ItemStatus.choices,
            "open": review.status == ReviewStatus.PROPOSED,
        },
    )


@requires(Perm.RETENTION_REVIEW)
@GET_POST
def item_exclude(request: HttpRequest, pk: int) -> HttpResponse:
    """Keep one record out of the deletion, with the reason (a legal hold, say)."""
    item = get_object_or_404(RetentionItem.objects.select_related("review", "rule"), pk=pk)
    form = ExcludeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: retention_item_exclude(
                item=item,
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect("retention-review", item.review_id)
    children = list(Person.objects.filter(pk__in=item.child_ids))
    if children:
        log_view(request, children, item)
    return render(request, "retention/exclude.html", {"item": item, "form": form})


@requires(Perm.RETENTION_REVIEW)
@require_http_methods(["POST"])
def item_include(request: HttpRequest, pk: int) -> HttpResponse:
    """Put a kept record back into the deletion (before the batch is approved)."""
    item = get_object_or_404(RetentionItem, pk=pk)
    with contextlib.suppress(ValidationError):  # already put back, or approved: nothing to do
        retention_item_include(item=item, by=request.user)  # type: ignore[arg-type]
    return redirect("retention-review", item.review_id)


@requires(Perm.RETENTION_REVIEW)
@GET_POST
def review_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve the batch: its records marked to be deleted are deleted."""
    review = get_object_or_404(reviews_with_counts(), pk=pk)
    form = ApproveForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: retention_review_approve(review=review, by=request.user),  # type: ignore[arg-type]
        )
        if done is not None:
            return redirect("retention-review", review.pk)
    return render(request, "retention/approve.html", {"review": review, "form": form})


@requires(Perm.SUBJECT_ACCESS)
@GET_POST
def subject_access(request: HttpRequest) -> HttpResponse:
    """Ask which child and why; check it is the right child; then the download."""
    form = SubjectAccessForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        child: Person = form.cleaned_data["child"]
        if request.POST.get("confirmed") == "yes":
            export = run_service(
                form,
                lambda: subject_access_export(
                    child=child,
                    reason=form.cleaned_data["reason"],
                    by=request.user,  # type: ignore[arg-type]
                    path=request.path,
                ),
            )
            if export is not None:
                response = HttpResponse(export.content, content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
                response["Cache-Control"] = "no-store"
                return response
        else:
            log_view(request, [child], child)
            return render(
                request,
                "retention/subject_access_check.html",
                {"form": form, "child": child, "sections": SECTIONS},
            )
    return render(request, "retention/subject_access.html", {"form": form})
