"""One registry of event types (frontdoor.audit.event_types): every event the code appends is
registered with a label, a chronology category and its data; an unregistered one is refused."""

from __future__ import annotations

import ast
import pathlib
import re

import pytest

from frontdoor.audit.event_types import (
    EventType,
    UnregisteredEventType,
    event_label,
    event_type,
    event_type_register,
    event_types,
)
from frontdoor.audit.models import Event
from frontdoor.audit.services import event_append, history_write
from frontdoor.people.chronology import OTHER, categories, category_of
from frontdoor.testing.factories import PersonFactory, local

ROOT = pathlib.Path(__file__).resolve().parents[2]
WRITERS = {"event_append", "history_write"}
EVENT_NAME = re.compile(r"^[a-z0-9_]+\.[a-z0-9_]+$")


def _constants(tree: ast.Module) -> dict[str, str]:
    return {
        target.id: node.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        for target in node.targets
        if isinstance(target, ast.Name) and isinstance(node.value.value, str)
    }


def _names(value: ast.expr, constants: dict[str, str]) -> list[str] | None:
    """The event names an ``action=`` argument can take, or None if it is computed."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value]
    if isinstance(value, ast.Name) and value.id in constants:
        return [constants[value.id]]
    if isinstance(value, ast.IfExp):
        body, orelse = _names(value.body, constants), _names(value.orelse, constants)
        return None if body is None or orelse is None else body + orelse
    return None


def appended_names() -> dict[str, str]:
    """Every event name the application code appends (name -> where), from its source."""
    every_constant: dict[str, str] = {}
    trees = {}
    for path in sorted(ROOT.rglob("*.py")):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        trees[path] = ast.parse(path.read_text())
        every_constant.update(_constants(trees[path]))
    found: dict[str, str] = {}
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            called = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            called = node.func.id if isinstance(node.func, ast.Name) else called
            action = next((k.value for k in node.keywords if k.arg == "action"), None)
            if action is None:
                continue
            names = _names(action, every_constant)
            if called not in WRITERS:
                # A helper that passes its ``action`` on to the writers (people's records).
                if names is None or not all(EVENT_NAME.match(name) for name in names):
                    continue
            elif names is None:
                # Passed through from a parameter (``action=action``): its callers are scanned.
                assert isinstance(action, ast.Name), f"{path}:{node.lineno}"
                continue
            for name in names:
                found[name] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_the_scan_finds_the_events_of_every_stage():
    found = appended_names()
    for name in ("contact.recorded", "enquiry.closed", "transfer.accepted", "strategy.held"):
        assert name in found
    assert "person.corrected" in found and "relationship.added" in found  # through constants
    assert {"request.answered", "request.not_shared"} <= found.keys()  # both arms of an if
    assert len(found) > 80


def test_every_event_the_code_appends_is_registered():
    unregistered = {
        name: where
        for name, where in appended_names().items()
        if name not in {kind.name for kind in event_types()}
    }
    assert unregistered == {}


@pytest.mark.django_db
def test_every_registered_type_has_a_label_and_a_chronology_category():
    keys = {category.key for category in categories()}
    appended = appended_names()
    for kind in event_types():
        if kind.name not in appended and kind.name != "benchmark.bare_insert":
            continue  # registered by a test module
        assert kind.label.strip() and kind.label[0].isupper(), kind
        assert kind.category in keys, kind
        assert all(isinstance(key, str) and key for key in kind.data), kind


def test_a_type_without_a_label_or_category_is_refused():
    with pytest.raises(ValueError, match="needs a name, label and category"):
        event_type_register(EventType("x.y", "", "other"))
    with pytest.raises(ValueError, match="needs a name, label and category"):
        event_type_register(EventType("x.y", "X", ""))


@pytest.mark.django_db
def test_appending_an_unregistered_event_is_refused():
    child = PersonFactory()

    with pytest.raises(UnregisteredEventType, match=r"'contact\.recieved' is not registered"):
        event_append(
            record=child, action="contact.recieved", summary="", at=local(2026, 3, 2), actor=None
        )
    with pytest.raises(UnregisteredEventType):
        history_write(
            record=child,
            action="contact.recieved",
            summary="",
            at=local(2026, 3, 2),
            actor=None,
            child=child,
        )
    assert not Event.objects.exists()


def test_the_chronology_and_history_read_the_registry():
    assert category_of("transfer.accepted").key == "transfers"
    assert event_type("transfer.accepted").label == "Transfer accepted"
    assert Event(action="enquiry.closed").label == event_label("enquiry.closed")
    assert event_type("enquiry.closed").data == ("status",)
    # A type's category is its registered one, whatever its name's prefix says.
    event_type_register(EventType("person.registry_probe", "Probe", "transfers"))
    assert category_of("person.registry_probe").key == "transfers"
    event_type_register(EventType("person.registry_probe", "Probe", OTHER.key))
    assert category_of("person.registry_probe") == OTHER
    # Stored history from before the registry still falls under a category by its prefix.
    assert event_label("contact.old_kind") == "contact.old_kind"
    assert category_of("contact.old_kind").key == "contacts"
