"""Suite-wide test settings: tasks run immediately, email stays in memory, submissions become
contacts at once."""

from __future__ import annotations

from typing import Any

import pytest

pytest_plugins = [
    "frontdoor.testing.database",
    "frontdoor.testing.fixtures",
    "frontdoor.testing.moments",
]


@pytest.fixture(autouse=True)
def _test_settings(settings: Any) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.WHITENOISE_AUTOREFRESH = True
    # Submissions become contacts in the request's transaction, unless a test asks for the
    # worker (see frontdoor/intake/tests/test_conversion.py).
    settings.FRONTDOOR_INTAKE_CONVERT = "inline"
    # Every token lookup reads the database, unless a test is about the cache.
    settings.FRONTDOOR_API_TOKEN_CACHE_SECONDS = 0
