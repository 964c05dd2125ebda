"""Escalations and professional disagreements: raise, answer a stage, escalate, withdraw.

Each stage (``ESCALATION_STAGES``: practitioner, team manager, head of service, partnership)
starts its own clock: ``rules_for(policy).due("escalation", started_at, stage)`` under the
policy in force when the stage starts. Who answers each stage is in
``frontdoor.escalations.access``. Stage owners are emailed when a stage starts, and the raiser
(a referrer at the address they gave) when it is resolved; emails carry no child details.

One module a topic: ``stages`` (the stages, and what the services share), ``raising`` and
``answering`` (a stage's answer, escalating, withdrawing).
"""

from frontdoor.escalations.services.answering import (
    escalation_escalate,
    escalation_respond,
    escalation_withdraw,
)
from frontdoor.escalations.services.raising import escalation_raise
from frontdoor.escalations.services.stages import (
    LONG_TEXT,
    REPEAT_WINDOW,
    STAGE_LABELS,
    next_stage,
    raiser_may_escalate,
    stage_time_run_out,
)

__all__ = [
    "LONG_TEXT",
    "REPEAT_WINDOW",
    "STAGE_LABELS",
    "escalation_escalate",
    "escalation_raise",
    "escalation_respond",
    "escalation_withdraw",
    "next_stage",
    "raiser_may_escalate",
    "stage_time_run_out",
]
