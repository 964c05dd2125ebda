"""API tokens for partner systems: issue, authenticate, revoke, expire; the command; the admin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace
from typing import Any

import pytest
import time_machine
from django.apps import apps
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from frontdoor.accounts.models import Agency, ApiScope, ApiToken, User
from frontdoor.accounts.services import api_token_authenticate, api_token_issue, api_token_revoke
from frontdoor.testing.factories import actions_of, events_of, local

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 2, 14)
TOKEN = re.compile(r"^fd_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$")
WRITE, READ = ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ


@pytest.fixture(autouse=True)
def _frozen_time() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def issue(agency: Agency, **kwargs: Any) -> tuple[ApiToken, str]:
    values: dict[str, Any] = {"name": "Niche RMS", "scopes": [WRITE], "by": None}
    values.update(kwargs)
    return api_token_issue(agency=agency, **values)


def everything_stored() -> str:
    """Every row of the accounts and audit apps, serialised."""
    return "".join(
        serializers.serialize("json", model._default_manager.all())
        for label in ("accounts", "audit")
        for model in apps.get_app_config(label).get_models()
    )


# ------------------------------------------------------------------ services


def test_issuing_returns_the_plain_token_once_and_stores_only_a_hash(
    org: SimpleNamespace, administrator: User
) -> None:
    token, plain = issue(org.police, scopes=[WRITE, READ, WRITE], by=administrator)

    match = TOKEN.match(plain)
    assert match, plain
    prefix, secret = match.groups()
    assert token.prefix == prefix
    assert token.scopes == [READ, WRITE]
    assert token.created_at == NOW and token.created_by == administrator
    assert len(token.secret_hash) == 64 and secret not in token.secret_hash
    stored = everything_stored()
    assert secret not in stored and plain not in stored
    assert prefix in stored
    (event,) = events_of(token)
    assert event.action == "api_token.issued" and event.actor == administrator


def test_two_tokens_never_share_a_prefix_or_secret(org: SimpleNamespace) -> None:
    plains = {issue(org.police)[1] for _ in range(5)}

    assert len(plains) == 5
    assert len({TOKEN.match(p).group(1) for p in plains if TOKEN.match(p)}) == 5  # type: ignore[union-attr]


def test_the_plain_token_authenticates_and_marks_when_it_was_used(org: SimpleNamespace) -> None:
    token, plain = issue(org.police)

    found = api_token_authenticate(plain)

    assert found == token and found is not None
    assert found.agency == org.police
    assert ApiToken.objects.get().last_used_at == NOW


@pytest.mark.parametrize(
    "mangle",
    [
        lambda p: p[:-1] + ("A" if p[-1] != "A" else "B"),  # wrong secret
        lambda p: "fd_000000000000_" + p.split("_", 2)[2],  # unknown prefix
        lambda p: p.replace("fd_", "xx_", 1),
        lambda p: p.split("_", 2)[0] + "_" + p.split("_", 2)[1],  # no secret
        lambda p: "",
    ],
    ids=["wrong-secret", "unknown-prefix", "wrong-kind", "no-secret", "empty"],
)
def test_anything_but_the_exact_token_is_refused(org: SimpleNamespace, mangle: Any) -> None:
    _token, plain = issue(org.police)

    assert api_token_authenticate(mangle(plain)) is None


def test_a_revoked_token_is_refused_and_revoking_is_recorded(
    org: SimpleNamespace, administrator: User
) -> None:
    token, plain = issue(org.police)

    revoked = api_token_revoke(token=token, by=administrator, reason="Leaked in a log")

    assert revoked.revoked_at == NOW and revoked.revoked_by == administrator
    assert revoked.revoked_reason == "Leaked in a log"
    assert api_token_authenticate(plain) is None
    assert actions_of(token) == ["api_token.issued", "api_token.revoked"]
    # Revoking again changes nothing.
    later = NOW + timedelta(hours=1)
    assert api_token_revoke(token=token, by=None, reason="Again", at=later).revoked_at == NOW
    assert actions_of(token) == ["api_token.issued", "api_token.revoked"]


def test_revoking_needs_a_reason(org: SimpleNamespace) -> None:
    token, plain = issue(org.police)

    with pytest.raises(ValidationError) as excinfo:
        api_token_revoke(token=token, by=None, reason="  ")

    assert "reason" in excinfo.value.message_dict
    assert api_token_authenticate(plain) is not None


def test_a_token_stops_working_when_it_expires(org: SimpleNamespace) -> None:
    _token, plain = issue(org.police, expires_at=NOW + timedelta(days=30))

    assert api_token_authenticate(plain, at=NOW + timedelta(days=30, seconds=-1)) is not None
    assert api_token_authenticate(plain, at=NOW + timedelta(days=30)) is None


def test_a_token_of_an_inactive_agency_is_refused(org: SimpleNamespace) -> None:
    _token, plain = issue(org.police)
    Agency.objects.filter(pk=org.police.pk).update(active=False)

    assert api_token_authenticate(plain) is None


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": " "}, "name"),
        ({"scopes": []}, "scopes"),
        ({"scopes": ["referrals:delete"]}, "scopes"),
        ({"expires_at": NOW}, "expires_at"),
    ],
)
def test_issuing_is_refused_without_a_name_scopes_or_a_future_expiry(
    org: SimpleNamespace, kwargs: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as excinfo:
        issue(org.police, **kwargs)

    assert field in excinfo.value.message_dict
    assert not ApiToken.objects.exists()


# ------------------------------------------------------------------ the command


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_issues_a_token_and_prints_it_once_alone(org: SimpleNamespace) -> None:
    out, err = run(
        "issue",
        "--agency",
        "police",
        "--name",
        "Niche",
        "--scope",
        "referrals:write",
        "--scope",
        "referrals:read",
        "--expires",
        "2027-01-01",
    )

    plain = out.strip()
    assert TOKEN.match(plain), out
    token = ApiToken.objects.get()
    assert api_token_authenticate(plain) == token
    assert (token.agency, token.name, token.scopes) == (org.police, "Niche", [READ, WRITE])
    assert token.expires_at == local(2027, 1, 1, 0)
    assert token.created_by is None
    assert token.prefix in err and "Demo Police" in err and "shown only this once" in err
    assert plain not in err
    assert actions_of(token) == ["api_token.issued"]


def test_the_command_refuses_an_unknown_agency_scope_or_date(org: SimpleNamespace) -> None:
    with pytest.raises(CommandError, match="no agency with the code 'nowhere'"):
        run("issue", "--agency", "nowhere", "--name", "X", "--scope", "referrals:write")
    with pytest.raises(CommandError):
        run("issue", "--agency", "police", "--name", "X", "--scope", "referrals:delete")
    with pytest.raises(CommandError):
        run(
            "issue",
            "--agency",
            "police",
            "--name",
            "X",
            "--scope",
            "referrals:write",
            "--expires",
            "soon",
        )
    with pytest.raises(CommandError, match="expires_at"):
        run(
            "issue",
            "--agency",
            "police",
            "--name",
            "X",
            "--scope",
            "referrals:write",
            "--expires",
            "2020-01-01",
        )
    assert not ApiToken.objects.exists()


def test_the_command_revokes_by_prefix_or_whole_token(org: SimpleNamespace) -> None:
    first, first_plain = issue(org.police)
    _second, second_plain = issue(org.health)

    out, _err = run("revoke", first.prefix, "--reason", "System retired")
    run("revoke", second_plain, "--reason", "Leaked")

    assert f"Revoked API token {first.prefix}" in out
    assert api_token_authenticate(first_plain) is None
    assert api_token_authenticate(second_plain) is None
    first.refresh_from_db()
    assert first.revoked_reason == "System retired" and first.revoked_by is None
    again, _err = run("revoke", first.prefix, "--reason", "Twice")
    assert "already revoked" in again
    with pytest.raises(CommandError, match="no API token"):
        run("revoke", "ffffffffffff", "--reason", "Unknown")


def test_the_command_lists_tokens_with_their_state_and_never_a_secret(
    org: SimpleNamespace,
) -> None:
    live, live_plain = issue(org.police, name="Niche RMS")
    revoked, _ = issue(org.health, name="Old system")
    api_token_revoke(token=revoked, by=None, reason="Retired")
    expiring, _ = issue(org.police, name="Trial", expires_at=NOW + timedelta(days=1))

    with time_machine.travel(NOW + timedelta(days=2), tick=False):
        out, _err = run("list")
        police_only, _err = run("list", "--agency", "police")

    lines = out.splitlines()
    assert lines[0].split() == [
        "PREFIX",
        "AGENCY",
        "NAME",
        "SCOPES",
        "STATE",
        "EXPIRES",
        "LAST",
        "USED",
    ]
    by_prefix = {line.split()[0]: line for line in lines[1:]}
    assert " live " in by_prefix[live.prefix]
    assert " revoked " in by_prefix[revoked.prefix]
    assert " expired " in by_prefix[expiring.prefix]
    assert live_plain.split("_", 2)[2] not in out
    assert revoked.prefix not in police_only and live.prefix in police_only


# ------------------------------------------------------------------ the admin


@pytest.fixture
def admin_client(org: SimpleNamespace) -> Client:
    client = Client()
    client.force_login(
        User.objects.create_superuser("root", "root@example.org", "not-a-real-password")
    )
    return client


ADD = "/admin/accounts/apitoken/add/"
CHANGELIST = "/admin/accounts/apitoken/"


def test_the_admin_issues_a_token_and_shows_it_once(
    org: SimpleNamespace, admin_client: Client
) -> None:
    assert admin_client.get(ADD).status_code == 200

    response = admin_client.post(
        ADD,
        {
            "agency": org.police.pk,
            "name": "Niche RMS",
            "scopes": [WRITE, READ],
            "expires_on": "2027-01-01",
        },
    )

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]
    (plain,) = re.findall(r"fd_[0-9a-f]{12}_[A-Za-z0-9_-]{43}", response.content.decode())
    token = ApiToken.objects.get()
    assert api_token_authenticate(plain) == token
    assert token.created_by is not None and token.created_by.username == "root"
    assert token.expires_at == local(2027, 1, 1, 0)
    assert actions_of(token) == ["api_token.issued"]
    secret = plain.split("_", 2)[2]
    for page in (CHANGELIST, f"{CHANGELIST}{token.pk}/change/"):
        shown = admin_client.get(page)
        assert shown.status_code == 200
        assert token.prefix in shown.content.decode() and secret not in shown.content.decode()


def test_the_admin_shows_the_services_refusals_on_the_form(
    org: SimpleNamespace, admin_client: Client
) -> None:
    response = admin_client.post(
        ADD, {"agency": org.police.pk, "name": "X", "scopes": [WRITE], "expires_on": "2020-01-01"}
    )

    assert response.status_code == 200
    assert "The expiry must be in the future" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_the_admin_revokes_selected_tokens_with_a_reason(
    org: SimpleNamespace, admin_client: Client
) -> None:
    token, plain = issue(org.police)
    chosen = {"action": "revoke_tokens", "_selected_action": [token.pk]}

    confirm = admin_client.post(CHANGELIST, chosen)
    assert confirm.status_code == 200 and "Revoke these API tokens?" in confirm.content.decode()
    assert api_token_authenticate(plain) is not None

    done = admin_client.post(CHANGELIST, {**chosen, "apply": "Revoke", "reason": "Leaked"})

    assert done.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == NOW and token.revoked_reason == "Leaked"
    assert token.revoked_by is not None and token.revoked_by.username == "root"
    assert api_token_authenticate(plain) is None
    assert actions_of(token) == ["api_token.issued", "api_token.revoked"]


def test_the_admin_filters_by_state_and_never_edits_or_deletes(
    org: SimpleNamespace, admin_client: Client
) -> None:
    live, _ = issue(org.police, name="Live one")
    revoked, _ = issue(org.police, name="Gone one")
    api_token_revoke(token=revoked, by=None, reason="Retired")

    page = admin_client.get(CHANGELIST, {"state": "revoked"}).content.decode()
    assert "Gone one" in page and "Live one" not in page
    page = admin_client.get(CHANGELIST, {"state": "live"}).content.decode()
    assert "Live one" in page and "Gone one" not in page
    assert admin_client.get(f"{CHANGELIST}{live.pk}/delete/").status_code == 403
    admin_client.post(f"{CHANGELIST}{live.pk}/change/", {"name": "Renamed"})
    live.refresh_from_db()
    assert live.name == "Live one"
    assert timezone.now() == NOW


def test_a_process_trusts_a_token_it_looked_up_for_a_few_seconds_only(
    org: SimpleNamespace,
    settings: Any,
    monkeypatch: pytest.MonkeyPatch,
    django_assert_num_queries: Any,
) -> None:
    from frontdoor.accounts import services

    settings.FRONTDOOR_API_TOKEN_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(services.time, "monotonic", lambda: clock[0])
    token, plain = api_token_issue(
        agency=org.police, name="Niche", scopes=["referrals:write"], by=None
    )
    assert api_token_authenticate(plain) == token

    # Revoked by another process: this one notices when its ten seconds are up.
    ApiToken.objects.filter(pk=token.pk).update(revoked_at=timezone.now())
    with django_assert_num_queries(0):
        assert api_token_authenticate(plain) == token
    assert api_token_authenticate(plain[:-1] + ("A" if plain[-1] != "A" else "B")) is None
    clock[0] += 10
    assert api_token_authenticate(plain) is None


def test_revoking_in_this_process_takes_effect_at_once(org: SimpleNamespace, settings: Any) -> None:
    settings.FRONTDOOR_API_TOKEN_CACHE_SECONDS = 10
    token, plain = api_token_issue(
        agency=org.police, name="Niche", scopes=["referrals:write"], by=None
    )
    assert api_token_authenticate(plain) == token

    api_token_revoke(token=token, by=None, reason="Leaked")

    assert api_token_authenticate(plain) is None
