"""The built-in default policy (version 1 until an administrator publishes another).

Rating-based timescales follow scheme A in FRONT-DOOR.md 3.2 (Surrey-like): Red 4 working
hours that continue out of hours (handed to the emergency duty team, never parked at close of
business), Amber 24 working hours, Green 72 working hours, Blue no MASH timescale.
Sign-off, transfer and first-visit timescales have no national figure; these are local
defaults chosen to match the rating's urgency.

The ``repeat`` rule proposes a higher BRAG rating when a child keeps coming back (see
docs/chronology-and-repeats.md): with 3 or more previous contacts in the 12 months before
this one, or a previous referral in the 12 months before (the DfE re-referral definition), it
proposes at least Amber. The screener or rater decides; going lower needs a reason.

After the front door: a strategy discussion is due the same working day for Red (0 working
days: the end of the day it was decided to hold one) and within 1 working day otherwise; its
minutes within 1 working day of it being held; an initial child protection conference within
15 working days of the strategy discussion that started the section 47 enquiry (Working
Together 2023); a child and family assessment within 45 working days of the referral (the
statutory maximum); case supervision every 20 working days (local, about monthly); each stage
of an escalation has its own clock (local). ``oversight.required_before`` lists transitions
that need a manager's oversight entry first.

The journey tells the truth (issue 12): a contact with immediate risk is screened within
2 hours that run out of hours too (``screening_immediate_risk``); a MASH decision for an
assessment or a strategy discussion is handed to the assessment team by rating
(``transfer_request``); new information on an open case is acknowledged and acted on by the
allocated worker within 1 working day (``open_case_information``); and a referrer who is not
emailed the outcome is phoned or written to within 1 working day of the decision
(``referrer_feedback``: local procedures give 24 hours).
that need a manager's oversight entry first. ``adults.alleged_perpetrator_visible_to_partners``
(default false) says whether partner practitioners see alleged perpetrators among a child's
household.
"""

from __future__ import annotations

from typing import Any

RED_OOH = {"duration": 4, "unit": "working_hours", "continue_out_of_hours": True}

DEFAULT_OFFICE_HOURS: dict[str, list[str]] = {
    "mon": ["08:00", "17:30"],
    "tue": ["08:00", "17:30"],
    "wed": ["08:00", "17:30"],
    "thu": ["08:00", "17:30"],
    "fri": ["08:00", "16:30"],
}

#: The repeat rule. ``contacts_at_least`` counts the child's *previous* contacts (this one not
#: included) in the ``window_months`` before it; ``null`` switches that trigger off, as does
#: ``re_referral_propose_rating: null`` for re-referrals, and ``"repeat": null`` for the rule.
DEFAULT_REPEAT_RULE: dict[str, Any] = {
    "window_months": 12,
    "contacts_at_least": 3,
    "propose_rating": "AMBER",
    "re_referral_propose_rating": "AMBER",
}

DEFAULT_RULES: dict[str, Any] = {
    "screening": {"duration": 1, "unit": "working_days"},
    "enquiry": {
        "RED": RED_OOH,
        "AMBER": {"duration": 24, "unit": "working_hours"},
        "GREEN": {"duration": 72, "unit": "working_hours"},
        "BLUE": None,
    },
    "partner_request": {
        "RED": RED_OOH,
        "AMBER": {"duration": 24, "unit": "working_hours"},
        "GREEN": {"duration": 72, "unit": "working_hours"},
        "BLUE": None,
    },
    "signoff": {
        "RED": {"duration": 2, "unit": "working_hours", "continue_out_of_hours": True},
        "AMBER": {"duration": 4, "unit": "working_hours"},
        "GREEN": {"duration": 1, "unit": "working_days"},
        "BLUE": {"duration": 1, "unit": "working_days"},
    },
    "transfer_acceptance": {
        "RED": RED_OOH,
        "AMBER": {"duration": 1, "unit": "working_days"},
        "GREEN": {"duration": 2, "unit": "working_days"},
        "BLUE": {"duration": 3, "unit": "working_days"},
    },
    "first_visit": {
        "RED": {"duration": 24, "unit": "calendar_hours"},
        "AMBER": {"duration": 3, "unit": "working_days"},
        "GREEN": {"duration": 5, "unit": "working_days"},
        "BLUE": {"duration": 10, "unit": "working_days"},
    },
    "repeat": DEFAULT_REPEAT_RULE,
    # After the front door (docs/how-to/policies.md). A version published before these
    # existed gets these defaults for them.
    "strategy": {
        "RED": {"duration": 0, "unit": "working_days"},
        "AMBER": {"duration": 1, "unit": "working_days"},
        "GREEN": {"duration": 1, "unit": "working_days"},
        "BLUE": {"duration": 1, "unit": "working_days"},
    },
    "strategy_minutes": {"duration": 1, "unit": "working_days"},
    "icpc": {"duration": 15, "unit": "working_days"},
    "assessment": {"duration": 45, "unit": "working_days"},
    "supervision": {"duration": 20, "unit": "working_days"},
    "escalation": {
        "practitioner": {"duration": 2, "unit": "working_days"},
        "team_manager": {"duration": 3, "unit": "working_days"},
        "head_of_service": {"duration": 5, "unit": "working_days"},
        "partnership": {"duration": 10, "unit": "working_days"},
    },
    "oversight": {"required_before": ["s47_no_conference", "assessment_not_in_need"]},
    # The journey tells the truth (issue 12).
    "screening_immediate_risk": {
        "duration": 2,
        "unit": "working_hours",
        "continue_out_of_hours": True,
    },
    "transfer_request": {
        "RED": {"duration": 2, "unit": "working_hours", "continue_out_of_hours": True},
        "AMBER": {"duration": 4, "unit": "working_hours"},
        "GREEN": {"duration": 1, "unit": "working_days"},
        "BLUE": {"duration": 1, "unit": "working_days"},
    },
    "open_case_information": {"duration": 1, "unit": "working_days"},
    "referrer_feedback": {"duration": 1, "unit": "working_days"},
    # Adults linked to a child (docs/records.md): whether partner agencies' practitioners see
    # the people alleged to have harmed the child in the household they are shown.
    "adults": {"alleged_perpetrator_visible_to_partners": False},
}

RATED_CLOCKS = (
    "enquiry",
    "partner_request",
    "signoff",
    "transfer_acceptance",
    "first_visit",
    "strategy",
    "transfer_request",
)
#: Clocks with one timescale, whatever the rating.
FIXED_CLOCKS = (
    "strategy_minutes",
    "icpc",
    "assessment",
    "supervision",
    "screening_immediate_risk",
    "open_case_information",
    "referrer_feedback",
)
#: The stages of an escalation (professional disagreement), in order; each has its own clock.
ESCALATION_STAGES = ("practitioner", "team_manager", "head_of_service", "partnership")
#: Transitions that can be made to need a manager's oversight entry first (``oversight``).
OVERSIGHT_TRANSITIONS: dict[str, str] = {
    "strategy_no_s47": "Deciding a strategy discussion leads to no section 47 enquiry",
    "s47_no_conference": "Ending a section 47 enquiry without a child protection conference",
    "icpc_no_plan": "Recording a conference outcome of no child protection plan",
    "assessment_not_in_need": "Completing an assessment: not a child in need",
    "assessment_authorise": "Authorising a child and family assessment",
}
#: Keys added after version 1 was first published: a version without them gets the default.
LATER_KEYS = (
    "strategy",
    "strategy_minutes",
    "icpc",
    "assessment",
    "supervision",
    "escalation",
    "oversight",
    "screening_immediate_risk",
    "transfer_request",
    "open_case_information",
    "referrer_feedback",
    "adults",
)
RATINGS = ("RED", "AMBER", "GREEN", "BLUE")
#: BRAG ratings from least to most urgent (Blue: no MASH enquiry, signposting or NFA).
RATING_URGENCY = ("BLUE", "GREEN", "AMBER", "RED")
