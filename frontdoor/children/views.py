"""Children's pages: finding a child (or an adult), the child's page and the chronology."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.audit.selectors import timeline_for_child
from frontdoor.children import forms
from frontdoor.children.forms import ChronologyFilterForm
from frontdoor.children.record_views import child_record_context
from frontdoor.intake.match_steps import candidates_shown
from frontdoor.matching.keys import record_keys
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import Candidate
from frontdoor.people.chronology import categories as chronology_categories
from frontdoor.people.chronology import chronology_for, record_ids_for
from frontdoor.people.models import Person, PersonKind
from frontdoor.people.sections import child_sections_context
from frontdoor.web.pages import log_view

GET_POST = require_http_methods(["GET", "POST"])


SEARCH_MINIMUM = 0.0


@requires(Perm.CHILD_VIEW)
def child_search(request: HttpRequest) -> HttpResponse:
    """Find a child from whatever is known, misspelt or partial; best matches first."""
    who = request.GET.get("who", "child")
    # "?who=adult" alone (the "Find a person" link) opens the form, not an empty search.
    searched = any(key != "who" for key in request.GET)
    form = forms.ChildSearchForm(
        request.GET if searched else None,
        initial={"who": who if who in forms.SEARCH_KINDS else "child"},
    )
    results: list[Candidate] | None = None
    name_only = False
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        dob = data["date_of_birth"]
        record = MatchRecord.build(
            given_names=[data["first_name"]],
            family_names=[data["last_name"]],
            date_of_birth=dob.full() if dob else None,
            birth_year=dob.year if dob else None,
            birth_month=dob.month if dob else None,
            postcodes=[data["postcode"]],
            nhs_number=data["nhs_number"],
        )
        # Someone searching on purpose sees anything with more evidence for than against.
        results = candidates_shown(request, record, minimum=SEARCH_MINIMUM, kinds=form.kinds())
        name_only = not record_keys(record, query=True)
    return render(
        request,
        "people/child_search.html",
        {
            "form": form,
            "results": results,
            "name_only": name_only,
            "adults": who in ("adult", "any"),
        },
    )


@requires(Perm.CHILD_VIEW)
def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_object_or_404(Person.objects.select_related("allocated_worker"), pk=pk)
    if child.kind == PersonKind.ADULT:
        return redirect("person-detail", child.pk)
    log_view(request, [child], child)
    return render(
        request,
        "people/child_detail.html",
        {
            "child": child,
            "addresses": child.addresses.all(),
            "events": timeline_for_child(child.pk),
            **child_record_context(request, child),
            # Each stage's part of the page (registered from its AppConfig.ready()).
            **child_sections_context(request, child),
        },
    )


@requires(Perm.CHILD_VIEW)
@require_http_methods(["GET"])
def child_chronology(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything that happened to the child (and records merged into it), filterable."""
    child = get_object_or_404(Person.objects.select_related("merged_into"), pk=pk)
    form = ChronologyFilterForm(request.GET or None)
    chosen = form.chosen()
    entries = chronology_for(
        child,
        categories=chosen.categories,
        since=chosen.since,
        until=chosen.until,
        viewer=request.user,
    )
    if chosen.newest_first:
        entries.reverse()
    log_view(request, Person.objects.filter(pk__in=record_ids_for(child)), child)
    return render(
        request,
        "people/chronology.html",
        {
            "child": child,
            "form": form,
            "chosen": chosen,
            "entries": entries,
            "categories": chronology_categories(),
            "printed_at": timezone.now(),
        },
    )
