"""Pytest fixtures: personas, journeys through the real services, and assertion helpers.

Registered for the whole suite in the root ``conftest.py``::

    pytest_plugins = ["frontdoor.testing.fixtures"]

Personas are fixtures named after the role (``mash_manager``, ``police_practitioner``,
``outsider`` …; see ``frontdoor.testing.personas.PERSONAS``). Journey fixtures return a
builder that runs the real services up to a stage and returns the record at that stage::

    def test_something(screened_to_mash, signed_off):
        enquiry = screened_to_mash(rating="RED")
        decision = signed_off(outcome="nfa")

Every builder takes ``at=`` (and the earlier stages' arguments); the defaults are the known
week described in ``frontdoor.testing.factories``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import pytest
from django.core.exceptions import ValidationError

if TYPE_CHECKING:
    from django.test import Client

    from frontdoor.accounts.models import User

#: The persona fixtures a page's "who may open it" test walks through, the outsider last.
ROLE_FIXTURES = (
    "contact_officer",
    "contact_manager",
    "mash_worker",
    "mash_manager",
    "police_practitioner",
    "health_practitioner",
    "assessment_worker",
    "assessment_manager",
    "analyst",
    "auditor",
    "partnership_lead",
    "head_of_service",
    "administrator",
    "outsider",
)


def role_fixtures(*left_out: str) -> list[str]:
    """``ROLE_FIXTURES`` but for ``left_out``."""
    unknown = set(left_out) - set(ROLE_FIXTURES)
    if unknown:
        raise ValueError(f"Not persona fixtures: {sorted(unknown)}")
    return [role for role in ROLE_FIXTURES if role not in left_out]


# Models are imported inside the fixtures, so this plugin also loads when a framework-free
# package (frontdoor/clocks) runs its tests with ``-p no:django``.

APP_LABELS = (
    "accounts",
    "audit",
    "policies",
    "people",
    "intake",
    "mash",
    "protection",
    "oversight",
    "strategy",
    "assessments",
    "escalations",
    "restricted",
    "retention",
)


# ----------------------------------------------------------------------- helpers


def row_counts() -> dict[str, int]:
    """The number of rows of every Front Door model."""
    from django.apps import apps

    return {
        model._meta.label: model._default_manager.count()
        for label in APP_LABELS
        for model in apps.get_app_config(label).get_models()
    }


def snapshot(obj: Any) -> dict[str, Any]:
    """Every field of ``obj`` as stored in the database now."""
    from django.forms.models import model_to_dict

    return model_to_dict(type(obj)._default_manager.get(pk=obj.pk))


def client_for(user: Any) -> Client:
    """A test client signed in as ``user``."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@contextmanager
def refused(field: str | None, match: str) -> Iterator[pytest.ExceptionInfo[ValidationError]]:
    """Expect a ValidationError for ``field`` (None: a non-field error) whose message
    contains ``match``, and that no row was added or removed anywhere."""
    before = row_counts()
    with pytest.raises(ValidationError) as excinfo:
        yield excinfo
    error = excinfo.value
    if field is None:
        assert not hasattr(error, "error_dict"), f"expected a non-field error, got {error!r}"
        messages = error.messages
    else:
        assert hasattr(error, "error_dict"), f"expected an error for {field!r}, got {error!r}"
        assert field in error.message_dict, f"expected an error for {field!r}, got {error!r}"
        messages = error.message_dict[field]
    assert any(match in message for message in messages), f"{match!r} not in {messages!r}"
    assert row_counts() == before, "a refused action must save nothing"


# ----------------------------------------------------------------------- settings


@pytest.fixture(autouse=True)
def _fast_password_hasher(request: pytest.FixtureRequest) -> None:
    """Hashing the personas' password with the production hasher costs ~0.5 s a user."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _two_factor_in_browsers(request: pytest.FixtureRequest) -> None:
    """Two-factor sign-in (on by default, always in production) stays on for browser journeys,
    which sign in through the pages (``Journey.sign_in`` enters the code); elsewhere it is off
    so that ``client.force_login`` and ``client.login`` sessions count as signed in. Tests of
    the second factor ask for ``two_factor_required``."""
    if not request.config.pluginmanager.hasplugin("django"):
        return
    settings = request.getfixturevalue("settings")
    settings.FRONTDOOR_REQUIRE_2FA = request.node.get_closest_marker("browser") is not None


@pytest.fixture
def two_factor_required(settings: Any) -> None:
    """Two-factor sign-in on, as in production."""
    settings.FRONTDOOR_REQUIRE_2FA = True


def _persona(name: str) -> User:
    from frontdoor.testing.personas import persona

    return persona(name)


def _journey(name: str) -> Callable[..., Any]:
    from frontdoor.testing import factories

    return getattr(factories, name)


# ----------------------------------------------------------------------- organisation


@pytest.fixture
def org(db: None) -> SimpleNamespace:
    """The standard agencies and teams (see ``frontdoor.testing.personas``)."""
    from frontdoor.testing.personas import AGENCIES, TEAMS, org_agency, org_setup, org_team

    org_setup()
    return SimpleNamespace(
        **{key: org_agency(key) for key in AGENCIES},
        **{f"{key}_team": org_team(key) for key in TEAMS},
    )


@pytest.fixture
def make_persona(org: SimpleNamespace) -> Callable[..., User]:
    """``make_persona("mash_manager")``: any persona by name."""
    from frontdoor.testing.personas import persona

    return persona


@pytest.fixture
def contact_officer(org: SimpleNamespace) -> User:
    return _persona("contact_officer")


@pytest.fixture
def mash_worker(org: SimpleNamespace) -> User:
    return _persona("mash_worker")


@pytest.fixture
def mash_worker_2(org: SimpleNamespace) -> User:
    return _persona("mash_worker_2")


@pytest.fixture
def mash_manager(org: SimpleNamespace) -> User:
    return _persona("mash_manager")


@pytest.fixture
def mash_manager_2(org: SimpleNamespace) -> User:
    return _persona("mash_manager_2")


@pytest.fixture
def police_practitioner(org: SimpleNamespace) -> User:
    return _persona("police_practitioner")


@pytest.fixture
def health_practitioner(org: SimpleNamespace) -> User:
    return _persona("health_practitioner")


@pytest.fixture
def assessment_worker(org: SimpleNamespace) -> User:
    return _persona("assessment_worker")


@pytest.fixture
def assessment_manager(org: SimpleNamespace) -> User:
    return _persona("assessment_manager")


@pytest.fixture
def contact_manager(org: SimpleNamespace) -> User:
    return _persona("contact_manager")


@pytest.fixture
def analyst(org: SimpleNamespace) -> User:
    return _persona("analyst")


@pytest.fixture
def auditor(org: SimpleNamespace) -> User:
    return _persona("auditor")


@pytest.fixture
def partnership_lead(org: SimpleNamespace) -> User:
    return _persona("partnership_lead")


@pytest.fixture
def head_of_service(org: SimpleNamespace) -> User:
    return _persona("head_of_service")


@pytest.fixture
def data_protection_officer(org: SimpleNamespace) -> User:
    return _persona("data_protection_officer")


@pytest.fixture
def administrator(org: SimpleNamespace) -> User:
    return _persona("administrator")


@pytest.fixture
def outsider(org: SimpleNamespace) -> User:
    return _persona("outsider")


# ----------------------------------------------------------------------- journeys


@pytest.fixture
def contact_recorded(org: SimpleNamespace) -> Callable[..., Any]:
    """``contact_recorded(**contact_record kwargs)`` -> Contact (one child by default)."""
    return _journey("contact_recorded")


@pytest.fixture
def screened(org: SimpleNamespace) -> Callable[..., Any]:
    """``screened(outcome=..., rating=..., contact_child=...)`` -> ContactChild."""
    return _journey("screened")


@pytest.fixture
def screened_to_mash(org: SimpleNamespace) -> Callable[..., Any]:
    """``screened_to_mash(rating="AMBER")`` -> Enquiry (opened Mon 2 Mar 2026 11:00)."""
    return _journey("screened_to_mash")


@pytest.fixture
def request_sent(org: SimpleNamespace) -> Callable[..., Any]:
    """``request_sent(enquiry=..., agency="police")`` -> PartnerRequest."""
    return _journey("request_sent")


@pytest.fixture
def decided(org: SimpleNamespace) -> Callable[..., Any]:
    """``decided(outcome="s17", rating="AMBER")`` -> Decision awaiting sign-off."""
    return _journey("decided")


@pytest.fixture
def signed_off(org: SimpleNamespace) -> Callable[..., Any]:
    """``signed_off(outcome="s17")`` -> Decision signed off by the MASH manager."""
    return _journey("signed_off")


@pytest.fixture
def transferred(org: SimpleNamespace) -> Callable[..., Any]:
    """``transferred(outcome="s47", rating="RED")`` -> Transfer awaiting acceptance."""
    return _journey("transferred")


@pytest.fixture
def accepted(org: SimpleNamespace) -> Callable[..., Any]:
    """``accepted()`` -> Transfer accepted and allocated to the assessment worker."""
    return _journey("accepted")


@pytest.fixture
def visited(org: SimpleNamespace) -> Callable[..., Any]:
    """``visited()`` -> Visit recorded after an accepted transfer."""
    return _journey("visited")
