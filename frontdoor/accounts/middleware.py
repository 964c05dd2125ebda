"""Default deny: a view that has not declared its permission is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from frontdoor.accounts.access import Perm, can

ATTR = "frontdoor_permission"
PUBLIC = "public"
OPEN_PREFIXES = ("/admin/", "/static/", "/api/", "/assets/")


def requires(perm: Perm | str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the permission a view needs (``PUBLIC`` for sign-in pages)."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        setattr(view, ATTR, perm)
        return view

    return decorate


class DefaultDenyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.path.startswith(OPEN_PREFIXES):
            return None  # the admin checks staff status; the API checks its own auth
        perm = getattr(view_func, ATTR, None) or getattr(
            getattr(view_func, "view_class", None), ATTR, None
        )
        if perm == PUBLIC:
            return None
        if perm is None:
            raise PermissionDenied("This page has not declared who may see it.")
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not can(request.user, Perm(perm)):
            raise PermissionDenied
        return None
