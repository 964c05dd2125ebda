"""Jinja globals: the one way a page names a child who may be a restricted record.

``child_label(child)`` is the child's name, or "Restricted record (record 12)" for a signed-in
user who may not see it; ``child_hidden(child)`` says which, for a page that shows more than
the name (date of birth, postcode). Both read ``request.user`` from the template context and
cost one query per page, however long the list: the ids of the restricted children hidden
from the user are read once and kept on the request.
"""

from __future__ import annotations

from typing import Any

from jinja2 import pass_context
from jinja2.runtime import Context

from frontdoor.accounts.access import Perm, can
from frontdoor.restricted.selectors import hidden_child_ids, masked_label, restriction_of

CACHE = "_frontdoor_hidden_children"


def _hidden(context: Context) -> set[int]:
    request = context.get("request")
    if request is None:
        return set()
    cached = getattr(request, CACHE, None)
    if cached is None:
        cached = hidden_child_ids(getattr(request, "user", None))
        setattr(request, CACHE, cached)
    return cached


@pass_context
def child_hidden(context: Context, child: Any) -> bool:
    """Is ``child`` a restricted record the signed-in user may not see?"""
    if child is None:
        return False
    pk = child if isinstance(child, int) else getattr(child, "pk", None)
    return pk in _hidden(context)


@pass_context
def child_label(context: Context, child: Any) -> str:
    """The child's name, or "Restricted record (record N)" if the user may not see it."""
    if child is None:
        return ""
    if child_hidden(context, child):
        return masked_label(child)
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
