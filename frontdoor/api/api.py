"""The Front Door JSON API (django-ninja), mounted at ``/api/v1/``.

Default deny, like the pages: every operation declares the ``Perm`` it needs through
``needs(perm)``; the API-wide default refuses any operation that has not declared one. The
permission is checked (with ``can``) before the request is parsed, so a user without it gets
403 whatever they send; objects the user may not see are 404, never 403.

Reads go through the existing selectors and clocks, writes through the existing services.
Reading a child's record writes an access-log entry, as the pages do.

Partner systems use their own router, ``/intake`` (``frontdoor.intake.api``): they
authenticate with an API token (HTTP bearer) instead of a session, and its refusals are
rendered here as problems too (401 with a Bearer challenge, 403 for a missing scope, 429 with
``Retry-After``, 409 for a reused idempotency key).

Every error is RFC 9457 problem details (``application/problem+json``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.urls import URLPattern, URLResolver, re_path
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from frontdoor.api.base import (
    PROBLEM_JSON,
    DjangoSession,
    on_database_unavailable,
    on_error,
    on_http_error,
    on_idempotency_conflict,
    on_not_found,
    on_permission_denied,
    on_request_invalid,
    on_scope_missing,
    on_service_invalid,
    on_throttled,
    on_token_refused,
    on_too_large,
    on_unauthenticated,
    on_unreadable,
    problem,
)
from frontdoor.api.children import children_router
from frontdoor.api.mash import enquiries_router, requests_router
from frontdoor.api.work import overview_router, queue_router
from frontdoor.intake.api import (
    PartnerToken,
    ScopeMissing,
    TokenRefused,
)
from frontdoor.intake.api import router as intake_router
from frontdoor.intake.submissions import IdempotencyConflict

# --------------------------------------------------------------------------- the API


def _problem_views(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Turn the 404s and 405s that ninja's URL views answer themselves into problems."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return on_not_found(request, exc)
        if response.status_code == 405 and response.get("Content-Type") != PROBLEM_JSON:
            allowed = response.get("Allow", "")
            response = problem(request, 405, f"This address accepts only: {allowed}.")
            response["Allow"] = allowed
        return response

    return wrapped


@csrf_exempt
def _no_such_operation(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    return problem(request, 404, "There is no such API address. See /api/v1/docs.")


class FrontDoorAPI(NinjaAPI):
    """NinjaAPI whose every error, including routing errors, is problem+json."""

    @property
    def urls(self) -> tuple[list[URLResolver | URLPattern], str, str]:
        patterns, app_name, namespace = super().urls
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                pattern.callback = _problem_views(pattern.callback)
        patterns.append(re_path(r"^", _no_such_operation, name="not-found"))
        return patterns, app_name, namespace

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        """Document errors under their real media type, ``application/problem+json``, and
        name the scope each partner operation's token needs (OpenAPI 3.1 allows role names
        in the security requirement of a non-OAuth scheme)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        scopes = self._partner_scopes()
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content")
                    if int(status) >= 400 and content:
                        response["content"] = {PROBLEM_JSON: next(iter(content.values()))}
                scope = scopes.get(operation.get("operationId", ""))
                if scope is not None:
                    operation["security"] = [{PartnerToken.__name__: [scope]}]
        return schema

    def _partner_scopes(self) -> dict[str, str]:
        """The scope each partner operation needs, by operation id."""
        return {
            str(op.operation_id): str(auth.scope)
            for _prefix, router in self._routers
            for path_view in router.path_operations.values()
            for op in path_view.operations
            for auth in op.auth_callbacks
            if isinstance(auth, PartnerToken)
        }


api = FrontDoorAPI(
    title="Front Door API",
    version="1.0.0",
    description=(
        "Read the front door's work queues, overview, MASH enquiries and partner information "
        "requests, and answer requests. Sign in to Front Door first: these operations use "
        "the same session.\n\n"
        "**Partner intake** (`/intake/…`): partner agencies' systems send referrals with an "
        "API token issued to their agency (`Authorization: Bearer fd_…`), not a session; "
        "every send needs an `Idempotency-Key` header.\n\n"
        "Errors are RFC 9457 problem details (application/problem+json)."
    ),
    urls_namespace="api-v1",
    # Default deny: an operation that does not declare its permission is refused.
    auth=DjangoSession(None),
)

#: Every error ninja or Django would answer in its own shape, answered as a problem instead.
ERROR_HANDLERS: list[tuple[type[Exception], Callable[[HttpRequest, Any], HttpResponse]]] = [
    (NinjaValidationError, on_request_invalid),
    (DjangoValidationError, on_service_invalid),
    (TokenRefused, on_token_refused),
    (ScopeMissing, on_scope_missing),
    (Throttled, on_throttled),
    (IdempotencyConflict, on_idempotency_conflict),
    (RequestDataTooBig, on_too_large),
    (DatabaseOperationalError, on_database_unavailable),
    (AuthenticationError, on_unauthenticated),
    (HttpError, on_http_error),
    (Http404, on_not_found),
    (MultiPartParserError, on_unreadable),
    (BadRequest, on_unreadable),
    (SuspiciousOperation, on_unreadable),
    (PermissionDenied, on_permission_denied),
    (Exception, on_error),
]
for _exc_class, _handler in ERROR_HANDLERS:
    api.add_exception_handler(_exc_class, _handler)


api.add_router("/overview", overview_router)
api.add_router("/children", children_router)
api.add_router("/queue", queue_router)
api.add_router("/requests", requests_router)
api.add_router("/enquiries", enquiries_router)
api.add_router("/intake", intake_router)
