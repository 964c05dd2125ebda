"""What every page shares: logging a read of a child's data, and a service's errors on a form."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest
from django.utils import timezone

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
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


def run_service(form: forms.Form, action: Callable[[], Any]) -> Any:
    """Call a service; on a ValidationError put its messages on the form and return None."""
    try:
        return action()
    except ValidationError as error:
        apply_errors(form, error)
        return None
