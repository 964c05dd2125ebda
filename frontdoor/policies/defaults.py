"""The built-in default policy (version 1 until an administrator publishes another).

Rating-based timescales follow scheme A in FRONT-DOOR.md 3.2 (Surrey-like): Red 4 working
hours that continue out of hours (handed to the emergency duty team, never parked at close of
business), Amber 24 working hours, Green 72 working hours, Blue no MASH timescale.
Sign-off, transfer and first-visit timescales have no national figure; these are local
defaults chosen to match the rating's urgency.
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
}

RATED_CLOCKS = ("enquiry", "partner_request", "signoff", "transfer_acceptance", "first_visit")
RATINGS = ("RED", "AMBER", "GREEN", "BLUE")
