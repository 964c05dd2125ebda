"""MASH enquiries and partner information requests in the JSON API."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.exceptions import (
    PermissionDenied,
)
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Case, F, IntegerField, QuerySet, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Path, Router
from ninja.pagination import LimitOffsetPagination, paginate

from frontdoor.accounts.access import (
    Perm,
    can,
    visible_requests,
)
from frontdoor.api.base import (
    ALREADY_ANSWERED_PROBLEM,
    AUTH_ERRORS,
    INVALID,
    MAX_ID,
    MAX_OFFSET,
    MAX_PAGE,
    NOT_FOUND,
    log_read,
    needs,
    problem,
    user_of,
)
from frontdoor.api.schemas import (
    AgencyOut,
    AnswerIn,
    ChildOut,
    Clock,
    DecisionOut,
    EnquiryOut,
    RatingChangeOut,
    RequestDetail,
    RequestSummary,
)
from frontdoor.mash import services as mash
from frontdoor.mash.clocks import request_clock, signoff_clock
from frontdoor.mash.models import (
    DecisionOutcome,
    DecisionStatus,
    EnquiryStatus,
    PartnerRequest,
    Rating,
    RequestStatus,
)
from frontdoor.mash.selectors import enquiry_detail, enquiry_visible
from frontdoor.web.problems import Problem


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


def _requests_qs() -> QuerySet[PartnerRequest]:
    return PartnerRequest.objects.select_related(
        "enquiry__child", "agency", "policy", "sent_by", "answered_by"
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
        visible_requests(user_of(request), _requests_qs())
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
            log_read(request, [pr.enquiry.child], pr, fields=("child_name",))
    return [_request_summary(pr, now) for pr in rows]


def _visible_request(request: HttpRequest, pk: int) -> PartnerRequest:
    return get_object_or_404(visible_requests(user_of(request), _requests_qs()), pk=pk)


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
    log_read(request, [pr.enquiry.child], pr)
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
    user = user_of(request)
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
    enquiry = enquiry_visible(user_of(request), id)
    log_read(request, [enquiry.child], enquiry)
    detail = enquiry_detail(enquiry, user_of(request), timezone.now())
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
