"""The partner intake operations against their own OpenAPI schema, with schemathesis.

Generated valid and invalid referrals, headers and references are sent with a live police
token (both scopes), one referral already in the database for the status operation to find.
Whatever is sent, the API must not fail with a 5xx, and every response must have a status,
media type, headers and body that the schema documents. Deterministic and bounded (a fixed
seed, 40 examples per operation and generation mode), so it runs in well under a minute.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from frontdoor.accounts.models import ApiScope, ApiToken
from frontdoor.accounts.services import api_token_issue
from frontdoor.api.tests.test_schemathesis import InProcessDjango
from frontdoor.intake.models import SubmissionChannel
from frontdoor.intake.payload import ReferralIn
from frontdoor.intake.submissions import submission_receive
from frontdoor.testing.factories import referral_document

pytestmark = pytest.mark.django_db

SCHEMA_PATH = "/api/v1/openapi.json"
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]

CONFIG = schemathesis.Config.from_dict(
    {
        "seed": 20260302,
        "generation": {
            "mode": "all",  # valid and invalid input
            "max-examples": 40,
            "deterministic": True,
            "database": "none",
            # The bearer token is ours, not generated.
            "with-security-parameters": False,
        },
        "phases": {"stateful": {"enabled": False}},
    }
)

schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, InProcessDjango(), config=CONFIG).include(
    path_regex=r"^/api/v1/intake/"
)

#: The reference of the referral the police sent before the test, for ``{reference}``.
EXISTING: dict[str, str] = {}


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> Any:
    """Half the time, aim a generated ``{reference}`` at the referral that exists."""
    if not path_parameters or "reference" not in path_parameters or "reference" not in EXISTING:
        return st.just(path_parameters)
    return st.sampled_from(
        [path_parameters, {**path_parameters, "reference": EXISTING["reference"]}]
    )


@pytest.fixture
def token(org: SimpleNamespace) -> Iterator[str]:
    """A live police token with both scopes and no practical rate limit, and one referral
    the police sent earlier."""
    cache.clear()
    issued, plain = api_token_issue(
        agency=org.police,
        name="Niche RMS",
        scopes=[ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
        by=None,
    )
    ApiToken.objects.filter(pk=issued.pk).update(rate_limit_per_minute=1_000_000)
    received = submission_receive(
        referral=ReferralIn.model_validate(referral_document()),
        channel=SubmissionChannel.PARTNER_API,
        idempotency_scope="agency:police",
        idempotency_key="earlier",
        agency=org.police,
        token=issued,
    )
    EXISTING.clear()
    EXISTING["reference"] = received.submission.reference
    yield plain
    cache.clear()


@schema.parametrize()
@hypothesis_settings(
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    deadline=None,
)
def test_the_intake_api_conforms_to_its_schema(case: Any, token: str) -> None:
    response = case.call(headers={"Authorization": f"Bearer {token}"})

    case.validate_response(response, checks=CHECKS)
