"""Pages for correcting and completing records (docs/records.md).

A person's details, addresses and other names; the adults linked to a child (added from the
child's page; a contact's page adds them through the same ``intake.adults.adult_add_page``),
changed and ended. Each form asks for the reason and calls one service through
``web.pages.form_page``. A page that shows a person's data logs the read before it renders
(which also runs the restricted-record guard); a successful change is logged by the service.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms as django_forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for_child
from frontdoor.intake.adults import adult_add_page
from frontdoor.people import households, record_forms, records
from frontdoor.people.models import Address, Alias, Person, PersonKind, Relationship
from frontdoor.people.selectors import children_of, household_of
from frontdoor.restricted.selectors import shown_children
from frontdoor.web.pages import form_page, log_view

GET_POST = require_http_methods(["GET", "POST"])


def _person(pk: int) -> Person:
    return get_object_or_404(Person.objects.select_related("merged_into"), pk=pk)


def person_url(person: Person) -> str:
    name = "child-detail" if person.kind == PersonKind.CHILD else "person-detail"
    return reverse(name, args=[person.pk])


def _posted(request: HttpRequest) -> Any:
    return request.POST if request.method == "POST" else None


def _person_form_page(
    request: HttpRequest,
    person: Person,
    form: django_forms.Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    anchor: str,
    template: str,
    **context: Any,
) -> HttpResponse:
    """A correction of ``person``'s record: done, back to their page at ``anchor``; else the
    form (the person's data shown is logged as read)."""

    def page(form: django_forms.Form) -> HttpResponse:
        log_view(request, [person], person)
        return render(
            request,
            template,
            {"person": person, "back": person_url(person), "form": form, **context},
        )

    return form_page(request, form, action, done=f"{person_url(person)}#{anchor}", page=page)


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
    form = record_forms.PersonEditForm(_posted(request), person=person)
    return _person_form_page(
        request,
        person,
        form,
        lambda data: records.person_correct(
            person=person,
            changes=form.changes(),
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        anchor="history",
        template="people/person_edit.html",
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def address_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    return _person_form_page(
        request,
        person,
        record_forms.AddressForm(_posted(request)),
        lambda data: records.address_add(
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
        anchor="addresses",
        template="people/address_add.html",
        current=list(person.addresses.filter(moved_out__isnull=True)),
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def address_moved_out(request: HttpRequest, pk: int, address_pk: int) -> HttpResponse:
    person = _person(pk)
    address = get_object_or_404(Address, pk=address_pk, person=person)
    return _person_form_page(
        request,
        person,
        record_forms.MovedOutForm(_posted(request)),
        lambda data: records.address_move_out(
            address=address,
            moved_out=data["moved_out"],
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        anchor="addresses",
        template="people/address_moved_out.html",
        address=address,
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def alias_add(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(pk)
    return _person_form_page(
        request,
        person,
        record_forms.AliasForm(_posted(request)),
        lambda data: records.alias_add(
            person=person,
            first_name=data["first_name"],
            last_name=data["last_name"],
            kind=data["kind"],
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        anchor="names",
        template="people/alias_add.html",
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def alias_remove(request: HttpRequest, pk: int, alias_pk: int) -> HttpResponse:
    person = _person(pk)
    alias = get_object_or_404(Alias, pk=alias_pk, person=person)
    return _person_form_page(
        request,
        person,
        record_forms.ReasonForm(_posted(request)),
        lambda data: records.alias_remove(
            alias=alias,
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        anchor="names",
        template="people/alias_remove.html",
        alias=alias,
    )


# ------------------------------------------------------------------ adults and relationships


@requires(Perm.RECORD_EDIT)
@GET_POST
def child_adult_add(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Person, pk=pk, kind=PersonKind.CHILD, merged_into__isnull=True)
    return adult_add_page(request, children=[child], back=person_url(child), contact=None)


def _relationship(pk: int) -> Relationship:
    return get_object_or_404(Relationship.objects.select_related("person", "child"), pk=pk)


def _relationship_form_page(
    request: HttpRequest,
    relationship: Relationship,
    form: django_forms.Form,
    action: Callable[[dict[str, Any]], Any],
    template: str,
) -> HttpResponse:
    """A change to how an adult is linked to a child: done, back to the child's household."""
    back = person_url(relationship.child) + "#household"

    def page(form: django_forms.Form) -> HttpResponse:
        log_view(request, [relationship.child, relationship.person], relationship)
        return render(request, template, {"form": form, "relationship": relationship, "back": back})

    return form_page(request, form, action, done=back, page=page)


@requires(Perm.RECORD_EDIT)
@GET_POST
def relationship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(pk)
    form = record_forms.RelationshipForm(_posted(request), relationship=relationship)
    return _relationship_form_page(
        request,
        relationship,
        form,
        lambda data: households.relationship_change(
            relationship=relationship,
            link=form.link(),
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        "people/relationship_edit.html",
    )


@requires(Perm.RECORD_EDIT)
@GET_POST
def relationship_end(request: HttpRequest, pk: int) -> HttpResponse:
    relationship = _relationship(pk)
    return _relationship_form_page(
        request,
        relationship,
        record_forms.RelationshipEndForm(_posted(request)),
        lambda data: households.relationship_end(
            relationship=relationship,
            ended_on=data["ended_on"],
            reason=data["reason"],
            by=request.user,  # type: ignore[arg-type]
        ),
        "people/relationship_end.html",
    )
