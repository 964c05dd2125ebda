"""Finding a known child in the JSON API (search before create)."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest
from ninja import Router

from frontdoor.accounts.access import (
    Perm,
)
from frontdoor.api.base import (
    AUTH_ERRORS,
    INVALID,
    log_read,
    needs,
)
from frontdoor.api.schemas import (
    ChildMatchOut,
    ChildOut,
    ChildSearchIn,
    ChildSearchOut,
    MatchReasonOut,
)
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import candidates_for
from frontdoor.people.identifiers import nhs_number_valid
from frontdoor.web.problems import Problem

# --------------------------------------------------------------------------- children


children_router = Router(tags=["Children"])


def _search_record(query: ChildSearchIn) -> MatchRecord:
    errors: dict[str, str] = {}
    if query.nhs_number.strip() and not nhs_number_valid(query.nhs_number):
        errors["nhs_number"] = "Enter a valid 10-digit NHS number, like 943 476 5919"
    if query.birth_month is not None and query.birth_year is None:
        errors["birth_month"] = "Give the year of birth with the month"
    dob = query.date_of_birth
    if dob is not None and query.birth_year is not None and dob.year != query.birth_year:
        errors["birth_year"] = "The year of birth does not agree with the date of birth"
    if errors:
        raise DjangoValidationError(errors)
    record = MatchRecord.build(
        given_names=[query.given_name],
        family_names=[query.family_name],
        date_of_birth=dob,
        birth_year=query.birth_year,
        birth_month=query.birth_month,
        expected_date_of_birth=query.expected_date_of_birth,
        sex=query.sex,
        postcodes=[query.postcode],
        nhs_number=query.nhs_number,
    )
    if record.is_empty:
        raise DjangoValidationError(
            "Give at least one of: a name, a date of birth, a postcode or an NHS number"
        )
    return record


@children_router.post(
    "/search",
    auth=needs(Perm.CHILD_VIEW),
    response={200: ChildSearchOut, 400: Problem, **AUTH_ERRORS, **INVALID},
    operation_id="searchChildren",
    summary="Find a known child from misspelt or partial details (search before create)",
)
def search_children(request: HttpRequest, query: ChildSearchIn) -> ChildSearchOut:
    """The children already known who may be the one described, best first, each with a
    confidence and the reasons (Fellegi–Sunter match weights per field; see
    docs/matching.md). Each child returned is access-logged as read."""
    found = candidates_for(_search_record(query), limit=query.limit)
    # A restricted record the user may not see is still found (so it is not made twice) but
    # shown masked, without its details, and so not read or logged.
    for candidate in found:
        if not candidate.person.is_masked:
            log_read(request, [candidate.person], candidate.person)
    return ChildSearchOut(
        count=len(found),
        results=[
            ChildMatchOut(
                child=ChildOut.of(c.person),
                weight=c.weight,
                confidence=c.confidence,  # type: ignore[arg-type]
                summary="Restricted record: only the people named on it may see its details"
                if c.person.is_masked
                else c.score.summary,
                reasons=[]
                if c.person.is_masked
                else [
                    MatchReasonOut(field=f.field, level=f.level, weight=f.weight, reason=f.reason)
                    for f in c.score.fields
                ],
            )
            for c in found
        ],
    )
