"""What intake shows on the child's page: repeat contacts and referrals (under the child's
details) and the contacts about the child (``frontdoor.people.sections``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from frontdoor.intake.models import ContactChild
from frontdoor.intake.repeats import child_check
from frontdoor.people.models import Person
from frontdoor.people.sections import ChildSection, child_section_register


def _repeats(request: HttpRequest, child: Person) -> dict[str, Any]:
    return {"repeat": child_check(child)}


def _contacts(request: HttpRequest, child: Person) -> dict[str, Any]:
    return {
        "contacts": ContactChild.objects.filter(child=child)
        .select_related("contact")
        .order_by("-contact__received_at")
    }


def register_child_sections() -> None:
    child_section_register(
        ChildSection("repeats", 10, "intake/_repeats.html", _repeats, place="summary")
    )
    child_section_register(ChildSection("contacts", 10, "intake/_child_contacts.html", _contacts))
