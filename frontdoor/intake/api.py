"""The partner intake API: agency systems send referrals as JSON (``/api/v1/intake/``).

Police child-concern notifications and health referrals arrive here from the agencies' own
systems. Each system has an API token issued to its agency (``frontdoor api_token issue`` or
the admin); it sends it as ``Authorization: Bearer fd_<prefix>_<secret>``. The token carries
scopes: ``referrals:write`` to send referrals, ``referrals:read`` to follow their screening.

Everything that can be decided without reading the body is decided first, in this order:
the token (401), its scope (403), the token's rate limit (429), the declared body size (413),
the media type (415) and the ``Idempotency-Key`` header (400). Only then is the body read
and validated against ``ReferralIn`` (422, or 400 for a body that is not JSON at all), and
handed to ``submission_receive``, which checks the rules (422, naming each field), stores the
referral and makes it a contact in one transaction. A repeat with the same key and the same
body answers 200 with the first answer; the same key with a different body is a 409.

The views only translate: every write is ``submission_receive``; the errors are rendered as
problem details by the handlers registered in ``frontdoor.api.api``.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Literal, cast

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Header, Path, Router, Schema, Status
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer

from frontdoor.accounts.models import ApiScope, ApiToken
from frontdoor.accounts.services import api_token_authenticate
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.intake.models import ScreeningOutcome, Submission, SubmissionChannel
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.web.problems import Problem

logger = logging.getLogger("frontdoor.api")

REALM = "Front Door"
IDEMPOTENCY_HEADER = "Idempotency-Key"
#: 1 to 200 printable ASCII characters (space to tilde). A UUID is a good key.
IDEMPOTENCY_KEY_PATTERN = r"^[\x20-\x7e]{1,200}$"
IDEMPOTENCY_CONFLICT_PROBLEM = "urn:frontdoor:problem:idempotency-conflict"
#: The largest request body accepted, unless ``FRONTDOOR_API_MAX_BODY_BYTES`` says otherwise.
DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024
RATE_WINDOW_SECONDS = 60
#: References are ``FD-`` and two groups of four characters of Crockford's base32.
REFERENCE_PATTERN = r"^FD-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$"
#: What a token looks like (``api_token_issue``); anything else is refused unlooked-up.
_TOKEN_SHAPE = re.compile(r"fd_[0-9a-f]{1,16}_[A-Za-z0-9_-]{1,200}")


def max_body_bytes() -> int:
    return int(getattr(settings, "FRONTDOOR_API_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES))


# --------------------------------------------------------------------------- refusals


class TokenRefused(AuthenticationError):
    """401: no bearer token, or one that is unknown, revoked or expired (RFC 6750 §3)."""

    def __init__(self, message: str, *, error: str = "") -> None:
        super().__init__(message=message)
        self.error = error

    @property
    def www_authenticate(self) -> str:
        challenge = f'Bearer realm="{REALM}"'
        return f'{challenge}, error="{self.error}"' if self.error else challenge


class ScopeMissing(AuthorizationError):
    """403: a live token without the scope the operation needs."""

    def __init__(self, scope: str) -> None:
        super().__init__(message=f"This API token does not have the {scope} scope.")
        self.scope = scope

    @property
    def www_authenticate(self) -> str:
        return f'Bearer realm="{REALM}", error="insufficient_scope", scope="{self.scope}"'


def _header_invalid(message: str, code: str) -> NinjaValidationError:
    """A refused header, in the shape ninja reports fields (rendered as a 400)."""
    return NinjaValidationError(
        [{"loc": ("header", IDEMPOTENCY_HEADER), "msg": message, "type": code}]
    )


def _rules_broken(exc: DjangoValidationError) -> NinjaValidationError:
    """``submission_receive``'s refusal, as field errors of the body (rendered as a 422)."""
    errors: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        items = list(exc.message_dict.items())
    else:
        items = [(NON_FIELD_ERRORS, exc.messages)]
    for field, messages in items:
        loc = ("body",) if field == NON_FIELD_ERRORS else ("body", *field.split("."))
        errors.extend({"loc": loc, "msg": message, "type": "invalid"} for message in messages)
    return NinjaValidationError(errors)


# --------------------------------------------------------------------------- rate limit


def rate_limit_check(token: ApiToken) -> None:
    """Count this request in the token's one-minute window; 429 (Throttled) past its limit.

    A fixed window in Django's cache (``add`` then ``incr``, both atomic in the shared cache
    backends). If the cache fails, the request is let through: a referral is never refused
    because the limiter is unwell.
    """
    now = time.time()
    window = int(now // RATE_WINDOW_SECONDS)
    key = f"frontdoor:api-rate:{token.prefix}:{window}"
    try:
        cache.add(key, 0, timeout=RATE_WINDOW_SECONDS * 2)
        try:
            count = cache.incr(key)
        except ValueError:  # evicted between add and incr
            cache.set(key, 1, timeout=RATE_WINDOW_SECONDS * 2)
            count = 1
    except Exception:
        logger.warning("API rate limit not checked: the cache failed", exc_info=True)
        return
    if count > token.rate_limit_per_minute:
        raise Throttled(wait=max(1, math.ceil((window + 1) * RATE_WINDOW_SECONDS - now)))


# --------------------------------------------------------------------------- auth


class PartnerToken(HttpBearer):
    """A partner system's API token (``Authorization: Bearer fd_…``) with the scope an
    operation needs.

    Ninja runs this before it reads the request, so it is also where the token's rate limit
    and the operation's ``checks`` (body size, media type, headers) are applied: an
    unauthenticated caller learns nothing, and nothing is read that will be refused anyway.
    """

    openapi_description = (
        "An API token issued to a partner agency's system, sent as "
        "`Authorization: Bearer fd_<prefix>_<secret>`. Scopes: `referrals:write` to send "
        "referrals, `referrals:read` to read their status."
    )
    openapi_bearerFormat = "fd_<prefix>_<secret>"

    def __init__(
        self, scope: ApiScope, *, checks: Sequence[Callable[[HttpRequest], None]] = ()
    ) -> None:
        super().__init__()
        self.scope = scope
        self.checks = tuple(checks)

    def __call__(self, request: HttpRequest) -> ApiToken:
        value = request.headers.get(self.header, "")
        if not value:
            raise TokenRefused("Send your API token in an Authorization: Bearer header.")
        scheme, _, raw = value.partition(" ")
        if scheme.lower() != "bearer":  # another scheme: no error code (RFC 6750 §3.1)
            raise TokenRefused("Send your API token in an Authorization: Bearer header.")
        return self.authenticate(request, raw.strip())

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken:
        found = api_token_authenticate(token) if _TOKEN_SHAPE.fullmatch(token) else None
        if found is None:
            raise TokenRefused(
                "The API token is not valid: it is unknown, revoked or expired.",
                error="invalid_token",
            )
        if self.scope not in found.scopes:
            raise ScopeMissing(self.scope)
        rate_limit_check(found)
        for check in self.checks:
            check(request)
        return found


def json_upload_checks(request: HttpRequest) -> None:
    """Before the body is read: its declared size (413), media type (415), key (400)."""
    limit = max_body_bytes()
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        # (ContentLengthMiddleware answers first; Django could not read such a body.)
        raise HttpError(400, "The Content-Length header must be a whole number of bytes.") from None
    if length > limit:
        raise HttpError(
            413, f"The request body is {length} bytes; this API accepts at most {limit} bytes."
        )
    if (request.content_type or "").lower() != "application/json":
        raise HttpError(415, "Send the referral as JSON, with Content-Type: application/json.")
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if key is None:
        raise _header_invalid(
            "Send an Idempotency-Key header: a value unique to this referral, e.g. a UUID.",
            "missing",
        )
    if not re.fullmatch(IDEMPOTENCY_KEY_PATTERN, key):
        raise _header_invalid(
            "The Idempotency-Key must be 1 to 200 printable ASCII characters.", "invalid"
        )


def _token(request: HttpRequest) -> ApiToken:
    return cast(ApiToken, request.auth)  # type: ignore[attr-defined]


# --------------------------------------------------------------------------- schemas


class ReferralReceipt(Schema):
    """The referral is stored: durable before this answer was sent."""

    reference: str = Field(
        description="Front Door's reference for the referral.", examples=["FD-7K3M-Q9TX"]
    )
    received_at: datetime = Field(description="When Front Door received it.")
    contact_reference: str | None = Field(
        description="The contact it became, once it is one: Front Door's worker makes it a "
        "contact within seconds, with the 1-working-day screening clock running from "
        "`received_at`. Null until then (read it later at `status_url`).",
        examples=["C0004821"],
    )
    status_url: str = Field(
        description="Where to read its screening status (GET, scope `referrals:read`)."
    )


class ChildScreening(Schema):
    """One child of the contact, in the order they were named. No personal details."""

    status: Literal["awaiting_screening", "screened"]
    outcome: ScreeningOutcome | None = Field(description="The screening decision, once made.")
    outcome_label: str | None = Field(description="The decision as staff see it.")
    screened_at: datetime | None


class ReferralStatus(Schema):
    """Where a referral has got to: the screening decision for each child."""

    reference: str
    received_at: datetime
    contact_reference: str | None
    children: list[ChildScreening]


class IdempotencyConflictProblem(Problem):
    """The Idempotency-Key was used before, for a different referral."""

    reference: str = Field(description="The referral the key was first used for.")


# --------------------------------------------------------------------------- examples


_POLICE_EXAMPLE: dict[str, Any] = {
    "referrer": {
        "kind": "professional",
        "name": "PC Alex Morgan",
        "role": "Police constable",
        "organisation": "Demo Police",
        "organisation_type": "police",
        "email": "alex.morgan@police.example.org",
        "phone": "01632 960000",
    },
    "children": [
        {
            "first_name": "Sam",
            "last_name": "Example",
            "date_of_birth": "2018-05-01",
            "sex": "M",
            "nhs_number": "943 476 5919",
            "address_line_1": "1 Example Street",
            "town": "Demo City",
            "postcode": "PE1 1XX",
        }
    ],
    "concern": "Officers attended a domestic incident at the home at 02:10. Sam was present "
    "and distressed; his mother had visible injuries.",
    "when_and_where": "Last night at the family home.",
    "immediate_risk": False,
    "parents_aware": "yes",
    "consent_status": "not_sought",
    "consent_reason": "Asking could increase the risk to the child and his mother.",
    "lawful_basis": "public_task",
    "external_reference": "OCC/2026/012345",
}

_HEALTH_EXAMPLE: dict[str, Any] = {
    "referrer": {
        "kind": "professional",
        "name": "Dr Priya Shah",
        "role": "Paediatric registrar",
        "organisation": "Demo Health Trust",
        "organisation_type": "hospital_emergency",
        "email": "priya.shah@health.example.org",
    },
    "children": [
        {
            "first_name": "Ava",
            "last_name": "Example",
            "date_of_birth": "2025-09-14",
            "sex": "F",
            "postcode": "PE1 1XX",
        }
    ],
    "concern": "Six-month-old seen in the emergency department with bruising that does not "
    "fit the account given.",
    "immediate_risk": True,
    "consent_status": "given",
    "external_reference": "ED-778812",
    "documents": [{"filename": "body-map.pdf", "content_base64": "JVBERi0xLjcKJeLjz9MK"}],
}

_RECEIPT_EXAMPLE = {
    "reference": "FD-7K3M-Q9TX",
    "received_at": "2026-03-02T14:05:09.123456Z",
    "contact_reference": "C0004821",
    "status_url": "https://frontdoor.example.gov.uk/api/v1/intake/referrals/FD-7K3M-Q9TX",
}

_SEND_OPENAPI: dict[str, Any] = {
    "requestBody": {
        "content": {
            "application/json": {
                "examples": {
                    "police": {
                        "summary": "A police child-concern notification",
                        "value": _POLICE_EXAMPLE,
                    },
                    "health": {
                        "summary": "A health referral with a document",
                        "value": _HEALTH_EXAMPLE,
                    },
                }
            }
        }
    },
    "responses": {
        201: {
            "headers": {
                "Location": {
                    "description": "The referral's status URL.",
                    "schema": {"type": "string"},
                }
            },
            "content": {"application/json": {"example": _RECEIPT_EXAMPLE}},
        },
        200: {
            "description": "A repeat of an earlier request (same Idempotency-Key, same body): "
            "the first answer again.",
            "headers": {
                "Idempotent-Replayed": {
                    "description": "Always `true`: nothing new was stored.",
                    "schema": {"type": "string", "enum": ["true"]},
                },
                "Location": {
                    "description": "The referral's status URL.",
                    "schema": {"type": "string"},
                },
            },
        },
    },
}

_WWW_AUTHENTICATE = {
    "WWW-Authenticate": {
        "description": 'The Bearer challenge, e.g. `Bearer realm="Front Door"`.',
        "schema": {"type": "string"},
    }
}
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds to wait before trying again (for 429: until the token's "
        "rate-limit window resets).",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    }
}
_COMMON_OPENAPI: dict[int, Any] = {
    401: {"headers": _WWW_AUTHENTICATE},
    403: {"headers": _WWW_AUTHENTICATE},
    429: {"headers": _RETRY_AFTER},
    503: {
        "description": "The database is busy or unavailable: retry (with the same "
        "Idempotency-Key) after Retry-After seconds.",
        "headers": _RETRY_AFTER,
    },
}
_SEND_OPENAPI["responses"].update(_COMMON_OPENAPI)


# --------------------------------------------------------------------------- operations


router = Router(tags=["Partner intake"])

#: Every partner operation may answer these.
_AUTH_ERRORS: dict[int, type[Problem]] = {401: Problem, 403: Problem, 429: Problem, 503: Problem}


@router.post(
    "/referrals",
    auth=PartnerToken(ApiScope.REFERRALS_WRITE, checks=[json_upload_checks]),
    response={
        201: ReferralReceipt,
        200: ReferralReceipt,
        400: Problem,
        **_AUTH_ERRORS,
        409: IdempotencyConflictProblem,
        413: Problem,
        415: Problem,
        422: Problem,
    },
    operation_id="sendReferral",
    summary="Send a referral about one or more children",
    openapi_extra=_SEND_OPENAPI,
)
def send_referral(
    request: HttpRequest,
    response: HttpResponse,
    payload: ReferralIn,
    idempotency_key: str = Header(
        ...,
        alias=IDEMPOTENCY_HEADER,
        min_length=1,
        max_length=200,
        pattern=IDEMPOTENCY_KEY_PATTERN,
        description="A value unique to this referral (a UUID is ideal), 1 to 200 printable "
        "ASCII characters. Send the same key to retry safely: the referral is stored once. "
        "Keys are per agency.",
        example="6f1c2e2a-3b7d-4d7e-9a53-0e2f4c1b8a90",
    ),
) -> Status[ReferralReceipt]:
    """Needs scope `referrals:write`. The body is checked fully before anything is stored:
    the schema (422 naming each field, e.g. `children.0.first_name`), then the rules (422:
    NHS number check digits, dates, consent reasons, documents that are real PDF, PNG, JPEG
    or DOCX files in valid base64). On success the referral is a contact with its screening
    clock running, and the referrer is emailed an acknowledgement.

    Retry with the same `Idempotency-Key` whenever you are unsure: the same key and body
    answers 200 with the first answer and `Idempotent-Replayed: true`; the same key with a
    different body is a 409. Without `Content-Type: application/json`: 415. Larger than the
    limit (10 MiB by default): 413. Too many requests for the token in a minute: 429 with
    `Retry-After`."""
    token = _token(request)
    try:
        received = submission_receive(
            referral=payload,
            channel=SubmissionChannel.PARTNER_API,
            idempotency_scope=f"agency:{token.agency.code}",
            idempotency_key=idempotency_key,
            agency=token.agency,
            token=token,
        )
    except DjangoValidationError as exc:
        raise _rules_broken(exc) from exc
    submission = received.submission
    status_url = request.build_absolute_uri(
        reverse("api-v1:getReferral", kwargs={"reference": submission.reference})
    )
    response["Location"] = status_url
    if not received.created:
        response["Idempotent-Replayed"] = "true"
    receipt = ReferralReceipt(
        reference=submission.reference,
        received_at=submission.received_at,
        contact_reference=submission.contact.reference if submission.contact else None,
        status_url=status_url,
    )
    return Status(201 if received.created else 200, receipt)


@router.get(
    "/referrals/{reference}",
    auth=PartnerToken(ApiScope.REFERRALS_READ),
    response={200: ReferralStatus, **_AUTH_ERRORS, 404: Problem, 422: Problem},
    operation_id="getReferral",
    url_name="getReferral",
    summary="The screening status of a referral my agency sent",
    openapi_extra={"responses": _COMMON_OPENAPI},
)
def get_referral(
    request: HttpRequest,
    reference: str = Path(
        ...,
        max_length=12,
        pattern=REFERENCE_PATTERN,
        description="The reference Front Door gave the referral.",
        example="FD-7K3M-Q9TX",
    ),
) -> ReferralStatus:
    """Needs scope `referrals:read`. Only referrals sent by the token's own agency (by any of
    its tokens); any other reference is 404. For each child, in order: whether they have
    been screened, and the screening decision and when it was made. No names or other
    details of the children are returned."""
    submission = get_object_or_404(
        Submission.objects.select_related("contact"),
        reference=reference,
        agency=_token(request).agency,
    )
    contact = submission.contact
    links = list(contact.children.select_related("child").order_by("id")) if contact else []
    access_log_record(
        user=None,
        children=[link.child for link in links],
        record=submission,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
        agency=_token(request).agency.code,
    )
    return ReferralStatus(
        reference=submission.reference,
        received_at=submission.received_at,
        contact_reference=contact.reference if contact is not None else None,
        children=[
            ChildScreening(
                status="screened" if link.screened_at is not None else "awaiting_screening",
                outcome=ScreeningOutcome(link.outcome) if link.outcome else None,
                outcome_label=link.get_outcome_display() if link.outcome else None,
                screened_at=link.screened_at,
            )
            for link in links
        ],
    )
