"""The referral form's last questions: whether the parents know, the concern, consent, the
lawful basis and evidence."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdoor.intake import forms, selectors
from frontdoor.intake.models import ReferralDraft
from frontdoor.intake.payload import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS
from frontdoor.intake.submissions import draft_document_add, draft_document_remove
from frontdoor.intake.views.flow import (
    _after,
    _back,
    _draft,
    _professional,
    _question,
    _render,
    _returning,
    _save,
    _step,
    _url,
    journey,
)


@journey
def parents(request: HttpRequest) -> HttpResponse:
    return _step(
        request,
        forms.ParentsAwareForm,
        "referral/parents.html",
        goes_to="referral-concern",
        comes_from="referral-family",
        context=lambda _data: {"choices": forms.PARENTS_AWARE_CHOICES},
    )


@journey
def concern(request: HttpRequest) -> HttpResponse:
    return _step(
        request,
        forms.ConcernForm,
        "referral/concern.html",
        goes_to="referral-consent",
        comes_from="referral-parents",
    )


@journey
def consent(request: HttpRequest) -> HttpResponse:
    def next_url(data: dict[str, Any]) -> str:
        basis = data.get("lawful_basis")
        if _professional(data) and (
            not _returning(request)
            or basis is None
            or (basis == "consent" and data.get("consent_status") != "given")
        ):
            return _url("referral-lawful-basis", returning=_returning(request))
        return _after(request, _url("referral-evidence"))

    return _question(
        request,
        _draft(request),
        form_class=forms.ConsentForm,
        template="referral/consent.html",
        next_url=next_url,
        back=_back(request, _url("referral-concern")),
        context=lambda _data: {"choices": forms.CONSENT_CHOICES},
    )


@journey
def lawful_basis(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is not None and not _professional(draft.data):
        return redirect(_after(request, _url("referral-evidence")))
    return _question(
        request,
        draft,
        form_class=forms.LawfulBasisForm,
        template="referral/lawful_basis.html",
        next_url=lambda _data: _after(request, _url("referral-evidence")),
        back=_back(request, _url("referral-consent")),
        initial=lambda data: {"lawful_basis": data.get("lawful_basis", "public_task")},
        form_kwargs=lambda data: {"consent_status": str(data.get("consent_status", ""))},
        context=lambda _data: {
            "choices": forms.LAWFUL_BASIS_CHOICES,
            "hints": forms.LAWFUL_BASIS_HINTS,
        },
    )


def _upload(form: forms.EvidenceForm, draft: ReferralDraft, upload: Any) -> bool:
    """Keep one uploaded file with the draft; False (with the reason on the form) if refused."""
    content = upload.read(MAX_DOCUMENT_BYTES + 1)
    try:
        draft_document_add(draft=draft, filename=str(upload.name or ""), content=content)
    except ValidationError as error:
        for message in error.messages[:1]:
            form.add_error("documents", message)
        return False
    return True


@journey
def evidence(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    here = _url("referral-evidence", returning=_returning(request))
    previous = (
        _url("referral-lawful-basis") if _professional(draft.data) else _url("referral-consent")
    )
    posted = request.method == "POST"
    form = forms.EvidenceForm(request.POST if posted else None, request.FILES if posted else None)
    if posted:
        action = request.POST.get("action", "continue")
        if action == "remove":
            remove = forms.RemoveDocumentForm(request.POST)
            if remove.is_valid():
                draft_document_remove(draft=draft, document_id=remove.cleaned_data["document"])
            return redirect(here)
        if form.is_valid():
            upload = form.cleaned_data.get("documents")
            if upload:
                if _upload(form, draft, upload) and action == "upload":
                    return redirect(here)
            elif action == "upload":
                form.add_error("documents", "Select a file to upload")
        if form.is_valid():
            _save(request, draft, {"evidence_seen": True})
            return redirect("referral-save" if action == "save" else "referral-check")
    return _render(
        request,
        "referral/evidence.html",
        {
            "form": form,
            "back": _back(request, previous),
            "can_save": True,
            "documents": selectors.draft_documents(draft),
            "max_documents": MAX_DOCUMENTS,
            "max_megabytes": MAX_DOCUMENT_BYTES // (1024 * 1024),
        },
    )
