"""Adding an adult linked to children, from a contact's page or from the child's page
(``frontdoor.children.record_views``): is this adult someone already known? (search before
create, in the adults' keys, as recording a child does in ``match_steps``), then link."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from frontdoor.intake.match_steps import MatchStep, candidates_shown, details_signature
from frontdoor.intake.models import Contact
from frontdoor.matching.record import MatchRecord
from frontdoor.people import households, record_forms
from frontdoor.people.households import AdultDetails
from frontdoor.people.models import Person, PersonKind
from frontdoor.web.pages import log_view, run_service

ADULT_CHOOSE_ERROR = "Select the person if they are one of these, or that they are not known before"


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
    """The page adding an adult linked to ``children`` (one child, or some of a contact's);
    done, back to ``back``'s household."""
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
