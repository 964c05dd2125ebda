"""Whatever is typed into the filters (or the address bar), no finding page and no download
answers with a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontdoor.testing.factories import child_details
from frontdoor.testing.fixtures import client_for

pytestmark = pytest.mark.django_db

KEYS = [
    "reference",
    "referrer",
    "agency",
    "received_from-day",
    "received_from-month",
    "received_from-year",
    "received_to-year",
    "channel",
    "outcome",
    "page",
    "kind",
    "decided_from-day",
    "decided_from-month",
    "decided_from-year",
    "decided_by",
    "team",
    "state",
    "rating",
    "status",
    "stage",
    "period",
    "problems",
]
PAGES = [
    "contact-search",
    "contact-search-csv",
    "decision-list",
    "decision-list-csv",
    "caseload",
    "caseload-csv",
    "queue-mine-csv",
    "queue-team-csv",
    "escalation-list-csv",
    "supervision-csv",
    "reconciliation-csv",
    "duplicate-queue-csv",
]
VALUES = st.one_of(
    st.text(max_size=60),
    st.sampled_from(["0", "-1", "31", "13", "99999999999999999999", "1e3", "C0000001", "x:y"]),
    st.sampled_from(["mash:nfa", "screening", "awaiting", "email", "RED", "overdue", "all"]),
)


@pytest.fixture
def client(signed_off: Any, mash_manager: Any) -> Any:
    signed_off(outcome="nfa", children=[child_details(first_name="Fuzz")])
    return client_for(mash_manager)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    page=st.sampled_from(PAGES),
    query=st.dictionaries(st.sampled_from(KEYS), st.lists(VALUES, min_size=1, max_size=2)),
)
def test_no_filter_gives_a_server_error(
    client: Any, page: str, query: dict[str, list[str]]
) -> None:
    response = client.get(reverse(page), query)
    assert response.status_code in (200, 302), (page, query, response.status_code)
