"""Restricting a child's record, naming who may see it, lifting it, and breaking the glass.

One service per action. Each checks its input before writing anything, runs in one
transaction that locks the row it changes, appends a ``restricted.*`` event on the child's
chronology and access-logs the change (which runs the restricted-record guard: only someone
who may see the child can change who else may).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.access import Perm, can
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record, event_append, history_write
from frontdoor.outbox.services import message_enqueue
from frontdoor.people.models import Person, PersonKind
from frontdoor.restricted.guard import opening
from frontdoor.restricted.models import (
    BreakGlass,
    Restriction,
    RestrictionCategory,
    RestrictionMember,
)
from frontdoor.restricted.selectors import (
    alert_recipients,
    break_glass_period,
    child_reference,
    live_grant,
    live_restrictions,
)
from frontdoor.restricted.viewer import viewer_forget

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

logger = logging.getLogger("frontdoor.restricted")

#: A break-glass reason must be at least a sentence.
REASON_MIN_WORDS = 4
REASON_MIN_CHARS = 20
REASON_ERROR = (
    "Enter your reason for opening this record in at least a sentence, for example the "
    "enquiry or call you are dealing with"
)


def _manager(by: User, what: str) -> None:
    if not can(by, Perm.RESTRICT_MANAGE):
        raise ValidationError(f"Only a manager or the data protection officer can {what}")


def _usable(user: User, label: str) -> None:
    if not user.is_active:
        raise ValidationError({"user": f"{label} no longer has an account: choose someone else"})


def restriction_create(
    *,
    child: Person,
    category: str,
    reason: str,
    by: User,
    named: Iterable[User] = (),
    at: datetime | None = None,
) -> Restriction:
    """Restrict a child's record to ``by`` (its owner) and the ``named`` users."""
    at = at or timezone.now()
    _manager(by, "restrict a record")
    if child.kind != PersonKind.CHILD:
        raise ValidationError("Only a child's record can be restricted")
    errors: dict[str, str] = {}
    if category not in RestrictionCategory.values:
        errors["category"] = "Select why the record is restricted"
    if not reason.strip():
        errors["reason"] = "Enter the reason the record is restricted"
    if errors:
        raise ValidationError(errors)
    people = {u.pk: u for u in named if u.pk != by.pk}
    for user in people.values():
        _usable(user, user.display_name)
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=child.pk)
        if locked.merged_into_id is not None:
            raise ValidationError("This record was merged into another: restrict that one")
        if live_restrictions().filter(child=locked).exists():
            raise ValidationError("This record is already restricted")
        restriction = Restriction.objects.create(
            child=locked, category=category, reason=reason.strip(), owner=by, restricted_at=at
        )
        history_write(
            record=restriction,
            action="restricted.made",
            summary="Record restricted: "
            + RestrictionCategory(category).label[0].lower()
            + RestrictionCategory(category).label[1:],
            at=at,
            actor=by,
            child=locked,
            after={
                "category": category,
                "owner": by.username,
                "named": sorted(u.username for u in people.values()),
            },
            reason=restriction.reason,
            fields=("restriction",),
        )
        for user in people.values():
            RestrictionMember.objects.create(
                restriction=restriction, user=user, added_by=by, added_at=at
            )
    viewer_forget()
    return restriction


def _locked_live(restriction: Restriction) -> Restriction:
    locked = (
        Restriction.objects.select_for_update(of=("self",))
        .select_related("child", "owner")
        .get(pk=restriction.pk)
    )
    if locked.lifted_at is not None:
        raise ValidationError("This restriction has been lifted")
    return locked


def restriction_name(
    *, restriction: Restriction, user: User, by: User, at: datetime | None = None
) -> RestrictionMember:
    """Name another user who may see the restricted child."""
    at = at or timezone.now()
    _manager(by, "change who may see a restricted record")
    _usable(user, user.display_name)
    with transaction.atomic():
        locked = _locked_live(restriction)
        if (
            user.pk == locked.owner_id
            or locked.members.filter(user=user, removed_at__isnull=True).exists()
        ):
            raise ValidationError({"user": f"{user.display_name} may already see this record"})
        history_write(
            record=locked,
            action="restricted.named",
            summary=f"{user.display_name} may now see the restricted record",
            at=at,
            actor=by,
            child=locked.child,
            after={"user": user.username},
            fields=("restriction",),
        )
        member = RestrictionMember.objects.create(
            restriction=locked, user=user, added_by=by, added_at=at
        )
    viewer_forget()
    return member


def restriction_unname(
    *, member: RestrictionMember, by: User, at: datetime | None = None
) -> RestrictionMember:
    """Remove a named user: they no longer see the restricted child."""
    at = at or timezone.now()
    _manager(by, "change who may see a restricted record")
    with transaction.atomic():
        locked = _locked_live(member.restriction)
        row = RestrictionMember.objects.select_for_update(of=("self",)).get(pk=member.pk)
        if row.removed_at is not None:
            raise ValidationError("This person was already removed")
        history_write(
            record=locked,
            action="restricted.unnamed",
            summary=f"{row.user.display_name} may no longer see the restricted record",
            at=at,
            actor=by,
            child=locked.child,
            before={"user": row.user.username},
            fields=("restriction",),
        )
        row.removed_at = at
        row.removed_by = by
        row.save(update_fields=["removed_at", "removed_by"])
    viewer_forget()
    return row


def restriction_lift(
    *, restriction: Restriction, reason: str, by: User, at: datetime | None = None
) -> Restriction:
    """Lift the restriction (with a reason): everyone with case access sees the record again."""
    at = at or timezone.now()
    _manager(by, "lift a restriction")
    if not reason.strip():
        raise ValidationError({"lift_reason": "Enter the reason the restriction is lifted"})
    with transaction.atomic():
        locked = _locked_live(restriction)
        # Logged (and guarded) while it is still restricted: only someone on it may lift it.
        history_write(
            record=locked,
            action="restricted.lifted",
            summary="Restriction lifted",
            at=at,
            actor=by,
            child=locked.child,
            before={"restricted": True},
            after={"restricted": False},
            reason=reason.strip(),
            fields=("restriction",),
        )
        locked.lifted_at = max(at, locked.restricted_at)
        locked.lifted_by = by
        locked.lift_reason = reason.strip()
        locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason"])
    viewer_forget()
    return locked


def reason_valid(reason: str) -> bool:
    text = " ".join(reason.split())
    return len(text) >= REASON_MIN_CHARS and len(text.split()) >= REASON_MIN_WORDS


def _site() -> str:
    return str(getattr(settings, "FRONTDOOR_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def _alert(grant: BreakGlass, restriction: Restriction, at: datetime) -> int:
    """Email the owner and the named users (no child's details, no reason: sign in to see)."""
    sent = 0
    role = grant.user.get_role_display() if grant.user.role else "no role"
    when = timezone.localtime(grant.at)
    until = timezone.localtime(grant.expires_at)
    for user in alert_recipients(restriction):
        if user.pk == grant.user_id or not user.email:
            continue
        try:
            message_enqueue(
                kind="break_glass",
                to=user.email,
                subject="Front Door: break-glass access to a restricted record",
                body=(
                    f"{grant.user.display_name} ({role}) opened restricted "
                    f"{child_reference(grant.child_id)} with break-glass at "
                    f"{when:%H:%M on %d %b %Y}. Their access ends at {until:%H:%M}. "
                    f"Sign in to Front Door to see the reason they gave: "
                    f"{_site()}{reverse('break-glass-alerts')}"
                ),
                about=f"breakglass:{grant.pk}",
                at=at,
            )
            sent += 1
        except ValidationError:
            logger.warning("Break-glass alert to an unusable address not sent")
    return sent


def break_glass_open(
    *, child: Person, reason: str, by: User, at: datetime | None = None
) -> BreakGlass:
    """Open a restricted child's record with a recorded reason, for a limited time.

    Makes a grant (until ``FRONTDOOR_BREAK_GLASS_MINUTES`` later), logs the access with the
    reason, and alerts the record's owner and named users by email.
    """
    at = at or timezone.now()
    if not can(by, Perm.BREAK_GLASS):
        raise ValidationError("Your role may not open restricted records")
    if not reason_valid(reason):
        raise ValidationError({"reason": REASON_ERROR})
    with transaction.atomic():
        restriction = (
            live_restrictions()
            .select_for_update(of=("self",))
            .select_related("owner")
            .filter(child_id=child.pk)
            .first()
        )
        if restriction is None:
            raise ValidationError("This record is not restricted: you can open it as usual")
        if (
            restriction.owner_id == by.pk
            or restriction.members.filter(user=by, removed_at__isnull=True).exists()
        ):
            raise ValidationError("You are named on this record: you can open it as usual")
        current = live_grant(by, child, at)
        if current is not None:
            raise ValidationError(
                "You have already opened this record: your access lasts until "
                f"{timezone.localtime(current.expires_at):%H:%M}"
            )
        grant = BreakGlass.objects.create(
            restriction=restriction,
            child_id=child.pk,
            user=by,
            reason=" ".join(reason.split()),
            at=at,
            expires_at=at + break_glass_period(),
        )
        with opening(by, child):
            access_log_record(
                user=by,
                children=[child],
                record=grant,
                action=AccessAction.VIEW,
                at=at,
                reason=grant.reason,
            )
        event_append(
            record=grant,
            action="restricted.break_glass",
            summary=f"Break-glass: {by.display_name} opened the restricted record",
            at=at,
            actor=by,
            child=child,
            after={"expires_at": grant.expires_at, "user": by.username},
            reason=grant.reason,
        )
        _alert(grant, restriction, at)
    viewer_forget()
    return grant
