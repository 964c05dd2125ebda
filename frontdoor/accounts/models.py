"""Users, teams, agencies and roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models


class Role(models.TextChoices):
    CONTACT_OFFICER = "contact_officer", "Contact centre officer"
    MASH_SOCIAL_WORKER = "mash_social_worker", "MASH social worker"
    MASH_MANAGER = "mash_manager", "MASH manager"
    PARTNER_PRACTITIONER = "partner_practitioner", "Partner agency practitioner"
    ASSESSMENT_SOCIAL_WORKER = "assessment_social_worker", "Assessment team social worker"
    ASSESSMENT_MANAGER = "assessment_manager", "Assessment team manager"
    PERFORMANCE_ANALYST = "performance_analyst", "Performance analyst"
    AUDITOR = "auditor", "Auditor"
    PARTNERSHIP_LEAD = "partnership_lead", "Partnership lead"
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
