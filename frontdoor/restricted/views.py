"""Pages: manage a restriction, the break-glass page, and the break-glass alerts list."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.people.models import Person, PersonKind
from frontdoor.restricted.forms import (
    BreakGlassForm,
    LiftForm,
    NameForm,
    RestrictForm,
    staff_users,
    user_label,
)
from frontdoor.restricted.models import Restriction, RestrictionMember
from frontdoor.restricted.selectors import (
    break_glass_minutes,
    break_glass_uses,
    child_reference,
    hidden_child_ids,
    named_members,
    restriction_of,
)
from frontdoor.restricted.services import (
    break_glass_open,
    restriction_create,
    restriction_lift,
    restriction_name,
    restriction_unname,
)
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
ALERT_DAYS = 90
PAGE_SIZE = 50


def local_next(request: HttpRequest, default: str) -> str:
    """The ``next`` page if it is a path on this site (never another site), else ``default``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if (
        target.startswith("/")
        and not target.startswith("//")
        and "\\" not in target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return target
    return default


def _child(pk: int) -> Person:
    return get_object_or_404(Person, pk=pk, kind=PersonKind.CHILD)


# ------------------------------------------------------------------ managing a restriction


@requires(Perm.RESTRICT_MANAGE)
@GET_POST
def restriction_manage(request: HttpRequest, pk: int) -> HttpResponse:
    """Restrict a child's record, or (when restricted) change who may see it, or lift it.

    Only someone who may see the child gets this far: the view is access-logged, so the
    restricted-record guard sends anyone else to the break-glass page.
    """
    child = _child(pk)
    restriction = restriction_of(child)
    log_view(request, [child], restriction or child)
    user: Any = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    restrict_form = RestrictForm(request.POST if action == "restrict" else None)
    name_form = NameForm(request.POST if action == "name" else None)
    lift_form = LiftForm(request.POST if action == "lift" else None)
    done: Any = None
    failed: forms.Form | None = None
    if action == "restrict" and restriction is None and restrict_form.is_valid():
        data = restrict_form.cleaned_data
        named = [data["user"]] if data["user"] else []
        done = run_service(
            restrict_form,
            lambda: restriction_create(
                child=child, category=data["category"], reason=data["reason"], named=named, by=user
            ),
        )
    elif action == "name" and restriction is not None and name_form.is_valid():
        done = run_service(
            name_form,
            lambda: restriction_name(
                restriction=restriction, user=name_form.cleaned_data["user"], by=user
            ),
        )
    elif action == "unname" and restriction is not None:
        member_pk = request.POST.get("member", "")
        member = get_object_or_404(
            RestrictionMember,
            pk=int(member_pk) if member_pk.isdigit() and len(member_pk) < 12 else 0,
            restriction=restriction,
        )
        done = run_service(name_form, lambda: restriction_unname(member=member, by=user))
    elif action == "lift" and restriction is not None and lift_form.is_valid():
        done = run_service(
            lift_form,
            lambda: restriction_lift(
                restriction=restriction, reason=lift_form.cleaned_data["lift_reason"], by=user
            ),
        )
    if done is not None:
        return redirect(reverse("restriction-manage", args=[child.pk]) + f"?done={action}")
    for form in (restrict_form, name_form, lift_form):
        if form.errors:
            failed = form
    if action and failed is None and done is None and request.method == "POST":
        # A stale page (restricted or lifted meanwhile): show the record as it is now.
        return redirect("restriction-manage", child.pk)
    members = list(named_members(restriction)) if restriction is not None else []
    return render(
        request,
        "restricted/manage.html",
        {
            "child": child,
            "restriction": restriction,
            "members": members,
            "restrict_form": restrict_form,
            "name_form": name_form,
            "lift_form": lift_form,
            "failed": failed,
            "done": request.GET.get("done", ""),
            "history": Restriction.objects.filter(child=child, lifted_at__isnull=False)
            .select_related("owner", "lifted_by")
            .order_by("-lifted_at")[:20],
            "uses": break_glass_uses().filter(child=child)[:20],
            "user_choices": [
                (str(u.pk), user_label(u))
                for u in staff_users()
                if u.pk not in {m.user_id for m in members}
                and (restriction is None or u.pk != restriction.owner_id)
            ],
        },
    )


# ------------------------------------------------------------------ break-glass


@requires(Perm.BREAK_GLASS)
@GET_POST
def break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    """A restricted record: give a reason to open it. Shows nothing of the child but its
    record number; the reason is logged and the record's owner and named users are told."""
    child = _child(pk)
    next_url = local_next(request, reverse("child-detail", args=[child.pk]))
    if restriction_of(child) is None or not hidden_child_ids(request.user, [child.pk]):
        return redirect(next_url)  # not restricted, or this user may already see it
    form = BreakGlassForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        grant = run_service(
            form,
            lambda: break_glass_open(
                child=child,
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if grant is not None:
            return redirect(next_url)
    return render(
        request,
        "restricted/break_glass.html",
        {
            "reference": child_reference(child),
            "child_pk": child.pk,
            "form": form,
            "next_url": next_url,
            "minutes": break_glass_minutes(),
        },
    )


@requires(Perm.RESTRICT_MANAGE)
@require_http_methods(["GET"])
def break_glass_alerts(request: HttpRequest) -> HttpResponse:
    """Recent break-glass uses with their reasons, newest first; the user's own records are
    marked (records the user may not see are named by their record number only)."""
    since = timezone.now() - timedelta(days=ALERT_DAYS)
    uses = break_glass_uses(since=since)
    page = Paginator(uses, PAGE_SIZE).get_page(request.GET.get("page"))
    user: Any = request.user
    rows = list(page.object_list)
    restriction_ids = {u.restriction_id for u in rows}
    mine = set(
        Restriction.objects.filter(pk__in=restriction_ids, owner=user).values_list("pk", flat=True)
    ) | set(
        RestrictionMember.objects.filter(
            restriction_id__in=restriction_ids, user=user, removed_at__isnull=True
        ).values_list("restriction_id", flat=True)
    )
    return render(
        request,
        "restricted/alerts.html",
        {
            "page": page,
            "rows": [(u, u.restriction_id in mine) for u in rows],
            "days": ALERT_DAYS,
            "now": timezone.now(),
        },
    )
