"""Jinja globals: a child's name and whether it is a restricted record hidden from the reader.

Masking itself happens in ``Person`` and the Jinja environment (``frontdoor.people.masking``):
``{{ child.full_name }}`` already prints "Restricted record (record 12)" for a signed-in user
who may not see the child. ``child_label(child)`` is kept as the readable way to say "this
child's name", and ``child_hidden(child)`` tells a page to leave out what it would have said
around the details (hints, links to the record). Both ask the request's viewer, which reads
the hidden children once per request, however long the list.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from frontdoor.accounts.access import Perm, can
from frontdoor.people.masking import masked
from frontdoor.restricted.selectors import restriction_of


@pass_context
def child_hidden(context: Context, child: Any) -> bool:
    """Is ``child`` (a person or its id) a restricted record the reader may not see?"""
    return masked(child)


@pass_context
def child_label(context: Context, child: Any) -> str:
    """The child's name, or "Restricted record (record N)" if the reader may not see it."""
    if child is None:
        return ""
    return str(child.full_name)


@pass_context
def restriction_banner(context: Context, child: Any) -> dict[str, Any] | None:
    """For the child's page: its live restriction and whether the user may manage it."""
    request = context.get("request")
    user = getattr(request, "user", None)
    restriction = restriction_of(child) if child is not None else None
    may_manage = can(user, Perm.RESTRICT_MANAGE)
    if restriction is None and not may_manage:
        return None
    return {"restriction": restriction, "may_manage": may_manage}


@pass_context
def may_manage_restrictions(context: Context) -> bool:
    request = context.get("request")
    return can(getattr(request, "user", None), Perm.RESTRICT_MANAGE)


def restricted_globals() -> dict[str, Any]:
    return {
        "child_label": child_label,
        "child_hidden": child_hidden,
        "restriction_banner": restriction_banner,
        "may_manage_restrictions": may_manage_restrictions,
    }
