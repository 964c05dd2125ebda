"""Pages for strategy discussions, section 47 enquiries and initial child protection
conferences. Each view parses a form, calls one service, and redirects or renders.

One module per topic: convening, a discussion's pages, and section 47 (with the conference).
"""

from frontdoor.strategy.views.convening import convene_from_enquiry, convene_on_transfer
from frontdoor.strategy.views.discussions import (
    action_done,
    action_new,
    discussion_attendance,
    discussion_cancel,
    discussion_detail,
    discussion_hold,
    discussion_invite,
    discussion_minutes,
)
from frontdoor.strategy.views.section_47 import (
    conference_book,
    conference_outcome,
    s47_detail,
    s47_outcome,
)

__all__ = [
    "action_done",
    "action_new",
    "conference_book",
    "conference_outcome",
    "convene_from_enquiry",
    "convene_on_transfer",
    "discussion_attendance",
    "discussion_cancel",
    "discussion_detail",
    "discussion_hold",
    "discussion_invite",
    "discussion_minutes",
    "s47_detail",
    "s47_outcome",
]
