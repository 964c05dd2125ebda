"""How a child's chronology names transfers (registered from ``ready()``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from frontdoor.accounts.access import Perm
from frontdoor.people.chronology import Link, RecordKind, Viewing, record_kind_register


def _transfers(ids: set[int]) -> Mapping[int, Any]:
    from frontdoor.transfers.models import Transfer

    return {t.pk: t for t in Transfer.objects.filter(pk__in=ids)}


def _transfer(pk: int, transfer: Any, viewing: Viewing) -> tuple[str, Link]:
    allowed = transfer is not None and viewing.may(Perm.TRANSFER_VIEW, transfer)
    return f"Transfer T{pk}", ("transfer-detail", pk) if allowed else None


def register() -> None:
    record_kind_register(RecordKind("transfer", _transfers, _transfer))
