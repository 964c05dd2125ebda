"""What every operation of the JSON API shares: problem details (RFC 9457) for every error,
the session auth that checks an operation's permission, and the access log of a read.

The API itself is ``frontdoor.api.api``."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any, cast

from django.core.exceptions import (
    PermissionDenied,
    RequestDataTooBig,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import got_request_exception
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import Model
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import SessionAuth

from frontdoor.accounts.access import (
    Perm,
    can,
)
from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.intake.api import (
    IDEMPOTENCY_CONFLICT_PROBLEM,
    ScopeMissing,
    TokenRefused,
    max_body_bytes,
)
from frontdoor.intake.submissions import IdempotencyConflict
from frontdoor.people.models import Person
from frontdoor.web.problems import FieldProblem, Problem

logger = logging.getLogger("frontdoor.api")

PROBLEM_JSON = "application/problem+json"
#: Problem types (RFC 9457 §3.1.1). Plain HTTP errors use ``about:blank``.
VALIDATION_PROBLEM = "urn:frontdoor:problem:validation"
ALREADY_ANSWERED_PROBLEM = "urn:frontdoor:problem:already-answered"

#: Primary keys are 64-bit; larger numbers are refused as invalid, not sent to the database.
MAX_ID = 2**63 - 1
MAX_PAGE = 100
MAX_OFFSET = 1_000_000
#: Seconds a client is asked to wait when the database is busy or unavailable (503).
DATABASE_RETRY_AFTER = 1
#: The name every operation gives its JSON body parameter (left out of error field names).
BODY_PARAM = "payload"


# --------------------------------------------------------------------------- problems


def problem(
    request: HttpRequest,
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: Iterable[FieldProblem] | None = None,
    extensions: dict[str, Any] | None = None,
) -> HttpResponse:
    """An RFC 9457 problem details response (``extensions``: extra members, RFC 9457 §3.2)."""
    body = Problem(
        type=type_,
        title=title or HTTPStatus(status).phrase,
        status=status,
        detail=detail,
        instance=request.path,
        errors=list(errors) if errors is not None else None,
    )
    document = body.model_dump(mode="json", exclude_none=True)
    document.update(extensions or {})
    return HttpResponse(
        DjangoJSONEncoder().encode(document),
        status=status,
        content_type=PROBLEM_JSON,
    )


_LOCATIONS = {"body", "query", "path", "header", "cookie"}


def _field_problem(error: dict[str, Any]) -> FieldProblem:
    """One pydantic error as ninja reports it: ``loc`` is (source, [param name,] field...)."""
    loc = [str(part) for part in error.get("loc", ())]
    location = loc[0] if loc and loc[0] in _LOCATIONS else "body"
    rest = loc[1:]
    if location == "body" and rest and rest[0] == BODY_PARAM:
        rest = rest[1:]  # the view's body parameter is not part of the document sent
    return FieldProblem(
        field=".".join(rest) or "(body)",
        location=cast(Any, location),
        message=str(error.get("msg", "Invalid value")),
        code=str(error.get("type", "invalid")),
    )


def on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """422 naming each invalid field; 400 when only headers are wrong (a bad request, not a
    document we cannot process)."""
    errors = [_field_problem(error) for error in exc.errors]
    if errors and all(error.location == "header" for error in errors):
        return problem(
            request,
            400,
            "The request has invalid headers: see errors.",
            type_=VALIDATION_PROBLEM,
            title="Your request has invalid headers",
            errors=errors,
        )
    return problem(
        request,
        422,
        "The request has invalid fields: see errors.",
        type_=VALIDATION_PROBLEM,
        title="Your request has invalid fields",
        errors=errors,
    )


def on_service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """A service refused the action (a rule, not the shape of the request): 400."""
    errors: list[FieldProblem] = []
    general: list[str] = []
    if hasattr(exc, "error_dict"):
        for field, messages in exc.message_dict.items():
            for message in messages:
                if field == "__all__":
                    general.append(message)
                else:
                    errors.append(
                        FieldProblem(field=field, location="body", message=message, code="invalid")
                    )
    else:
        general.extend(exc.messages)
    detail = " ".join(general) or "The request has invalid fields: see errors."
    return problem(
        request,
        400,
        detail,
        type_=VALIDATION_PROBLEM,
        title="The action was refused",
        errors=errors or None,
    )


def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "Sign in to Front Door to use the API.")
    response["WWW-Authenticate"] = 'Session realm="Front Door"'
    return response


def on_token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = problem(request, 401, str(exc))
    response["WWW-Authenticate"] = exc.www_authenticate
    return response


def on_scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
    response = problem(request, 403, str(exc))
    response["WWW-Authenticate"] = exc.www_authenticate
    return response


def on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = exc.wait
    detail = "Too many requests for this API token."
    if wait is not None:
        detail += f" Try again in {wait} seconds."
    response = problem(request, 429, detail)
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


def on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """Django refused to read a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    return problem(
        request, 413, f"The request body is too large: at most {max_body_bytes()} bytes."
    )


def on_idempotency_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
    reference = exc.submission.reference
    return problem(
        request,
        409,
        f"This Idempotency-Key was already used for a different referral, {reference}. "
        "Use a new key for each new referral.",
        type_=IDEMPOTENCY_CONFLICT_PROBLEM,
        title="Idempotency-Key already used",
        extensions={"reference": reference},
    )


def on_database_unavailable(request: HttpRequest, exc: DatabaseOperationalError) -> HttpResponse:
    """The database was busy (a lock not granted in time) or unreachable: 503, not 500.
    Each write is one transaction, so nothing is half done and the client may retry."""
    logger.error("Database unavailable at %s", request.path, exc_info=exc)
    response = problem(request, 503, "The service is busy. Try again shortly.")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


def on_unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read (e.g. multipart without a boundary): 400, as Django does."""
    return problem(request, 400, "The request body could not be read. Send JSON.")


def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "There is no such record, or you may not see it.")


def on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "Your role may not do this.")


def on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A bug: log it as Django would, and answer with a problem rather than a traceback."""
    got_request_exception.send(sender=None, request=request)
    logger.error("API error at %s", request.path, exc_info=exc)
    return problem(request, 500, "Something went wrong. The error has been logged.")


# --------------------------------------------------------------------------- auth


class DjangoSession(SessionAuth):
    """The signed-in Django session, and the permission one operation declares.

    Without a session: 401 (before any CSRF check, so a client knows to sign in). With one:
    unsafe methods must pass Django's CSRF check (``X-CSRFToken`` header), then the role must
    have the operation's permission (403 otherwise).
    """

    openapi_description = (
        "The Front Door session cookie, set by signing in at /sign-in/. Unsafe methods "
        "(POST) also need the CSRF token (the csrftoken cookie) in an X-CSRFToken header."
    )

    def __init__(self, perm: Perm | None) -> None:
        super().__init__(csrf=True)
        self.perm = perm

    def __call__(self, request: HttpRequest) -> Any:
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if self.perm is None:
            raise AuthorizationError(message="This operation has not declared who may use it.")
        if not can(user, self.perm):
            raise AuthorizationError(message="Your role may not do this.")
        return user


def needs(perm: Perm) -> DjangoSession:
    """The auth for an operation that needs ``perm``."""
    return DjangoSession(perm)


def user_of(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def log_read(
    request: HttpRequest,
    children: Iterable[Person],
    record: Model,
    *,
    fields: Iterable[str] = (),
) -> None:
    access_log_record(
        user=user_of(request),
        children=children,
        record=record,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
        fields=fields,
    )


AUTH_ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem}
INVALID: dict[int, type[Problem]] = {422: Problem}
NOT_FOUND: dict[int, type[Problem]] = {404: Problem}
