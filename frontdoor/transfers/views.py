"""Transfer pages: asking the assessment team to take a referral, their answer, and the
first visit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can, visible_transfers
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for
from frontdoor.mash.forms import TeamMemberForm
from frontdoor.mash.models import Enquiry
from frontdoor.mash.selectors import enquiry_visible
from frontdoor.mash.views import enquiry_form_page
from frontdoor.transfers import services as protection
from frontdoor.transfers.clocks import acceptance_clock, visit_clock
from frontdoor.transfers.forms import TransferRequestForm, TransferReturnForm, VisitForm
from frontdoor.transfers.models import Transfer, TransferStatus
from frontdoor.web.pages import form_page, log_view

GET_POST = require_http_methods(["GET", "POST"])


@requires(Perm.TRANSFER_REQUEST)
@GET_POST
def enquiry_transfer(request: HttpRequest, pk: int) -> HttpResponse:
    def action(enquiry: Enquiry, data: dict[str, Any]) -> Transfer:
        decision = getattr(enquiry, "decision", None)
        route = decision.outcome if decision is not None else ""
        return protection.transfer_request(
            referral=enquiry.referral,
            route=route,
            rating=enquiry.rating,
            summary=data["summary"],
            by=request.user,  # type: ignore[arg-type]
        )

    return enquiry_form_page(
        request,
        enquiry_visible(request.user, pk),
        TransferRequestForm,
        "mash/transfer_request.html",
        action,
        initial=lambda e: {
            "summary": "\n\n".join(
                p
                for p in [
                    getattr(getattr(e, "decision", None), "rationale", ""),
                    e.lived_experience,
                ]
                if p
            )
        },
    )


# --- Transfers and visits ---------------------------------------------------------------


def _transfer(request: HttpRequest, pk: int) -> Transfer:
    return get_object_or_404(
        visible_transfers(
            request.user,
            Transfer.objects.select_related(
                "child", "to_team", "policy", "requested_by", "allocated_to", "referral"
            ),
        ),
        pk=pk,
    )


def _transfer_page(
    request: HttpRequest, transfer: Transfer, template: str, form: django_forms.Form | None
) -> HttpResponse:
    now = timezone.now()
    log_view(request, [transfer.child], transfer)
    enquiry = getattr(transfer.referral, "enquiry", None)
    return render(
        request,
        template,
        {
            "transfer": transfer,
            "enquiry": enquiry,
            "visit": getattr(transfer, "visit", None),
            "acceptance": acceptance_clock(transfer, now),
            "visit_clock": visit_clock(transfer, now),
            "form": form,
            "can_respond": transfer.status == TransferStatus.REQUESTED
            and can(request.user, Perm.TRANSFER_RESPOND, transfer),
            "can_visit": transfer.status == TransferStatus.ACCEPTED
            and not hasattr(transfer, "visit")
            and can(request.user, Perm.VISIT_RECORD, transfer),
            "events": timeline_for([("transfer", transfer.pk)]),
        },
    )


@requires(Perm.TRANSFER_VIEW)
def transfer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_page(request, _transfer(request, pk), "transfers/transfer_detail.html", None)


def _transfer_form(
    request: HttpRequest,
    transfer: Transfer,
    perm: Perm,
    form: django_forms.Form,
    template: str,
    action: Callable[[Transfer, dict[str, Any]], Any],
) -> HttpResponse:
    if not can(request.user, perm, transfer):
        raise PermissionDenied
    return form_page(
        request,
        form,
        lambda data: action(transfer, data),
        done=reverse("transfer-detail", args=[transfer.pk]),
        page=lambda form: _transfer_page(request, transfer, template, form),
    )


@requires(Perm.TRANSFER_RESPOND)
@GET_POST
def transfer_accept(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer(request, pk)
    form = TeamMemberForm(
        request.POST if request.method == "POST" else None, team_id=transfer.to_team_id
    )
    return _transfer_form(
        request,
        transfer,
        Perm.TRANSFER_RESPOND,
        form,
        "transfers/transfer_accept.html",
        lambda t, d: protection.transfer_accept(
            transfer=t,
            allocated_to=d["allocated_to"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.TRANSFER_RESPOND)
@GET_POST
def transfer_return(request: HttpRequest, pk: int) -> HttpResponse:
    return _transfer_form(
        request,
        _transfer(request, pk),
        Perm.TRANSFER_RESPOND,
        TransferReturnForm(request.POST if request.method == "POST" else None),
        "transfers/transfer_return.html",
        lambda t, d: protection.transfer_return(
            transfer=t,
            reason=d["return_reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )


@requires(Perm.VISIT_RECORD)
@GET_POST
def transfer_visit(request: HttpRequest, pk: int) -> HttpResponse:
    form = VisitForm(request.POST if request.method == "POST" else None)
    return _transfer_form(
        request,
        _transfer(request, pk),
        Perm.VISIT_RECORD,
        form,
        "transfers/visit.html",
        lambda t, d: protection.visit_record(
            transfer=t,
            visited_at=form.visited_at(),
            child_seen=d["child_seen"] == "yes",
            seen_alone=d["seen_alone"] == "yes",
            notes=d["notes"],
            by=request.user,  # type: ignore[arg-type]
        ),
    )
