"""Writing people."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils import timezone

from frontdoor.audit.services import event_append
from frontdoor.people.identifiers import (
    nhs_number_normalise,
    nhs_number_valid,
    postcode_normalise,
)
from frontdoor.people.models import Address, Person, PersonKind, Sex

if TYPE_CHECKING:
    from frontdoor.accounts.models import User


#: Called with a person whose identifying details were created or changed, inside the
#: writer's transaction: the matcher registers its key refresh from its ``ready()``, so the
#: children app never imports the matcher above it (docs/adr/0021). The second argument is
#: ``None`` for a stored person whose details changed; for a person just created it is the
#: addresses written with them (a new person has no aliases and nothing filed under it yet,
#: so a hook need not read them back).
PersonHook = Callable[[Person, Sequence[Address] | None], None]
_ON_CHANGE: list[PersonHook] = []


def person_changed_register(hook: PersonHook) -> None:
    """Call ``hook(person, created_with)`` whenever a person's details are written (once per
    hook)."""
    if hook not in _ON_CHANGE:
        _ON_CHANGE.append(hook)


def person_changed(person: Person, created_with: Sequence[Address] | None = None) -> None:
    """Tell every registered hook that ``person``'s details were written; ``created_with``:
    the person was just created, with these addresses (current first)."""
    for hook in _ON_CHANGE:
        hook(person, created_with)


@dataclass(frozen=True)
class ChildDetails:
    """What a contact tells us about a child not yet known to the front door."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    expected_date_of_birth: date | None = None
    sex: str = Sex.UNKNOWN
    postcode: str = ""
    address_line_1: str = ""
    town: str = ""
    nhs_number: str = ""


def child_details_validate(
    details: ChildDetails, *, on: date, on_words: str = "the date of the contact"
) -> None:
    """The rules for a child's details, as known ``on`` (``on_words`` names that day in the
    messages: the date of the contact when recording one, "today" when correcting a record).
    """
    errors: dict[str, str] = {}
    if details.date_of_birth and details.expected_date_of_birth:
        errors["date_of_birth"] = "Give a date of birth or an expected date of birth, not both"
    if details.date_of_birth and details.date_of_birth > on:
        errors["date_of_birth"] = f"Date of birth must be on or before {on_words}"
    if details.date_of_birth and (on.year - details.date_of_birth.year) > 25:
        errors["date_of_birth"] = "Date of birth must be within the last 25 years"
    if details.expected_date_of_birth and details.expected_date_of_birth < on:
        errors["expected_date_of_birth"] = f"Expected date of birth must be on or after {on_words}"
    if details.nhs_number and not nhs_number_valid(details.nhs_number):
        errors["nhs_number"] = "Enter a valid 10-digit NHS number, like 943 476 5919"
    if not (details.first_name or details.last_name or details.expected_date_of_birth):
        errors["first_name"] = "Enter the child's name, or an expected date of birth if unborn"
    if errors:
        raise ValidationError(errors)


def child_create(
    *, details: ChildDetails, by: User | None, at: datetime | None = None, on: date | None = None
) -> Person:
    """Create a child record (called inside the caller's transaction)."""
    at = at or timezone.now()
    child_details_validate(details, on=on or timezone.localdate(at))
    child = Person.objects.create(
        kind=PersonKind.CHILD,
        first_name=details.first_name.strip(),
        last_name=details.last_name.strip(),
        date_of_birth=details.date_of_birth,
        expected_date_of_birth=details.expected_date_of_birth,
        sex=details.sex or Sex.UNKNOWN,
        nhs_number=nhs_number_normalise(details.nhs_number),
        created_at=at,
    )
    addresses: list[Address] = []
    if details.postcode or details.address_line_1:
        addresses.append(
            Address.objects.create(
                person=child,
                line_1=details.address_line_1 or "Not given",
                town=details.town,
                postcode=postcode_normalise(details.postcode),
                moved_in=None,
            )
        )
    person_changed(child, created_with=addresses)
    event_append(
        record=child,
        action="person.created",
        summary=f"Child record created for {child.full_name}",
        at=at,
        actor=by,
        child=child,
        after={"name": child.full_name, "date_of_birth": details.date_of_birth},
    )
    return child


def child_allocate(*, child: Person, worker: User) -> Person:
    """Allocate ``worker`` as the child's social worker. Only the children app writes
    allocation; the caller (the assessment team accepting a transfer) calls this inside its
    transaction, and its own event names the worker and says why."""
    if child.allocated_worker_id != worker.pk:
        child.allocated_worker = worker
        child.save(update_fields=["allocated_worker"])
    return child
