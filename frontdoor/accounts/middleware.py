"""Default deny: a view that has not declared its permission is refused; a session that has
passed the password but not the second factor reaches only the two-factor pages; an idle
session is signed out; and the security headers Django and django-csp do not set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone

from frontdoor.accounts.access import Perm, can

ATTR = "frontdoor_permission"
PUBLIC = "public"
OPEN_PREFIXES = ("/admin/", "/static/", "/api/", "/assets/")
#: Marks the views a half-signed-in session may use (sign-in steps and sign-out).
TWO_FACTOR_STEP = "frontdoor_two_factor_step"
#: Session keys: when the session was last used (epoch seconds), and a notice for the
#: sign-in page after the session ended ("idle" or "locked").
LAST_SEEN = "frontdoor_last_seen"
NOTICE = "frontdoor_signin_notice"
#: ``LAST_SEEN`` is rewritten at most this often (seconds), not on every request.
LAST_SEEN_RESOLUTION = 30


def requires(perm: Perm | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the permission a view needs (``PUBLIC`` for sign-in pages)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, ATTR, perm)
        return view

    return decorate


class DefaultDenyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(OPEN_PREFIXES):
            return None  # the admin checks staff status; the API checks its own auth
        perm = getattr(view_func, ATTR, None) or getattr(
            getattr(view_func, "view_class", None), ATTR, None
        )
        if perm == PUBLIC:
            return None
        if perm is None:
            raise PermissionDenied("This page has not declared who may see it.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.user, Perm(perm)):
            raise PermissionDenied
        return None


def _marked(view_func: Any, attr: str) -> Any:
    return getattr(view_func, attr, None) or getattr(
        getattr(view_func, "view_class", None), attr, None
    )


def is_verified(request: HttpRequest) -> bool:
    """Has this session passed the second factor (django-otp's ``OTPMiddleware``)?"""
    verified = getattr(request.user, "is_verified", None)
    return bool(verified is not None and verified())


def second_factor_pending(request: HttpRequest) -> bool:
    """Signed in with a password but not yet with a code (when two factors are required)."""
    return bool(
        settings.FRONTDOOR_REQUIRE_2FA
        and request.user.is_authenticated
        and not is_verified(request)
    )


class TwoFactorMiddleware:
    """After ``DefaultDenyMiddleware``: a session that has passed the password but not the
    second factor reaches only the views marked ``TWO_FACTOR_STEP`` (the sign-in steps and
    sign-out); anything else, the admin site included, sends it to the two-factor page. To the
    API such a session is anonymous (401), so partner tokens still work."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if not second_factor_pending(request):
            return None
        if _marked(view_func, TWO_FACTOR_STEP) or request.path.startswith(("/static/", "/assets/")):
            return None
        if request.path.startswith("/api/"):
            request.user = AnonymousUser()
            return None
        return redirect("two-factor")


class IdleTimeoutMiddleware:
    """Signs out a session unused for ``FRONTDOOR_IDLE_MINUTES`` (0: never), and tells the
    person why on the sign-in page. (``SESSION_COOKIE_AGE`` still ends every session after a
    working day.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        minutes = settings.FRONTDOOR_IDLE_MINUTES
        if minutes and request.user.is_authenticated:
            now = timezone.now().timestamp()
            last = request.session.get(LAST_SEEN)
            if isinstance(last, int | float) and now - last > minutes * 60:
                return self._time_out(request)
            if not isinstance(last, int | float) or now - last >= LAST_SEEN_RESOLUTION:
                request.session[LAST_SEEN] = now
        return self.get_response(request)

    def _time_out(self, request: HttpRequest) -> HttpResponse:
        from frontdoor.accounts.models import SignInEventKind
        from frontdoor.accounts.signin import sign_in_record

        user = request.user
        sign_in_record(
            kind=SignInEventKind.TIMED_OUT,
            username=user.get_username(),
            user=user if user.pk else None,
            request=request,
        )
        logout(request)
        request.session[NOTICE] = "idle"
        if request.path.startswith("/api/"):
            return self.get_response(request)  # anonymous now: the API answers 401
        if request.method == "GET":
            return redirect_to_login(request.get_full_path())
        return redirect("login")


class SecurityHeadersMiddleware:
    """Headers Django does not set: ``Permissions-Policy``, and ``Cache-Control: no-store`` on
    pages for a signed-in person (records about children stay out of browser and proxy
    caches)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        policy = getattr(settings, "FRONTDOOR_PERMISSIONS_POLICY", "")
        if policy:
            response.headers.setdefault("Permissions-Policy", policy)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response.headers["Cache-Control"] = "no-store, private"
        return response
