"""Template context for security: the Content Security Policy nonce."""

from __future__ import annotations

from django.http import HttpRequest


def security(request: HttpRequest) -> dict[str, str]:
    """``cspNonce``: GOV.UK Frontend's page template puts it on its one inline script, so the
    policy needs no 'unsafe-inline' (django-csp adds the nonce to the header once read)."""
    nonce = getattr(request, "csp_nonce", None)
    return {"cspNonce": str(nonce) if nonce is not None else ""}
