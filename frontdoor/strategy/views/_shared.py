"""What the strategy pages share: the signed-in user, the oversight a record needs, and the
one-form page on a discussion or an enquiry (the shared form page, behind the permission)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django import forms as django_forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.access import Perm, can
from frontdoor.oversight.selectors import oversight_link
from frontdoor.oversight.services import oversight_missing
from frontdoor.policies.defaults import OVERSIGHT_TRANSITIONS
from frontdoor.strategy.models import S47Enquiry, StrategyDiscussion
from frontdoor.web.pages import form_page, log_view

GET_POST = require_http_methods(["GET", "POST"])


def _user(request: HttpRequest) -> Any:
    return request.user


def _oversight(request: HttpRequest, record: Any, transition: str) -> dict[str, Any]:
    """Whether ``transition`` needs oversight now that has not been given, and where to add it."""
    needed = oversight_missing(record=record, transition=transition, at=timezone.now())
    may_add = needed and can(request.user, Perm.OVERSIGHT_RECORD)
    return {
        "needed": needed,
        "label": OVERSIGHT_TRANSITIONS[transition],
        "url": oversight_link(record, transition, request.path) if may_add else "",
    }


def _form_page(
    request: HttpRequest,
    record: StrategyDiscussion | S47Enquiry,
    context: Callable[[], dict[str, Any]],
    template: str,
    form: django_forms.Form,
    action: Callable[[], Any],
    *,
    may_work: bool,
    done_url: str,
    rename: Mapping[str, str] | None = None,
) -> HttpResponse:
    """A form on a discussion's or an enquiry's page: call the service, or show the errors."""
    if not may_work:
        raise PermissionDenied

    def page(shown: django_forms.Form) -> HttpResponse:
        log_view(request, [record.child], record)
        return render(request, template, {**context(), "form": shown})

    return form_page(request, form, lambda _data: action(), done=done_url, page=page, rename=rename)
