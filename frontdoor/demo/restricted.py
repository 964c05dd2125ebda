"""The demo's restricted records: a staff member's relative, a high-profile case and one more,
each with named users, one past break-glass use with its alert, and one refused attempt (a
contact officer who opened the relative's record without breaking the glass: the data
protection officer sees it, as "Refused", in the audit trail).

Run after the generator's history exists. The staff member's relative has an open MASH
enquiry, so ``mash.worker`` (not named on it) sees it masked in the team queue and is sent to
the break-glass page if they open it; ``mash.manager`` owns it and sees the past break-glass
use on the Break-glass alerts page. Everything goes through the services, at past times.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.demo.intake import QuietChannel
from frontdoor.mash.models import Enquiry, EnquiryStatus
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_deliver
from frontdoor.people.models import Person, PersonKind
from frontdoor.restricted.guard import RestrictedRecord
from frontdoor.restricted.models import BreakGlass, Restriction, RestrictionCategory
from frontdoor.restricted.selectors import live_restrictions
from frontdoor.restricted.services import break_glass_open, restriction_create

BREAK_GLASS_REASON = (
    "The police have called the MASH duty line about a new incident at this child's address "
    "and I need to check the history before I ring them back."
)


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first()


def _free(children: list[Person]) -> list[Person]:
    restricted = set(live_restrictions().values_list("child_id", flat=True))
    return [c for c in children if c.pk not in restricted]


def demo_restricted(*, now: datetime, rng: random.Random) -> dict[str, int]:
    """Restrict two or three children, name who may see them, and break the glass once."""
    counts = {
        "restricted_records": 0,
        "named_users": 0,
        "break_glass_uses": 0,
        "refused_attempts": 0,
    }
    if Restriction.objects.exists():
        return counts  # already made: running the demo area again adds nothing
    manager = _user("mash.manager")
    head = _user("head.of.service")
    if manager is None or head is None:
        return counts
    open_children = _free(
        [
            e.child
            for e in Enquiry.objects.filter(status=EnquiryStatus.OPEN)
            .select_related("child")
            .order_by("pk")[:60]
        ]
    )
    allocated = _free(
        list(
            Person.objects.filter(
                kind=PersonKind.CHILD, allocated_worker__isnull=False, merged_into__isnull=True
            )
            .select_related("allocated_worker")
            .order_by("pk")[:60]
        )
    )
    plans: list[tuple[Person, str, str, User, list[User | None], int]] = []
    if open_children:
        plans.append(
            (
                rng.choice(open_children),
                RestrictionCategory.STAFF_RELATIVE,
                "The child's aunt is a social worker in the MASH team.",
                manager,
                [_user("mash.worker2")],
                20,
            )
        )
    if allocated:
        child = rng.choice(allocated)
        plans.append(
            (
                child,
                RestrictionCategory.HIGH_PROFILE,
                "The family has been named in national press coverage of a court case.",
                head,
                [child.allocated_worker, _user("assessment.manager")],
                45,
            )
        )
        others = [c for c in allocated if c.pk != child.pk]
        if others:
            plans.append(
                (
                    rng.choice(others),
                    RestrictionCategory.STAFF_RELATIVE,
                    "The child's father is a manager in children's services.",
                    head,
                    [_user("mash.manager")],
                    90,
                )
            )
    chosen = set()
    for child, category, reason, owner, named, days in plans:
        if child.pk in chosen:
            continue
        chosen.add(child.pk)
        people = [u for u in named if u is not None and u.pk != owner.pk]
        restriction_create(
            child=child,
            category=category,
            reason=reason,
            named=people,
            by=owner,
            at=now - timedelta(days=days, hours=rng.randint(1, 6)),
        )
        counts["restricted_records"] += 1
        counts["named_users"] += len(people)
    # One past break-glass use, by a MASH worker not named on the staff member's relative.
    worker = _user("mash.worker")
    if plans and worker is not None and not BreakGlass.objects.filter(user=worker).exists():
        child = plans[0][0]
        break_glass_open(
            child=child,
            reason=BREAK_GLASS_REASON,
            by=worker,
            at=now - timedelta(days=3, hours=rng.randint(1, 5)),
        )
        counts["break_glass_uses"] += 1
    # One refused attempt: the guard refuses the contact officer and logs it.
    officer = _user("contact.officer")
    if plans and officer is not None:
        child = plans[0][0]
        try:
            access_log_record(
                user=officer,
                children=[child],
                record=child,
                action=AccessAction.VIEW,
                at=now - timedelta(days=2, hours=rng.randint(1, 5)),
                path=f"/children/{child.pk}/",
            )
        except RestrictedRecord:
            counts["refused_attempts"] += 1
    # Its alert emails are delivered quietly, like the rest of the history's.
    channel = QuietChannel(rng)
    pending = Message.objects.filter(status="pending", about__startswith="breakglass:")
    for message_id, created_at in list(pending.values_list("pk", "created_at")):
        message_deliver(
            message_id=message_id,
            now=created_at + timedelta(seconds=rng.randint(5, 90)),
            channel=channel,
        )
    return counts
