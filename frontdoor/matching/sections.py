"""What matching shows on the child's page: a banner when the record was merged (or a merge
was just made or undone), and the possible duplicates (``frontdoor.people.sections``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frontdoor.people.models import Person
from frontdoor.people.sections import ChildSection, child_section_register


def _duplicates(request: HttpRequest, child: Person) -> dict[str, Any]:
    from frontdoor.matching.views import child_panel

    return {"duplicates": child_panel(request, child)}


def register_child_sections() -> None:
    child_section_register(
        ChildSection("duplicates-banner", 10, "matching/_child_banner.html", place="banner")
    )
    child_section_register(
        ChildSection("duplicates", 90, "matching/_child_panel.html", _duplicates)
    )
