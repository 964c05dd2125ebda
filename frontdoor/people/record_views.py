"""Pages for correcting and completing records (docs/records.md).

A person's details, addresses and other names; the adults linked to a child (added from the
child's page or a contact's page, changed and ended); a contact's details. Each form asks for
the reason and calls one service. A page that shows a person's data logs the read before it
renders (which also runs the restricted-record guard); a successful change is logged by the
service.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.audit.models import Event
from frontdoor.audit.selectors import timeline_for_child
from frontdoor.intake.corrections import CONTACT_CORRECTED
from frontdoor.intake.match_steps import MatchStep, candidates_shown, details_signature
from frontdoor.intake.models import Contact
from frontdoor.matching.record import MatchRecord
from frontdoor.people import households, record_forms, records
from frontdoor.people.households import AdultDetails
from frontdoor.people.models import Address, Alias, Person, PersonKind, Relationship
from frontdoor.people.selectors import children_of, household_for_viewer, household_of
from frontdoor.restricted.selectors import shown_children
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
ADULT_CHOOSE_ERROR = "Select the person if they are one of these, or that they are not known before"


def _person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("merged_into"), pk=pk)


def person_url(person: Person) -> str:
    from django.urls import reverse

    name = "child-detail" if person.kind == PersonKind.CHILD else "person-detail"
    return reverse(name, args=[person.pk])


def _page(
    request: HttpRequest, template: str, person: Person, context: dict[str, Any]
) -> HttpResponse:
    log_view(request, [person], person)
    return render(request, template, {"person": person, "back": person_url(person), **context})


# ------------------------------------------------------------------ the child's page


def child_record_context(request: HttpRequest, child: Person) -> dict[str, Any]:
    """What the child's page shows of the household and the record's other names; the adults
    shown are logged as read, like the child."""
    household = list(household_of(child))
    if household:
        log_view(request, [r.person for r in household], child)
    return {
        "household": household,
        "aliases": list(child.aliases.order_by("id")),
    }


def one_per_change(events: Iterable[Event]) -> list[Event]:
    """A contact's history: a correction is appended once per child named in the contact (so
    each child's chronology has it); the contact's page shows it once."""
    seen: set[tuple[Any, ...]] = set()
    kept = []
    for event in events:
        if event.action == CONTACT_CORRECTED:
            key = (event.at, event.summary, event.actor_id)
            if key in seen:
                continue
            seen.add(key)
        kept.append(event)
    return kept


def household_shown(request: HttpRequest, child: Person, record: Any) -> list[Relationship]:
    """The child's live household as the signed-in user may see it (partner agencies: as the
    policy allows), its adults logged as read through ``record``."""
    shown = household_for_viewer(request.user, child)
    if shown:
        log_view(request, [r.person for r in shown], record)
    return shown


# ------------------------------------------------------------------ adults


@requires(Perm.CHILD_VIEW)
@require_http_methods(["GET"])
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An adult's page: their details, the children they are linked to, their history."""
    person = _person(pk)
    if person.kind == PersonKind.CHILD:
        return redirect("child-detail", person.pk)
    links = list(children_of(person))
    seen = shown_children(request.user, [r.child for r in links])
    log_view(request, [person, *seen], person)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "links": links,
            "addresses": list(person.addresses.all()),
            "aliases": list(person.aliases.order_by("id")),
            "events": timeline_for_child(person.pk),
        },
    )


# ------------------------------------------------------------------ correcting a person


@requires(Perm.RECORD_EDIT)
@GET_POST
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = record_forms.PersonEditForm(
        request.POST if request.method == "POST" else None, person=person
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: records.person_correct(
                person=person,
                changes=form.changes(),
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(person) + "#history")
    return _page(request, "people/person_edit.html", person, {"form": form})


@requires(Perm.RECORD_EDIT)
@GET_POST
def address_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    current = list(person.addresses.filter(moved_out__isnull=True))
    form = record_forms.AddressForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: records.address_add(
                person=person,
                line_1=data["line_1"],
                line_2=data["line_2"],
                town=data["town"],
                postcode=data["postcode"],
                moved_in=data["moved_in"],
                end_current=data.get("end_current") == "yes",
                reason=data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(person) + "#addresses")
    return _page(request, "people/address_add.html", person, {"form": form, "current": current})


@requires(Perm.RECORD_EDIT)
@GET_POST
def address_moved_out(request: HttpRequest, pk: int, address_pk: int) -> HttpResponse:
    person = _person(pk)
    address = get_object_or_404(Address, pk=address_pk, person=person)
    form = record_forms.MovedOutForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: records.address_move_out(
                address=address,
                moved_out=form.cleaned_data["moved_out"],
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(person) + "#addresses")
    return _page(
        request, "people/address_moved_out.html", person, {"form": form, "address": address}
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    form = record_forms.AliasForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = run_service(
            form,
            lambda: records.alias_add(
                person=person,
                first_name=data["first_name"],
                last_name=data["last_name"],
                kind=data["kind"],
                reason=data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(person) + "#names")
    return _page(request, "people/alias_add.html", person, {"form": form})


@requires(Perm.RECORD_EDIT)
@GET_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    person = _person(pk)
    alias = get_object_or_404(Alias, pk=alias_pk, person=person)
    form = record_forms.ReasonForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: records.alias_remove(
                alias=alias,
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(person) + "#names")
    return _page(request, "people/alias_remove.html", person, {"form": form, "alias": alias})


# ------------------------------------------------------------------ adults and relationships


def adult_record(details: AdultDetails) -> MatchRecord:
    return MatchRecord.build(
        given_names=[details.first_name],
        family_names=[details.last_name],
        date_of_birth=details.date_of_birth,
        sex=details.sex,
        postcodes=[details.postcode],
        addresses=[
            ", ".join(p for p in (details.address_line_1, details.town, details.postcode) if p)
        ],
    )


def adult_match_step(
    request: HttpRequest, form: record_forms.AdultForm, details: AdultDetails
) -> MatchStep:
    """Is this adult someone already known? (Search before create, in the adults' keys.)"""
    signature = details_signature(details)  # type: ignore[arg-type]
    answer = (form.cleaned_data.get("existing_adult") or "").strip()
    answered_these = form.cleaned_data.get("match_check") == signature
    if answered_these and answer == "new":
        return MatchStep(signature, create_new=True)
    if answered_these and answer.isdigit():
        person = Person.objects.filter(
            pk=int(answer), kind=PersonKind.ADULT, merged_into__isnull=True
        ).first()
        if person is not None:
            return MatchStep(signature, existing=person)
    candidates = candidates_shown(request, adult_record(details), kinds=("adult",))
    if not candidates:
        return MatchStep(signature, create_new=True)
    if answered_these:
        form.add_error("existing_adult", ADULT_CHOOSE_ERROR)
    return MatchStep(signature, candidates=candidates)


def adult_add_page(
    request: HttpRequest, *, children: list[Person], back: str, contact: Contact | None
) -> HttpResponse:
    form = record_forms.AdultForm(
        request.POST if request.method == "POST" else None, children=children
    )
    step: MatchStep | None = None
    if request.method == "POST" and form.is_valid():
        details = form.details()
        step = adult_match_step(request, form, details)
        adult = step.existing or (details if step.create_new else None)
        if adult is not None:
            chosen = adult
            done = run_service(
                form,
                lambda: households.adult_link(
                    details=chosen,
                    children=form.chosen_children(),
                    link=form.link(),
                    by=request.user,  # type: ignore[arg-type]
                    source=f"contact {contact.reference}" if contact else "",
                ),
            )
            if done is not None:
                return redirect(back + "#household")
    log_view(request, children, contact or children[0])
    return render(
        request,
        "people/adult_add.html",
        {
            "form": form,
            "step": step,
            "children": children,
            "contact": contact,
            "back": back,
        },
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def child_adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Person, pk=pk, kind=PersonKind.CHILD, merged_into__isnull=True)
    return adult_add_page(request, children=[child], back=person_url(child), contact=None)


def _relationship(pk: int) -> Relationship:
    return get_object_or_404(Relationship.objects.select_related("person", "child"), pk=pk)


def _relationship_page(
    request: HttpRequest,
    relationship: Relationship,
    template: str,
    form: django_forms.Form,
) -> HttpResponse:
    log_view(request, [relationship.child, relationship.person], relationship)
    return render(
        request,
        template,
        {
            "form": form,
            "relationship": relationship,
            "back": person_url(relationship.child) + "#household",
        },
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def relationship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(pk)
    form = record_forms.RelationshipForm(
        request.POST if request.method == "POST" else None, relationship=relationship
    )
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: households.relationship_change(
                relationship=relationship,
                link=form.link(),
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(relationship.child) + "#household")
    return _relationship_page(request, relationship, "people/relationship_edit.html", form)


@requires(Perm.RECORD_EDIT)
@GET_POST
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(pk)
    form = record_forms.RelationshipEndForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: households.relationship_end(
                relationship=relationship,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
                by=request.user,  # type: ignore[arg-type]
            ),
        )
        if done is not None:
            return redirect(person_url(relationship.child) + "#household")
    return _relationship_page(request, relationship, "people/relationship_end.html", form)
