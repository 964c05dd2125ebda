"""Pages: who may open each one, what bad input shows, and what gets logged."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontdoor.audit.models import AccessLogEntry
from frontdoor.mash.models import PartnerRequest
from frontdoor.testing.factories import request_sent
from frontdoor.testing.fixtures import client_for, role_fixtures

pytestmark = pytest.mark.django_db

ALL = role_fixtures("head_of_service")


@pytest.fixture
def world(request: pytest.FixtureRequest) -> dict[str, Any]:
    """One child rated Red with an open police request, decided s47, signed off, transferred."""
    from frontdoor.testing.factories import decided, screened_to_mash, signed_off, transferred

    enquiry = screened_to_mash(rating="RED")
    police = request_sent(enquiry=enquiry, agency="police")
    decision = decided(enquiry=enquiry, outcome="s47")
    transfer = transferred(decision=signed_off(decision=decision))
    link = transfer.referral.contact_child
    users = {name: request.getfixturevalue(name) for name in ALL}
    from frontdoor.matching.merge import person_merge
    from frontdoor.testing.factories import PersonFactory

    twin: Any = PersonFactory(first_name="Samuel", last_name="Example")
    spare: Any = PersonFactory()
    merge = person_merge(kept=twin, merged=spare, by=users["mash_manager"], reason="Same child")
    return {
        "twin": twin,
        "merge": merge,
        "transfer": transfer,
        "enquiry": enquiry,
        "link": link,
        "contact": link.contact,
        "request": police,
        "child": transfer.child,
        "users": users,
    }


def pages(w: dict[str, Any]) -> dict[str, str]:
    c, e, t = w["contact"], w["enquiry"], w["transfer"]
    return {
        "queue": reverse("queue-mine"),
        "team": reverse("queue-team"),
        "overview": reverse("overview"),
        "contact_new": reverse("contact-new"),
        "contact": reverse("contact-detail", args=[c.pk]),
        "add_child": reverse("contact-add-child", args=[c.pk]),
        "children": reverse("child-search"),
        "child": reverse("child-detail", args=[w["child"].pk]),
        "chronology": reverse("child-chronology", args=[w["child"].pk]),
        "enquiry": reverse("enquiry-detail", args=[e.pk]),
        "request": reverse("request-detail", args=[w["request"].pk]),
        "transfer": reverse("transfer-detail", args=[t.pk]),
        "accept": reverse("transfer-accept", args=[t.pk]),
        "allocate": reverse("enquiry-allocate", args=[e.pk]),
        "reconciliation": reverse("reconciliation"),
        "duplicates": reverse("duplicate-queue"),
        "compare": reverse("duplicate-compare", args=[w["child"].pk, w["twin"].pk]),
        "undo": reverse("merge-undo", args=[w["merge"].pk]),
    }


# Expected status per page and persona: 200 allowed, 403 refused, 404 hidden.
EXPECTED: dict[str, dict[str, int]] = {
    "queue": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "police_practitioner": 200,
        "health_practitioner": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
    },
    "team": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "police_practitioner": 200,
        "health_practitioner": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
    },
    "overview": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_manager": 200,
        "analyst": 200,
        "auditor": 200,
        "partnership_lead": 200,
        "administrator": 200,
    },
    "contact_new": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
    },
    "add_child": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
    },
    "contact": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "children": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "child": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "chronology": {
        "contact_officer": 200,
        "contact_manager": 200,
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "enquiry": {
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "request": {
        "mash_worker": 200,
        "mash_manager": 200,
        "police_practitioner": 200,
        "health_practitioner": 404,
        "auditor": 200,
    },
    "transfer": {
        "mash_worker": 200,
        "mash_manager": 200,
        "assessment_worker": 200,
        "assessment_manager": 200,
        "auditor": 200,
    },
    "accept": {"assessment_manager": 200},
    "allocate": {"mash_worker": 200, "mash_manager": 200},
    "reconciliation": {"contact_manager": 200, "mash_manager": 200, "auditor": 200},
    "duplicates": {"contact_manager": 200, "mash_manager": 200},
    "compare": {"contact_manager": 200, "mash_manager": 200},
    "undo": {"contact_manager": 200, "mash_manager": 200},
}


def test_every_page_answers_each_role_as_the_access_table_says(
    world: dict[str, Any],
) -> None:
    urls = pages(world)
    wrong = []
    for page, url in urls.items():
        for name in ALL:
            expected = EXPECTED[page].get(name, 403)
            got = client_for(world["users"][name]).get(url).status_code
            if got != expected:
                wrong.append((page, name, expected, got))
    assert wrong == []


def test_anonymous_visitors_are_sent_to_sign_in_from_every_page(world: dict[str, Any]) -> None:
    for url in pages(world).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_a_view_without_a_declared_permission_is_refused(rf: Any, mash_manager: Any) -> None:
    from django.core.exceptions import PermissionDenied
    from django.http import HttpResponse

    from frontdoor.accounts.middleware import DefaultDenyMiddleware

    def undeclared(request: Any) -> HttpResponse:
        return HttpResponse("secret")

    request = rf.get("/somewhere/")
    request.user = mash_manager
    middleware = DefaultDenyMiddleware(lambda r: HttpResponse())
    with pytest.raises(PermissionDenied):
        middleware.process_view(request, undeclared, (), {})


def test_sign_in_page_signs_a_user_in_and_home_goes_to_their_queue(contact_officer: Any) -> None:
    client = Client()
    page = client.get(reverse("login"))
    assert page.status_code == 200 and "Sign in" in page.content.decode()
    response = client.post(
        reverse("login"), {"username": "contact_officer", "password": "pw-test-1234"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse("queue-mine")


def test_a_wrong_password_shows_the_error_summary(contact_officer: Any) -> None:
    response = Client().post(reverse("login"), {"username": "contact_officer", "password": "x"})
    assert "There is a problem" in response.content.decode()


def test_viewing_a_childs_records_writes_the_access_log(world: dict[str, Any]) -> None:
    auditor = world["users"]["auditor"]
    client = client_for(auditor)
    for name in ("contact", "child", "chronology", "enquiry", "request", "transfer"):
        before = AccessLogEntry.objects.filter(user=auditor, action="view").count()
        assert client.get(pages(world)[name]).status_code == 200
        entries = AccessLogEntry.objects.filter(user=auditor, action="view")
        assert entries.count() == before + 1, name
        assert entries.first().child_id == world["child"].pk  # type: ignore[union-attr]


def test_junk_posted_to_every_form_never_causes_a_server_error(world: dict[str, Any]) -> None:
    junk = {
        "received_date-day": "\x00",
        "received_date-year": "-1",
        "received_time": "99:99:99",
        "outcome": "drop table",
        "rating": "PURPLE",
        "reason": "",
        "agency": "999999",
        "shared": "maybe",
        "allocated_to": "abc",
        "visited_date-day": "0",
        "visited_time": "",
        "child_seen": "perhaps",
        "seen_alone": "",
        "oversight": "",
        "summary": "",
    }
    e, t, c = world["enquiry"], world["transfer"], world["contact"]
    manager = client_for(world["users"]["mash_manager"])
    for name, args in [
        ("contact-new", []),
        ("contact-add-child", [c.pk]),
        ("enquiry-rate", [e.pk]),
        ("enquiry-lived-experience", [e.pk]),
        ("enquiry-request-new", [e.pk]),
        ("enquiry-decision", [e.pk]),
        ("enquiry-sign-off", [e.pk]),
        ("enquiry-transfer", [e.pk]),
    ]:
        assert manager.post(reverse(name, args=args), junk).status_code < 500, name
    amanager = client_for(world["users"]["assessment_manager"])
    for name in ("transfer-accept", "transfer-return", "transfer-visit"):
        assert amanager.post(reverse(name, args=[t.pk]), junk).status_code < 500, name
    police = client_for(world["users"]["police_practitioner"])
    assert (
        police.post(reverse("request-detail", args=[world["request"].pk]), junk).status_code < 500
    )


def test_a_partner_answers_their_own_request_but_not_another_agencys(
    world: dict[str, Any],
) -> None:
    url = reverse("request-detail", args=[world["request"].pk])
    health = client_for(world["users"]["health_practitioner"])
    assert health.post(url, {"shared": "yes", "response": "x"}).status_code == 404
    police = client_for(world["users"]["police_practitioner"])
    if world["request"].status == "sent":
        assert police.post(url, {"shared": "no", "not_shared_reason": ""}).status_code == 200
        assert (
            police.post(url, {"shared": "no", "not_shared_reason": "Court order"}).status_code
            == 302
        )
        assert PartnerRequest.objects.get(pk=world["request"].pk).status == "not_shared"


def test_queues_show_each_team_its_own_work(world: dict[str, Any]) -> None:
    users = world["users"]
    name = world["child"].full_name
    assert (
        "Awaiting transfer acceptance"
        in client_for(users["assessment_manager"]).get(reverse("queue-team")).content.decode()
    )
    police_queue = client_for(users["police_practitioner"]).get(reverse("queue-team")).content
    health_queue = client_for(users["health_practitioner"]).get(reverse("queue-team")).content
    assert name in police_queue.decode()
    assert name not in health_queue.decode()


def test_the_queue_filters_by_clock_state_and_rating(world: dict[str, Any]) -> None:
    client = client_for(world["users"]["assessment_manager"])
    everything = client.get(reverse("queue-team")).content.decode()
    none_blue = client.get(reverse("queue-team") + "?rating=BLUE").content.decode()
    assert world["child"].full_name in everything
    assert "0 items" in none_blue


def test_the_overview_counts_open_work_by_stage(world: dict[str, Any]) -> None:
    body = client_for(world["users"]["analyst"]).get(reverse("overview")).content.decode()
    assert "Awaiting transfer acceptance" in body and "Timeliness" in body
    assert '<option value="28" selected>Last 28 days</option>' in body


def test_production_settings_pass_the_deployment_checks() -> None:
    env = {
        **os.environ,
        "FRONTDOOR_PROFILE": "production",
        "SECRET_KEY": "a-long-random-production-secret-" + "k" * 40,
        "ALLOWED_HOSTS": "frontdoor.example.org",
        "DJANGO_SETTINGS_MODULE": "frontdoor.settings",
    }
    result = subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_stylesheet_and_script_a_page_asks_for_exists(contact_officer: Any) -> None:
    import re

    from django.conf import settings
    from django.contrib.staticfiles import finders

    body = client_for(contact_officer).get(reverse("contact-new")).content.decode()
    assets = re.findall(r'(?:href|src)="/static/([^"]+)"', body)
    assert len(assets) >= 4
    for asset in assets:
        assert finders.find(asset), asset
    assert (settings.WHITENOISE_ROOT / "assets" / "fonts").is_dir()
