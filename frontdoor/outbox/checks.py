"""System checks for the outbox settings (run by ``frontdoor check`` and at start-up)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks

from frontdoor.outbox.channels import CHANNELS


@checks.register()
def outbox_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    errors: list[checks.CheckMessage] = []
    channel = getattr(settings, "FRONTDOOR_OUTBOX_CHANNEL", "email")
    if channel not in CHANNELS:
        errors.append(
            checks.Error(
                f"FRONTDOOR_OUTBOX_CHANNEL is {channel!r}",
                hint=f"Use one of {', '.join(CHANNELS)}.",
                id="outbox.E001",
            )
        )
    if channel == "notify":
        for name in ("FRONTDOOR_NOTIFY_API_KEY", "FRONTDOOR_NOTIFY_TEMPLATE_ID"):
            if not getattr(settings, name, ""):
                errors.append(
                    checks.Error(
                        f"{name} is not set",
                        hint="The notify channel needs an API key and one generic template.",
                        id="outbox.E002",
                    )
                )
    for name in (
        "FRONTDOOR_OUTBOX_LEASE_SECONDS",
        "FRONTDOOR_OUTBOX_MAX_ATTEMPTS",
    ):
        value = getattr(settings, name, 1)
        if not isinstance(value, int) or value < 1:
            errors.append(checks.Error(f"{name} must be a whole number above 0", id="outbox.E003"))
    return errors
