"""The authentication backend: Django's model backend that refuses a locked username.

The sign-in page checks the lock before it asks for a password check; this is the second
guard, for any other way in (``authenticate()`` from elsewhere).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest


class LockoutAwareModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        from frontdoor.accounts.signin import active_lock

        if username is not None and active_lock(username) is not None:
            raise PermissionDenied("This username is locked.")  # stops every backend
        return super().authenticate(request, username=username, password=password, **kwargs)
