"""The child's page is built from the sections each stage registers
(frontdoor.people.sections)."""

from __future__ import annotations

import pytest

from frontdoor.people.sections import ChildSection, child_sections


def test_each_stage_registers_its_part_of_the_childs_page_in_page_order() -> None:
    assert [(s.place, s.key) for s in child_sections()] == [
        ("banner", "duplicates-banner"),
        ("summary", "repeats"),
        ("main", "contacts"),
        ("main", "strategy"),
        ("main", "assessments"),
        ("main", "escalations"),
        ("main", "oversight"),
        ("main", "duplicates"),
    ]


def test_a_section_goes_in_a_place_the_page_has() -> None:
    with pytest.raises(ValueError, match="not 'footer'"):
        ChildSection("x", 1, "x.html", place="footer")
