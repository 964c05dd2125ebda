"""Deployment checks (``manage.py check --deploy``) for Front Door's own security settings."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def sign_in_settings(app_configs: Any, **kwargs: Any) -> list[Warning]:
    problems: list[Warning] = []
    if not settings.FRONTDOOR_REQUIRE_2FA:
        problems.append(
            Warning(
                "Two-factor sign-in is off (FRONTDOOR_REQUIRE_2FA).",
                hint="Everyone who signs in must pass a second factor: leave it on.",
                id="frontdoor.W001",
            )
        )
    if settings.FRONTDOOR_DEMO_MODE:
        problems.append(
            Warning(
                "Demo mode is on: the sign-in page shows the current two-factor code.",
                hint="Never set FRONTDOOR_DEMO_MODE outside the demo.",
                id="frontdoor.W002",
            )
        )
    if not settings.FRONTDOOR_IDLE_MINUTES or settings.FRONTDOOR_IDLE_MINUTES > 60:
        problems.append(
            Warning(
                "Idle sessions are not signed out within an hour (FRONTDOOR_IDLE_MINUTES).",
                hint="Use 30 minutes or less.",
                id="frontdoor.W003",
            )
        )
    if "'unsafe-inline'" in str(getattr(settings, "CONTENT_SECURITY_POLICY", "")):
        problems.append(
            Warning(
                "The Content Security Policy allows inline scripts or styles.",
                id="frontdoor.W004",
            )
        )
    return problems
