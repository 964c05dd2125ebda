"""The referral form's first pages: the start page, who is referring, the referrer's details and
immediate risk."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.intake import forms
from frontdoor.intake.payload import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    ORGANISATION_LABELS,
    RELATIONSHIP_LABELS,
)
from frontdoor.intake.submissions import draft_days
from frontdoor.intake.views.flow import (
    SESSION_DRAFT,
    AlreadySent,
    _after,
    _back,
    _children_entry,
    _draft,
    _question,
    _referrer,
    _referrer_answered,
    _render,
    _returning,
    _url,
    first_unanswered,
    journey,
)


@requires(PUBLIC)
@require_GET
def start(request: HttpRequest) -> HttpResponse:
    try:
        draft = _draft(request)
    except AlreadySent:
        request.session.pop(SESSION_DRAFT, None)
        draft = None
    return _render(
        request,
        "referral/start.html",
        {
            "draft": draft,
            "continue_url": first_unanswered(draft.data) if draft else "",
            "max_documents": MAX_DOCUMENTS,
            "max_megabytes": MAX_DOCUMENT_BYTES // (1024 * 1024),
            "draft_days": draft_days(),
        },
    )


@journey
def who(request: HttpRequest) -> HttpResponse:
    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        kind = form.answers()["kind"]
        referrer = _referrer(data)
        return {"referrer": referrer if referrer.get("kind") == kind else {"kind": kind}}

    def next_url(data: dict[str, Any]) -> str:
        if _returning(request) and _referrer_answered(data):
            return _url("referral-check")
        return _url("referral-referrer", returning=_returning(request))

    return _question(
        request,
        _draft(request),
        form_class=forms.WhoForm,
        template="referral/who.html",
        answers=answers,
        next_url=next_url,
        back=_back(request, _url("referral-start")),
        initial=lambda data: {"kind": _referrer(data).get("kind")},
        needs_draft=False,
        context=lambda _data: {"choices": forms.KIND_CHOICES, "hints": forms.KIND_HINTS},
    )


@journey
def referrer(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    kind = _referrer(draft.data).get("kind")
    if kind not in ("professional", "public"):
        return redirect("referral-who")
    form_class: type[forms.QuestionForm] = (
        forms.ProfessionalForm if kind == "professional" else forms.PublicForm
    )
    return _question(
        request,
        draft,
        form_class=form_class,
        template=f"referral/referrer_{kind}.html",
        answers=lambda form, _data: {"referrer": form.answers()},
        next_url=lambda _data: _after(request, _url("referral-risk")),
        back=_url("referral-who", returning=_returning(request)),
        initial=lambda data: form_class.initial_from(_referrer(data)),
        context=lambda _data: {
            "organisation_types": list(ORGANISATION_LABELS.items()),
            "relationships": list(RELATIONSHIP_LABELS.items()),
        },
    )


@journey
def risk(request: HttpRequest) -> HttpResponse:
    def next_url(data: dict[str, Any]) -> str:
        if data.get("immediate_risk"):
            return _url("referral-risk-warning", returning=_returning(request))
        return _after(request, _children_entry(data))

    return _question(
        request,
        _draft(request),
        form_class=forms.RiskForm,
        template="referral/risk.html",
        next_url=next_url,
        back=_back(request, _url("referral-referrer")),
    )


@journey
def risk_warning(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    return _render(
        request,
        "referral/risk_warning.html",
        {
            "next_url": _after(request, _children_entry(draft.data)),
            "back": _url("referral-risk", returning=_returning(request)),
        },
    )
