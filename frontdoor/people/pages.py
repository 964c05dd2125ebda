"""What other stages' pages show of a person, logged as read: the child's household as the
signed-in user may see it (the MASH's partner request page). The children's own pages are in
``frontdoor.children``."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frontdoor.people.models import Person, Relationship
from frontdoor.people.selectors import household_for_viewer
from frontdoor.web.pages import log_view


def household_shown(request: HttpRequest, child: Person, record: Any) -> list[Relationship]:
    """The child's live household as the signed-in user may see it (partner agencies: as the
    policy allows), its adults logged as read through ``record``."""
    shown = household_for_viewer(request.user, child)
    if shown:
        log_view(request, [r.person for r in shown], record)
    return shown
