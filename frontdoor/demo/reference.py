"""Reference data and demo logins for the demonstration database.

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
from frontdoor.mash.models import RequestTemplate

DEFAULT_PASSWORD = "frontdoor-demo"
LA_CODE = "la"
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


@dataclass(frozen=True)
class _UserSpec:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None
    agency: str
    job_title: str
    listed: bool = True  # shown in the brief's list of logins (the rest make queues look real)


DEMO_USERS: tuple[_UserSpec, ...] = (
    _UserSpec(
        "contact.officer",
        "Priya",
        "Shah",
        Role.CONTACT_OFFICER,
        "Contact Centre",
        LA_CODE,
        "Contact centre officer",
    ),
    _UserSpec(
        "contact.manager",
        "Denise",
        "Morgan",
        Role.CONTACT_CENTRE_MANAGER,
        "Contact Centre",
        LA_CODE,
        "Contact centre manager",
    ),
    _UserSpec(
        "mash.worker",
        "Tom",
        "Bennett",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Senior practitioner, MASH",
    ),
    _UserSpec(
        "mash.worker2",
        "Aisha",
        "Okafor",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Social worker, MASH",
    ),
    _UserSpec(
        "mash.manager", "Helen", "Marsh", Role.MASH_MANAGER, "MASH", LA_CODE, "MASH team manager"
    ),
    _UserSpec(
        "police.practitioner",
        "Gareth",
        "Lloyd",
        Role.PARTNER_PRACTITIONER,
        "Police MASH Navigators",
        "police",
        "Detective constable, police MASH navigator",
    ),
    _UserSpec(
        "health.practitioner",
        "Fiona",
        "Campbell",
        Role.PARTNER_PRACTITIONER,
        "Health MASH Navigators",
        "health",
        "Safeguarding nurse, MASH",
    ),
    _UserSpec(
        "education.practitioner",
        "Daniel",
        "Hughes",
        Role.PARTNER_PRACTITIONER,
        "Education MASH Navigators",
        "education",
        "Education safeguarding officer",
    ),
    _UserSpec(
        "assessment.worker",
        "Chloe",
        "Turner",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Social worker, assessment service",
    ),
    _UserSpec(
        "assessment.manager",
        "Mark",
        "Ellis",
        Role.ASSESSMENT_MANAGER,
        "Assessment Service",
        LA_CODE,
        "Team manager, assessment service",
    ),
    _UserSpec(
        "analyst",
        "Ravi",
        "Patel",
        Role.PERFORMANCE_ANALYST,
        "Performance and Quality",
        LA_CODE,
        "Performance analyst",
    ),
    _UserSpec(
        "auditor",
        "Susan",
        "Clarke",
        Role.AUDITOR,
        "Performance and Quality",
        LA_CODE,
        "Quality assurance auditor",
    ),
    _UserSpec(
        "head.of.service",
        "Margaret",
        "Osei",
        Role.HEAD_OF_SERVICE,
        None,
        LA_CODE,
        "Head of service, children's social care",
    ),
    _UserSpec(
        "dpo",
        "Nadia",
        "Rahman",
        Role.DATA_PROTECTION_OFFICER,
        None,
        LA_CODE,
        "Data protection officer",
    ),
    _UserSpec(
        "partnership.lead",
        "Jonathan",
        "Reid",
        Role.PARTNERSHIP_LEAD,
        None,
        LA_CODE,
        "Safeguarding partnership business manager",
    ),
    _UserSpec(
        "admin", "Sam", "Fletcher", Role.ADMINISTRATOR, None, LA_CODE, "System administrator"
    ),
    # Extra staff so that queues, authorship and sign-off look like a real service.
    _UserSpec(
        "contact.officer2",
        "Leanne",
        "Walsh",
        Role.CONTACT_OFFICER,
        "Contact Centre",
        LA_CODE,
        "Contact centre officer",
        listed=False,
    ),
    _UserSpec(
        "contact.officer3",
        "Imran",
        "Hussain",
        Role.CONTACT_OFFICER,
        "Contact Centre",
        LA_CODE,
        "Contact centre officer",
        listed=False,
    ),
    _UserSpec(
        "mash.worker3",
        "Natalie",
        "Price",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Social worker, MASH",
        listed=False,
    ),
    _UserSpec(
        "mash.worker4",
        "Owen",
        "Davies",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Social worker, MASH",
        listed=False,
    ),
    _UserSpec(
        "mash.worker5",
        "Grace",
        "Adeyemi",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Senior practitioner, MASH",
        listed=False,
    ),
    _UserSpec(
        "mash.worker6",
        "Liam",
        "O'Connor",
        Role.MASH_SOCIAL_WORKER,
        "MASH",
        LA_CODE,
        "Social worker, MASH",
        listed=False,
    ),
    _UserSpec(
        "mash.manager2",
        "Rachel",
        "Kerr",
        Role.MASH_MANAGER,
        "MASH",
        LA_CODE,
        "MASH deputy team manager",
        listed=False,
    ),
    _UserSpec(
        "assessment.worker2",
        "Megan",
        "Foster",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Social worker, assessment service",
        listed=False,
    ),
    _UserSpec(
        "assessment.worker3",
        "Kwame",
        "Mensah",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Social worker, assessment service",
        listed=False,
    ),
    _UserSpec(
        "assessment.worker4",
        "Sophie",
        "Armstrong",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Senior social worker, assessment service",
        listed=False,
    ),
    _UserSpec(
        "assessment.worker5",
        "Jamie",
        "Robertson",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Social worker, assessment service",
        listed=False,
    ),
    _UserSpec(
        "assessment.worker6",
        "Hannah",
        "Begum",
        Role.ASSESSMENT_SOCIAL_WORKER,
        "Assessment Service",
        LA_CODE,
        "Newly qualified social worker",
        listed=False,
    ),
    _UserSpec(
        "assessment.manager2",
        "Andrew",
        "Fraser",
        Role.ASSESSMENT_MANAGER,
        "Assessment Service",
        LA_CODE,
        "Deputy team manager, assessment service",
        listed=False,
    ),
    _UserSpec(
        "police.practitioner2",
        "Kirsty",
        "Morgan",
        Role.PARTNER_PRACTITIONER,
        "Police MASH Navigators",
        "police",
        "Police staff researcher, MASH",
        listed=False,
    ),
    _UserSpec(
        "health.practitioner2",
        "Joanne",
        "Whitfield",
        Role.PARTNER_PRACTITIONER,
        "Health MASH Navigators",
        "health",
        "Named nurse for safeguarding",
        listed=False,
    ),
    _UserSpec(
        "education.practitioner2",
        "Simon",
        "Yates",
        Role.PARTNER_PRACTITIONER,
        "Education MASH Navigators",
        "education",
        "Education welfare officer",
        listed=False,
    ),
    _UserSpec(
        "probation.practitioner",
        "Carl",
        "Whitaker",
        Role.PARTNER_PRACTITIONER,
        "Probation MASH Navigators",
        "probation",
        "Probation officer, MASH",
        listed=False,
    ),
    _UserSpec(
        "housing.practitioner",
        "Angela",
        "Brooks",
        Role.PARTNER_PRACTITIONER,
        "Housing MASH Navigators",
        "housing",
        "Housing officer, MASH",
        listed=False,
    ),
    _UserSpec(
        "youthjustice.practitioner",
        "Marcus",
        "Grant",
        Role.PARTNER_PRACTITIONER,
        "Youth Justice MASH Navigators",
        "youth_offending",
        "Youth justice officer",
        listed=False,
    ),
    _UserSpec(
        "earlyhelp.practitioner",
        "Louise",
        "Harding",
        Role.PARTNER_PRACTITIONER,
        "Early Help MASH Navigators",
        "early_help",
        "Early help coordinator",
        listed=False,
    ),
    _UserSpec(
        "domesticabuse.practitioner",
        "Bethany",
        "Cole",
        Role.PARTNER_PRACTITIONER,
        "Domestic Abuse MASH Navigators",
        "domestic_abuse",
        "IDVA, MASH",
        listed=False,
    ),
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
