"""The page to record management oversight: who may use it, the record and transition it is
tied to, where it returns to, bad input, and the access log."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from frontdoor.audit.models import AccessLogEntry
from frontdoor.oversight.models import OversightEntry
from frontdoor.testing.factories import PersonFactory
from frontdoor.testing.fixtures import client_for, role_fixtures

pytestmark = pytest.mark.django_db

ROLES = role_fixtures("health_practitioner")
MAY_RECORD = {"contact_manager", "mash_manager", "assessment_manager", "head_of_service"}


@pytest.fixture
def transfer(accepted: Any) -> Any:
    return accepted()


def url_for(child: Any, **query: Any) -> str:
    base = reverse("oversight-new", args=[child.pk])
    if not query:
        return base
    return base + "?" + "&".join(f"{k}={v}" for k, v in query.items())


def test_each_role(request: pytest.FixtureRequest, transfer: Any) -> None:
    url = url_for(transfer.child)
    for name in ROLES:
        user = request.getfixturevalue(name)
        wanted = 200 if name in MAY_RECORD else 403
        assert client_for(user).get(url).status_code == wanted, name
        assert client_for(user).post(url, {"direction": "x"}).status_code in (
            (302,) if wanted == 200 else (403,)
        ), name
    assert OversightEntry.objects.count() == len(MAY_RECORD)


def test_general_oversight_is_recorded_and_returns_to_the_child(
    transfer: Any, assessment_manager: Any
) -> None:
    child = transfer.child
    response = client_for(assessment_manager).post(
        url_for(child), {"direction": "Visit jointly with the police by Friday."}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("child-detail", args=[child.pk])
    entry = OversightEntry.objects.get()
    assert (entry.record_type, entry.record_id, entry.transition) == ("", None, "")
    assert entry.recorded_by == assessment_manager


def test_oversight_before_a_transition_names_the_record(
    transfer: Any, assessment_manager: Any
) -> None:
    child = transfer.child
    back = reverse("transfer-detail", args=[transfer.pk])
    url = url_for(
        child, record=f"transfer:{transfer.pk}", transition="assessment_not_in_need", next=back
    )
    page = client_for(assessment_manager).get(url)
    assert page.status_code == 200
    assert "Completing an assessment: not a child in need" in page.content.decode()
    assert f'value="{back}"' in page.content.decode()
    response = client_for(assessment_manager).post(url, {"direction": "Agreed: no CIN plan."})
    assert response["Location"] == back
    entry = OversightEntry.objects.get()
    assert (entry.record_type, entry.record_id, entry.transition) == (
        "transfer",
        transfer.pk,
        "assessment_not_in_need",
    )


@pytest.mark.parametrize(
    "query",
    [
        {"record": "transfer:abc"},
        {"record": "transfer:99999"},
        {"record": "nosuchthing:1"},
        {"record": "transfer"},
        {"transition": "assessment_not_in_need"},  # a transition needs its record
        {"record": "TRANSFER", "transition": "closing_everything"},
    ],
)
def test_bad_record_or_transition_is_not_found(
    transfer: Any, assessment_manager: Any, query: dict[str, str]
) -> None:
    url = url_for(transfer.child, **query)
    client = client_for(assessment_manager)
    assert client.get(url).status_code == 404
    assert client.post(url, {"direction": "x"}).status_code == 404
    assert OversightEntry.objects.count() == 0


def test_an_unknown_transition_for_a_real_record_is_not_found(
    transfer: Any, assessment_manager: Any
) -> None:
    url = url_for(transfer.child, record=f"transfer:{transfer.pk}", transition="nope")
    assert client_for(assessment_manager).get(url).status_code == 404


def test_another_childs_record_is_not_found(
    transfer: Any, accepted: Any, assessment_manager: Any
) -> None:
    other = accepted()
    url = url_for(transfer.child, record=f"transfer:{other.pk}")
    assert client_for(assessment_manager).get(url).status_code == 404


def test_a_missing_child_or_an_adult_is_not_found(assessment_manager: Any) -> None:
    adult: Any = PersonFactory(kind="adult")
    client = client_for(assessment_manager)
    assert client.get(reverse("oversight-new", args=[99999])).status_code == 404
    assert client.get(reverse("oversight-new", args=[adult.pk])).status_code == 404


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "relative/x"]
)
def test_next_only_goes_to_a_local_path(
    transfer: Any, assessment_manager: Any, target: str
) -> None:
    child = transfer.child
    response = client_for(assessment_manager).post(
        url_for(child), {"direction": "Review on Friday.", "next": target}
    )
    assert response["Location"] == reverse("child-detail", args=[child.pk])


@pytest.mark.parametrize("direction", ["", "   "])
def test_a_blank_direction_shows_the_error_summary(
    transfer: Any, assessment_manager: Any, direction: str
) -> None:
    response = client_for(assessment_manager).post(
        url_for(transfer.child), {"direction": direction}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter your direction and the reasons for it" in body
    assert 'href="#direction"' in body
    assert "<title>Error:" in body
    assert OversightEntry.objects.count() == 0


def test_opening_the_page_is_logged(transfer: Any, assessment_manager: Any) -> None:
    child = transfer.child
    url = url_for(child, record=f"transfer:{transfer.pk}")
    client_for(assessment_manager).get(url)
    entry = AccessLogEntry.objects.filter(child=child, user=assessment_manager, action="view").get()
    assert (entry.record_type, entry.record_id) == ("transfer", transfer.pk)
    assert entry.path == reverse("oversight-new", args=[child.pk])
    client_for(assessment_manager).post(url, {"direction": "Agreed."})
    assert AccessLogEntry.objects.filter(
        child=child, user=assessment_manager, action="change", record_type="oversightentry"
    ).exists()
