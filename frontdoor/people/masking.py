"""Who is looking, and what of a person they may be shown: the one path a child's identity
takes to a response.

A request has a **viewer** (set by ``frontdoor.restricted.middleware`` for every page and API
call): it knows which restricted children are hidden from the signed-in user. While one is
set, a hidden child prints as "Restricted record (record N)" wherever it is printed:

- ``Person.full_name`` and ``str(person)`` (so page titles, form choices, CSV cells, API
  fields and emails built from them are masked without the caller doing anything);
- in templates, every identifying attribute (``first_name``, ``date_of_birth``,
  ``nhs_number``, ``upn``, aliases, addresses ...) read from a ``Person`` or from a row that
  belongs to one (``Address``, ``Alias``): the Jinja environment asks ``masked_attribute``
  (``frontdoor.jinja2``);
- the API's child serializer (``ChildOut.of``) asks ``masked``.

With no viewer (services called by the worker, management commands, the demo generator,
tests calling services) everything is real. A request's services see the same masked names,
but they only ever write about a child the restricted-record guard let the user reach (the
guard runs in ``access_log_record`` before any change is kept), so nothing masked is stored.

This module knows nothing about restrictions: the viewer is any object with ``hides(pk)``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Protocol


class Viewer(Protocol):
    def hides(self, person_id: int) -> bool:
        """Is this person's record hidden from whoever is looking?"""
        ...


_VIEWER: ContextVar[Viewer | None] = ContextVar("frontdoor_viewer", default=None)


def current_viewer() -> Viewer | None:
    return _VIEWER.get()


@contextmanager
def viewing(viewer: Viewer | None) -> Iterator[None]:
    """Everything printed inside is printed for ``viewer`` (None: real values)."""
    token = _VIEWER.set(viewer)
    try:
        yield
    finally:
        _VIEWER.reset(token)


def masked(person: Any) -> bool:
    """Is ``person`` (a Person or its primary key) hidden from the current viewer?"""
    viewer = _VIEWER.get()
    if viewer is None or person is None:
        return False
    pk = person if isinstance(person, int) else getattr(person, "pk", None)
    return pk is not None and viewer.hides(int(pk))


def child_reference(person: Any) -> str:
    """How a restricted child is named to those who may not see it: its record number."""
    pk = person if isinstance(person, int) else person.pk
    return f"record {pk}"


def masked_label(person: Any) -> str:
    return f"Restricted record ({child_reference(person)})"


# ------------------------------------------------------------------ attributes in templates

#: By model (or any class a template reads): how to find the person a row belongs to (an id,
#: or a tuple of ids for a row about several), and the attributes that identify them (each
#: with what a viewer who may not see the person is shown instead). Registered by
#: ``frontdoor.people.models``; another app registers its own class that holds a person's
#: identifying details (``frontdoor.matching``: a duplicate proposal's reasons quote both
#: names).
Mask = Callable[[Any], Any]
_MASKED_MODELS: dict[type, tuple[Callable[[Any], Any], dict[str, Mask]]] = {}
#: Attributes never masked on a registered row: what links it, not what it says.
_ALWAYS_SHOWN = frozenset({"pk", "id", "person_id", "child_id", "kind", "_meta", "_state"})


def masked_model_register(
    model: type, *, person_id: Callable[[Any], Any], masks: dict[str, Mask]
) -> None:
    """Mask ``masks`` (attribute -> replacement) on rows of ``model`` whose person
    (``person_id(row)``) is hidden from the viewer."""
    _MASKED_MODELS[model] = (person_id, masks)


class _Shown:
    """``masked_attribute``'s answer when the attribute is not masked."""


SHOWN: Any = _Shown()


def masked_attribute(obj: Any, name: str) -> Any:
    """What a template is shown for ``obj.name``: the masked replacement, or ``SHOWN`` when
    the real attribute may be shown. One dictionary lookup for anything but a registered
    model, so the Jinja environment can ask on every attribute read."""
    spec = _MASKED_MODELS.get(type(obj))
    if spec is None or name in _ALWAYS_SHOWN:
        return SHOWN
    person_id, masks = spec
    mask = masks.get(name)
    if mask is None:
        return SHOWN
    ids = person_id(obj)
    if isinstance(ids, tuple):
        if not any(masked(pk) for pk in ids):
            return SHOWN
    elif not masked(ids):
        return SHOWN
    return mask(obj)


def blank(_obj: Any) -> str:
    return ""


def nothing(_obj: Any) -> None:
    return None


def related_none(name: str) -> Mask:
    """A related manager that finds nothing (``child.addresses.all()`` is empty)."""
    return lambda obj: getattr(obj, name).none()


def returns(value: Any) -> Mask:
    """A method that answers ``value`` (``child.get_sex_display()``, ``child.age_on(d)``)."""
    return lambda _obj: lambda *args, **kwargs: value
