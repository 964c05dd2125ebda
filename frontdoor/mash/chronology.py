"""How a child's chronology names enquiries and partner requests (from ``ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontdoor.accounts.access import Perm
from frontdoor.people.chronology import Link, RecordKind, Viewing, record_kind_register


def _nothing(ids: set[int]) -> Mapping[int, Any]:
    return {}


def _enquiry(pk: int, _: Any, viewing: Viewing) -> tuple[str, Link]:
    return f"Enquiry E{pk}", ("enquiry-detail", pk) if viewing.may(Perm.ENQUIRY_VIEW) else None


def _requests(ids: set[int]) -> Mapping[int, Any]:
    from frontdoor.mash.models import PartnerRequest

    return dict(PartnerRequest.objects.filter(pk__in=ids).values_list("pk", "enquiry_id"))


def _request(pk: int, enquiry_id: Any, viewing: Viewing) -> tuple[str, Link]:
    link: Link
    if viewing.may(Perm.REQUEST_VIEW):
        link = ("request-detail", pk)
    elif enquiry_id and viewing.may(Perm.ENQUIRY_VIEW):
        link = ("enquiry-detail", enquiry_id)
    else:
        link = None
    return f"Request R{pk}", link


def register() -> None:
    record_kind_register(RecordKind("enquiry", _nothing, _enquiry))
    record_kind_register(RecordKind("partnerrequest", _requests, _request))
