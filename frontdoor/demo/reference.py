"""Reference data and demo logins for the demonstration database (the logins themselves are
listed in ``frontdoor.demo.logins``).

Both functions are idempotent: run them as often as you like; they update what exists and add
what is missing, and never delete anything.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from frontdoor.accounts.models import Agency, AgencyKind, Role, Team, TeamKind, User
from frontdoor.demo.logins import DEMO_USERS, LA_CODE
from frontdoor.mash.models import RequestTemplate

DEFAULT_PASSWORD = "frontdoor-demo"
COUNCIL = "Demo City Council"


@dataclass(frozen=True)
class _AgencySpec:
    code: str
    name: str
    kind: str
    team: str
    questions: tuple[str, ...]


PARTNER_AGENCIES: tuple[_AgencySpec, ...] = (
    _AgencySpec(
        "police",
        "Demo Constabulary",
        AgencyKind.POLICE,
        "Police MASH Navigators",
        (
            "Any domestic abuse incidents at the address in the last 12 months?",
            "Are any adults in the household known for violence, sexual offences or weapons?",
            "Any missing episodes, exploitation intelligence or arrests involving the child?",
            "Are there bail conditions, court orders or live investigations involving the "
            "household?",
            "What is the outcome of any DASH risk assessment (standard, medium or high)?",
        ),
    ),
    _AgencySpec(
        "health",
        "Demo Integrated Care Board (NHS)",
        AgencyKind.HEALTH,
        "Health MASH Navigators",
        (
            "Is the child registered with a GP and up to date with immunisations?",
            "Any A&E attendances, hospital admissions or injuries in the last 12 months?",
            "Are health visiting or school nursing contacts up to date; any missed appointments?",
            "Any known parental mental health, substance misuse or maternity concerns?",
        ),
    ),
    _AgencySpec(
        "education",
        "Education Safeguarding Service",
        AgencyKind.EDUCATION,
        "Education MASH Navigators",
        (
            "Which school or setting does the child attend, and what is their attendance this "
            "term?",
            "Any safeguarding concerns logged by the designated safeguarding lead?",
            "Any exclusions, part-time timetable or elective home education?",
            "Does the child have an EHC plan or SEN support?",
        ),
    ),
    _AgencySpec(
        "probation",
        "Probation Service",
        AgencyKind.PROBATION,
        "Probation MASH Navigators",
        (
            "Are any adults in the household under probation supervision?",
            "Is anyone assessed as posing a risk to children (RoSH or MAPPA)?",
            "Any licence conditions restricting contact with children?",
        ),
    ),
    _AgencySpec(
        "housing",
        "Demo City Housing",
        AgencyKind.HOUSING,
        "Housing MASH Navigators",
        (
            "Is the family known to housing; is the tenancy secure?",
            "Any rent arrears, notices to quit or homelessness applications?",
            "Any reports of anti-social behaviour or disrepair at the address?",
        ),
    ),
    _AgencySpec(
        "youth_offending",
        "Youth Justice Service",
        AgencyKind.YOUTH_OFFENDING,
        "Youth Justice MASH Navigators",
        (
            "Is the child open to the youth justice service or on an out-of-court disposal?",
            "Any known associations, county lines or exploitation concerns?",
            "Who is the allocated youth justice worker, if any?",
        ),
    ),
    _AgencySpec(
        "early_help",
        "Early Help Hub",
        AgencyKind.EARLY_HELP,
        "Early Help MASH Navigators",
        (
            "Has the family had an early help assessment or a lead professional?",
            "What support has been offered in the last 12 months, and was it taken up?",
            "What did the family say about the support they want?",
        ),
    ),
    _AgencySpec(
        "domestic_abuse",
        "Demo Domestic Abuse Service",
        AgencyKind.DOMESTIC_ABUSE,
        "Domestic Abuse MASH Navigators",
        (
            "Is the adult victim known to the service or to an IDVA?",
            "Has the case been heard at MARAC; when and with what actions?",
            "Is there a safety plan that includes the children?",
        ),
    ),
)

LA_TEAMS: tuple[tuple[str, str], ...] = (
    ("Contact Centre", TeamKind.CONTACT_CENTRE),
    ("MASH", TeamKind.MASH),
    ("Assessment Service", TeamKind.ASSESSMENT),
    ("Performance and Quality", TeamKind.PERFORMANCE),
)


def reference_data_ensure() -> None:
    """Create or update the agencies, question templates and teams of the demo council."""
    with transaction.atomic():
        la, _ = Agency.objects.update_or_create(
            code=LA_CODE,
            defaults={
                "name": f"{COUNCIL} Children's Social Care",
                "kind": AgencyKind.LOCAL_AUTHORITY,
                "receives_requests": False,
                "active": True,
            },
        )
        for name, kind in LA_TEAMS:
            Team.objects.update_or_create(name=name, defaults={"kind": kind, "agency": la})
        for spec in PARTNER_AGENCIES:
            agency, _ = Agency.objects.update_or_create(
                code=spec.code,
                defaults={
                    "name": spec.name,
                    "kind": spec.kind,
                    "receives_requests": True,
                    "active": True,
                },
            )
            RequestTemplate.objects.update_or_create(
                agency=agency, defaults={"questions": list(spec.questions)}
            )
            Team.objects.update_or_create(
                name=spec.team, defaults={"kind": TeamKind.PARTNER, "agency": agency}
            )


def demo_users_ensure(password: str) -> list[tuple[str, str, str]]:
    """Create or update one login per role (and extra staff); every one gets ``password``.

    Returns ``(username, role label, password)`` for every demo login, listed ones first.
    """
    reference_data_ensure()
    hashed = make_password(password)  # hashing is slow on purpose: do it once
    agencies = {a.code: a for a in Agency.objects.all()}
    teams = {t.name: t for t in Team.objects.all()}
    rows: list[tuple[str, str, str]] = []
    with transaction.atomic():
        for spec in DEMO_USERS:
            superuser = spec.role == Role.ADMINISTRATOR
            User.objects.update_or_create(
                username=spec.username,
                defaults={
                    "first_name": spec.first_name,
                    "last_name": spec.last_name,
                    "email": f"{spec.username}@example.org",
                    "role": spec.role,
                    "team": teams[spec.team] if spec.team else None,
                    "agency": agencies[spec.agency],
                    "job_title": spec.job_title,
                    "is_active": True,
                    "is_staff": superuser,
                    "is_superuser": superuser,
                    "password": hashed,
                },
            )
            rows.append((spec.username, Role(spec.role).label, password))
        demo_devices_ensure()
    return rows


DEMO_DEVICE_NAME = "Demo authenticator"


def demo_totp_key(username: str) -> str:
    """A demo login's two-factor secret (hex, as django-otp keeps it): derived from the
    username, so it stays the same however often the demo is set up and an authenticator app
    set up once keeps working. Demo only: real secrets are random (set up at first sign-in)."""
    return hashlib.sha256(f"frontdoor-demo-totp:{username}".encode()).hexdigest()[:40]


def demo_devices_ensure() -> dict[str, str]:
    """Give every demo login a confirmed authenticator app with its demo secret; returns
    ``{username: secret to type into an app}``."""
    from frontdoor.accounts.signin import secret_text

    keys: dict[str, str] = {}
    users = {u.username: u for u in User.objects.filter(username__in=demo_usernames())}
    for username, user in users.items():
        device, _ = TOTPDevice.objects.update_or_create(
            user=user,
            name=DEMO_DEVICE_NAME,
            defaults={"key": demo_totp_key(username), "confirmed": True},
        )
        keys[username] = secret_text(device)
    return keys


def demo_usernames() -> list[str]:
    return [spec.username for spec in DEMO_USERS]


def demo_users_exist() -> bool:
    """True when every demo login is present."""
    names = {spec.username for spec in DEMO_USERS}
    return User.objects.filter(username__in=names).count() == len(names)
