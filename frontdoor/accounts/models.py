"""Users, teams, agencies and roles."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", "Contact centre officer"
    CONTACT_CENTRE_MANAGER = "contact_centre_manager", "Contact centre manager"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner agency practitioner"
    ASSESSMENT_SOCIAL_WORKER = "assessment_social_worker", "Assessment team social worker"
    ASSESSMENT_MANAGER = "assessment_manager", "Assessment team manager"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    AUDITOR = "auditor", "Auditor"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
    HEAD_OF_SERVICE = "head_of_service", "Head of service"
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"
    ADMINISTRATOR = "administrator", "Administrator"


class AgencyKind(models.TextChoices):
    LOCAL_AUTHORITY = "local_authority", "Local authority children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    YOUTH_OFFENDING = "youth_offending", "Youth offending"
    EARLY_HELP = "early_help", "Early help"
    DOMESTIC_ABUSE = "domestic_abuse", "Domestic abuse services"
    FIRE = "fire", "Fire and rescue"
    OTHER = "other", "Other"


class Agency(models.Model):
    """An organisation in the partnership. Partner agencies answer information requests."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=30, choices=AgencyKind.choices)
    receives_requests = models.BooleanField(
        default=True, help_text="Whether the MASH sends this agency information requests."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name


class TeamKind(models.TextChoices):
    CONTACT_CENTRE = "contact_centre", "Contact centre"
    MASH = "mash", "MASH"
    ASSESSMENT = "assessment", "Assessment"
    PARTNER = "partner", "Partner agency"
    PERFORMANCE = "performance", "Performance and quality"


class Team(models.Model):
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=30, choices=TeamKind.choices)
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="teams")
    #: The manager on duty (MASH): alerted when a contact says a child is at immediate risk.
    duty_manager = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    duty_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    role = models.CharField(max_length=40, choices=Role.choices, blank=True)
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    agency = models.ForeignKey(
        Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="users"
    )
    job_title = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username


class ApiScope(models.TextChoices):
    REFERRALS_WRITE = "referrals:write", "Send referrals"
    REFERRALS_READ = "referrals:read", "Read the status of its own referrals"


class ApiToken(models.Model):
    """A partner agency system's key to the intake API.

    Only a SHA-256 hash of the secret is stored (the secret is 256 random bits, so a slow hash
    adds nothing); the plain token is shown once, when it is issued. ``prefix`` is the public
    part used to find the row and to name the token in logs.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="api_tokens")
    name = models.CharField(max_length=200, help_text="Which system uses it, e.g. 'Niche RMS'.")
    prefix = models.CharField(max_length=16, unique=True)
    secret_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_reason = models.CharField(max_length=300, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    rate_limit_per_minute = models.PositiveIntegerField(default=600)

    class Meta:
        ordering = ["agency__name", "name"]
        verbose_name = "API token"

    def __str__(self) -> str:
        return f"{self.agency.code}: {self.name} ({self.prefix})"


# --------------------------------------------------------------------------- sign-in


class SignInEventKind(models.TextChoices):
    PASSWORD_FAILED = "password_failed", "Wrong username or password"
    PASSWORD_ACCEPTED = "password_accepted", "Password accepted (second factor next)"
    CODE_FAILED = "code_failed", "Wrong two-factor code"
    TWO_FACTOR_ENROLLED = "two_factor_enrolled", "Authenticator app set up"
    SIGNED_IN = "signed_in", "Signed in"
    REFUSED_LOCKED = "refused_locked", "Refused: username locked"
    LOCKED = "locked", "Username locked after repeated failures"
    UNLOCKED = "unlocked", "Username unlocked by an administrator"
    SIGNED_OUT = "signed_out", "Signed out"
    TIMED_OUT = "timed_out", "Signed out after being inactive"


class SignInEvent(models.Model):
    """The sign-in log: every attempt, success, lockout and sign-out (not the access log of
    children's records). ``username`` is what was typed, whether or not such a user exists."""

    at = models.DateTimeField(db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30, choices=SignInEventKind.choices)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "at"])]
        verbose_name = "sign-in event"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.username}: {self.get_kind_display()}"


class SignInLock(models.Model):
    """A username locked after repeated failures, until ``locked_until`` or an unlock.

    ``username`` is kept lower-case, so a lock holds whatever the case typed; usernames that
    belong to nobody are locked in the same way, so a lock says nothing about who has an
    account.
    """

    username = models.CharField(max_length=150, db_index=True)
    locked_at = models.DateTimeField()
    locked_until = models.DateTimeField()
    failures = models.PositiveIntegerField()
    unlocked_at = models.DateTimeField(null=True, blank=True)
    unlocked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-locked_at", "-pk"]
        verbose_name = "sign-in lock"

    def __str__(self) -> str:
        return f"{self.username} locked {self.locked_at:%Y-%m-%d %H:%M}"

    def ends_at(self) -> datetime:
        """When the lock stopped or will stop holding."""
        return self.unlocked_at or self.locked_until
