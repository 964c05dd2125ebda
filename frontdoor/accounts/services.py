"""Writing accounts: API tokens for partner systems, and who is on duty."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Agency, ApiScope, ApiToken, Team, User
from frontdoor.audit.services import event_append

TOKEN_PREFIX = "fd"
#: How often ``last_used_at`` is written: not on every request, so tokens cost no extra write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


#: Live tokens this process has looked up recently: prefix → (monotonic expiry, token). Saves
#: a query on every partner API request; ``api_token_revoke`` clears the entry here, and other
#: processes notice a revocation within ``FRONTDOOR_API_TOKEN_CACHE_SECONDS``.
_RECENT: dict[str, tuple[float, ApiToken]] = {}


def _cache_seconds() -> float:
    return float(getattr(settings, "FRONTDOOR_API_TOKEN_CACHE_SECONDS", 10))


def secret_digest(secret: str) -> str:
    """How a high-entropy secret (a token, a link's key) is kept: its SHA-256, in hex. Random
    256-bit secrets need no slow hash; only the digest is ever stored."""
    return hashlib.sha256(secret.encode()).hexdigest()


def api_token_issue(
    *,
    agency: Agency,
    name: str,
    scopes: Iterable[str],
    by: User | None,
    expires_at: datetime | None = None,
    at: datetime | None = None,
) -> tuple[ApiToken, str]:
    """Issue a token for ``agency``; returns the row and the plain token (shown once only)."""
    at = at or timezone.now()
    scope_list = sorted(set(scopes))
    errors: dict[str, str] = {}
    if not name.strip():
        errors["name"] = "Enter the name of the system that will use the token"
    if not scope_list or any(scope not in ApiScope.values for scope in scope_list):
        errors["scopes"] = "Choose at least one scope: " + ", ".join(ApiScope.values)
    if expires_at is not None and expires_at <= at:
        errors["expires_at"] = "The expiry must be in the future"
    if not agency.active:
        errors["agency"] = "The agency is not active"
    if errors:
        raise ValidationError(errors)
    prefix = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            agency=agency,
            name=name.strip(),
            prefix=prefix,
            secret_hash=secret_digest(secret),
            scopes=scope_list,
            created_at=at,
            created_by=by,
            expires_at=expires_at,
        )
        event_append(
            record=token,
            action="api_token.issued",
            summary=f"API token {prefix} issued to {agency.name} for {token.name}",
            at=at,
            actor=by,
            after={"agency": agency.code, "scopes": scope_list, "expires_at": expires_at},
        )
    return token, f"{TOKEN_PREFIX}_{prefix}_{secret}"


def api_token_revoke(
    *, token: ApiToken, by: User | None, reason: str, at: datetime | None = None
) -> ApiToken:
    at = at or timezone.now()
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the token is being revoked"})
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is not None:
            return locked
        locked.revoked_at = at
        locked.revoked_by = by
        locked.revoked_reason = reason.strip()
        locked.save(update_fields=["revoked_at", "revoked_by", "revoked_reason"])
        _RECENT.pop(locked.prefix, None)
        event_append(
            record=locked,
            action="api_token.revoked",
            summary=f"API token {locked.prefix} revoked",
            at=at,
            actor=by,
            reason=reason,
        )
    return locked


def api_token_authenticate(raw: str, *, at: datetime | None = None) -> ApiToken | None:
    """The live token ``raw`` names, or None (unknown, wrong secret, revoked or expired)."""
    parts = raw.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or not parts[1] or not parts[2]:
        return None
    prefix = parts[1][:16]
    at = at or timezone.now()
    recent = _RECENT.get(prefix)
    if recent is not None and recent[0] > time.monotonic():
        token = recent[1]
    else:
        found = (
            ApiToken.objects.select_related("agency")
            .filter(prefix=prefix, revoked_at__isnull=True, agency__active=True)
            .first()
        )
        if found is None:
            _RECENT.pop(prefix, None)
            return None
        token = found
        if _cache_seconds() > 0:
            _RECENT[prefix] = (time.monotonic() + _cache_seconds(), token)
        if token.last_used_at is None or at - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=at)
            token.last_used_at = at
    if not hmac.compare_digest(token.secret_hash, secret_digest(parts[2])):
        return None
    if token.expires_at is not None and token.expires_at <= at:
        return None
    return token


# ---------------------------------------------------------------------------- duty


def team_duty_take(*, team: Team, user: User, at: datetime | None = None) -> Team:
    """``user`` becomes ``team``'s manager on duty (the one alerted of immediate risk)."""
    from frontdoor.accounts.access import Perm, can

    at = at or timezone.now()
    with transaction.atomic():
        locked = Team.objects.select_for_update().get(pk=team.pk)
        if not can(user, Perm.DUTY_TAKE) or user.team_id != locked.pk:
            raise ValidationError("Only a manager in this team can take duty")
        if locked.duty_manager_id == user.pk:
            return locked  # already on duty: nothing changes, nothing to record
        before = {"duty_manager": locked.duty_manager_id}
        locked.duty_manager = user
        locked.duty_since = at
        locked.save(update_fields=["duty_manager", "duty_since"])
        event_append(
            record=locked,
            action="team.duty_taken",
            summary=f"{user.display_name} is the duty manager for {locked.name}",
            at=at,
            actor=user,
            before=before,
            after={"duty_manager": user.pk},
        )
    return locked


def duty_managers(team: Team) -> list[User]:
    """Who to alert for ``team``: its duty manager, or (when none is on duty, or they are no
    longer active) every active manager of the team."""
    from frontdoor.accounts.access import Perm, can

    duty = team.duty_manager
    if duty is not None and duty.is_active and duty.team_id == team.pk:
        return [duty]
    return [u for u in User.objects.filter(team=team, is_active=True) if can(u, Perm.DUTY_TAKE)]
