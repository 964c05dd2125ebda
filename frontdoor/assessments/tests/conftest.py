"""Assessment journeys built through the real services, on the known week (March 2026).

The default referral: contact received Mon 2 Mar 2026 10:00, transfer accepted Tue 3 Mar
15:00 and allocated to the assessment worker. 45 working days from Mon 2 Mar, across Good
Friday (3 Apr), Easter Monday (6 Apr) and the early May bank holiday (4 May), is the end of
Thu 7 May 2026.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest

from frontdoor.assessments import services
from frontdoor.assessments.models import Assessment
from frontdoor.testing.factories import end_of_day, local
from frontdoor.testing.personas import persona

STARTED_ON = date(2026, 3, 4)
START_AT = local(2026, 3, 4, 12)
VISIT_AT = local(2026, 3, 10, 14)
COMPLETE_AT = local(2026, 4, 20, 16)
AUTHORISE_AT = local(2026, 4, 22, 10)
DUE = end_of_day(2026, 5, 7)


@pytest.fixture
def started(accepted: Callable[..., Any]) -> Callable[..., Assessment]:
    """``started(transfer=None, started_on=4 Mar, at=4 Mar 12:00)`` -> Assessment."""

    def build(
        *,
        transfer: Any = None,
        started_on: date = STARTED_ON,
        by: Any = None,
        at: datetime = START_AT,
        **accepted_overrides: Any,
    ) -> Assessment:
        transfer = transfer or accepted(**accepted_overrides)
        return services.assessment_start(
            transfer=transfer,
            started_on=started_on,
            by=by or persona("assessment_worker"),
            at=at,
        )

    return build


@pytest.fixture
def completed(started: Callable[..., Assessment]) -> Callable[..., Assessment]:
    """``completed(in_need=True, at=20 Apr 16:00)`` -> Assessment awaiting authorisation."""

    def build(
        *,
        assessment: Assessment | None = None,
        in_need: bool = True,
        next_step: str | None = None,
        factors: list[str] | None = None,
        late_reason: str = "",
        by: Any = None,
        at: datetime = COMPLETE_AT,
    ) -> Assessment:
        assessment = assessment or started()
        return services.assessment_complete(
            assessment=assessment,
            child_in_need=in_need,
            next_step=next_step or ("cin_plan" if in_need else "early_help"),
            factors=factors or (["3B", "16A"] if in_need else ["21"]),
            analysis="Mother is engaging; domestic abuse by the former partner continues.",
            late_reason=late_reason,
            by=by or persona("assessment_worker"),
            at=at,
        )

    return build
