"""Demo data for referrals from outside: online form and partner API submissions, their
acknowledgement emails, evidence, drafts in progress, API tokens and reconciliation alerts.

Submissions go through ``submission_receive`` like real ones. The emails history writes
(acknowledgements, partner request notices, feedback) are then delivered through the real
``message_deliver`` with a quiet demo channel, so the worker does not send thousands of old
emails when the demo starts; a few bounce, so reconciliation has failures to show.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from random import Random
from typing import TYPE_CHECKING, Any

from django.conf import settings

from frontdoor.accounts.models import Agency, ApiScope, ApiToken, Role, User
from frontdoor.accounts.services import api_token_issue
from frontdoor.demo import names
from frontdoor.intake.documents import CheckedDocument, document_check
from frontdoor.intake.models import ConsentStatus, ReferralSource
from frontdoor.intake.payload import (
    ORGANISATION_SOURCE,
    AdultIn,
    AdultRelationship,
    ChildIn,
    ReferralIn,
    ReferrerIn,
)
from frontdoor.intake.submissions import (
    Received,
    draft_save_for_later,
    draft_start,
    draft_update,
    submission_convert,
    submission_receive,
)
from frontdoor.outbox.channels import PermanentChannelError
from frontdoor.outbox.models import Message
from frontdoor.outbox.services import message_deliver

if TYPE_CHECKING:
    from frontdoor.demo.progress import Phase

#: The file the demo's partner API tokens are written to (plain tokens are never stored).
TOKENS_FILE = "demo-api-tokens.txt"
DEMO_TOKEN_AGENCIES = {
    "police": "Demo Constabulary case management system",
    "health": "Demo Hospitals safeguarding referral system",
}
_SOURCE_ORGANISATION = {code: org for org, code in ORGANISATION_SOURCE.items()}
_PUBLIC_RELATIONSHIP = {"1A": "family", "1B": "acquaintance", "1C": "self", "1D": "other"}
PROFESSIONAL_CATEGORIES = {"police", "school", "health", "la", "housing", "legal", "other"}


class QuietChannel:
    """Delivers demo history silently; one address in ``bounce_every`` bounces."""

    def __init__(self, rng: Random, bounce_every: int = 120) -> None:
        self.rng = rng
        self.bounce_every = bounce_every

    def send(self, message: Message) -> str:
        bounces = message.kind in ("referral_acknowledgement", "referrer_feedback")
        if bounces and self.rng.randrange(self.bounce_every) == 0:
            raise PermanentChannelError("The email address does not exist (demo bounce)")
        return f"demo-{message.reference}"

    def find(self, reference: str) -> str | None:
        return None


def demo_pdf(title: str) -> bytes:
    """A small, valid one-page PDF saying ``title`` (built here; nothing is copied)."""
    text = title.replace("\\", "").replace("(", "").replace(")", "")[:80]
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    return bytes(out)


def referral_adults(rng: Random, surname: str) -> list[AdultIn]:
    """The adults a referrer names: the mother, often a father or a partner (sometimes said
    to have harmed the children), now and then a grandmother who cares for them."""
    # One stream per family name, so that a family referred again names the same people.
    family = Random(f"adults:{surname}:{rng.randint(0, 3)}")
    mother = AdultIn(
        first_name=family.choice(names.MOTHERS),
        last_name=surname,
        relationship=AdultRelationship.PARENT,
        parental_responsibility=True,
        lives_with_child=True,
    )
    adults = [mother]
    other = rng.random()
    if other < 0.35:
        adults.append(
            AdultIn(
                first_name=family.choice(names.FATHERS),
                last_name=surname,
                relationship=AdultRelationship.PARENT,
                parental_responsibility=True,
                lives_with_child=rng.random() < 0.5,
            )
        )
    elif other < 0.6:
        adults.append(
            AdultIn(
                first_name=family.choice(names.FATHERS),
                last_name=family.choice(names.SURNAMES),
                relationship=AdultRelationship.PARTNER_OF_PARENT,
                lives_with_child=True,
                alleged_perpetrator=rng.random() < 0.3,
            )
        )
    elif other < 0.7:
        adults.append(
            AdultIn(
                first_name=family.choice(names.GRANDMOTHERS),
                last_name=surname,
                relationship=AdultRelationship.GRANDPARENT,
                lives_with_child=False,
            )
        )
    return adults


def referral_for(
    *,
    cat: str,
    source: str,
    referrer: dict[str, str],
    consent: dict[str, str],
    concern: str,
    immediate: bool,
    children: list[dict[str, Any]],
    reference: str = "",
    surname: str = "",
    rng: Random | None = None,
) -> ReferralIn:
    """The referral a generated contact would have been, sent from outside."""
    if cat in PROFESSIONAL_CATEGORIES:
        who = ReferrerIn(
            kind="professional",
            name=referrer.get("referrer_name", ""),
            role=referrer.get("referrer_role", ""),
            organisation=referrer.get("referrer_agency", "") or "Not given",
            organisation_type=_SOURCE_ORGANISATION.get(source, "other"),  # type: ignore[arg-type]
            email=referrer.get("referrer_email", ""),
            phone=referrer.get("referrer_phone", ""),
        )
    else:
        who = ReferrerIn(
            kind="public",
            name=referrer.get("referrer_name", ""),
            relationship=_PUBLIC_RELATIONSHIP.get(source, "other"),  # type: ignore[arg-type]
            phone=referrer.get("referrer_phone", ""),
            anonymous_to_family=source == ReferralSource.S9,
        )
    status = consent["consent_status"]
    reason = consent.get("consent_reason") or consent.get("sharing_override_reason", "")
    rng = rng or Random(0)
    family: dict[str, Any] = {}
    if surname:
        parent = rng.choice(("Mother", "Father", "Mother and father", "Grandmother (SGO)"))
        family = {
            "parental_responsibility": f"{parent}, surname {surname}",
            "household": rng.choice(
                (
                    "Mother, her partner and the children",
                    "Both parents and the children",
                    "Mother and the children; father visits at weekends",
                    "Grandmother and the children",
                )
            ),
            "parents_aware": "yes" if status == ConsentStatus.GIVEN else "not_known",
            "adults": referral_adults(rng, surname),
            "when_and_where": rng.choice(
                ("Today", "Yesterday evening", "Over the last few weeks", "This morning")
            ),
        }
    return ReferralIn(
        **family,
        referrer=who,
        children=[ChildIn(**child) for child in children],
        concern=concern,
        immediate_risk=immediate,
        consent_status=status,  # type: ignore[arg-type]
        consent_reason=reason if status != ConsentStatus.GIVEN else "",
        lawful_basis=consent["lawful_basis"],  # type: ignore[arg-type]
        external_reference=reference,
    )


def demo_tokens_ensure(*, at: datetime) -> dict[str, str]:
    """Issue the demo partner systems' API tokens, once; returns {agency code: plain token}."""
    admin = User.objects.filter(role=Role.ADMINISTRATOR).order_by("id").first()
    plain: dict[str, str] = {}
    for code, name in DEMO_TOKEN_AGENCIES.items():
        agency = Agency.objects.filter(code=code).first()
        if agency is None or ApiToken.objects.filter(agency=agency, name=name).exists():
            continue
        _token, plain[code] = api_token_issue(
            agency=agency,
            name=name,
            scopes=[ApiScope.REFERRALS_WRITE, ApiScope.REFERRALS_READ],
            by=admin,
            at=at,
        )
    return plain


def demo_tokens_write(plain: dict[str, str]) -> None:
    """Keep the demo's plain tokens beside its database, for ``frontdoor demo`` to print."""
    path = Path(settings.VAR_DIR) / TOKENS_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "".join(f"{code}\t{token}\n" for code, token in plain.items()), encoding="utf-8"
    )


def demo_tokens_text() -> str:
    path = Path(settings.VAR_DIR) / TOKENS_FILE
    return path.read_text(encoding="utf-8") if path.exists() else ""


class DemoIntake:
    """Sends generated referrals through the real intake and delivers their emails quietly."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.channel = QuietChannel(rng)
        self.tokens = {t.agency.code: t for t in ApiToken.objects.select_related("agency")}

    def receive(
        self, *, referral: ReferralIn, channel: str, agency_code: str, at: datetime
    ) -> Received:
        token = self.tokens.get(agency_code) if channel == "partner_api" else None
        extra: list[CheckedDocument] = []
        if channel == "online_form" and self.rng.random() < 0.12:
            extra.append(
                document_check(
                    filename=self.rng.choice(
                        ("chronology.pdf", "school-notes.pdf", "body-map.pdf", "referral.pdf")
                    ),
                    content=demo_pdf("Front Door demo evidence: a synthetic document"),
                )
            )
        received = submission_receive(
            referral=referral,
            channel=channel,
            idempotency_scope=f"agency:{agency_code}" if token else "online_form",
            idempotency_key=str(uuid.UUID(int=self.rng.getrandbits(128))),
            agency=token.agency if token else None,
            token=token,
            extra_documents=extra,
            at=at,
        )
        # The worker would make it a contact a second or two later.
        submission = submission_convert(submission=received.submission, at=at)
        return Received(submission=submission, created=received.created)

    def deliver_history(self, phase: Phase | None = None) -> int:
        """Deliver every email the history wrote (acknowledgements, partner requests,
        feedback) quietly, a little after it was written; returns how many."""
        pending = list(Message.objects.filter(status="pending").values_list("pk", "created_at"))
        if phase is not None:
            phase.total, phase.every = len(pending), max(1, len(pending) // 10)
        # The demo's bounces are on purpose: one warning line each would flood the output.
        outbox_log = logging.getLogger("frontdoor.outbox")
        level = outbox_log.level
        outbox_log.setLevel(logging.ERROR)
        try:
            for done, (message_id, created_at) in enumerate(pending, start=1):
                message_deliver(
                    message_id=message_id,
                    now=created_at + timedelta(seconds=self.rng.randint(5, 90)),
                    channel=self.channel,
                )
                if phase is not None:
                    phase.step(done)
        finally:
            outbox_log.setLevel(level)
        return len(pending)


def demo_drafts_ensure(*, now: datetime) -> int:
    """A few online referrals still being written, one saved to finish later."""
    answers: list[dict[str, Any]] = [
        {
            "referrer": {
                "kind": "professional",
                "name": "Chloe Barnes",
                "email": "c.barnes@hillprimary.example.org",
            },
        },
        {
            "referrer": {"kind": "public", "relationship": "family"},
            "immediate_risk": False,
        },
    ]
    made = 0
    for index, data in enumerate(answers):
        draft = draft_start(at=now - timedelta(hours=3 + index))
        draft_update(draft=draft, answers=data, at=now - timedelta(hours=2 + index))
        made += 1
        if index == 0:
            draft_save_for_later(
                draft=draft, email="c.barnes@hillprimary.example.org", at=now - timedelta(hours=2)
            )
    return made
