"""Pages for duplicate child records: the review queue, two records side by side (merge, or
"not the same person"), and undoing a merge. Every child whose details a page shows is
written to the access log."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.paginator import Paginator
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.accounts.middleware import requires
from frontdoor.matching import forms
from frontdoor.matching.merge import person_merge, person_unmerge
from frontdoor.matching.models import DuplicateStatus, PersonMerge
from frontdoor.matching.not_same import records_not_same
from frontdoor.matching.review import (
    child_duplicates,
    child_records,
    comparison,
    duplicate_counts,
    duplicate_queue,
    merge_for_page,
    merge_summary,
)
from frontdoor.people.models import Person
from frontdoor.restricted.selectors import shown_children
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])


def _log_views(request: HttpRequest, reads: Iterable[tuple[Iterable[Person], Model]]) -> None:
    for children, record in reads:
        log_view(request, children, record)


# ------------------------------------------------------------------------------ queue


#: Proposals on one page of the queue: each shown pair is written to the access log, so a
#: page shows what a reviewer reads, not the whole list (the download has all of it).
QUEUE_PAGE_SIZE = 50


@requires(Perm.DUPLICATE_REVIEW)
def duplicate_queue_page(request: HttpRequest) -> HttpResponse:
    page = Paginator(duplicate_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    _log_views(  # a restricted record the user may not see is listed masked, unread
        request,
        ((shown_children(request.user, [r.pair.first, r.pair.second]), r.pair) for r in rows),
    )
    return render(
        request,
        "matching/queue.html",
        {
            "rows": rows,
            "page": page,
            "counts": duplicate_counts(),
            "decided": request.GET.get("decided", ""),
        },
    )


# ---------------------------------------------------------------------------- compare


@requires(Perm.DUPLICATE_REVIEW)
@GET_POST
def duplicate_compare(request: HttpRequest, a: int, b: int) -> HttpResponse:
    if a == b:
        raise Http404("Choose two different records")
    people = child_records(a, b)
    if a not in people or b not in people:
        raise Http404("No such child record")
    left, right = people[a], people[b]
    merge_form = forms.MergeForm(people=(left, right))
    not_same_form = forms.NotSameForm()
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "not_same":
            not_same_form = forms.NotSameForm(request.POST)
            if not_same_form.is_valid():
                note = not_same_form.cleaned_data["note"]
                decided = run_service(
                    not_same_form,
                    lambda: records_not_same(
                        first=left,
                        second=right,
                        by=request.user,  # type: ignore[arg-type]
                        note=note,
                    ),
                )
                if decided is not None:
                    return redirect(reverse("duplicate-queue") + "?decided=not_same")
        else:
            merge_form = forms.MergeForm(request.POST, people=(left, right))
            if action != "merge":
                merge_form.add_error(
                    None,
                    "Choose to merge the records or to record that they are not the same person",
                )
            elif merge_form.is_valid():
                kept, merged = merge_form.kept_and_merged()
                data = merge_form.cleaned_data
                merge = run_service(
                    merge_form,
                    lambda: person_merge(
                        kept=kept,
                        merged=merged,
                        by=request.user,  # type: ignore[arg-type]
                        reason=data["reason"],
                        overrule_not_same=data["overrule_not_same"],
                    ),
                )
                if merge is not None:
                    return redirect(reverse("child-detail", args=[kept.pk]) + f"?merged={merge.pk}")
    found = comparison(left, right)
    _log_views(request, [([left], left), ([right], right)])
    return render(
        request,
        "matching/compare.html",
        {
            "cmp": found,
            "merge_form": merge_form,
            "not_same_form": not_same_form,
            "form": merge_form if merge_form.errors else not_same_form,
            "open": found.pair is None or found.pair.status == DuplicateStatus.OPEN,
        },
    )


# ------------------------------------------------------------------------------- undo


@requires(Perm.DUPLICATE_REVIEW)
@GET_POST
def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    found = merge_for_page(pk)
    if found is None:
        raise Http404("No such merge")
    merge: PersonMerge = found
    form = forms.UndoMergeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        reason = form.cleaned_data["reason"]
        undone = run_service(
            form,
            lambda: person_unmerge(
                merge=merge,
                by=request.user,  # type: ignore[arg-type]
                reason=reason,
            ),
        )
        if undone is not None:
            return redirect(
                reverse("child-detail", args=[merge.kept_id]) + f"?unmerged={undone.pk}"
            )
        merge = merge_for_page(pk) or merge
    _log_views(request, [([merge.kept, merge.merged], merge)])
    return render(request, "matching/undo.html", {"summary": merge_summary(merge), "form": form})


# ------------------------------------------------------------------ on the child's page


def child_panel(request: HttpRequest, child: Person) -> dict[str, Any]:
    """What the child's page shows about duplicates (see matching/_child_panel.html).

    Anyone who may see the child sees the merge history and whether the record may be a
    duplicate; only reviewers see the other records' names and the actions.
    """
    found = child_duplicates(child)
    reviewer = can(request.user, Perm.DUPLICATE_REVIEW)
    reads: list[tuple[list[Person], Model]] = []
    if found.merged_into is not None:
        reads.append(([found.merged_into], found.merged_by or found.merged_into))
    for merge in found.merges:
        reads.append(([merge.merged], merge))
    if reviewer:
        reads.extend(([p.other], p.pair) for p in found.proposals)
    just_merged = next((m for m in found.merges if m.pk == _param(request, "merged")), None)
    just_unmerged = (
        PersonMerge.objects.select_related("merged")
        .filter(pk=_param(request, "unmerged") or 0, kept=child, undone_at__isnull=False)
        .first()
    )
    if just_unmerged is not None:
        reads.append(([just_unmerged.merged], just_unmerged))
    _log_views(request, [(shown_children(request.user, c), r) for c, r in reads])
    return {
        "found": found,
        "reviewer": reviewer,
        "just_merged": just_merged,
        "just_unmerged": just_unmerged,
    }


def _param(request: HttpRequest, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() and len(value) < 12 else None
