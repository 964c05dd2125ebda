"""Signing in: the password, then the second factor (setting it up the first time), and
signing out. Every attempt is on the sign-in log (``frontdoor.accounts.signin``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.views import LogoutView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.forms import CodeForm, SignInForm
from frontdoor.accounts.middleware import (
    NOTICE,
    PUBLIC,
    TWO_FACTOR_STEP,
    is_verified,
    requires,
)
from frontdoor.accounts.models import SignInEventKind, User
from frontdoor.accounts.signin import (
    active_lock,
    current_code,
    qr_svg,
    secret_text,
    sign_in_failed,
    sign_in_record,
    two_factor_check,
    two_factor_confirm,
    two_factor_device,
    two_factor_enrolment_device,
)

#: Where the page asked for before signing in waits while the second factor is checked.
NEXT = "frontdoor_signin_next"
WRONG_DETAILS = "Enter a correct username and password"
WRONG_CODE = "The code is not correct. Enter the 6-digit code your authenticator app shows now"


def locked_message() -> str:
    minutes = settings.FRONTDOOR_LOCKOUT_MINUTES
    return (
        "You have entered the wrong details too many times. "
        f"Wait {minutes} minutes and try again, or ask an administrator to unlock your account"
    )


def _step(view: Any) -> Any:
    """A sign-in step: public to the default-deny middleware, and open to a session that has
    passed the password but not yet the second factor."""
    setattr(view, TWO_FACTOR_STEP, True)
    return requires(PUBLIC)(view)


GET_POST = require_http_methods(["GET", "POST"])


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _finish(request: HttpRequest) -> HttpResponse:
    return redirect(_safe_next(request, request.session.pop(NEXT, None)))


def _second_step(request: HttpRequest, user: User) -> HttpResponse:
    if two_factor_device(user) is None:
        return redirect("two-factor-setup")
    return redirect("two-factor")


@_step
@sensitive_post_parameters("password")
@csrf_protect
@never_cache
@GET_POST
def sign_in(request: HttpRequest) -> HttpResponse:
    """The first step: username and password."""
    if request.user.is_authenticated:
        if settings.FRONTDOOR_REQUIRE_2FA and not is_verified(request):
            return _second_step(request, request.user)
        return redirect(_safe_next(request, request.GET.get("next")))
    form = SignInForm(request.POST if request.method == "POST" else None)
    notice = request.session.pop(NOTICE, None) if request.method == "GET" else None
    locked = False
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        if active_lock(username) is not None:
            sign_in_record(kind=SignInEventKind.REFUSED_LOCKED, username=username, request=request)
            locked = True
        else:
            user = authenticate(request, username=username, password=form.cleaned_data["password"])
            if not isinstance(user, User):
                lock = sign_in_failed(
                    username=username, kind=SignInEventKind.PASSWORD_FAILED, request=request
                )
                locked = lock is not None
                if not locked:
                    form.add_error(None, WRONG_DETAILS)
            else:
                login(request, user)
                next_url = request.POST.get("next") or request.GET.get("next")
                if not settings.FRONTDOOR_REQUIRE_2FA:
                    sign_in_record(
                        kind=SignInEventKind.SIGNED_IN,
                        username=username,
                        user=user,
                        request=request,
                    )
                    return redirect(_safe_next(request, next_url))
                sign_in_record(
                    kind=SignInEventKind.PASSWORD_ACCEPTED,
                    username=username,
                    user=user,
                    request=request,
                )
                request.session[NEXT] = _safe_next(request, next_url)
                return _second_step(request, user)
        if locked:
            form.add_error(None, locked_message())
    elif notice == "locked":
        form = SignInForm(None)
        locked = True
    context = {
        "form": form,
        "idle": notice == "idle",
        "locked_message": locked_message() if locked else "",
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "accounts/sign_in.html", context, status=200)


def _code_refused(request: HttpRequest, user: User, form: CodeForm) -> HttpResponse | None:
    """Record a wrong code; when it locks the username, end the session."""
    lock = sign_in_failed(
        username=user.get_username(),
        kind=SignInEventKind.CODE_FAILED,
        request=request,
        user=user,
    )
    if lock is not None:
        return _end_locked(request)
    form.add_error("code", WRONG_CODE)
    return None


def _end_locked(request: HttpRequest) -> HttpResponse:
    logout(request)
    request.session[NOTICE] = "locked"
    return redirect("login")


def _pending_user(request: HttpRequest) -> User | None:
    """The user half-way through signing in (password passed, code not yet)."""
    if not request.user.is_authenticated:
        return None
    return User.objects.get(pk=request.user.pk)


def _demo_hint(device: TOTPDevice) -> str:
    return current_code(device) if settings.FRONTDOOR_DEMO_MODE else ""


@_step
@csrf_protect
@never_cache
@GET_POST
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the person's authenticator app."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    if is_verified(request) or not settings.FRONTDOOR_REQUIRE_2FA:
        return _finish(request)
    device = two_factor_device(user)
    if device is None:
        return redirect("two-factor-setup")
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if active_lock(user.get_username()) is not None:
            return _end_locked(request)
        if form.is_valid() and two_factor_check(device, form.cleaned_data["code"]):
            otp_login(request, device)
            # A new session key now the sign-in is complete (it was rotated at the password
            # too): a key seen before the second factor is worth nothing after it.
            request.session.cycle_key()
            sign_in_record(
                kind=SignInEventKind.SIGNED_IN,
                username=user.get_username(),
                user=user,
                request=request,
            )
            return _finish(request)
        if form.is_valid() and (refused := _code_refused(request, user, form)) is not None:
            return refused
    return render(
        request, "accounts/two_factor.html", {"form": form, "demo_code": _demo_hint(device)}
    )


@_step
@csrf_protect
@never_cache
@GET_POST
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """The first time: set up an authenticator app (scan the QR code or type the secret),
    then confirm it with a code."""
    user = _pending_user(request)
    if user is None:
        return redirect("login")
    if is_verified(request) or not settings.FRONTDOOR_REQUIRE_2FA:
        return _finish(request)
    if two_factor_device(user) is not None:
        return redirect("two-factor")
    device = two_factor_enrolment_device(user)
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if active_lock(user.get_username()) is not None:
            return _end_locked(request)
        if form.is_valid() and two_factor_confirm(device=device, code=form.cleaned_data["code"]):
            device.refresh_from_db()
            otp_login(request, device)
            request.session.cycle_key()  # as after the code (see two_factor)
            sign_in_record(
                kind=SignInEventKind.TWO_FACTOR_ENROLLED,
                username=user.get_username(),
                user=user,
                request=request,
            )
            sign_in_record(
                kind=SignInEventKind.SIGNED_IN,
                username=user.get_username(),
                user=user,
                request=request,
            )
            return _finish(request)
        if form.is_valid() and (refused := _code_refused(request, user, form)) is not None:
            return refused
    context = {
        "form": form,
        "qr": qr_svg(device),
        "secret": secret_text(device),
        "demo_code": _demo_hint(device),
    }
    return render(request, "accounts/two_factor_setup.html", context)


class SignOutView(LogoutView):
    """Sign out (POST). Logged on the sign-in log."""

    frontdoor_permission = PUBLIC
    frontdoor_two_factor_step = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            sign_in_record(
                kind=SignInEventKind.SIGNED_OUT,
                username=user.get_username(),
                user=User.objects.filter(pk=user.pk).first(),
                request=request,
            )
        return super().post(request, *args, **kwargs)
