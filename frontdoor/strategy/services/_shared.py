"""What the strategy services share: the logger, locking a discussion or an enquiry, the access
log, and the quorum and open section 47 enquiry they read."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.strategy.models import Attendance, S47Enquiry, StrategyDiscussion
from frontdoor.strategy.quorum import Quorum, quorum_of

if TYPE_CHECKING:
    from django.db.models import Model

    from frontdoor.people.models import Person


logger = logging.getLogger("frontdoor.strategy")


def _when(value: datetime) -> str:
    return f"{timezone.localtime(value):%-d %b %Y %H:%M}"


def _log(record: Model, child: Person, by: User | None, at: datetime) -> None:
    access_log_record(user=by, children=[child], record=record, action=AccessAction.CHANGE, at=at)


def _locked(discussion: StrategyDiscussion) -> StrategyDiscussion:
    return (
        StrategyDiscussion.objects.select_for_update(of=("self",))
        .select_related("child", "referral", "policy", "s47")
        .get(pk=discussion.pk)
    )


def _require_status(discussion: StrategyDiscussion, *statuses: str) -> None:
    if discussion.status not in statuses:
        raise ValidationError(
            f"This strategy discussion is {discussion.get_status_display().lower()}"
        )


def discussion_quorum(discussion: StrategyDiscussion) -> Quorum:
    """Quorate or not, from the attendance recorded so far."""
    invitations = list(discussion.invitations.select_related("agency"))
    return quorum_of(
        (i.agency.kind for i in invitations if i.attendance == Attendance.ATTENDED),
        recorded=any(i.attendance for i in invitations),
    )


def open_s47_for(child: Person) -> S47Enquiry | None:
    """The child's open section 47 enquiry, if any (the newest)."""
    return S47Enquiry.objects.filter(child=child, closed_at__isnull=True).order_by("-id").first()


def _locked_s47(s47: S47Enquiry) -> S47Enquiry:
    return (
        S47Enquiry.objects.select_for_update(of=("self",))
        .select_related("child", "last_discussion", "start_discussion", "policy")
        .get(pk=s47.pk)
    )
