"""Before and after, in words: how a correction's event is shown in a history or chronology.

A correction (a child's date of birth, a contact's received time) appends one event whose
``before`` and ``after`` hold the changed fields' stored values (dates as ISO strings, choices
as their codes). Apps register the actions that are corrections and how to name each field
and its values (``changes_register``, from an app's ``ready()``); ``changes_of(event)`` then
gives the rows a page shows: field, before, after.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.utils import timezone

NOT_RECORDED = "Not recorded"


@dataclass(frozen=True)
class FieldWords:
    label: str
    #: Stored value -> words; None: plain text, dates, times and yes/no recognised.
    choices: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    before: str
    after: str


_ACTIONS: set[str] = set()
_FIELDS: dict[str, FieldWords] = {}


def changes_register(*, actions: Iterable[str], fields: Mapping[str, FieldWords | str]) -> None:
    """Make ``actions`` show their before and after; name each field (and its choices)."""
    _ACTIONS.update(actions)
    for name, words in fields.items():
        _FIELDS[name] = words if isinstance(words, FieldWords) else FieldWords(words)


def _words(value: Any, choices: Mapping[str, str] | None) -> str:
    if value is None or value == "" or value == []:
        return NOT_RECORDED
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if choices is not None:
        return choices.get(str(value), str(value))
    if isinstance(value, str):
        text = value.strip()
        try:
            if len(text) == 10:
                day = date.fromisoformat(text)
                return f"{day.day} {day:%b %Y}"
            if len(text) > 10 and text[4] == "-" and "T" in text:
                moment = timezone.localtime(datetime.fromisoformat(text))
                return f"{moment.day} {moment:%b %Y %H:%M}"
        except ValueError:
            pass
        return text
    return str(value)


def field_label(name: str) -> str:
    found = _FIELDS.get(name)
    return found.label if found else name.replace("_", " ").capitalize()


def changes_of(event: Any) -> list[Change]:
    """The fields a correction changed, in words, in the order they were recorded."""
    if getattr(event, "action", "") not in _ACTIONS:
        return []
    before = event.before if isinstance(event.before, Mapping) else {}
    after = event.after if isinstance(event.after, Mapping) else {}
    rows = []
    for name in dict.fromkeys([*before, *after]):
        words = _FIELDS.get(name, FieldWords(field_label(name)))
        rows.append(
            Change(
                field=name,
                label=words.label,
                before=_words(before.get(name), words.choices),
                after=_words(after.get(name), words.choices),
            )
        )
    return rows


#: For templates: ``event_changes(event)``.
event_changes: Callable[[Any], list[Change]] = changes_of
