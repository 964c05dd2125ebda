"""The rows that point at a child's record, in plain words, and moving them to another record
(a merge moves them; undoing it moves them back)."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import IntegrityError, models, transaction
from django.db.models import Q

from frontdoor.people.models import Person

# Rows of these apps stay where they are: history is never rewritten, and matching's own
# rows (keys, pairs, merges) describe the records themselves.
UNMOVED_APPS = frozenset({"audit", "matching"})


def person_relations() -> list[tuple[str, type[models.Model], str]]:
    """``("app.Model.field", model, field name)`` for every row kind that can be moved.

    Every relation pointing at ``Person`` (hidden ones too), except audit and matching.
    """
    found: list[tuple[str, type[models.Model], str]] = []
    for rel in Person._meta.get_fields(include_hidden=True):
        if not (rel.auto_created and not rel.concrete) or rel.many_to_many:
            continue
        model = rel.related_model
        field = getattr(rel, "field", None)
        if (
            not (isinstance(model, type) and issubclass(model, models.Model))
            or field is None
            or model._meta.app_label in UNMOVED_APPS
        ):
            continue
        found.append((f"{model._meta.label}.{field.name}", model, field.name))
    return sorted(found, key=lambda item: item[0])


RELATION_LABELS = {
    "intake.ContactChild.child": "Contacts",
    "intake.Referral.child": "Referrals",
    "mash.Enquiry.child": "MASH enquiries",
    "protection.Transfer.child": "Transfers",
    "protection.Visit.child": "Visits",
    "people.Alias.person": "Other names",
    "people.Address.person": "Addresses",
    "people.Disability.person": "Disabilities",
    "people.Relationship.child": "People related to the child",
    "people.Relationship.person": "Children the person is related to",
    "people.Person.merged_into": "Records merged into it before",
}


def relation_label(key: str) -> str:
    """A moved-rows key ("app.Model.field") in words."""
    if key in RELATION_LABELS:
        return RELATION_LABELS[key]
    relation = _relation(key)
    if relation is None:
        return key
    model, field_name = relation
    return f"{str(model._meta.verbose_name_plural).capitalize()} ({field_name})"


def _relation(key: str) -> tuple[type[models.Model], str] | None:
    label, _, field_name = key.rpartition(".")
    try:
        model = apps.get_model(label)
        model._meta.get_field(field_name)
    except (LookupError, ValueError, FieldDoesNotExist):
        return None
    return model, field_name


def _unique_rules(model: type[models.Model]) -> list[tuple[str, list[str], Q | None]]:
    rules: list[tuple[str, list[str], Q | None]] = []
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            rules.append((f"{field.name} is unique", [field.name], None))
    for together in model._meta.unique_together:
        rules.append((f"unique {', '.join(together)}", list(together), None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint) and constraint.fields:
            rules.append((constraint.name, list(constraint.fields), constraint.condition))
    return rules


def _concrete(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model._meta.label}.{name} is not a concrete field")
    return field


def _why_blocked(model: type[models.Model], field_name: str, pk: int, to: Person) -> str:
    """Why moving row ``pk`` to ``to`` would break a rule; "" when it can move."""
    row = model._base_manager.get(pk=pk)
    for other in model._meta.concrete_fields:
        if (
            other.name != field_name
            and other.is_relation
            and other.related_model is Person
            and getattr(row, other.attname) == to.pk
        ):
            return f"it would link the record to itself ({other.name})"
    for name, fields, condition in _unique_rules(model):
        if field_name not in fields:
            continue
        lookup: dict[str, Any] = {}
        for f in fields:
            attname = _concrete(model, f).attname
            lookup[attname] = to.pk if f == field_name else getattr(row, attname)
        if any(value is None for value in lookup.values()):
            continue  # NULLs never clash
        clash = model._base_manager.filter(**lookup).exclude(pk=pk)
        if condition is not None:
            if not model._base_manager.filter(condition, pk=pk).exists():
                continue
            clash = clash.filter(condition)
        if clash.exists():
            return f"the other record already has the same ({name})"
    return ""


def _move(
    model: type[models.Model], field_name: str, ids: list[int], source: Person, to: Person
) -> tuple[list[int], list[list[Any]]]:
    """Point rows ``ids`` at ``to`` (only those still pointing at ``source``).

    Returns (moved ids, [[id, why], ...] for rows left behind). Each row that would break
    a rule stays; a rule not read from the model (an expression) is caught by the database
    in a savepoint.
    """
    stayed: list[list[Any]] = []
    movable: list[int] = []
    for pk in ids:
        why = _why_blocked(model, field_name, pk, to)
        if why:
            stayed.append([pk, why])
        else:
            movable.append(pk)
    rows = model._base_manager.filter(**{field_name: source})
    try:
        with transaction.atomic():
            rows.filter(pk__in=movable).update(**{field_name: to})
        return movable, stayed
    except IntegrityError:
        pass
    moved: list[int] = []
    for pk in movable:
        try:
            with transaction.atomic():
                rows.filter(pk=pk).update(**{field_name: to})
            moved.append(pk)
        except IntegrityError:
            stayed.append([pk, "the database refused it (a unique rule)"])
    return moved, stayed
