"""Signing in: the sign-in log, lockout after repeated failures, and the second factor.

- Every attempt, success, lockout and sign-out is a ``SignInEvent`` row (the sign-in log) and
  a line on the ``frontdoor.signin`` logger. Children's records are never mentioned here: the
  access log of children's records is ``frontdoor.audit``.
- ``FRONTDOOR_LOCKOUT_FAILURES`` wrong passwords or codes for one username within
  ``FRONTDOOR_LOCKOUT_WINDOW_MINUTES`` lock it for ``FRONTDOOR_LOCKOUT_MINUTES`` (a
  ``SignInLock``), whether or not the username belongs to anyone. An administrator can
  unlock it early (``sign_in_unlock``, an admin action).
- The second factor is a TOTP authenticator app (django-otp's ``TOTPDevice``).
"""

from __future__ import annotations

import io
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.models import SignInEvent, SignInEventKind, SignInLock, User
from frontdoor.audit.services import event_append

logger = logging.getLogger("frontdoor.signin")

FAILURES = (SignInEventKind.PASSWORD_FAILED, SignInEventKind.CODE_FAILED)
DEVICE_NAME = "Authenticator app"


def username_key(username: str) -> str:
    """How a typed username is kept in the log and matched for locks."""
    return username.strip().lower()[:150]


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address (the proxy's X-Forwarded-For in production, see settings)."""
    if request is None:
        return None
    address = request.META.get("REMOTE_ADDR") or None
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            address = forwarded.split(",")[-1].strip() or address
    return address


def sign_in_record(
    *,
    kind: str,
    username: str,
    user: User | None = None,
    request: HttpRequest | None = None,
    at: datetime | None = None,
) -> SignInEvent:
    """Append one line to the sign-in log (the table and the ``frontdoor.signin`` logger)."""
    at = at or timezone.now()
    event = SignInEvent.objects.create(
        at=at,
        username=username_key(username),
        user=user if user is not None and user.pk else None,
        kind=kind,
        ip_address=client_ip(request),
        user_agent=(request.META.get("HTTP_USER_AGENT", "") if request else "")[:300],
    )
    level = logging.WARNING if kind in (*FAILURES, "locked", "refused_locked") else logging.INFO
    logger.log(
        level,
        "sign-in %s username=%s ip=%s",
        kind,
        event.username,
        event.ip_address or "-",
    )
    return event


def active_lock(username: str, at: datetime | None = None) -> SignInLock | None:
    """The lock holding ``username`` now, if any."""
    at = at or timezone.now()
    return (
        SignInLock.objects.filter(
            username=username_key(username), locked_until__gt=at, unlocked_at__isnull=True
        )
        .order_by("-locked_until")
        .first()
    )


def _counting_from(key: str, at: datetime) -> datetime:
    """Failures count from the latest of: the window's start, the end of the last lock, the
    last successful sign-in."""
    start = at - timedelta(minutes=settings.FRONTDOOR_LOCKOUT_WINDOW_MINUTES)
    for lock in SignInLock.objects.filter(username=key).order_by("-locked_at")[:1]:
        start = max(start, min(lock.ends_at(), at))
    last_success = SignInEvent.objects.filter(
        username=key, kind=SignInEventKind.SIGNED_IN
    ).aggregate(last=Max("at"))["last"]
    if last_success is not None:
        start = max(start, last_success)
    return start


def sign_in_failed(
    *,
    username: str,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    at: datetime | None = None,
) -> SignInLock | None:
    """Record a wrong password or code; lock the username when that makes too many. Returns
    the lock now holding the username (``None`` while it may still try)."""
    at = at or timezone.now()
    key = username_key(username)
    with transaction.atomic():
        sign_in_record(kind=kind, username=key, user=user, request=request, at=at)
        if (lock := active_lock(key, at)) is not None:
            return lock
        failures = SignInEvent.objects.filter(
            username=key, kind__in=FAILURES, at__gt=_counting_from(key, at)
        ).count()
        if failures < settings.FRONTDOOR_LOCKOUT_FAILURES:
            return None
        lock = SignInLock.objects.create(
            username=key,
            locked_at=at,
            locked_until=at + timedelta(minutes=settings.FRONTDOOR_LOCKOUT_MINUTES),
            failures=failures,
        )
        sign_in_record(kind=SignInEventKind.LOCKED, username=key, user=user, request=request, at=at)
        return lock


def sign_in_unlock(*, lock: SignInLock, by: User, at: datetime | None = None) -> SignInLock:
    """An administrator ends a lock early (the username may try again at once)."""
    at = at or timezone.now()
    with transaction.atomic():
        lock = SignInLock.objects.select_for_update().get(pk=lock.pk)
        if lock.unlocked_at is not None:
            raise ValidationError("This username has already been unlocked")
        if lock.locked_until <= at:
            raise ValidationError("This lock has already ended")
        lock.unlocked_at = at
        lock.unlocked_by = by
        lock.save(update_fields=["unlocked_at", "unlocked_by"])
        sign_in_record(kind=SignInEventKind.UNLOCKED, username=lock.username, user=None, at=at)
        event_append(
            record=lock,
            action="signin.unlock",
            summary=f"Unlocked sign-in for {lock.username}",
            at=at,
            actor=by,
            before={"locked_until": lock.locked_until.isoformat()},
            after={"unlocked_at": at.isoformat()},
        )
    return lock


# --------------------------------------------------------------------------- second factor


def two_factor_device(user: User) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they have set one up."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def two_factor_enrolment_device(user: User) -> TOTPDevice:
    """The unconfirmed device a user is setting up (the same one until they confirm it)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def two_factor_check(device: TOTPDevice, code: str) -> bool:
    """Is ``code`` the device's current code (one step of clock drift allowed; a code is
    accepted once only)?"""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != device.digits:
        return False
    return bool(device.verify_token(code))


def two_factor_confirm(*, device: TOTPDevice, code: str) -> bool:
    """Confirm a device being set up, if ``code`` is right."""
    with transaction.atomic():
        device = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        if not two_factor_check(device, code):
            return False
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def current_code(device: TOTPDevice) -> str:
    """The code the device shows now (the demo's hint, and tests)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return str(totp.token()).zfill(device.digits)


def secret_text(device: TOTPDevice) -> str:
    """The secret as people type it into an authenticator app: base32, in groups of four."""
    from base64 import b32encode

    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The device's otpauth:// address as an inline SVG QR code (no image request needed)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    buffer = io.BytesIO()
    image.save(buffer)
    svg = buffer.getvalue().decode()
    if svg.startswith("<?xml"):
        svg = svg[svg.index("?>") + 2 :].lstrip()
    label = 'role="img" aria-label="QR code to scan with your authenticator app" '
    return mark_safe(
        svg.replace("<svg ", "<svg " + label, 1)
    )  # generated by qrcode from our own data
