"""Jinja globals that ask the access policy on a page's behalf.

``may(perm, obj=None)`` answers ``can(request.user, perm, obj)`` for the signed-in user, so a
page offers a link or a button only to a reader the target would let in: write
``{% if may("enquiry_view") %}<a href=...>{% endif %}``, never a test of the user's role.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from frontdoor.accounts.access import Perm, can


@pass_context
def may(context: Context, perm: str, obj: Any = None) -> bool:
    """May the signed-in user do ``perm`` (a ``Perm`` value), to ``obj`` when given?"""
    request = context.get("request")
    return can(getattr(request, "user", None), Perm(perm), obj)


def access_globals() -> dict[str, Any]:
    return {"may": may}
