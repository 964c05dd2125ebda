"""Children and adults, their identifiers, addresses and relationships."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q

from frontdoor.people.masking import (
    blank,
    masked,
    masked_label,
    masked_model_register,
    nothing,
    related_none,
    returns,
)


class PersonKind(models.TextChoices):
    CHILD = "child", "Child"
    ADULT = "adult", "Adult"


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known"


class Gender(models.TextChoices):
    """CIN census GenderCurrent."""

    NOT_RECORDED = "0", "Not recorded or unborn"
    MALE = "1", "Male"
    FEMALE = "2", "Female"
    INDETERMINATE = "9", "Indeterminate"


class Ethnicity(models.TextChoices):
    WBRI = "WBRI", "White British"
    WIRI = "WIRI", "White Irish"
    WOTH = "WOTH", "Any other White background"
    WIRT = "WIRT", "Traveller of Irish heritage"
    WROM = "WROM", "Gypsy/Roma"
    MWBC = "MWBC", "White and Black Caribbean"
    MWBA = "MWBA", "White and Black African"
    MWAS = "MWAS", "White and Asian"
    MOTH = "MOTH", "Any other mixed background"
    AIND = "AIND", "Indian"
    APKN = "APKN", "Pakistani"
    ABAN = "ABAN", "Bangladeshi"
    AOTH = "AOTH", "Any other Asian background"
    BCRB = "BCRB", "Caribbean"
    BAFR = "BAFR", "African"
    BOTH = "BOTH", "Any other Black background"
    CHNE = "CHNE", "Chinese"
    OOTH = "OOTH", "Any other ethnic group"
    REFU = "REFU", "Refused"
    NOBT = "NOBT", "Information not yet obtained"


class DisabilityCode(models.TextChoices):
    NONE = "NONE", "No disability"
    MOB = "MOB", "Mobility"
    HAND = "HAND", "Hand function"
    PC = "PC", "Personal care"
    INC = "INC", "Incontinence"
    COMM = "COMM", "Communication"
    LD = "LD", "Learning"
    HEAR = "HEAR", "Hearing"
    VIS = "VIS", "Vision"
    BEH = "BEH", "Behaviour"
    CON = "CON", "Consciousness"
    AUT = "AUT", "Autism"
    DDA = "DDA", "Other"


class Person(models.Model):
    """A child or an adult known to the front door."""

    kind = models.CharField(max_length=10, choices=PersonKind.choices, default=PersonKind.CHILD)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.NOT_RECORDED)
    ethnicity = models.CharField(
        max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT, blank=True
    )
    nhs_number = models.CharField(max_length=10, blank=True, db_index=True)
    upn = models.CharField("UPN", max_length=13, blank=True, db_index=True)
    first_language = models.CharField(max_length=60, blank=True)
    interpreter_needed = models.BooleanField(default=False)
    religion = models.CharField(max_length=60, blank=True)
    # An allocated social worker means the case is open: new concerns go to them.
    allocated_worker = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()
    # A record merged into another is kept (its history and the merge can be undone) but is
    # no longer searched or proposed; everything it had now belongs to ``merged_into``.
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_records"
    )

    class Meta:
        ordering = ["last_name", "first_name", "id"]
        indexes = [models.Index(fields=["last_name", "first_name"])]
        constraints = [
            models.CheckConstraint(
                condition=~(
                    Q(date_of_birth__isnull=False) & Q(expected_date_of_birth__isnull=False)
                ),
                name="person_dob_or_expected_dob",
            )
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        """The name, or "Restricted record (record N)" while the request's viewer may not see
        this record (``frontdoor.people.masking``)."""
        if masked(self.pk):
            return masked_label(self.pk)
        name = f"{self.first_name} {self.last_name}".strip()
        return name or ("Unborn child" if self.expected_date_of_birth else "Name not known")

    @property
    def is_masked(self) -> bool:
        """Is this record hidden from the request's viewer (a restricted record)?"""
        return masked(self.pk)

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, on: date) -> int | None:
        """Age at last birthday; -1 for an unborn child (Annex A)."""
        if self.date_of_birth is None:
            return -1 if self.expected_date_of_birth else None
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))


class Alias(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="aliases")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=40, default="also known as")

    class Meta:
        verbose_name_plural = "aliases"


class Disability(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="disabilities")
    code = models.CharField(max_length=4, choices=DisabilityCode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "code"], name="disability_once_per_person")
        ]
        verbose_name_plural = "disabilities"


class Address(models.Model):
    """An address a person lives or lived at; the history is the postcode history."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    line_1 = models.CharField(max_length=200)
    line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, db_index=True)
    moved_in = models.DateField(null=True, blank=True)
    moved_out = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-moved_in", "-id"]
        verbose_name_plural = "addresses"
        constraints = [
            models.CheckConstraint(
                condition=Q(moved_out__isnull=True)
                | Q(moved_in__isnull=True)
                | Q(moved_out__gte=models.F("moved_in")),
                name="address_moved_out_after_moved_in",
            )
        ]

    def __str__(self) -> str:
        if masked(self.person_id):
            return ""
        return ", ".join(p for p in [self.line_1, self.line_2, self.town, self.postcode] if p)


class RelationshipKind(models.TextChoices):
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    CARER = "carer", "Carer"
    SIBLING = "sibling", "Sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    PARTNER_OF_PARENT = "partner_of_parent", "Parent's partner"
    OTHER_RELATIVE = "other_relative", "Other relative"
    OTHER = "other", "Other"


class Relationship(models.Model):
    """``person`` is ``kind`` to ``child`` (for example: Jane is parent to Sam).

    An adult's link to a child: a parent, carer, household member or someone alleged to have
    harmed the child. A relationship that ends (a carer moves out) keeps its row, with
    ``ended_on`` and the reason, so the household's history stays on the record.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships_to")
    child = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="relationships")
    kind = models.CharField(max_length=30, choices=RelationshipKind.choices)
    parental_responsibility = models.BooleanField(default=False)
    household_member = models.BooleanField(default=False)
    #: Someone a referrer or worker says has harmed, or may harm, the child. Shown to partner
    #: agencies only as the policy allows (``adults.alleged_perpetrator_visible_to_partners``).
    alleged_perpetrator = models.BooleanField(default=False)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["ended_on", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "child", "kind"],
                condition=Q(ended_on__isnull=True),
                name="relationship_unique_live",
            ),
            models.CheckConstraint(
                condition=~Q(person=models.F("child")), name="relationship_not_self"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | ~Q(ended_reason=""),
                name="relationship_end_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_kind_display().lower()}) to {self.child}"

    @property
    def is_live(self) -> bool:
        return self.ended_on is None


# What a page shows of a person hidden from its viewer (frontdoor.people.masking): the record
# number stands in for the name, and nothing else that identifies them is shown.
masked_model_register(
    Person,
    person_id=lambda p: p.pk,
    masks={
        "full_name": lambda p: masked_label(p.pk),
        "first_name": lambda p: masked_label(p.pk),
        "last_name": blank,
        "date_of_birth": nothing,
        "expected_date_of_birth": nothing,
        "nhs_number": blank,
        "upn": blank,
        "sex": blank,
        "gender": blank,
        "ethnicity": blank,
        "first_language": blank,
        "religion": blank,
        "interpreter_needed": lambda p: False,
        "is_unborn": lambda p: False,
        "get_sex_display": returns(""),
        "get_gender_display": returns(""),
        "get_ethnicity_display": returns(""),
        "age_on": returns(None),
        "aliases": related_none("aliases"),
        "addresses": related_none("addresses"),
        "disabilities": related_none("disabilities"),
        "relationships": related_none("relationships"),
        "relationships_to": related_none("relationships_to"),
    },
)
masked_model_register(
    Address,
    person_id=lambda a: a.person_id,
    masks={
        **{name: blank for name in ("line_1", "line_2", "town", "postcode")},
        "moved_in": nothing,
        "moved_out": nothing,
    },
)
masked_model_register(
    Alias,
    person_id=lambda a: a.person_id,
    masks={"first_name": blank, "last_name": blank},
)
masked_model_register(
    Disability,
    person_id=lambda d: d.person_id,
    masks={"code": blank, "get_code_display": returns("")},
)
