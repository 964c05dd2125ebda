"""The demo's logins each have an authenticator app, and the printed table gives its key."""

from __future__ import annotations

from base64 import b32decode

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.signin import current_code
from frontdoor.demo.management.commands.demo_seed import logins_table
from frontdoor.demo.reference import DEMO_USERS, demo_users_ensure

pytestmark = pytest.mark.django_db


def test_every_demo_login_has_a_two_factor_secret_printed_with_it() -> None:
    rows = demo_users_ensure("demo-password")
    table = logins_table(rows)
    assert "Two-factor secret" in table.splitlines()[0]
    for spec in DEMO_USERS:
        device = TOTPDevice.objects.get(user__username=spec.username, confirmed=True)
        line = next(li for li in table.splitlines() if li.startswith(spec.username + " "))
        secret = "".join(line.split("demo-password", 1)[1].split())
        # The printed secret is the device's: an app given it shows the code the site expects.
        assert TOTP(b32decode(secret)).token() == int(current_code(device))
    # Idempotent: the same secrets every time, one device a login.
    assert logins_table(demo_users_ensure("demo-password")) == table
    assert TOTPDevice.objects.count() == len(DEMO_USERS)
