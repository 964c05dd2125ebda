"""Contacts: every approach to the front door about one or more children."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    PHONE = "phone", "Phone"
    EMAIL = "email", "Email"
    ONLINE_FORM = "online_form", "Online form"
    PARTNER_API = "partner_api", "Partner API"
    POLICE_NOTIFICATION = "police_notification", "Police notification"


class ReferralSource(models.TextChoices):
    """CIN census referral source (2022+ list)."""

    S1A = "1A", "Individual – family member, relative or carer"
    S1B = "1B", "Individual – acquaintance"
    S1C = "1C", "Individual – self"
    S1D = "1D", "Individual – other"
    S2A = "2A", "Schools"
    S2B = "2B", "Education services"
    S3A = "3A", "Health – GP"
    S3B = "3B", "Health – health visitor"
    S3C = "3C", "Health – school nurse"
    S3D = "3D", "Health – other primary health"
    S3E = "3E", "Health – A&E"
    S3F = "3F", "Health – other"
    S4 = "4", "Housing"
    S5A = "5A", "LA – social care"
    S5B = "5B", "LA – other internal"
    S5C = "5C", "LA – external"
    S5D = "5D", "LA – early help"
    S6 = "6", "Police"
    S7 = "7", "Other legal agency"
    S8 = "8", "Other"
    S9 = "9", "Anonymous"
    S10 = "10", "Unknown"


class ConsentStatus(models.TextChoices):
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"
    ASKED_NO_ANSWER = "asked", "Asked, no answer yet"
    NOT_SOUGHT = "not_sought", "Not sought"


class LawfulBasis(models.TextChoices):
    PUBLIC_TASK = "public_task", "Public task (UK GDPR 6(1)(e))"
    LEGAL_OBLIGATION = "legal_obligation", "Legal obligation (UK GDPR 6(1)(c))"
    VITAL_INTERESTS = "vital_interests", "Vital interests (UK GDPR 6(1)(d))"
    CONSENT = "consent", "Consent (UK GDPR 6(1)(a))"


class ParentsAware(models.TextChoices):
    """Whether the child's parents or carers know about the contact (and what they think)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_KNOWN = "not_known", "Not known"


class Rating(models.TextChoices):
    """The BRAG rating a screener gives a MASH enquiry (the MASH keeps and changes it; the
    transfer and strategy stages carry it on)."""

    RED = "RED", "Red"
    AMBER = "AMBER", "Amber"
    GREEN = "GREEN", "Green"
    BLUE = "BLUE", "Blue"


class ScreeningOutcome(models.TextChoices):
    ALLOCATED_WORKER = "allocated_worker", "Pass to the allocated worker (case already open)"
    ADVICE_NFA = "advice_nfa", "Advice, signposting or no further action"
    EARLY_HELP = "early_help", "Early help"
    MASH_ENQUIRY = "mash_enquiry", "MASH enquiry"
    STRATEGY_DISCUSSION = "strategy_discussion", "Immediate strategy discussion"


class Contact(models.Model):
    reference = models.CharField(max_length=20, unique=True)
    received_at = models.DateTimeField(db_index=True)
    channel = models.CharField(max_length=30, choices=Channel.choices)
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    referrer_role = models.CharField(max_length=200, blank=True)
    referrer_agency = models.CharField(max_length=200, blank=True)
    referrer_phone = models.CharField(max_length=40, blank=True)
    referrer_email = models.EmailField(blank=True)
    concern = models.TextField()
    immediate_risk = models.BooleanField(default=False)
    consent_status = models.CharField(max_length=20, choices=ConsentStatus.choices)
    consent_reason = models.TextField(blank=True)
    lawful_basis = models.CharField(max_length=30, choices=LawfulBasis.choices)
    sharing_override_reason = models.TextField(
        blank=True, help_text="Why information is shared without consent, where it is."
    )
    # The household answers (FRONT-DOOR.md 1.3): who holds parental responsibility and who
    # lives with the child, in the referrer's words. The people themselves are Person records
    # linked by Relationship (``frontdoor.people.households``); free text stays here.
    parents_aware = models.CharField(
        max_length=10,
        choices=ParentsAware.choices,
        blank=True,
        help_text="Empty where the question was not asked (contacts recorded before it was).",
    )
    parental_responsibility_notes = models.TextField(blank=True)
    household_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Empty when the contact arrived by the online form or the partner API.",
    )
    recorded_at = models.DateTimeField()
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return self.reference


class ContactChild(models.Model):
    """One child named in a contact. Each child gets its own screening decision."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="children")
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="contacts")
    screening_due_at = models.DateTimeField(db_index=True)
    outcome = models.CharField(max_length=30, choices=ScreeningOutcome.choices, blank=True)
    rationale = models.TextField(blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["contact", "id"]
        indexes = [
            # Decisions and closures between two dates, newest first (frontdoor.finding).
            models.Index(fields=["screened_at"], name="contactchild_screened_at"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["contact", "child"], name="contact_child_once"),
            models.CheckConstraint(
                condition=(Q(outcome="") & Q(screened_at__isnull=True))
                | (~Q(outcome="") & Q(screened_at__isnull=False)),
                name="contact_child_outcome_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contact.reference}: {self.child}"


class Referral(models.Model):
    """A contact about a child that goes on: the start of a CIN episode."""

    contact_child = models.OneToOneField(
        ContactChild, on_delete=models.PROTECT, related_name="referral"
    )
    child = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="referrals")
    referral_date = models.DateField(db_index=True)
    source = models.CharField(max_length=3, choices=ReferralSource.choices)
    nfa = models.BooleanField("referral NFA", default=False)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-referral_date", "-id"]

    def __str__(self) -> str:
        return f"Referral {self.pk} ({self.child})"


class SubmissionChannel(models.TextChoices):
    ONLINE_FORM = Channel.ONLINE_FORM.value, Channel.ONLINE_FORM.label
    PARTNER_API = Channel.PARTNER_API.value, Channel.PARTNER_API.label


class Submission(models.Model):
    """A referral exactly as it arrived from the online form or the partner API.

    Stored before anything else happens to it, in the same transaction as the contact it
    becomes, so a referrer is never told "received" about something that is not durable.
    ``(idempotency_scope, idempotency_key)`` is unique: a repeated submission finds this row.
    """

    reference = models.CharField(max_length=20, unique=True)
    channel = models.CharField(max_length=30, choices=SubmissionChannel.choices)
    idempotency_scope = models.CharField(max_length=80)
    idempotency_key = models.CharField(max_length=200)
    payload_sha256 = models.CharField(max_length=64)
    payload = models.JSONField()
    received_at = models.DateTimeField(db_index=True)
    contact = models.OneToOneField(
        Contact, null=True, blank=True, on_delete=models.PROTECT, related_name="submission"
    )
    conversion_error = models.TextField(
        blank=True, help_text="Why the submission could not be made into a contact, if not."
    )
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    token = models.ForeignKey(
        "accounts.ApiToken",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="submissions",
    )
    external_reference = models.CharField(max_length=100, blank=True)
    referrer_email = models.EmailField(blank=True)
    acknowledgement_queued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the acknowledgement email was put in the outbox (whether it was sent "
        "is the outbox message's status).",
    )
    feedback_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    feedback_expires_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["idempotency_scope", "idempotency_key"], name="submission_idempotent"
            ),
        ]
        indexes = [
            # The worker's "waiting to become a contact" query.
            models.Index(
                fields=["received_at"],
                condition=Q(contact__isnull=True),
                name="submission_waiting",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class ReferralDraft(models.Model):
    """An online referral being written: saved after every page, resumable by emailed link."""

    public_id = models.UUIDField(unique=True)
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    resume_token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    resume_email = models.EmailField(blank=True)
    submission = models.OneToOneField(
        Submission, null=True, blank=True, on_delete=models.SET_NULL, related_name="draft"
    )

    class Meta:
        ordering = ["-updated_at"]

    def __str__(self) -> str:
        return f"Draft {self.public_id}"


class Document(models.Model):
    """Evidence a referrer uploaded. Kept in the database (outside the web root) and only
    ever served as a download through an access check."""

    draft = models.ForeignKey(
        ReferralDraft, null=True, blank=True, on_delete=models.CASCADE, related_name="documents"
    )
    submission = models.ForeignKey(
        Submission, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(draft__isnull=False) | Q(submission__isnull=False),
                name="document_belongs_somewhere",
            ),
        ]

    def __str__(self) -> str:
        return self.filename


class AlertKind(models.TextChoices):
    NO_CONTACT = "no_contact", "Submission did not become a contact"
    SCREENING_OVERDUE = "screening_overdue", "Not screened in time"


class IntakeAlert(models.Model):
    """A gap reconciliation found, raised once to the contact centre managers."""

    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    submission = models.ForeignKey(Submission, on_delete=models.PROTECT, related_name="alerts")
    raised_at = models.DateTimeField(db_index=True)
    detail = models.CharField(max_length=300)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "submission"], name="alert_once_per_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.submission}"


class FeedbackStage(models.TextChoices):
    SCREENING = "screening", "Screening decision"
    MASH_DECISION = "mash_decision", "MASH decision"


class FeedbackMethod(models.TextChoices):
    EMAIL = "email", "Email"
    PHONE = "phone", "Phone call"
    LETTER = "letter", "Letter"


class ReferrerFeedback(models.Model):
    """Telling the referrer what was decided for one child: statutory, and given only when it
    was. By email when the referrer gave an address (given once the outbox has sent it); by a
    phone call or letter that a person records (who, when, what was said) otherwise, or when
    the email failed; or, when the referrer left no way to reach them, closed with the reason.
    """

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="feedback")
    contact_child = models.ForeignKey(
        ContactChild, on_delete=models.PROTECT, related_name="feedback"
    )
    stage = models.CharField(max_length=20, choices=FeedbackStage.choices)
    source = models.CharField(
        max_length=40, blank=True, help_text='The decision it tells, e.g. "decision:12".'
    )
    text = models.TextField(help_text="What the referrer is told.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who made the decision: the feedback is in their own queue too.",
    )
    team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Who phones or writes when there is no email, or it failed.",
    )
    created_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    email_message = models.ForeignKey(
        "outbox.Message", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_method = models.CharField(max_length=10, choices=FeedbackMethod.choices, blank=True)
    given_at = models.DateTimeField(
        null=True, blank=True, help_text="A phone call or letter: when it was made or sent."
    )
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    given_note = models.TextField(blank=True, help_text="What was said or written.")
    recorded_at = models.DateTimeField(null=True, blank=True)
    closed_reason = models.TextField(
        blank=True,
        help_text="Why the referrer cannot be told (no way to reach them, or not reached).",
    )
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "referrer feedback"
        constraints = [
            models.UniqueConstraint(
                fields=["contact_child", "stage", "source"], name="feedback_once_per_decision"
            ),
            models.CheckConstraint(
                condition=(
                    Q(given_at__isnull=True)
                    & Q(given_method="")
                    & Q(given_by__isnull=True)
                    & Q(recorded_at__isnull=True)
                )
                | (
                    Q(given_at__isnull=False)
                    & Q(given_method__in=["phone", "letter"])
                    & Q(given_by__isnull=False)
                    & Q(recorded_at__isnull=False)
                    & ~Q(given_note="")
                ),
                name="feedback_given_by_a_person_in_full",
            ),
            models.CheckConstraint(
                condition=(Q(closed_at__isnull=True) & Q(closed_reason=""))
                | (Q(closed_at__isnull=False) & ~Q(closed_reason="")),
                name="feedback_closed_with_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.get_stage_display()} for {self.contact_child}"


class OpenCaseInformation(models.Model):
    """New information on an open case: a contact about a child who has an allocated worker
    is passed to that worker, who acknowledges it and records what they did (no new
    referral is made while the case is open)."""

    contact_child = models.OneToOneField(
        ContactChild, on_delete=models.PROTECT, related_name="open_case"
    )
    worker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    passed_at = models.DateTimeField()
    due_at = models.DateTimeField(null=True, blank=True, db_index=True)
    policy = models.ForeignKey("policies.PolicyVersion", on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    action_taken = models.TextField(blank=True)

    class Meta:
        ordering = ["passed_at", "id"]
        verbose_name_plural = "open case information"
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(acknowledged_at__isnull=True)
                    & Q(acknowledged_by__isnull=True)
                    & Q(action_taken="")
                )
                | (
                    Q(acknowledged_at__isnull=False)
                    & Q(acknowledged_by__isnull=False)
                    & ~Q(action_taken="")
                ),
                name="open_case_acknowledged_in_full",
            ),
        ]

    def __str__(self) -> str:
        return f"New information for {self.worker} ({self.contact_child})"
