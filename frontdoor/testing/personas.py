"""Personas: one ready-made user per role, in a small standard organisation.

``persona("police_practitioner")`` returns the police practitioner, creating the council,
the police, the teams and the user the first time it is asked for (and the same user after
that, so fixtures and journey helpers can share personas within a test).

The organisation:

    council (local authority)  teams: Contact centre, MASH, Assessment team,
                                      Performance and quality
    police  (with a question template)   team: Police MASH desk
    health  (with a question template)   team: Health MASH desk
    education (with a question template)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from frontdoor.accounts.models import Agency, AgencyKind, Role, Team, TeamKind, User
from frontdoor.testing.factories import (
    AgencyFactory,
    RequestTemplateFactory,
    TeamFactory,
    UserFactory,
)

AGENCIES: dict[str, tuple[str, str]] = {
    # key: (name, kind)
    "council": ("Demo City Council children's services", AgencyKind.LOCAL_AUTHORITY),
    "police": ("Demo Police", AgencyKind.POLICE),
    "health": ("Demo Health Trust", AgencyKind.HEALTH),
    "education": ("Demo City Schools", AgencyKind.EDUCATION),
}

TEMPLATES: dict[str, list[str]] = {
    "police": [
        "Police call-outs to the address in the last 2 years?",
        "Any adult in the household with relevant convictions?",
    ],
    "health": ["Is the child registered with a GP?", "Any A&E attendances in the last year?"],
    "education": ["Attendance this year?", "Any safeguarding concerns from school?"],
}

TEAMS: dict[str, tuple[str, str, str]] = {
    # key: (name, kind, agency key)
    "contact_centre": ("Contact centre", TeamKind.CONTACT_CENTRE, "council"),
    "mash": ("MASH", TeamKind.MASH, "council"),
    "assessment": ("Assessment team", TeamKind.ASSESSMENT, "council"),
    "performance": ("Performance and quality", TeamKind.PERFORMANCE, "council"),
    "police_desk": ("Police MASH desk", TeamKind.PARTNER, "police"),
    "health_desk": ("Health MASH desk", TeamKind.PARTNER, "health"),
}


@dataclass(frozen=True)
class PersonaSpec:
    role: str
    team: str | None
    agency: str | None
    first_name: str
    last_name: str


PERSONAS: dict[str, PersonaSpec] = {
    "contact_officer": PersonaSpec(
        Role.CONTACT_OFFICER, "contact_centre", "council", "Connie", "Contact"
    ),
    "contact_manager": PersonaSpec(
        Role.CONTACT_CENTRE_MANAGER, "contact_centre", "council", "Carla", "Centre"
    ),
    "mash_worker": PersonaSpec(Role.MASH_SOCIAL_WORKER, "mash", "council", "Mo", "Mash"),
    "mash_worker_2": PersonaSpec(Role.MASH_SOCIAL_WORKER, "mash", "council", "Mina", "Mash"),
    "mash_manager": PersonaSpec(Role.MASH_MANAGER, "mash", "council", "Meg", "Manager"),
    "mash_manager_2": PersonaSpec(Role.MASH_MANAGER, "mash", "council", "Max", "Manager"),
    "police_practitioner": PersonaSpec(
        Role.PARTNER_PRACTITIONER, "police_desk", "police", "Pete", "Police"
    ),
    "health_practitioner": PersonaSpec(
        Role.PARTNER_PRACTITIONER, "health_desk", "health", "Hana", "Health"
    ),
    "assessment_worker": PersonaSpec(
        Role.ASSESSMENT_SOCIAL_WORKER, "assessment", "council", "Asha", "Assess"
    ),
    "assessment_manager": PersonaSpec(
        Role.ASSESSMENT_MANAGER, "assessment", "council", "Amir", "Assess"
    ),
    "analyst": PersonaSpec(Role.PERFORMANCE_ANALYST, "performance", "council", "Ana", "Lyst"),
    "auditor": PersonaSpec(Role.AUDITOR, None, "council", "Audrey", "Auditor"),
    "partnership_lead": PersonaSpec(Role.PARTNERSHIP_LEAD, None, "council", "Pat", "Lead"),
    "head_of_service": PersonaSpec(Role.HEAD_OF_SERVICE, None, "council", "Hilary", "Head"),
    "data_protection_officer": PersonaSpec(
        Role.DATA_PROTECTION_OFFICER, None, "council", "Dana", "Protection"
    ),
    "administrator": PersonaSpec(Role.ADMINISTRATOR, None, "council", "Adam", "Admin"),
    "outsider": PersonaSpec("", None, None, "Olly", "Outsider"),
}


def org_agency(key: str) -> Agency:
    """One of the standard agencies (created on first use, with its question template)."""
    name, kind = AGENCIES[key]
    agency = cast(Agency, AgencyFactory(code=key, name=name, kind=kind))
    if key in TEMPLATES:
        RequestTemplateFactory(agency=agency, questions=TEMPLATES[key])
    return agency


def org_team(key: str) -> Team:
    """One of the standard teams (created on first use)."""
    name, kind, agency_key = TEAMS[key]
    return cast(Team, TeamFactory(name=name, kind=kind, agency=org_agency(agency_key)))


def org_setup() -> None:
    """Create every standard agency and team (the MASH team before any other MASH team)."""
    for key in AGENCIES:
        org_agency(key)
    for key in TEAMS:
        org_team(key)


def persona(name: str, **overrides: Any) -> User:
    """The user for persona ``name`` (see ``PERSONAS``), created on first use."""
    existing = User.objects.filter(username=name).first()
    if existing is not None:
        return existing
    spec = PERSONAS[name]
    if not Team.objects.filter(name=TEAMS["health_desk"][0]).exists():  # created last
        org_setup()
    values: dict[str, Any] = {
        "username": name,
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": f"{name.replace('_', '.')}@example.org",
        "role": spec.role,
        "team": org_team(spec.team) if spec.team else None,
        "agency": org_agency(spec.agency) if spec.agency else None,
    }
    values.update(overrides)
    return cast(User, UserFactory(**values))
