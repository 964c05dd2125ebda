"""The demo runs with DEBUG off: a missing page is the service's own GOV.UK 404 page (not
Django's debug page listing every URL pattern), an error its own 500 page, and the static
files still load (collected to STATIC_ROOT and served by WhiteNoise)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

#: What ``frontdoor demo`` does before serving (``frontdoor.cli`` and ``demo_run``), then a
#: few requests through the whole middleware stack.
SCRIPT = """
import json, sys
from frontdoor.cli import demo_environment
demo_environment()
import django
django.setup()
from django.conf import settings
from django.test import Client, RequestFactory
from django.views.defaults import server_error
from frontdoor.demo.management.commands.demo_run import static_collect
static_collect()
client = Client()
missing = client.get("/no-such-page/")
api_missing = client.get("/api/v1/no-such-operation")
error = server_error(RequestFactory().get("/"))
static = {
    path: client.get(path).status_code
    for path in (
        "/static/govuk/govuk-frontend.min.css",
        "/static/frontdoor/frontdoor.css",
        "/static/govuk/govuk-frontend.min.js",
        "/assets/images/favicon.ico",
    )
}
print(json.dumps({
    "debug": settings.DEBUG,
    "finders": settings.WHITENOISE_USE_FINDERS,
    "missing": [missing.status_code, missing.content.decode()],
    "api_missing": [api_missing.status_code, api_missing["Content-Type"]],
    "error": [error.status_code, error.content.decode()],
    "static": static,
}))
"""


def test_the_demo_serves_its_own_404_and_500_pages_and_its_static_files_with_debug_off(
    tmp_path: Path,
) -> None:
    env: dict[str, Any] = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "DEBUG"))
    }
    env.update(
        DEBUG="1",  # as a developer's shell might say: the demo turns it off all the same
        FRONTDOOR_VAR_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="frontdoor.settings",
    )
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["debug"] is False and result["finders"] is False

    status, page = result["missing"]
    assert status == 404
    assert "Page not found" in page and "govuk-template__header" in page
    for debug_text in ("URLconf", "urlpatterns", "Django tried these URL patterns", "DEBUG"):
        assert debug_text not in page, debug_text
    assert "audit/" not in page and "admin/" not in page
    assert result["api_missing"] == [404, "application/problem+json"]

    status, page = result["error"]
    assert status == 500
    assert "Sorry, there is a problem with the service" in page and "govuk-template__header" in page
    assert "Traceback" not in page

    assert result["static"] == {path: 200 for path in result["static"]}
    assert (tmp_path / "static" / "govuk" / "govuk-frontend.min.css").is_file()


def test_frontdoor_demo_turns_debug_off_before_the_settings_load(monkeypatch: Any) -> None:
    from frontdoor import cli

    ran: list[list[str]] = []
    monkeypatch.setenv("DEBUG", "1")
    monkeypatch.setattr("django.core.management.execute_from_command_line", ran.append)

    cli.main(["demo", "--no-worker"])

    assert os.environ["DEBUG"] == "0"
    assert ran == [["frontdoor", "demo_run", "--no-worker"]]
    monkeypatch.setenv("DEBUG", "1")
    cli.main(["check"])  # any other command leaves it as it was
    assert os.environ["DEBUG"] == "1"
