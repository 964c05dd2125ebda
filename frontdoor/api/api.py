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

import logging
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import wraps
from http import HTTPStatus
from typing import Any, Literal, cast

from django.core.exceptions import (
    BadRequest,
    PermissionDenied,
    RequestDataTooBig,
    SuspiciousOperation,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.signals import got_request_exception
from django.db import OperationalError as DatabaseOperationalError
from django.db.models import Case, F, IntegerField, Model, QuerySet, Value, When
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, URLResolver, re_path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from ninja import Field, NinjaAPI, Path, Router
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import SessionAuth

from frontdoor.accounts.access import (
    Perm,
    can,
    visible_requests,
)
from frontdoor.accounts.models import User
from frontdoor.api.schemas import (
    AgencyOut,
    AnswerIn,
    ChildMatchOut,
    ChildOut,
    ChildSearchIn,
    ChildSearchOut,
    Clock,
    DecisionOut,
    EnquiryOut,
    FieldProblem,
    MatchReasonOut,
    OverviewOut,
    OverviewPeriod,
    Problem,
    QueueOut,
    RatingChangeOut,
    RequestDetail,
    RequestSummary,
    StageOverview,
    StateCounts,
    TimelinessOut,
    WorkItemOut,
)
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.clocks import ClockState
from frontdoor.intake.api import (
    IDEMPOTENCY_CONFLICT_PROBLEM,
    PartnerToken,
    ScopeMissing,
    TokenRefused,
    max_body_bytes,
)
from frontdoor.intake.api import router as intake_router
from frontdoor.intake.submissions import IdempotencyConflict
from frontdoor.mash import services as mash
from frontdoor.mash.models import (
    DecisionOutcome,
    DecisionStatus,
    EnquiryStatus,
    PartnerRequest,
    Rating,
    RequestStatus,
)
from frontdoor.mash.selectors import enquiry_detail, enquiry_visible
from frontdoor.matching.record import MatchRecord
from frontdoor.matching.selectors import candidates_for
from frontdoor.people.identifiers import nhs_number_valid
from frontdoor.people.models import Person
from frontdoor.work.clocks import request_clock, signoff_clock
from frontdoor.work.queues import WorkItem, front_door_overview, my_queue, team_queue

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


def _on_request_invalid(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
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


def _on_service_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
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


def _on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    response = problem(request, 401, "Sign in to Front Door to use the API.")
    response["WWW-Authenticate"] = 'Session realm="Front Door"'
    return response


def _on_token_refused(request: HttpRequest, exc: TokenRefused) -> HttpResponse:
    response = problem(request, 401, str(exc))
    response["WWW-Authenticate"] = exc.www_authenticate
    return response


def _on_scope_missing(request: HttpRequest, exc: ScopeMissing) -> HttpResponse:
    response = problem(request, 403, str(exc))
    response["WWW-Authenticate"] = exc.www_authenticate
    return response


def _on_throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    wait = exc.wait
    detail = "Too many requests for this API token."
    if wait is not None:
        detail += f" Try again in {wait} seconds."
    response = problem(request, 429, detail)
    if wait is not None:
        response["Retry-After"] = str(wait)
    return response


def _on_too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    """Django refused to read a body larger than ``DATA_UPLOAD_MAX_MEMORY_SIZE``."""
    return problem(
        request, 413, f"The request body is too large: at most {max_body_bytes()} bytes."
    )


def _on_idempotency_conflict(request: HttpRequest, exc: IdempotencyConflict) -> HttpResponse:
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


def _on_database_unavailable(request: HttpRequest, exc: DatabaseOperationalError) -> HttpResponse:
    """The database was busy (a lock not granted in time) or unreachable: 503, not 500.
    Each write is one transaction, so nothing is half done and the client may retry."""
    logger.error("Database unavailable at %s", request.path, exc_info=exc)
    response = problem(request, 503, "The service is busy. Try again shortly.")
    response["Retry-After"] = str(DATABASE_RETRY_AFTER)
    return response


def _on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return problem(request, exc.status_code, str(exc))


def _on_unreadable(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A body Django cannot read (e.g. multipart without a boundary): 400, as Django does."""
    return problem(request, 400, "The request body could not be read. Send JSON.")


def _on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return problem(request, 404, "There is no such record, or you may not see it.")


def _on_permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return problem(request, 403, str(exc) or "Your role may not do this.")


def _on_error(request: HttpRequest, exc: Exception) -> HttpResponse:
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


def _user(request: HttpRequest) -> User:
    return cast(User, request.auth)  # type: ignore[attr-defined]


def _log_view(
    request: HttpRequest,
    children: Iterable[Person],
    record: Model,
    *,
    fields: Iterable[str] = (),
) -> None:
    access_log_record(
        user=_user(request),
        children=children,
        record=record,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
        fields=fields,
    )


# --------------------------------------------------------------------------- the API


def _problem_views(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Turn the 404s and 405s that ninja's URL views answer themselves into problems."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = view(request, *args, **kwargs)
        except Http404 as exc:
            return _on_not_found(request, exc)
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
    (NinjaValidationError, _on_request_invalid),
    (DjangoValidationError, _on_service_invalid),
    (TokenRefused, _on_token_refused),
    (ScopeMissing, _on_scope_missing),
    (Throttled, _on_throttled),
    (IdempotencyConflict, _on_idempotency_conflict),
    (RequestDataTooBig, _on_too_large),
    (DatabaseOperationalError, _on_database_unavailable),
    (AuthenticationError, _on_unauthenticated),
    (HttpError, _on_http_error),
    (Http404, _on_not_found),
    (MultiPartParserError, _on_unreadable),
    (BadRequest, _on_unreadable),
    (SuspiciousOperation, _on_unreadable),
    (PermissionDenied, _on_permission_denied),
    (Exception, _on_error),
]
for _exc_class, _handler in ERROR_HANDLERS:
    api.add_exception_handler(_exc_class, _handler)

AUTH_ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem}
INVALID: dict[int, type[Problem]] = {422: Problem}
NOT_FOUND: dict[int, type[Problem]] = {404: Problem}


# --------------------------------------------------------------------------- building output


def _request_summary(pr: PartnerRequest, now: datetime) -> RequestSummary:
    child = pr.enquiry.child
    return RequestSummary(
        id=pr.pk,
        reference=f"R{pr.pk}",
        enquiry_id=pr.enquiry_id,
        child_id=child.pk,
        child_name=child.full_name,
        agency=AgencyOut(code=pr.agency.code, name=pr.agency.name),
        status=RequestStatus(pr.status),
        rating=Rating(pr.enquiry.rating),
        sent_at=pr.sent_at,
        due_at=pr.due_at,
        answered_at=pr.answered_at,
        clock=Clock.of(request_clock(pr, now)),
    )


def _request_detail(pr: PartnerRequest, now: datetime) -> RequestDetail:
    summary = _request_summary(pr, now)
    return RequestDetail(
        **summary.model_dump(),
        child=ChildOut.of(pr.enquiry.child),
        questions=[str(q) for q in pr.questions or []],
        sent_by=pr.sent_by.display_name,
        answered_by=pr.answered_by.display_name if pr.answered_by else None,
        response=pr.response,
        not_shared_reason=pr.not_shared_reason,
    )


def _work_item(item: WorkItem) -> WorkItemOut:
    """A restricted child the user may not see is named by its record number only."""
    return WorkItemOut(
        stage=item.stage,
        child_id=item.child.pk,
        child_name=item.child.full_name,
        reference=item.reference,
        rating=cast(Any, item.rating),
        owner=item.owner,
        immediate_risk=item.urgent,
        note=item.note,
        clock=Clock.of(item.reading),
        url=item.url,
    )


def _requests_qs() -> QuerySet[PartnerRequest]:
    return PartnerRequest.objects.select_related(
        "enquiry__child", "agency", "policy", "sent_by", "answered_by"
    )


# --------------------------------------------------------------------------- overview


overview_router = Router(tags=["Overview"])


@overview_router.get(
    "",
    auth=needs(Perm.OVERVIEW_VIEW),
    response={200: OverviewOut, **AUTH_ERRORS, **INVALID},
    operation_id="getOverview",
    summary="Open work by stage and clock state, and timeliness",
)
def overview(request: HttpRequest, days: OverviewPeriod = OverviewPeriod.DAYS_28) -> OverviewOut:
    """The front-door overview page's figures: counts of open work at each stage by clock
    state, and for each clock over the last ``days`` (28 by default): how many finished, how
    many of those on time, and how many are still open past their due time (not met)."""
    now = timezone.now()
    data = front_door_overview(now, int(days))
    return OverviewOut(
        generated_at=now,
        period_days=data.period_days,
        stages=[
            StageOverview(
                stage=row.stage,
                total=row.total,
                counts=StateCounts(
                    overdue=row.get(ClockState.OVERDUE),
                    due_soon=row.get(ClockState.DUE_SOON),
                    on_time=row.get(ClockState.ON_TIME),
                    no_clock=row.get(ClockState.NO_CLOCK),
                ),
            )
            for row in data.stages
        ],
        timeliness=[
            TimelinessOut(
                clock=row.clock,
                completed=row.completed,
                met=row.met,
                late=row.late,
                open_overdue=row.open_overdue,
                not_met=row.not_met,
                percent_met=row.percent_met,
                definition=row.definition,
            )
            for row in data.timeliness
        ],
    )


# --------------------------------------------------------------------------- children


children_router = Router(tags=["Children"])


def _search_record(query: ChildSearchIn) -> MatchRecord:
    errors: dict[str, str] = {}
    if query.nhs_number.strip() and not nhs_number_valid(query.nhs_number):
        errors["nhs_number"] = "Enter a valid 10-digit NHS number, like 943 476 5919"
    if query.birth_month is not None and query.birth_year is None:
        errors["birth_month"] = "Give the year of birth with the month"
    dob = query.date_of_birth
    if dob is not None and query.birth_year is not None and dob.year != query.birth_year:
        errors["birth_year"] = "The year of birth does not agree with the date of birth"
    if errors:
        raise DjangoValidationError(errors)
    record = MatchRecord.build(
        given_names=[query.given_name],
        family_names=[query.family_name],
        date_of_birth=dob,
        birth_year=query.birth_year,
        birth_month=query.birth_month,
        expected_date_of_birth=query.expected_date_of_birth,
        sex=query.sex,
        postcodes=[query.postcode],
        nhs_number=query.nhs_number,
    )
    if record.is_empty:
        raise DjangoValidationError(
            "Give at least one of: a name, a date of birth, a postcode or an NHS number"
        )
    return record


@children_router.post(
    "/search",
    auth=needs(Perm.CHILD_VIEW),
    response={200: ChildSearchOut, 400: Problem, **AUTH_ERRORS, **INVALID},
    operation_id="searchChildren",
    summary="Find a known child from misspelt or partial details (search before create)",
)
def search_children(request: HttpRequest, query: ChildSearchIn) -> ChildSearchOut:
    """The children already known who may be the one described, best first, each with a
    confidence and the reasons (Fellegi–Sunter match weights per field; see
    docs/matching.md). Each child returned is access-logged as read."""
    found = candidates_for(_search_record(query), limit=query.limit)
    # A restricted record the user may not see is still found (so it is not made twice) but
    # shown masked, without its details, and so not read or logged.
    for candidate in found:
        if not candidate.person.is_masked:
            _log_view(request, [candidate.person], candidate.person)
    return ChildSearchOut(
        count=len(found),
        results=[
            ChildMatchOut(
                child=ChildOut.of(c.person),
                weight=c.weight,
                confidence=c.confidence,  # type: ignore[arg-type]
                summary="Restricted record: only the people named on it may see its details"
                if c.person.is_masked
                else c.score.summary,
                reasons=[]
                if c.person.is_masked
                else [
                    MatchReasonOut(field=f.field, level=f.level, weight=f.weight, reason=f.reason)
                    for f in c.score.fields
                ],
            )
            for c in found
        ],
    )


# --------------------------------------------------------------------------- queues


queue_router = Router(tags=["Queues"])


@queue_router.get(
    "",
    auth=needs(Perm.QUEUE_VIEW),
    response={200: QueueOut, **AUTH_ERRORS, **INVALID},
    operation_id="getQueue",
    summary="Work waiting on me or on my team, soonest due first",
)
def queue(request: HttpRequest, scope: Literal["mine", "team"] = "mine") -> QueueOut:
    """`mine`: work allocated to me (and, for managers, decisions awaiting my sign-off).
    `team`: everything waiting on my team, or for a partner, on my agency."""
    now = timezone.now()
    user = _user(request)
    items = my_queue(user, now) if scope == "mine" else team_queue(user, now)
    return QueueOut(
        scope=scope,
        generated_at=now,
        count=len(items),
        items=[_work_item(item) for item in items],
    )


# --------------------------------------------------------------------------- requests


class RequestPagination(LimitOffsetPagination):
    """`limit` (1-100, default 20) and `offset`; the page's rows are built by
    `build(rows, request)`."""

    class Input(LimitOffsetPagination.Input):
        limit: int = Field(20, ge=1, le=MAX_PAGE, description="How many to return (at most 100).")
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many to skip.")

    def __init__(
        self, *, build: Callable[[list[Any], HttpRequest], list[Any]], **kwargs: Any
    ) -> None:
        super().__init__(max_limit=MAX_PAGE, **kwargs)
        self.build = build

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = self.build(list(page[self.items_attribute]), request)
        return page


requests_router = Router(tags=["Partner information requests"])


@requests_router.get(
    "",
    auth=needs(Perm.REQUEST_VIEW),
    response={200: list[RequestSummary], **AUTH_ERRORS, **INVALID},
    operation_id="listRequests",
    summary="The information requests I may see, open ones first",
)
@paginate(RequestPagination, build=lambda rows, request: _request_page(request, rows))
def list_requests(request: HttpRequest) -> QuerySet[PartnerRequest]:
    """Partner practitioners see their own agency's requests; MASH staff and auditors see
    all. Open requests come first, soonest due first; then answered ones, newest first.
    Each child named is recorded in its access log; a restricted record the user may not see
    is named "Restricted record (record N)" (and not logged as read)."""
    due_while_open = Case(When(status=RequestStatus.SENT, then=F("due_at")), default=None)
    return (
        visible_requests(_user(request), _requests_qs())
        .annotate(
            closed=Case(
                When(status=RequestStatus.SENT, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("closed", due_while_open.asc(nulls_last=True), "-sent_at", "-id")
    )


def _request_page(request: HttpRequest, rows: list[PartnerRequest]) -> list[RequestSummary]:
    """One page of the requests list: each child named on it is logged as viewed."""
    now = timezone.now()
    for pr in rows:
        if not pr.enquiry.child.is_masked:
            _log_view(request, [pr.enquiry.child], pr, fields=("child_name",))
    return [_request_summary(pr, now) for pr in rows]


def _visible_request(request: HttpRequest, pk: int) -> PartnerRequest:
    return get_object_or_404(visible_requests(_user(request), _requests_qs()), pk=pk)


@requests_router.get(
    "/{id}",
    auth=needs(Perm.REQUEST_VIEW),
    response={200: RequestDetail, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
    operation_id="getRequest",
    summary="One information request: questions, status, answer and clock",
)
def get_request(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> RequestDetail:
    """404 for a request that does not exist or that the user may not see (another
    agency's). Reading it is recorded in the child's access log."""
    pr = _visible_request(request, id)
    _log_view(request, [pr.enquiry.child], pr)
    return _request_detail(pr, timezone.now())


@requests_router.post(
    "/{id}/answer",
    auth=needs(Perm.REQUEST_ANSWER),
    response={
        200: RequestDetail,
        400: Problem,
        **AUTH_ERRORS,
        **NOT_FOUND,
        409: Problem,
        **INVALID,
    },
    operation_id="answerRequest",
    summary="Answer an information request for my agency",
)
def answer_request(
    request: HttpRequest,
    payload: AnswerIn,
    id: int = Path(..., ge=1, le=MAX_ID),
) -> RequestDetail | HttpResponse:
    """Share the information (`shared: true` and `response`) or say it is not shared and
    why (`shared: false` and `not_shared_reason`). 409 if it has already been answered;
    400 (naming the field) if the answer is refused."""
    pr = _visible_request(request, id)
    user = _user(request)
    if not can(user, Perm.REQUEST_ANSWER, pr):
        raise PermissionDenied("Only the agency the request was sent to may answer it.")
    if pr.status != RequestStatus.SENT:
        return _already_answered(request)
    try:
        answered = mash.request_answer(
            request=pr,
            shared=payload.shared,
            response=payload.response,
            not_shared_reason=payload.not_shared_reason,
            by=user,
        )
    except DjangoValidationError:
        # Answered by someone else since we looked? Then it is a conflict, not bad input.
        if PartnerRequest.objects.filter(pk=pr.pk).exclude(status=RequestStatus.SENT).exists():
            return _already_answered(request)
        raise
    return _request_detail(_visible_request(request, answered.pk), timezone.now())


def _already_answered(request: HttpRequest) -> HttpResponse:
    return problem(
        request,
        409,
        "This request has already been answered.",
        type_=ALREADY_ANSWERED_PROBLEM,
        title="Already answered",
    )


# --------------------------------------------------------------------------- enquiries


enquiries_router = Router(tags=["MASH enquiries"])


@enquiries_router.get(
    "/{id}",
    auth=needs(Perm.ENQUIRY_VIEW),
    response={200: EnquiryOut, **AUTH_ERRORS, **NOT_FOUND, **INVALID},
    operation_id="getEnquiry",
    summary="A MASH enquiry: rating and its history, clock, requests and decision",
)
def get_enquiry(request: HttpRequest, id: int = Path(..., ge=1, le=MAX_ID)) -> EnquiryOut:
    """Requests are those the user may see. Reading it is recorded in the child's access
    log."""
    enquiry = enquiry_visible(_user(request), id)
    _log_view(request, [enquiry.child], enquiry)
    detail = enquiry_detail(enquiry, _user(request), timezone.now())
    now, decision = detail.now, detail.decision
    return EnquiryOut(
        id=enquiry.pk,
        reference=f"E{enquiry.pk}",
        status=EnquiryStatus(enquiry.status),
        child=ChildOut.of(enquiry.child),
        team=enquiry.team.name,
        allocated_to=enquiry.allocated_to.display_name if enquiry.allocated_to else None,
        entered_at=enquiry.entered_at,
        rating=Rating(enquiry.rating),
        rated_at=enquiry.rated_at,
        due_at=enquiry.due_at,
        completed_at=enquiry.completed_at,
        clock=Clock.of(detail.clock),
        rating_history=[
            RatingChangeOut(
                rating=Rating(change.rating),
                previous=Rating(change.previous) if change.previous else "",
                at=change.at,
                by=change.by.display_name,
                reason=change.reason,
            )
            for change in detail.ratings
        ],
        requests=[_request_summary(pr, now) for pr, _clock in detail.requests],
        decision=None
        if decision is None
        else DecisionOut(
            status=DecisionStatus(decision.status),
            outcome=DecisionOutcome(decision.outcome),
            outcome_label=decision.get_outcome_display(),
            rationale=decision.rationale,
            recorded_by=decision.recorded_by.display_name,
            recorded_at=decision.recorded_at,
            signed_off_by=decision.signed_off_by.display_name if decision.signed_off_by else None,
            signed_off_at=decision.signed_off_at,
            oversight=decision.oversight,
            signoff_clock=Clock.of(signoff_clock(decision, now)),
        ),
    )


api.add_router("/overview", overview_router)
api.add_router("/children", children_router)
api.add_router("/queue", queue_router)
api.add_router("/requests", requests_router)
api.add_router("/enquiries", enquiries_router)
api.add_router("/intake", intake_router)
