"""Correcting and completing a person's record: details, addresses, other names.

Every write here follows one pattern (docs/records.md): it needs a reason, refuses a change
that changes nothing, checks the new values with the same rules as recording them
(``child_details_validate``), appends one event whose ``before`` and ``after`` hold exactly
the fields that changed, writes the access log (the fields changed and the reason), and
rewrites the person's matching keys so that a search finds them by what they are now called.

The characteristics the statutory returns need (ethnicity, disability, UPN) are corrected
through the same ``person_correct`` once their pages exist: add them to ``CHILD_FIELDS``
(ADR 0018).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from frontdoor.audit.changes import FieldWords, changes_register
from frontdoor.audit.services import history_write
from frontdoor.people.identifiers import (
    nhs_number_normalise,
    nhs_number_valid,
    postcode_normalise,
    postcode_valid,
)
from frontdoor.people.models import Address, Alias, Gender, Person, PersonKind, Sex
from frontdoor.people.services import ChildDetails, child_details_validate, person_changed

if TYPE_CHECKING:
    from frontdoor.accounts.models import User

#: The details of a child that can be corrected (ADR 0018: ethnicity, disability and UPN
#: join this list with the episode issue's pages).
CHILD_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "expected_date_of_birth",
    "sex",
    "gender",
    "nhs_number",
    "first_language",
    "interpreter_needed",
    "religion",
)
ADULT_FIELDS = (
    "first_name",
    "last_name",
    "date_of_birth",
    "sex",
    "nhs_number",
    "first_language",
    "interpreter_needed",
    "religion",
)
TEXT_LIMITS = {"first_name": 100, "last_name": 100, "first_language": 60, "religion": 60}

NOTHING_CHANGED = "You have not changed anything: change a detail, or go back without saving"
REASON_NEEDED = "Enter why the record is being changed"

PERSON_CORRECTED = "person.corrected"
ADDRESS_ADDED = "person.address_added"
ADDRESS_MOVED_OUT = "person.address_moved_out"
ALIAS_ADDED = "person.alias_added"
ALIAS_REMOVED = "person.alias_removed"

FIELD_WORDS: dict[str, FieldWords | str] = {
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "expected_date_of_birth": "Expected date of birth",
    "sex": FieldWords("Sex", dict(Sex.choices)),
    "gender": FieldWords("Gender", dict(Gender.choices)),
    "nhs_number": "NHS number",
    "first_language": "First language",
    "interpreter_needed": "Needs an interpreter",
    "religion": "Religion",
    "address": "Address",
    "moved_in": "Moved in",
    "moved_out": "Moved out",
    "alias": "Other name",
}


def register_changes() -> None:
    """Called from the app's ``ready()``: these corrections show their before and after."""
    changes_register(
        actions=(PERSON_CORRECTED, ADDRESS_ADDED, ADDRESS_MOVED_OUT, ALIAS_ADDED, ALIAS_REMOVED),
        fields=FIELD_WORDS,
    )


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_NEEDED})
    return reason


def _clean(name: str, value: Any) -> Any:
    if name == "nhs_number":
        return nhs_number_normalise(str(value or ""))
    if name in TEXT_LIMITS or name in ("sex", "gender"):
        return str(value or "").strip()
    if name == "interpreter_needed":
        return bool(value)
    return value


def _validate(person: Person, values: dict[str, Any], changed: set[str], on: date) -> None:
    """The recording rules, applied to the record as it would be; only the errors about the
    fields being changed count (a record made before a rule existed can still be corrected).
    """
    errors: dict[str, str] = {}
    for name, size in TEXT_LIMITS.items():
        if name in changed and len(values[name]) > size:
            errors[name] = f"Must be {size} characters or fewer"
    if "sex" in changed and values["sex"] not in Sex.values:
        errors["sex"] = "Select the sex"
    if "gender" in changed and values.get("gender") not in Gender.values:
        errors["gender"] = "Select the gender"
    if person.kind == PersonKind.CHILD:
        try:
            child_details_validate(
                ChildDetails(
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    date_of_birth=values["date_of_birth"],
                    expected_date_of_birth=values["expected_date_of_birth"],
                    sex=values["sex"],
                    nhs_number=values["nhs_number"],
                ),
                on=on,
                on_words="today",
            )
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                if name in changed or (name == "first_name" and changed & {"last_name"}):
                    errors.setdefault(name, messages[0])
                elif name == "date_of_birth" and "expected_date_of_birth" in changed:
                    errors.setdefault("expected_date_of_birth", messages[0])
    else:
        errors.update(adult_problems(values, changed, on))
    if errors:
        raise ValidationError(errors)


def adult_problems(values: Mapping[str, Any], changed: set[str], on: date) -> dict[str, str]:
    """The rules for an adult's details (names, a date of birth in the past, an NHS number)."""
    errors: dict[str, str] = {}
    dob = values.get("date_of_birth")
    if "date_of_birth" in changed and dob is not None:
        if dob > on:
            errors["date_of_birth"] = "Date of birth must be today or in the past"
        elif on.year - dob.year > 120:
            errors["date_of_birth"] = "Date of birth must be within the last 120 years"
    nhs = values.get("nhs_number", "")
    if "nhs_number" in changed and nhs and not nhs_number_valid(nhs):
        errors["nhs_number"] = "Enter a valid 10-digit NHS number, like 943 476 5919"
    names = {"first_name", "last_name"}
    if changed & names and not (values.get("first_name") or values.get("last_name")):
        errors["first_name"] = "Enter the person's first name or last name"
    return errors


def person_correct(
    *,
    person: Person,
    changes: Mapping[str, Any],
    reason: str,
    by: User,
    at: datetime | None = None,
) -> Person:
    """Correct or complete a child's or adult's details.

    ``changes`` maps field names (``CHILD_FIELDS`` or ``ADULT_FIELDS``) to their new values;
    fields that keep their value are ignored, and a correction that changes nothing is
    refused. Returns the person as saved.
    """
    at = at or timezone.now()
    allowed = CHILD_FIELDS if person.kind == PersonKind.CHILD else ADULT_FIELDS
    unknown = set(changes) - set(allowed)
    if unknown:
        raise ValueError(f"Not a correctable field: {', '.join(sorted(unknown))}")
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        if locked.merged_into_id is not None:
            raise ValidationError(
                "This record was merged into another: correct the record it was merged into"
            )
        values = {name: getattr(locked, name) for name in allowed}
        proposed = {name: _clean(name, value) for name, value in changes.items()}
        changed = {name for name, value in proposed.items() if values[name] != value}
        if not changed:
            raise ValidationError(NOTHING_CHANGED)
        reason = _reason(reason)
        values.update(proposed)
        _validate(locked, values, changed, timezone.localdate(at))
        order = [name for name in allowed if name in changed]
        before = {name: getattr(locked, name) for name in order}
        for name in order:
            setattr(locked, name, values[name])
        locked.save(update_fields=order)
        after = {name: getattr(locked, name) for name in order}
        _record(
            locked,
            action=PERSON_CORRECTED,
            summary="Record corrected: " + ", ".join(_label(n) for n in order),
            before=before,
            after=after,
            fields=order,
            reason=reason,
            by=by,
            at=at,
        )
        person_changed(locked)
    person.refresh_from_db()
    return person


def _label(name: str) -> str:
    words = FIELD_WORDS[name]
    label = words.label if isinstance(words, FieldWords) else words
    return label[:1].lower() + label[1:] if name != "nhs_number" else label


def _record(
    person: Person,
    *,
    action: str,
    summary: str,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
    fields: list[str],
    reason: str,
    by: User,
    at: datetime,
) -> None:
    """The event (the person's history and chronology) and the access-log entry."""
    history_write(
        record=person,
        action=action,
        summary=summary,
        at=at,
        actor=by,
        child=person,
        before=before,
        after=after,
        reason=reason,
        fields=fields,
        log_reason=reason,
    )


# ------------------------------------------------------------------ addresses


def address_add(
    *,
    person: Person,
    line_1: str,
    postcode: str,
    reason: str,
    by: User,
    line_2: str = "",
    town: str = "",
    moved_in: date | None = None,
    end_current: bool = False,
    at: datetime | None = None,
) -> Address:
    """Add an address (a new one the person moved to, or one found out later).

    With ``end_current``, every address the person had not moved out of is marked moved out
    on ``moved_in`` (which is then needed): the usual "moved house" correction in one step.
    """
    at = at or timezone.now()
    today = timezone.localdate(at)
    line_1, line_2, town = line_1.strip(), line_2.strip(), town.strip()
    errors: dict[str, str] = {}
    if not line_1:
        errors["line_1"] = "Enter the first line of the address"
    elif len(line_1) > 200:
        errors["line_1"] = "Must be 200 characters or fewer"
    if len(line_2) > 200:
        errors["line_2"] = "Must be 200 characters or fewer"
    if len(town) > 100:
        errors["town"] = "Must be 100 characters or fewer"
    if not postcode_valid(postcode):
        errors["postcode"] = "Enter a real postcode, like PE1 1XX"
    if moved_in is not None and moved_in > today:
        errors["moved_in"] = "The date they moved in must be today or in the past"
    if end_current and moved_in is None:
        errors["moved_in"] = "Enter the date they moved in, to mark the old address moved out"
    if not (reason or "").strip():
        errors["reason"] = REASON_NEEDED
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        current = list(locked.addresses.filter(moved_out__isnull=True))
        if end_current and moved_in is not None:
            for old in current:
                if old.moved_in is not None and old.moved_in > moved_in:
                    errors["moved_in"] = (
                        f"They moved in to {old} on {old.moved_in:%-d %B %Y}: the new address "
                        "cannot start before that"
                    )
        normalised = postcode_normalise(postcode)
        if any(
            a.line_1.casefold() == line_1.casefold() and a.postcode == normalised for a in current
        ):
            errors.setdefault("line_1", "This is already one of the current addresses")
        if errors:
            raise ValidationError(errors)
        ended = []
        if end_current and moved_in is not None:
            for old in current:
                old.moved_out = moved_in
                old.save(update_fields=["moved_out"])
                ended.append(str(old))
        address = Address.objects.create(
            person=locked,
            line_1=line_1,
            line_2=line_2,
            town=town,
            postcode=normalised,
            moved_in=moved_in,
        )
        before: dict[str, Any] = {"address": "; ".join(ended)} if ended else {}
        if ended:
            before["moved_out"] = None
        after: dict[str, Any] = {"address": str(address), "moved_in": moved_in}
        if ended:
            after["moved_out"] = moved_in
        _record(
            locked,
            action=ADDRESS_ADDED,
            summary=f"Address added: {address.postcode}"
            + (f" (moved from {', '.join(ended)})" if ended else ""),
            before=before,
            after=after,
            fields=["address"],
            reason=reason.strip(),
            by=by,
            at=at,
        )
        person_changed(locked)
    return address


def address_move_out(
    *, address: Address, moved_out: date, reason: str, by: User, at: datetime | None = None
) -> Address:
    """Record that the person no longer lives at ``address`` (it stays in their history)."""
    at = at or timezone.now()
    errors: dict[str, str] = {}
    with transaction.atomic():
        locked = Address.objects.select_for_update().select_related("person").get(pk=address.pk)
        if locked.moved_out is not None:
            errors["moved_out"] = (
                f"They already moved out of this address on {locked.moved_out:%-d %B %Y}"
            )
        elif moved_out > timezone.localdate(at):
            errors["moved_out"] = "The date they moved out must be today or in the past"
        elif locked.moved_in is not None and moved_out < locked.moved_in:
            errors["moved_out"] = (
                f"They moved in on {locked.moved_in:%-d %B %Y}: the date they moved out must "
                "be the same or later"
            )
        if not (reason or "").strip():
            errors["reason"] = REASON_NEEDED
        if errors:
            raise ValidationError(errors)
        locked.moved_out = moved_out
        locked.save(update_fields=["moved_out"])
        _record(
            locked.person,
            action=ADDRESS_MOVED_OUT,
            summary=f"Moved out of {locked}",
            before={"address": str(locked), "moved_out": None},
            after={"address": str(locked), "moved_out": moved_out},
            fields=["address"],
            reason=reason.strip(),
            by=by,
            at=at,
        )
    return locked


# ------------------------------------------------------------------ other names


def alias_add(
    *,
    person: Person,
    first_name: str,
    last_name: str,
    reason: str,
    by: User,
    kind: str = "also known as",
    at: datetime | None = None,
) -> Alias:
    """Record another name the person is known by (a previous surname, a nickname)."""
    at = at or timezone.now()
    first_name, last_name, kind = first_name.strip(), last_name.strip(), kind.strip()
    errors: dict[str, str] = {}
    if not (first_name or last_name):
        errors["first_name"] = "Enter the other first name or last name"
    for name, value, size in (
        ("first_name", first_name, 100),
        ("last_name", last_name, 100),
        ("kind", kind, 40),
    ):
        if len(value) > size:
            errors[name] = f"Must be {size} characters or fewer"
    if not (reason or "").strip():
        errors["reason"] = REASON_NEEDED
    with transaction.atomic():
        locked = Person.objects.select_for_update().get(pk=person.pk)
        same = (first_name.casefold(), last_name.casefold())
        if same == (locked.first_name.casefold(), locked.last_name.casefold()) or any(
            (a.first_name.casefold(), a.last_name.casefold()) == same for a in locked.aliases.all()
        ):
            errors.setdefault("first_name", "The record already has this name")
        if errors:
            raise ValidationError(errors)
        alias = Alias.objects.create(
            person=locked, first_name=first_name, last_name=last_name, kind=kind or "also known as"
        )
        name = f"{first_name} {last_name}".strip()
        _record(
            locked,
            action=ALIAS_ADDED,
            summary=f"Other name added: {name} ({alias.kind})",
            before={},
            after={"alias": name},
            fields=["aliases"],
            reason=reason.strip(),
            by=by,
            at=at,
        )
        person_changed(locked)
    return alias


def alias_remove(*, alias: Alias, reason: str, by: User, at: datetime | None = None) -> str:
    """Remove another name recorded in error (the event keeps what it was); returns it."""
    at = at or timezone.now()
    if not (reason or "").strip():
        raise ValidationError({"reason": REASON_NEEDED})
    with transaction.atomic():
        locked = Alias.objects.select_for_update().select_related("person").get(pk=alias.pk)
        person = locked.person
        name = f"{locked.first_name} {locked.last_name}".strip()
        locked.delete()
        _record(
            person,
            action=ALIAS_REMOVED,
            summary=f"Other name removed: {name}",
            before={"alias": name},
            after={},
            fields=["aliases"],
            reason=reason.strip(),
            by=by,
            at=at,
        )
        person_changed(person)
    return name
