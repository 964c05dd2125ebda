"""Pages for management oversight (and case supervision)."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import requires
from frontdoor.oversight.forms import OversightForm
from frontdoor.oversight.services import oversight_record
from frontdoor.people.models import Person, PersonKind
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.web.pages import log_view, run_service

GET_POST = require_http_methods(["GET", "POST"])
#: The records oversight can be about: model name -> app label.
OVERSIGHT_RECORD_APPS = ("strategy", "assessments", "protection", "mash", "intake", "escalations")


def _record(child: Person, value: str) -> Model | None:
    """The record named ``"<model name>:<id>"`` in the query string, if it is this child's."""
    if not value:
        return None
    model_name, _, raw_id = value.partition(":")
    if not raw_id.isdigit():
        raise Http404
    for label in OVERSIGHT_RECORD_APPS:
        try:
            model = apps.get_model(label, model_name)
        except LookupError:
            continue
        record = model._default_manager.filter(pk=int(raw_id)).first()
        if record is None or getattr(record, "child_id", None) != child.pk:
            raise Http404
        return record
    raise Http404


def _next(request: HttpRequest, child: Person) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/"):
        return target
    return reverse("child-detail", args=[child.pk])


@requires(Perm.OVERSIGHT_RECORD)
@GET_POST
def oversight_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record management oversight of a child's case, optionally before a named step.

    ``?record=s47enquiry:12&transition=s47_no_conference&next=/s47/12/`` ties it to a record
    and the step it clears.
    """
    child = get_object_or_404(Person, pk=pk, kind=PersonKind.CHILD)
    record = _record(child, request.GET.get("record", ""))
    transition = request.GET.get("transition", "")
    if transition and (transition not in OVERSIGHT_TRANSITIONS or record is None):
        raise Http404
    form = OversightForm(request.POST or None)
    next_url = _next(request, child)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: oversight_record(
                child=child,
                direction=form.cleaned_data["direction"],
                by=request.user,  # type: ignore[arg-type]
                record_type=(record._meta.model_name or "") if record is not None else "",
                record_id=int(record.pk) if record is not None else None,
                transition=transition,
            ),
        )
        if done is not None:
            return redirect(next_url)
    log_view(request, [child], record if record is not None else child)
    return render(
        request,
        "oversight/oversight_new.html",
        {
            "child": child,
            "record": record,
            "transition_label": OVERSIGHT_TRANSITIONS.get(transition, ""),
            "form": form,
            "next_url": next_url,
        },
    )
