"""The session key changes at each step of signing in: at the password, and again when the
second factor succeeds (a key seen before the code is useless after it)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.models import User
from frontdoor.accounts.signin import current_code
from frontdoor.testing.factories import PASSWORD

pytestmark = pytest.mark.django_db


def key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def test_the_session_key_is_rotated_when_the_code_is_accepted(
    two_factor_required: None, mash_worker: User
) -> None:
    device = TOTPDevice.objects.create(user=mash_worker, name="App", confirmed=True)
    client = Client()
    client.get(reverse("login"))
    client.post(reverse("login"), {"username": "mash_worker", "password": PASSWORD})
    after_password = key(client)

    response = client.post(reverse("two-factor"), {"code": current_code(device)})

    assert response.status_code == 302
    after_code = key(client)
    assert after_code != after_password
    assert not SessionStore().exists(after_password)  # the old key is gone, not just unused
    assert client.get("/queue/").status_code == 200
    # Someone holding the key from before the code has nothing.
    stale = Client()
    stale.cookies[settings.SESSION_COOKIE_NAME] = after_password
    assert stale.get("/queue/").status_code == 302


def test_the_session_key_is_rotated_when_an_authenticator_app_is_set_up(
    two_factor_required: None, assessment_worker: User
) -> None:
    client = Client()
    client.post(reverse("login"), {"username": "assessment_worker", "password": PASSWORD})
    page = client.get(reverse("two-factor-setup")).content.decode()
    assert re.search(r'id="totp-secret"', page)
    before = key(client)
    device: Any = TOTPDevice.objects.get(user=assessment_worker)

    client.post(reverse("two-factor-setup"), {"code": current_code(device)})

    assert key(client) != before and not SessionStore().exists(before)
    assert client.get("/queue/").status_code == 200
