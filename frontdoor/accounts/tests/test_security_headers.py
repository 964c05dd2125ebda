"""Security headers, the Content Security Policy, and the production settings."""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from frontdoor.accounts.models import User

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_with_a_nonce_for_the_inline_script(
    mash_worker: User,
) -> None:
    client = Client()
    client.force_login(mash_worker)
    for path in ("/sign-in/", "/queue/", "/refer/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        policy = response["Content-Security-Policy"]
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy
        directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"
        assert directives["object-src"] == "'none'"
        nonce = re.search(r"'nonce-([^']+)'", directives["script-src"])
        assert nonce is not None, policy
        page = response.content.decode()
        inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
        assert inline, "GOV.UK Frontend's inline script"
        assert all(f'nonce="{nonce.group(1)}"' in attrs for attrs in inline), inline
        assert "style=" not in page  # style-src 'self': no inline styles
    # A fresh nonce each time.
    first = client.get("/queue/")["Content-Security-Policy"]
    assert first != client.get("/queue/")["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_other_security_headers(mash_worker: User) -> None:
    client = Client()
    response = client.get("/sign-in/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    client.force_login(mash_worker)
    assert "no-store" in client.get("/queue/")["Cache-Control"]
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def production_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DEBUG"))}
    env.update(
        FRONTDOOR_PROFILE="production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="frontdoor.example.org",
        FRONTDOOR_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="frontdoor.settings",
    )
    return env


PRODUCTION_SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.core.management import call_command
call_command("check", deploy=True, fail_level="WARNING")
from django.test import Client
response = Client().get("/sign-in/", secure=True, HTTP_HOST="frontdoor.example.org")
print(json.dumps({
    "status": response.status_code,
    "headers": dict(response.headers),
    "cookies": {name: dict(c) for name, c in response.cookies.items()},
    "require_2fa": settings.FRONTDOOR_REQUIRE_2FA,
    "demo": settings.FRONTDOOR_DEMO_MODE,
    "hashers": settings.PASSWORD_HASHERS,
}))
"""


def test_production_settings_pass_check_deploy_and_send_hsts(tmp_path: Path) -> None:
    """``manage.py check --deploy`` with production environment variables: no warnings."""
    env = production_env(tmp_path)
    env["FRONTDOOR_REQUIRE_2FA"] = "0"  # cannot be turned off in production
    env["FRONTDOOR_DEMO_MODE"] = "1"  # nor the demo's hint turned on
    done = subprocess.run(
        [sys.executable, "-c", PRODUCTION_SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout + done.stderr
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] == 200
    headers = result["headers"]
    assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert "'nonce-" in headers["Content-Security-Policy"]
    assert result["require_2fa"] is True and result["demo"] is False
    assert result["hashers"][0].endswith("Argon2PasswordHasher")
    csrf = result["cookies"]["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]


def test_check_deploy_warns_about_weakened_sign_in(tmp_path: Path) -> None:
    from django.core.checks import run_checks
    from django.test import override_settings

    with override_settings(
        FRONTDOOR_REQUIRE_2FA=False, FRONTDOOR_DEMO_MODE=True, FRONTDOOR_IDLE_MINUTES=0
    ):
        ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert {"frontdoor.W001", "frontdoor.W002", "frontdoor.W003"} <= ids
