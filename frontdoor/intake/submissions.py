"""Referrals from outside: the online form and the partner API.

Every write of a submission is here. ``submission_receive`` is the one door both channels
use: it validates everything first (so nothing is half-saved), then in one transaction stores
the submission exactly as sent, makes it a contact with its screening clock, keeps any
evidence, and puts the acknowledgement email in the outbox. The caller acknowledges only
after it returns, so an acknowledged reference is always durable. The idempotency key makes a
repeat (double click, retry, second tab) find the first submission instead of making another.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from frontdoor.accounts.services import secret_digest
from frontdoor.audit.services import event_append
from frontdoor.intake.documents import CheckedDocument, document_check
from frontdoor.intake.household import contact_adults_from_referral
from frontdoor.intake.linking import child_resolve
from frontdoor.intake.models import (
    Contact,
    Document,
    ReferralDraft,
    Submission,
    SubmissionChannel,
)
from frontdoor.intake.payload import (
    MAX_DOCUMENTS,
    ReferralIn,
    decode_document,
    referral_problems,
    referral_source,
)
from frontdoor.intake.services import contact_record
from frontdoor.outbox.services import message_enqueue
from frontdoor.people.models import Person
from frontdoor.people.services import ChildDetails

if TYPE_CHECKING:
    from frontdoor.accounts.models import Agency, ApiToken

logger = logging.getLogger("frontdoor.intake")

#: Crockford's base32 without I, L, O and U: references read out over the phone.
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class IdempotencyConflict(Exception):
    """The idempotency key was used before for a different referral."""

    def __init__(self, submission: Submission) -> None:
        super().__init__(f"Idempotency key already used for {submission.reference}")
        self.submission = submission


@dataclass(frozen=True)
class Received:
    submission: Submission
    created: bool


def _new_reference() -> str:
    chars = "".join(secrets.choice(_ALPHABET) for _ in range(8))
    return f"FD-{chars[:4]}-{chars[4:]}"


def feedback_link_days() -> int:
    return int(getattr(settings, "FRONTDOOR_FEEDBACK_LINK_DAYS", 90))


def site_url() -> str:
    return str(getattr(settings, "FRONTDOOR_SITE_URL", "http://127.0.0.1:8000")).rstrip("/")


def payload_digest(document: dict[str, Any]) -> str:
    """A hash of the referral's content that ignores key order and spacing."""
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def referral_validate(
    referral: ReferralIn, *, at: datetime
) -> tuple[dict[str, Any], list[CheckedDocument]]:
    """Check a referral fully before anything is stored: the stored payload and documents."""
    problems = referral_problems(referral, on=timezone.localdate(at))
    documents: list[CheckedDocument] = []
    for index, item in enumerate(referral.documents):
        field = f"documents.{index}.content_base64"
        try:
            content = decode_document(item)
        except ValueError:
            problems[field] = "The document is not valid base64"
            continue
        try:
            documents.append(document_check(filename=item.filename, content=content, field=field))
        except ValidationError as exc:
            problems.update({key: msgs[0] for key, msgs in exc.message_dict.items()})
    if problems:
        raise ValidationError(problems)
    # A referral without adults is stored as it was before ``adults`` existed, so a partner's
    # retry of a referral sent before then still matches its idempotency key's payload.
    stored = referral.model_dump(
        mode="json", exclude={"documents"} | (set() if referral.adults else {"adults"})
    )
    stored["documents"] = [
        {"filename": d.filename, "content_type": d.content_type, "size": d.size, "sha256": d.sha256}
        for d in documents
    ]
    return stored, documents


def _children(referral: ReferralIn) -> list[ChildDetails]:
    return [
        ChildDetails(
            first_name=child.first_name,
            last_name=child.last_name,
            date_of_birth=child.date_of_birth,
            expected_date_of_birth=child.expected_date_of_birth,
            sex=child.sex,
            postcode=child.postcode,
            address_line_1=child.address_line_1,
            town=child.town,
            nhs_number=child.nhs_number,
        )
        for child in referral.children
    ]


def _children_resolved(referral: ReferralIn, *, at: datetime) -> list[Person | ChildDetails]:
    """Each child linked to the known record it certainly is, or to be recorded as new."""
    source = f"A referral from {referral.referrer.name or 'a referrer'}"
    out: list[Person | ChildDetails] = []
    for details in _children(referral):
        taken = [p.pk for p in out if isinstance(p, Person)]
        out.append(child_resolve(details, at=at, source=source, taken=taken))
    return out


def _contact_from(
    referral: ReferralIn,
    *,
    channel: str,
    agency: Agency | None,
    received_at: datetime,
    at: datetime,
) -> Contact:
    referrer = referral.referrer
    consent_reason = referral.consent_reason
    contact = contact_record(
        received_at=received_at,
        channel=channel,
        source=referral_source(referral, agency.kind if agency else ""),
        concern=referral.concern,
        immediate_risk=referral.immediate_risk,
        consent_status=referral.consent_status,
        consent_reason=consent_reason,
        lawful_basis=referral.lawful_basis,
        sharing_override_reason=consent_reason if referral.consent_status != "given" else "",
        children=_children_resolved(referral, at=at),
        by=None,
        referrer_name=referrer.name,
        referrer_role=referrer.role,
        referrer_agency=referrer.organisation or (agency.name if agency else ""),
        referrer_phone=referrer.phone,
        referrer_email=referrer.email,
        parents_aware=referral.parents_aware,
        parental_responsibility_notes=referral.parental_responsibility,
        household_notes=referral.household,
        at=at,
    )
    contact_adults_from_referral(contact=contact, adults=referral.adults, at=at)
    return contact


def _acknowledgement(submission: Submission, feedback_url: str) -> tuple[str, str]:
    """Subject and body of the acknowledgement. No child's details go in an email."""
    received = timezone.localtime(submission.received_at)
    lines = [
        "Thank you for telling us you are worried about a child.",
        "",
        f"Your reference number is {submission.reference}.",
        f"We received your referral on {received:%d %B %Y} at {received:%H:%M}.",
        "",
        "A social worker will decide what happens next within 1 working day.",
        "If a child is in immediate danger, call 999.",
    ]
    if feedback_url:
        days = feedback_link_days()
        lines += [
            "",
            "You can see the outcome of your referral, once it is decided, at:",
            feedback_url,
            f"This link works for {days} days. Do not forward it.",
        ]
    lines += ["", "Front Door, children's services"]
    return f"We have received your referral {submission.reference}", "\n".join(lines)


def convert_inline() -> bool:
    """Whether a submission is made a contact in the request's own transaction.

    ``"worker"`` (the default): the request only stores the submission, and the worker makes
    the contact a moment later (``submissions_convert_pending``). ``"inline"``: both in one
    transaction, for a deployment without a worker, and for most tests.
    """
    return getattr(settings, "FRONTDOOR_INTAKE_CONVERT", "worker") == "inline"


def submission_receive(
    *,
    referral: ReferralIn,
    channel: str,
    idempotency_scope: str,
    idempotency_key: str,
    agency: Agency | None = None,
    token: ApiToken | None = None,
    extra_documents: Sequence[CheckedDocument] = (),
    at: datetime | None = None,
) -> Received:
    """Store a referral, once per idempotency key; the caller acknowledges after this returns.

    Everything is validated first, so a refused referral stores nothing. The submission, its
    documents and its event are written in one transaction; the worker then makes it a contact
    (``submission_convert``), whose screening clock runs from ``received_at``, so the clock is
    right however soon that happens. Returns the submission and whether this call created it.
    Raises ValidationError for a referral that breaks a rule, and IdempotencyConflict when the
    key was used for a different referral.
    """
    at = at or timezone.now()
    if channel not in SubmissionChannel.values:
        raise ValidationError({"channel": "Unknown channel"})
    if not idempotency_key or len(idempotency_key) > 200:
        raise ValidationError({"idempotency_key": "Give an idempotency key of 1 to 200 characters"})
    stored, documents = referral_validate(referral, at=at)
    documents = [*documents, *extra_documents]
    stored["documents"] += [
        {"filename": d.filename, "content_type": d.content_type, "size": d.size, "sha256": d.sha256}
        for d in extra_documents
    ]
    digest = payload_digest(stored)

    def repeat() -> Received | None:
        found = Submission.objects.filter(
            idempotency_scope=idempotency_scope, idempotency_key=idempotency_key
        ).first()
        if found is None:
            return None
        if found.payload_sha256 != digest:
            raise IdempotencyConflict(found)
        return Received(submission=found, created=False)

    with transaction.atomic():
        submission: Submission | None = None
        for _attempt in range(5):
            try:
                # Insert first: a repeat is the rare case, found when the unique index refuses.
                with transaction.atomic():
                    submission = Submission.objects.create(
                        reference=_new_reference(),
                        channel=channel,
                        idempotency_scope=idempotency_scope,
                        idempotency_key=idempotency_key,
                        payload_sha256=digest,
                        payload=stored,
                        received_at=at,
                        agency=agency,
                        token=token,
                        external_reference=referral.external_reference,
                        referrer_email=referral.referrer.email,
                    )
                break
            except IntegrityError:
                # A repeat (perhaps a concurrent one that won the race), or, very rarely, a
                # random reference that collided: then draw another.
                found = repeat()
                if found is not None:
                    return found
        if submission is None:  # pragma: no cover - five reference collisions in a row
            raise RuntimeError("Could not allocate a submission reference")
        if documents:
            Document.objects.bulk_create(
                Document(
                    submission=submission,
                    filename=d.filename,
                    content_type=d.content_type,
                    size=d.size,
                    sha256=d.sha256,
                    content=d.content,
                    uploaded_at=at,
                )
                for d in documents
            )
        event_append(
            record=submission,
            action="submission.received",
            summary=f"Referral {submission.reference} received "
            f"({submission.get_channel_display()})",
            at=at,
            actor=None,
            after={
                "channel": channel,
                "agency": agency.code if agency else None,
                "documents": len(documents),
            },
        )
        if convert_inline():
            submission = submission_convert(submission=submission, at=at)
    return Received(submission=submission, created=True)


def _stored_referral(submission: Submission) -> ReferralIn:
    """The referral as validated on receipt (its documents are rows of their own)."""
    document = {k: v for k, v in submission.payload.items() if k != "documents"}
    return ReferralIn.model_validate(document)


def submission_convert(*, submission: Submission, at: datetime | None = None) -> Submission:
    """Make a stored submission a contact (once), and acknowledge it to the referrer.

    Runs in the worker a moment after receipt (or inline). The contact is received at the
    submission's ``received_at``, so its 1-working-day screening clock starts then. If the
    contact cannot be made (a timescale policy missing, say), the error is recorded, the
    referrer is still acknowledged, and reconciliation alerts the contact centre; the worker
    tries again at its next housekeeping round.
    """
    at = at or timezone.now()
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("agency")
            .filter(pk=submission.pk, contact__isnull=True)
            .first()
        )
        if locked is None:  # already a contact, or another worker is making it one
            return Submission.objects.select_related("contact").get(pk=submission.pk)
        try:
            with transaction.atomic():
                contact = _contact_from(
                    _stored_referral(locked),
                    channel=locked.channel,
                    agency=locked.agency,
                    received_at=locked.received_at,
                    at=max(at, locked.received_at),
                )
        except Exception as exc:  # recorded and retried, never lost
            logger.exception("Submission %s could not become a contact", locked.reference)
            locked.conversion_error = f"{type(exc).__name__}: {exc}"[:2000]
            locked.save(update_fields=["conversion_error"])
        else:
            locked.contact = contact
            locked.conversion_error = ""
            locked.save(update_fields=["contact", "conversion_error"])
            event_append(
                record=locked,
                action="submission.converted",
                summary=f"Referral {locked.reference} became contact {contact.reference}",
                at=at,
                actor=None,
                after={"contact": contact.reference},
            )
        _acknowledge(locked, at=at)
    return locked


def _acknowledge(submission: Submission, *, at: datetime) -> None:
    """Email the referrer once: the reference, and for professionals the outcome link."""
    if not submission.referrer_email or submission.acknowledgement_queued_at is not None:
        return
    feedback_url = ""
    if submission.payload.get("referrer", {}).get("kind") == "professional":
        token = secrets.token_urlsafe(32)
        submission.feedback_token_hash = secret_digest(token)
        submission.feedback_expires_at = at + timedelta(days=feedback_link_days())
        feedback_url = site_url() + reverse("referral-outcome", args=[token])
    subject, body = _acknowledgement(submission, feedback_url)
    message_enqueue(
        kind="referral_acknowledgement",
        to=submission.referrer_email,
        subject=subject,
        body=body,
        about=f"submission:{submission.pk}",
        at=at,
    )
    submission.acknowledgement_queued_at = at
    submission.save(
        update_fields=["feedback_token_hash", "feedback_expires_at", "acknowledgement_queued_at"]
    )


def submissions_convert_pending(
    *, limit: int = 100, retry_failed: bool = False, at: datetime | None = None
) -> int:
    """Make waiting submissions contacts, oldest first; returns how many became contacts.

    The worker calls this every second for new submissions, and at each housekeeping round
    with ``retry_failed`` for those whose conversion failed before.
    """
    waiting = Submission.objects.filter(contact__isnull=True)
    if not retry_failed:
        waiting = waiting.filter(conversion_error="")
    made = 0
    for pk in list(waiting.order_by("received_at", "id").values_list("pk", flat=True)[:limit]):
        converted = submission_convert(submission=Submission(pk=pk), at=at)
        made += converted.contact_id is not None
    return made


def submission_by_feedback_token(token: str, *, at: datetime | None = None) -> Submission | None:
    """The submission a referrer's outcome link names, while the link is live."""
    if not token or len(token) > 100:
        return None
    at = at or timezone.now()
    return (
        Submission.objects.select_related("contact")
        .filter(feedback_token_hash=secret_digest(token), feedback_expires_at__gt=at)
        .first()
    )


# --------------------------------------------------------------------------- drafts


def draft_days() -> int:
    return int(getattr(settings, "FRONTDOOR_DRAFT_DAYS", 28))


def draft_start(*, at: datetime | None = None) -> ReferralDraft:
    at = at or timezone.now()
    return ReferralDraft.objects.create(
        public_id=uuid.uuid4(),
        created_at=at,
        updated_at=at,
        expires_at=at + timedelta(days=draft_days()),
    )


def draft_update(
    *, draft: ReferralDraft, answers: dict[str, Any], at: datetime | None = None
) -> ReferralDraft:
    """Merge one page's answers into the draft (top-level keys replace)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.submission_id is not None:
            raise ValidationError("This referral has already been sent")
        locked.data = {**locked.data, **answers}
        locked.updated_at = at
        locked.expires_at = at + timedelta(days=draft_days())
        locked.save(update_fields=["data", "updated_at", "expires_at"])
    return locked


def draft_live(public_id: str, *, at: datetime | None = None) -> ReferralDraft | None:
    at = at or timezone.now()
    try:
        uid = uuid.UUID(str(public_id))
    except ValueError:
        return None
    return ReferralDraft.objects.filter(public_id=uid, expires_at__gt=at).first()


def draft_save_for_later(
    *, draft: ReferralDraft, email: str, at: datetime | None = None
) -> ReferralDraft:
    """Email the referrer a link to carry on; the link's token is stored only as a hash."""
    at = at or timezone.now()
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.submission_id is not None:
            raise ValidationError("This referral has already been sent")
        locked.resume_token_hash = secret_digest(token)
        locked.resume_email = email
        locked.updated_at = at
        locked.expires_at = at + timedelta(days=draft_days())
        locked.save(update_fields=["resume_token_hash", "resume_email", "updated_at", "expires_at"])
        until = timezone.localtime(locked.expires_at)
        message_enqueue(
            kind="draft_resume_link",
            to=email,
            subject="Continue your referral to children's services",
            body="\n".join(
                [
                    "You saved a referral about a child so you can finish it later.",
                    "",
                    "Continue your referral:",
                    site_url() + reverse("referral-resume", args=[token]),
                    "",
                    f"The link works until {until:%d %B %Y}. If you did not ask for this, "
                    "ignore this email.",
                    "If a child is in immediate danger, call 999.",
                ]
            ),
            about=f"draft:{locked.pk}",
            at=at,
        )
    return locked


def draft_by_resume_token(token: str, *, at: datetime | None = None) -> ReferralDraft | None:
    if not token or len(token) > 100:
        return None
    at = at or timezone.now()
    return ReferralDraft.objects.filter(
        resume_token_hash=secret_digest(token), expires_at__gt=at, submission__isnull=True
    ).first()


def draft_document_add(
    *, draft: ReferralDraft, filename: str, content: bytes, at: datetime | None = None
) -> Document:
    at = at or timezone.now()
    checked = document_check(filename=filename, content=content)
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.submission_id is not None:
            raise ValidationError("This referral has already been sent")
        if locked.documents.count() >= MAX_DOCUMENTS:
            raise ValidationError({"documents": f"You can upload up to {MAX_DOCUMENTS} files"})
        return Document.objects.create(
            draft=locked,
            filename=checked.filename,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            content=checked.content,
            uploaded_at=at,
        )


def draft_document_remove(*, draft: ReferralDraft, document_id: int) -> None:
    with transaction.atomic():
        Document.objects.filter(draft=draft, submission__isnull=True, pk=document_id).delete()


def draft_submit(
    *, draft: ReferralDraft, referral: ReferralIn, at: datetime | None = None
) -> Received:
    """Send a draft: once only, however many times it is submitted (the draft is the key)."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = ReferralDraft.objects.select_for_update().get(pk=draft.pk)
        if locked.submission is not None:
            return Received(submission=locked.submission, created=False)
        uploads = list(locked.documents.filter(submission__isnull=True))
        checked = [
            CheckedDocument(
                filename=d.filename,
                content_type=d.content_type,
                content=bytes(d.content),
                sha256=d.sha256,
            )
            for d in uploads
        ]
        received = submission_receive(
            referral=referral,
            channel=SubmissionChannel.ONLINE_FORM,
            idempotency_scope="online_form",
            idempotency_key=str(locked.public_id),
            extra_documents=checked,
            at=at,
        )
        Document.objects.filter(pk__in=[d.pk for d in uploads]).delete()
        locked.submission = received.submission
        locked.data = {}
        locked.resume_token_hash = ""
        locked.save(update_fields=["submission", "data", "resume_token_hash"])
    return received


def drafts_purge_expired(*, at: datetime | None = None) -> int:
    """Delete drafts nobody finished before they expired (with their uploads)."""
    at = at or timezone.now()
    deleted, _ = ReferralDraft.objects.filter(expires_at__lte=at, submission__isnull=True).delete()
    return deleted
