"""Signing in: argon2, the second factor, lockout, idle timeout, the sign-in log."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor import settings as project_settings
from frontdoor.accounts.models import SignInEvent, SignInEventKind, SignInLock, User
from frontdoor.accounts.signin import current_code, sign_in_unlock
from frontdoor.audit.models import AccessLogEntry
from frontdoor.testing.factories import PASSWORD
from frontdoor.testing.fixtures import row_counts

pytestmark = pytest.mark.django_db

LOCKED = "You have entered the wrong details too many times"
WRONG = "Enter a correct username and password"


def password_step(client: Client, username: str, password: str = PASSWORD, **extra: Any) -> Any:
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def kinds(username: str) -> list[str]:
    return list(
        SignInEvent.objects.filter(username=username)
        .order_by("at", "pk")
        .values_list("kind", flat=True)
    )


def confirmed_device(user: User) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def fresh_code(device: TOTPDevice) -> str:
    """The device's code now, accepted even if a test used it a moment ago."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    device.refresh_from_db()
    return current_code(device)


def signed_in(client: Client, user: User, device: TOTPDevice) -> Client:
    assert password_step(client, user.username).status_code == 302
    response = client.post(reverse("two-factor"), {"code": fresh_code(device)})
    assert response.status_code == 302
    return client


# ---------------------------------------------------------------------------- hashing


def test_passwords_are_hashed_with_argon2(settings: Any, mash_worker: User) -> None:
    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS
    assert make_password("correct horse battery").startswith("argon2$argon2id$")
    # An older PBKDF2 hash still works, and is upgraded to argon2 at the next sign-in.
    mash_worker.password = make_password(
        PASSWORD, hasher="pbkdf2_sha256"
    )  # as an older install stored it
    mash_worker.save()
    response = password_step(Client(), "mash_worker")
    assert response.status_code == 302
    mash_worker.refresh_from_db()
    assert mash_worker.password.startswith("argon2$")


# ----------------------------------------------------------------------- second factor


def test_two_factor_is_required_by_default() -> None:
    """(And always in production: see test_security_headers.py.)"""
    assert project_settings.FRONTDOOR_REQUIRE_2FA is True
    assert project_settings.FRONTDOOR_DEMO_MODE is False


def test_a_password_only_session_reaches_nothing_but_the_two_factor_pages(
    two_factor_required: None, mash_worker: User, administrator: User
) -> None:
    confirmed_device(mash_worker)
    client = Client()
    response = password_step(client, "mash_worker", next="/queue/")
    assert response.status_code == 302 and response["Location"] == reverse("two-factor")
    for path in ("/", "/queue/", "/overview/", reverse("child-search"), "/admin/"):
        response = client.get(path)
        assert response.status_code in (302, 403), path
        if response.status_code == 302:
            assert response["Location"] == reverse("two-factor"), path
    # The API treats the session as anonymous.
    assert client.get("/api/v1/queue").status_code in (401, 404)
    assert client.get(reverse("two-factor")).status_code == 200
    assert client.get(reverse("login")).status_code == 302  # back to the code page
    # An administrator's password alone does not open the admin site either.
    admin_client = Client()
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    confirmed_device(administrator)
    password_step(admin_client, "administrator")
    response = admin_client.get("/admin/accounts/user/")
    assert response.status_code == 302 and response["Location"] == reverse("two-factor")
    assert admin_client.get("/admin/login/")["Location"].startswith(reverse("login"))
    # Signing out works half-way through.
    assert client.post(reverse("logout")).status_code == 302
    assert client.get("/queue/")["Location"].startswith(reverse("login"))


def test_force_login_is_not_enough_when_two_factor_is_required(
    two_factor_required: None, mash_worker: User
) -> None:
    client = Client()
    client.force_login(mash_worker)
    assert client.get("/queue/")["Location"] == reverse("two-factor")
    assert client.get(reverse("two-factor"))["Location"] == reverse("two-factor-setup")


def test_the_right_code_completes_sign_in_and_a_wrong_one_is_refused(
    two_factor_required: None, mash_worker: User
) -> None:
    device = confirmed_device(mash_worker)
    client = Client()
    password_step(client, "mash_worker", QUERY_STRING="next=/overview/")
    client.post(reverse("login") + "?next=/queue/team/", {})  # a bad post changes nothing
    response = client.post(reverse("two-factor"), {"code": "000000"})
    if current_code(device) == "000000":  # pragma: no cover - one in a million
        return
    assert response.status_code == 200
    assert "The code is not correct" in response.content.decode()
    response = client.post(reverse("two-factor"), {"code": "12ab"})
    assert "The code must be 6 numbers" in response.content.decode()
    assert client.get("/queue/").status_code == 302
    response = client.post(reverse("two-factor"), {"code": fresh_code(device)})
    assert response.status_code == 302
    assert client.get("/queue/").status_code == 200
    assert kinds("mash_worker") == [
        SignInEventKind.PASSWORD_ACCEPTED,
        SignInEventKind.CODE_FAILED,
        SignInEventKind.SIGNED_IN,
    ]
    # A code is accepted once only.
    used = current_code(device)
    other = Client()
    password_step(other, "mash_worker")
    response = other.post(reverse("two-factor"), {"code": used})
    assert response.status_code == 200 and "The code is not correct" in response.content.decode()


def test_the_page_asked_for_is_shown_after_the_code(
    two_factor_required: None, mash_worker: User
) -> None:
    device = confirmed_device(mash_worker)
    client = Client()
    response = client.post(
        reverse("login"), {"username": "mash_worker", "password": PASSWORD, "next": "/overview/"}
    )
    assert response["Location"] == reverse("two-factor")
    response = client.post(reverse("two-factor"), {"code": fresh_code(device)})
    assert response["Location"] == "/overview/"
    # Never somewhere else.
    client = Client()
    client.post(
        reverse("login"),
        {"username": "mash_worker", "password": PASSWORD, "next": "https://evil.example/"},
    )
    response = client.post(reverse("two-factor"), {"code": fresh_code(device)})
    assert response["Location"] == "/"


def test_first_sign_in_sets_up_an_authenticator_app(
    two_factor_required: None, assessment_worker: User
) -> None:
    client = Client()
    response = password_step(client, "assessment_worker")
    assert response["Location"] == reverse("two-factor-setup")
    assert client.get(reverse("two-factor"))["Location"] == reverse("two-factor-setup")
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert "<svg" in page and 'aria-label="QR code' in page
    secret = re.search(r'id="totp-secret"><code>([A-Z2-7 ]+)</code>', page)
    assert secret is not None
    device = TOTPDevice.objects.get(user=assessment_worker)
    assert not device.confirmed
    # The same secret until it is confirmed.
    assert secret.group(1) in client.get(reverse("two-factor-setup")).content.decode()
    assert TOTPDevice.objects.filter(user=assessment_worker).count() == 1
    response = client.post(reverse("two-factor-setup"), {"code": "999999"})
    if current_code(device) != "999999":
        assert "The code is not correct" in response.content.decode()
    response = client.post(reverse("two-factor-setup"), {"code": current_code(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/queue/").status_code == 200
    assert SignInEventKind.TWO_FACTOR_ENROLLED in kinds("assessment_worker")
    # Set up once: the next sign-in asks for the code.
    other = Client()
    assert password_step(other, "assessment_worker")["Location"] == reverse("two-factor")
    assert other.get(reverse("two-factor-setup"))["Location"] == reverse("two-factor")


def test_the_two_factor_pages_need_the_password_first(two_factor_required: None, org: Any) -> None:
    client = Client()
    assert client.get(reverse("two-factor"))["Location"] == reverse("login")
    assert client.get(reverse("two-factor-setup"))["Location"] == reverse("login")
    assert client.post(reverse("two-factor"), {"code": "123456"})["Location"] == reverse("login")


def test_the_demo_shows_the_current_code_only_in_demo_mode(
    two_factor_required: None, settings: Any, mash_worker: User
) -> None:
    device = confirmed_device(mash_worker)
    client = Client()
    password_step(client, "mash_worker")
    assert "Demo only" not in client.get(reverse("two-factor")).content.decode()
    settings.FRONTDOOR_DEMO_MODE = True
    page = client.get(reverse("two-factor")).content.decode()
    assert f"the code now is {current_code(device)}" in page


def test_without_two_factor_the_password_signs_in(mash_worker: User) -> None:
    """Off only in tests (see ``_two_factor_in_browsers``): the password alone signs in."""
    client = Client()
    assert password_step(client, "mash_worker")["Location"] == "/"
    assert client.get("/queue/").status_code == 200
    assert kinds("mash_worker") == [SignInEventKind.SIGNED_IN]


# ------------------------------------------------------------------------------ lockout


def test_five_wrong_passwords_lock_the_username(mash_worker: User) -> None:
    client = Client()
    for _ in range(4):
        response = password_step(client, "mash_worker", "wrong")
        assert response.status_code == 200 and WRONG in response.content.decode()
    response = password_step(client, "mash_worker", "wrong")
    assert LOCKED in response.content.decode() and WRONG not in response.content.decode()
    lock = SignInLock.objects.get()
    assert lock.username == "mash_worker" and lock.failures == 5
    assert lock.locked_until - lock.locked_at == timedelta(minutes=15)
    # The right password is refused while locked, in any case.
    for username in ("mash_worker", "MASH_Worker"):
        response = password_step(Client(), username)
        assert response.status_code == 200 and LOCKED in response.content.decode()
    assert kinds("mash_worker")[-3:] == [
        SignInEventKind.LOCKED,
        SignInEventKind.REFUSED_LOCKED,
        SignInEventKind.REFUSED_LOCKED,
    ]
    # The backend refuses too (any other way in).
    assert not Client().login(username="mash_worker", password=PASSWORD)


def test_a_lock_ends_after_its_period(mash_worker: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(5):
            password_step(Client(), "mash_worker", "wrong")
        clock.shift(timedelta(minutes=14))
        assert LOCKED in password_step(Client(), "mash_worker").content.decode()
        clock.shift(timedelta(minutes=2))
        client = Client()
        assert password_step(client, "mash_worker").status_code == 302
        assert client.get("/queue/").status_code == 200
        # Counting starts again: four failures do not lock.
        for _ in range(4):
            assert WRONG in password_step(Client(), "mash_worker", "wrong").content.decode()
        assert password_step(Client(), "mash_worker").status_code == 302


def test_failures_outside_the_window_do_not_count(mash_worker: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        for _ in range(4):
            password_step(Client(), "mash_worker", "wrong")
        clock.shift(timedelta(minutes=16))
        assert WRONG in password_step(Client(), "mash_worker", "wrong").content.decode()
        assert not SignInLock.objects.exists()


def test_the_lock_does_not_say_whether_the_username_exists(org: Any) -> None:
    from frontdoor.testing.personas import persona

    persona("mash_worker")
    pages = {}
    for username in ("mash_worker", "nobody_at_all"):
        client = Client()
        for _ in range(4):
            first = password_step(client, username, "wrong").content.decode()
        last = password_step(client, username, "wrong").content.decode()
        pages[username] = (
            first.replace(username, "USERNAME"),
            re.sub(r'value="[^"]*"', "", last.replace(username, "USERNAME")),
        )
    strip = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|nonce="[^"]+"')
    existing, missing = (
        tuple(strip.sub("", page) for page in pages[name])
        for name in ("mash_worker", "nobody_at_all")
    )
    assert existing == missing
    assert SignInLock.objects.filter(username="nobody_at_all").exists()


def test_wrong_codes_count_and_lock(two_factor_required: None, mash_worker: User) -> None:
    device = confirmed_device(mash_worker)
    client = Client()
    password_step(client, "mash_worker", "wrong")  # one wrong password ...
    password_step(client, "mash_worker")
    right = current_code(device)
    wrong = "111111" if right != "111111" else "222222"
    for _ in range(3):  # ... and three wrong codes
        assert client.post(reverse("two-factor"), {"code": wrong}).status_code == 200
    response = client.post(reverse("two-factor"), {"code": wrong})  # the fifth failure
    assert response.status_code == 302 and response["Location"] == reverse("login")
    page = client.get(reverse("login")).content.decode()
    assert LOCKED in page
    assert client.get("/queue/")["Location"].startswith(reverse("login"))  # signed out
    assert LOCKED in password_step(Client(), "mash_worker").content.decode()


def test_an_administrator_unlocks_a_username(administrator: User, mash_worker: User) -> None:
    for _ in range(5):
        password_step(Client(), "mash_worker", "wrong")
    lock = SignInLock.objects.get()
    administrator.is_staff = administrator.is_superuser = True
    administrator.save()
    admin = Client()
    admin.force_login(administrator)
    assert admin.get("/admin/accounts/signinlock/").status_code == 200
    assert admin.get("/admin/accounts/signinevent/").status_code == 200
    response = admin.post(
        "/admin/accounts/signinlock/",
        {"action": "unlock", "_selected_action": [lock.pk]},
    )
    assert response.status_code == 302
    lock.refresh_from_db()
    assert lock.unlocked_by == administrator and lock.unlocked_at is not None
    assert password_step(Client(), "mash_worker").status_code == 302
    assert SignInEventKind.UNLOCKED in kinds("mash_worker")
    # Unlocking twice is refused and saves nothing.
    before = row_counts()
    with pytest.raises(ValidationError, match="already been unlocked"):
        sign_in_unlock(lock=lock, by=administrator)
    assert row_counts() == before


def test_other_roles_cannot_see_the_sign_in_log(mash_manager: User) -> None:
    client = Client()
    client.force_login(mash_manager)
    response = client.get("/admin/accounts/signinevent/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# ------------------------------------------------------------------------- idle timeout


def test_an_idle_session_is_signed_out_with_a_message(mash_worker: User) -> None:
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.force_login(mash_worker)
        assert client.get("/queue/").status_code == 200
        for _ in range(3):  # in use: stays signed in past 30 minutes in all
            clock.shift(timedelta(minutes=20))
            assert client.get("/queue/").status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get("/queue/")
        assert response.status_code == 302
        assert response["Location"] == reverse("login") + "?next=/queue/"
        page = client.get(response["Location"]).content.decode()
        assert "You were signed out because you were inactive" in page
        # Once only.
        assert "inactive" not in client.get(reverse("login")).content.decode()
        assert client.get("/queue/").status_code == 302
    assert kinds("mash_worker") == [SignInEventKind.TIMED_OUT]


def test_the_idle_limit_is_a_setting(settings: Any, mash_worker: User) -> None:
    settings.FRONTDOOR_IDLE_MINUTES = 5
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        client = Client()
        client.force_login(mash_worker)
        client.get("/queue/")
        clock.shift(timedelta(minutes=6))
        assert client.get("/queue/").status_code == 302


# ------------------------------------------------------------------------ sign-in log


def test_the_sign_in_log_keeps_every_attempt_but_not_in_the_child_access_log(
    two_factor_required: None, mash_worker: User
) -> None:
    device = confirmed_device(mash_worker)
    client = Client()
    password_step(client, "mash_worker", "wrong", HTTP_USER_AGENT="Test browser")
    password_step(client, "mash_worker", HTTP_USER_AGENT="Test browser")
    client.post(reverse("two-factor"), {"code": fresh_code(device)})
    client.post(reverse("logout"))
    password_step(Client(), "no_such_person", "guess")
    assert kinds("mash_worker") == [
        SignInEventKind.PASSWORD_FAILED,
        SignInEventKind.PASSWORD_ACCEPTED,
        SignInEventKind.SIGNED_IN,
        SignInEventKind.SIGNED_OUT,
    ]
    event = SignInEvent.objects.filter(kind=SignInEventKind.PASSWORD_ACCEPTED).get()
    assert event.user == mash_worker and event.ip_address == "127.0.0.1"
    assert event.user_agent == "Test browser"
    assert kinds("no_such_person") == [SignInEventKind.PASSWORD_FAILED]
    assert not AccessLogEntry.objects.exists()
