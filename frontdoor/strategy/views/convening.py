"""Pages that convene a strategy discussion, from a MASH enquiry or on a transfer."""

from __future__ import annotations

from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.access import Perm, visible_transfers
from frontdoor.accounts.middleware import requires
from frontdoor.accounts.models import Agency, AgencyKind
from frontdoor.mash.models import LIVE_DECISION_STATUSES, Decision, Enquiry
from frontdoor.strategy import forms
from frontdoor.strategy import services as strategy
from frontdoor.strategy.models import StrategyDiscussion
from frontdoor.strategy.views._shared import GET_POST, _user
from frontdoor.transfers.models import Transfer
from frontdoor.web.pages import form_page, log_view


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
) -> HttpResponse:
    """Convene a discussion on ``record`` (a MASH enquiry or a transfer)."""
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

    def convene(data: dict[str, Any]) -> StrategyDiscussion:
        return strategy.discussion_convene(
            enquiry=record if isinstance(record, Enquiry) else None,
            transfer=record if isinstance(record, Transfer) else None,
            reason=data["reason"],
            rating=data["rating"],
            decided_at=form.decided_at(),
            scheduled_for=form.scheduled_for(),
            chair=data["chair"],
            agencies=form.chosen_agencies(),
            by=_user(request),
        )

    def page(shown: django_forms.Form) -> HttpResponse:
        log_view(request, [record.child], record)
        return render(
            request,
            "strategy/convene.html",
            {
                "form": shown,
                "child": record.child,
                "record": record,
                "back_url": back_url,
                "back_text": back_text,
                "agency_choices": shown.fields["agencies"].choices,  # type: ignore[attr-defined]
                "chosen_agencies": request.POST.getlist("agencies")
                if request.method == "POST"
                else shown.initial["agencies"],
            },
        )

    return form_page(
        request,
        form,
        convene,
        done=lambda discussion: reverse("strategy-detail", args=[discussion.pk]),
        page=page,
        rename={"decided_at": "decided_date", "scheduled_for": "scheduled_date"},
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
    )
