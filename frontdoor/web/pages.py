"""What every page shares: logging a read of a child's data, a service's errors on a form, and
the form page (show the form; on a valid post call the service, then go on or show the errors)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record

if TYPE_CHECKING:
    from frontdoor.people.models import Person


def log_view(request: HttpRequest, children: Iterable[Person], record: Model) -> None:
    """Record that the signed-in user was shown these children's data through ``record``."""
    access_log_record(
        user=request.user,  # type: ignore[arg-type]
        children=children,
        record=record,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
    )


def apply_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's messages on the form's fields (or on the form as a whole)."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            target = field if field in form.fields else None
            for message in messages:
                form.add_error(target, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def run_service(
    form: forms.Form, action: Callable[[], Any], rename: Mapping[str, str] | None = None
) -> Any:
    """Call a service; on a ValidationError put its messages on the form and return None.

    ``rename`` maps the service's field names to the form's where they differ (a service's
    ``decided_at`` is the form's ``decided_date``)."""
    try:
        return action()
    except ValidationError as error:
        if rename and hasattr(error, "error_dict"):
            error = ValidationError(
                {rename.get(key, key): value for key, value in error.error_dict.items()}
            )
        apply_errors(form, error)
        return None


def form_page(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[dict[str, Any]], Any],
    *,
    done: str | Callable[[Any], str],
    page: Callable[[forms.Form], HttpResponse],
    rename: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A page with a form. On a valid post, call ``action`` with the cleaned data; if the
    service accepts it, go to ``done`` (an address, or made from what the service returned).
    Otherwise show ``page(form)``, with the form's or the service's errors on it."""
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = run_service(form, lambda: action(data), rename)
        if result is not None:
            return redirect(done(result) if callable(done) else done)
    return page(form)
