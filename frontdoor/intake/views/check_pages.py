"""The referral form's "Check your answers" and "Accept and send" (one submission however many
times it is pressed), and the confirmation page."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.views.decorators.http import require_GET
from pydantic import ValidationError as SchemaError

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.intake import forms, selectors
from frontdoor.intake.payload import (
    ORGANISATION_LABELS,
    RELATIONSHIP_LABELS,
    ReferralIn,
    referral_problems,
)
from frontdoor.intake.submissions import (
    IdempotencyConflict,
    draft_live,
    draft_submit,
    feedback_link_days,
)
from frontdoor.intake.views.children_pages import _child_rows
from frontdoor.intake.views.family_pages import _adult_rows, _adults
from frontdoor.intake.views.flow import (
    SESSION_SENT,
    _children,
    _draft,
    _professional,
    _referrer,
    _render,
    _sent,
    _url,
    first_unanswered,
    journey,
)
from frontdoor.people.models import Sex

#: Where each part of a referral is answered (the first part of its dotted path).
PAGE_OF: dict[str, str] = {
    "immediate_risk": "referral-risk",
    "children": "referral-children",
    "concern": "referral-concern",
    "when_and_where": "referral-concern",
    "parental_responsibility": "referral-family",
    "household": "referral-family",
    "parents_aware": "referral-parents",
    "adults": "referral-family",
    "consent_status": "referral-consent",
    "consent_reason": "referral-consent",
    "lawful_basis": "referral-lawful-basis",
    "documents": "referral-evidence",
}
ADDRESS_FIELDS = {"address_line_1", "town", "postcode", "previous_addresses"}
PLAIN_NAMES: dict[str, str] = {
    "kind": "whether you are a professional or a member of the public",
    "name": "the name",
    "role": "your job title",
    "organisation": "your organisation",
    "organisation_type": "the type of organisation",
    "relationship": "how you know the child",
    "email": "the email address",
    "phone": "the telephone number",
    "first_name": "the child's first name",
    "last_name": "the child's last name",
    "date_of_birth": "the date of birth",
    "expected_date_of_birth": "the expected date of birth",
    "sex": "the child's sex",
    "nhs_number": "the NHS number",
    "address_line_1": "the address",
    "town": "the town or city",
    "postcode": "the postcode",
    "previous_addresses": "the previous addresses",
    "current_location": "where the child is now",
    "needs": "the child's needs",
    "children": "the children",
    "concern": "what you are worried about",
    "when_and_where": "when and where it happened",
    "immediate_risk": "whether a child is in immediate danger",
    "parental_responsibility": "who has parental responsibility",
    "household": "who lives with the child",
    "parents_aware": "whether the parents know",
    "consent_status": "whether the family agrees",
    "consent_reason": "why the family has not agreed",
    "lawful_basis": "the lawful basis",
}


def page_for(path: str) -> str:
    """The page (with ``?return=check``) where the answer at a dotted path is changed."""
    parts = path.split(".")
    if parts[0] == "referrer":
        name = "referral-who" if parts[1:2] == ["kind"] else "referral-referrer"
        return _url(name, returning=True)
    if parts[0] == "adults" and len(parts) >= 2 and parts[1].isdigit():
        return _url("referral-adult", int(parts[1]), returning=True)
    if parts[0] == "children" and len(parts) >= 2 and parts[1].isdigit():
        index = int(parts[1])
        name = "referral-child-address" if parts[2:3] and parts[2] in ADDRESS_FIELDS else ""
        return _url(name or "referral-child", index, returning=True)
    return _url(PAGE_OF.get(parts[0], "referral-check"), returning=parts[0] in PAGE_OF)


def _problems(data: dict[str, Any]) -> tuple[ReferralIn | None, list[dict[str, str]]]:
    """The referral the answers make, or the problems with it (each linked to its page)."""
    try:
        referral = ReferralIn.model_validate(forms.referral_document(data))
    except SchemaError as error:
        found: dict[str, str] = {}
        for item in error.errors():
            path = ".".join(str(p) for p in item["loc"])
            field = next((str(p) for p in reversed(item["loc"]) if str(p) in PLAIN_NAMES), "")
            found.setdefault(path, f"Check {PLAIN_NAMES.get(field, 'this answer')}")
        return None, [{"text": text, "href": page_for(path)} for path, text in found.items()]
    problems = referral_problems(referral, on=timezone.localdate())
    return referral, [{"text": text, "href": page_for(path)} for path, text in problems.items()]


def _submit_error_list(error: ValidationError) -> list[dict[str, str]]:
    if hasattr(error, "error_dict"):
        return [
            {"text": messages[0], "href": page_for(path)}
            for path, messages in error.message_dict.items()
        ]
    return [{"text": message, "href": _url("referral-check")} for message in error.messages]


@journey
def check(request: HttpRequest) -> HttpResponse:
    posted = str(request.POST.get("draft", ""))[:100] if request.method == "POST" else ""
    if posted:
        shown = draft_live(posted)
        if shown is not None and shown.submission_id is not None:
            return _sent(request, shown.submission_id)  # sent already: same confirmation
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    data = dict(draft.data)
    if request.method == "POST" and str(draft.public_id) != posted:
        return redirect("referral-check")  # the page posted was not this draft's
    unanswered = first_unanswered(data)
    if unanswered not in (_url("referral-check"), _url("referral-evidence")):
        return redirect(unanswered)
    referral, errors = _problems(data)
    if request.method == "POST" and referral is not None and not errors:
        try:
            received = draft_submit(draft=draft, referral=referral)
        except IdempotencyConflict as conflict:
            return _sent(request, conflict.submission.pk)
        except ValidationError as error:
            errors = _submit_error_list(error)
        else:
            return _sent(request, received.submission.pk)
    return _render(
        request,
        "referral/check.html",
        {
            "draft": draft,
            "data": data,
            "referrer": _referrer(data),
            "professional": _professional(data),
            "children": _child_rows(_children(data)),
            "adults": _adult_rows(_adults(data)),
            "documents": selectors.draft_documents(draft),
            "errors": errors,
            "organisation_labels": ORGANISATION_LABELS,
            "relationship_labels": RELATIONSHIP_LABELS,
            "consent_labels": dict(forms.CONSENT_CHOICES),
            "parents_labels": dict(forms.PARENTS_AWARE_CHOICES),
            "lawful_basis_labels": dict(forms.LAWFUL_BASIS_CHOICES),
            "sex_labels": dict(Sex.choices),
            "back": _url("referral-evidence"),
        },
    )


@requires(PUBLIC)
@require_GET
def confirmation(request: HttpRequest) -> HttpResponse:
    submission = selectors.submission_sent(request.session.get(SESSION_SENT))
    if submission is None:
        return redirect("referral-start")
    payload = submission.payload if isinstance(submission.payload, dict) else {}
    return _render(
        request,
        "referral/confirmation.html",
        {
            "submission": submission,
            "immediate_risk": bool(payload.get("immediate_risk")),
            "professional": (payload.get("referrer") or {}).get("kind") == "professional",
            "feedback_days": feedback_link_days(),
        },
    )
