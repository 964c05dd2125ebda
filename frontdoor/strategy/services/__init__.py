"""Strategy discussions, section 47 enquiries and initial child protection conferences.

One function per action; each validates before it writes, so refused input saves nothing.
One module per topic: convening (and invitations and attendance), holding, minutes, actions,
section 47 and conferences. Import them from here.
"""

from frontdoor.strategy.services._shared import discussion_quorum, open_s47_for
from frontdoor.strategy.services.actions import action_add, action_complete
from frontdoor.strategy.services.conferences import conference_book, conference_record
from frontdoor.strategy.services.convening import (
    AttendanceRow,
    attendance_record,
    discussion_convene,
    discussion_invite,
)
from frontdoor.strategy.services.holding import discussion_cancel, discussion_hold
from frontdoor.strategy.services.minutes import minutes_distribute, minutes_record
from frontdoor.strategy.services.section_47 import s47_outcome_record

__all__ = [
    "AttendanceRow",
    "action_add",
    "action_complete",
    "attendance_record",
    "conference_book",
    "conference_record",
    "discussion_cancel",
    "discussion_convene",
    "discussion_hold",
    "discussion_invite",
    "discussion_quorum",
    "minutes_distribute",
    "minutes_record",
    "open_s47_for",
    "s47_outcome_record",
]
