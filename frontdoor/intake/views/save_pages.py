"""The referral form's save and return: save for later, the emailed link, resuming."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_GET

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.intake import forms
from frontdoor.intake.submissions import draft_by_resume_token, draft_days, draft_save_for_later
from frontdoor.intake.views.flow import (
    SESSION_DRAFT,
    SESSION_SENT,
    AlreadySent,
    _draft,
    _referrer,
    _render,
    first_unanswered,
    journey,
)


@journey
def save(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    email = draft.resume_email or _referrer(draft.data).get("email", "")
    form = forms.SaveForLaterForm(
        request.POST if request.method == "POST" else None, initial={"email": email}
    )
    if request.method == "POST" and form.is_valid():
        try:
            draft_save_for_later(draft=draft, email=form.cleaned_data["email"])
        except ValidationError as error:
            draft.refresh_from_db()
            if draft.submission_id is not None:
                raise AlreadySent(draft) from None
            form.add_error("email", error.messages[0])
        else:
            request.session["referral_saved_to"] = form.cleaned_data["email"]
            return redirect("referral-saved")
    return _render(
        request,
        "referral/save.html",
        {"form": form, "back": first_unanswered(draft.data), "draft_days": draft_days()},
    )


@journey
def saved(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    return _render(
        request,
        "referral/saved.html",
        {
            "email": request.session.get("referral_saved_to", draft.resume_email),
            "expires_at": draft.expires_at,
            "continue_url": first_unanswered(draft.data),
        },
    )


@requires(PUBLIC)
@require_GET
def resume(request: HttpRequest, token: str) -> HttpResponse:
    draft = draft_by_resume_token(token)
    if draft is None:
        return _render(
            request, "referral/link_expired.html", {"draft_days": draft_days()}, status=404
        )
    request.session.cycle_key()
    request.session[SESSION_DRAFT] = str(draft.public_id)
    request.session.pop(SESSION_SENT, None)
    return redirect(first_unanswered(draft.data))
