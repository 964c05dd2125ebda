"""Builders for strategy tests: convened, attended and held discussions through the services.

The default journey (frontdoor.testing.factories) signs off a MASH "section 47" decision on
Tue 3 Mar 2026 12:00; from there:

    convened            Tue 3 Mar 12:30  (decided_at = the sign-off, 12:00)
    attendance recorded Tue 3 Mar 14:45
    held                Tue 3 Mar 14:00  (recorded 15:00)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest

from frontdoor.strategy.models import StrategyDiscussion
from frontdoor.testing.personas import org_agency, persona


@pytest.fixture
def convene(org: Any) -> Callable[..., StrategyDiscussion]:
    def build(
        *,
        decision: Any = None,
        rating: str = "AMBER",
        agencies: tuple[str, ...] = ("council", "police", "health"),
        at: datetime | None = None,
        **kwargs: Any,
    ) -> StrategyDiscussion:
        from frontdoor.strategy.services import discussion_convene
        from frontdoor.testing.factories import signed_off

        if decision is None and "transfer" not in kwargs:
            decision = signed_off(outcome="s47", rating=rating)
        if decision is not None:
            kwargs["enquiry"] = decision.enquiry
            at = at or decision.signed_off_at + timedelta(minutes=30)
        return discussion_convene(
            reason=kwargs.pop("reason", "Bruising to a non-mobile baby."),
            by=kwargs.pop("by", None) or persona("mash_worker"),
            agencies=[org_agency(a) for a in agencies],
            at=at,
            **kwargs,
        )

    return build


@pytest.fixture
def attend(org: Any) -> Callable[..., StrategyDiscussion]:
    def record(
        discussion: StrategyDiscussion,
        *,
        absent: tuple[str, ...] = (),
        at: datetime | None = None,
    ) -> StrategyDiscussion:
        from frontdoor.strategy.services import AttendanceRow, attendance_record

        rows = [
            AttendanceRow(
                agency=i.agency,
                attendance="apologies" if i.agency.code in absent else "attended",
            )
            for i in discussion.invitations.select_related("agency")
        ]
        return attendance_record(
            discussion=discussion,
            rows=rows,
            by=persona("mash_worker"),
            at=at or discussion.convened_at + timedelta(hours=2, minutes=15),
        )

    return record


@pytest.fixture
def hold(org: Any) -> Callable[..., StrategyDiscussion]:
    def record(
        discussion: StrategyDiscussion,
        *,
        decision: str = "s47",
        s47_kind: str = "joint",
        held_at: datetime | None = None,
        at: datetime | None = None,
        **kwargs: Any,
    ) -> StrategyDiscussion:
        from frontdoor.strategy.services import discussion_hold

        held_at = held_at or discussion.convened_at + timedelta(hours=1, minutes=30)
        return discussion_hold(
            discussion=discussion,
            held_at=held_at,
            information_shared=kwargs.pop(
                "information_shared", "Police: two call-outs. Health: missed appointments."
            ),
            decision=decision,
            s47_kind=s47_kind,
            contingency_plan=kwargs.pop(
                "contingency_plan", "Child to stay with grandmother tonight."
            ),
            by=kwargs.pop("by", None) or persona("mash_manager"),
            at=at or held_at + timedelta(hours=1),
            **kwargs,
        )

    return record


@pytest.fixture
def held(convene: Any, attend: Any, hold: Any) -> Callable[..., StrategyDiscussion]:
    """``held(rating=..., decision=..., s47_kind=...)``: convened, attended, held."""

    def build(**kwargs: Any) -> StrategyDiscussion:
        hold_args = {k: kwargs.pop(k) for k in ("decision", "s47_kind", "held_at") if k in kwargs}
        discussion = convene(**kwargs)
        attend(discussion)
        return hold(discussion, **hold_args)

    return build
