"""The child's page is built from sections that each stage registers: the children app does
not import the later stages to show what they hold about a child.

A stage registers its sections from its ``AppConfig.ready()``::

    child_section_register(
        ChildSection(
            "assessments",
            order=30,
            template="assessments/_child_section.html",
            context=lambda request, child: {"assessments_for_child": ...},
        )
    )

``place`` is where on the page the section goes: ``banner`` (above the heading),
``summary`` (under the child's details) or ``main`` (after the household); within a place,
sections follow ``order``. What ``context`` returns is added to the page's context, so the
section's template (and any other section's) can use it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from frontdoor.people.models import Person

PLACES = ("banner", "summary", "main")


@dataclass(frozen=True)
class ChildSection:
    key: str
    order: int
    template: str
    context: Callable[[HttpRequest, Person], dict[str, Any]] | None = None
    place: str = "main"

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"A child-page section goes in one of {PLACES}, not {self.place!r}")


_SECTIONS: dict[str, ChildSection] = {}


def child_section_register(section: ChildSection) -> None:
    """Add (or replace, by key) a section of the child's page: call from ``ready()``."""
    _SECTIONS[section.key] = section


def child_sections() -> list[ChildSection]:
    """Every registered section, in page order."""
    return sorted(_SECTIONS.values(), key=lambda s: (PLACES.index(s.place), s.order, s.key))


def child_sections_context(request: HttpRequest, child: Person) -> dict[str, Any]:
    """What the registered sections add to the child's page, and ``child_sections``: for each
    place, the templates to include there, in order."""
    context: dict[str, Any] = {}
    places: dict[str, list[str]] = {place: [] for place in PLACES}
    for section in child_sections():
        if section.context is not None:
            context.update(section.context(request, child))
        places[section.place].append(section.template)
    context["child_sections"] = places
    return context
