"""The referral form's journey: the draft in the session, the order of the pages, where each
page goes next, and the one-question page every page is built on."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.intake import forms
from frontdoor.intake.models import ReferralDraft
from frontdoor.intake.submissions import draft_live, draft_start, draft_update

GET_POST = require_http_methods(["GET", "POST"])
SESSION_DRAFT = "referral_draft"
SESSION_SENT = "referral_sent"
#: ``?return=check``: the page was opened from "Check your answers" and goes back there.
RETURN = "check"


class AlreadySent(Exception):
    """The draft was sent (from another tab or device) while this page was open."""

    def __init__(self, draft: ReferralDraft) -> None:
        super().__init__(str(draft.public_id))
        self.draft = draft


# --------------------------------------------------------------------------- the journey


def _url(name: str, *args: Any, returning: bool = False) -> str:
    url = reverse(name, args=args or None)
    return f"{url}?return={RETURN}" if returning else url


def _returning(request: HttpRequest) -> bool:
    return request.GET.get("return") == RETURN


def _referrer(data: dict[str, Any]) -> dict[str, Any]:
    referrer = data.get("referrer")
    return referrer if isinstance(referrer, dict) else {}


def _listed(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The draft's list under ``key`` (what is not a list of answers counts as empty)."""
    items = data.get(key)
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _children(data: dict[str, Any]) -> list[dict[str, Any]]:
    return _listed(data, "children")


def _professional(data: dict[str, Any]) -> bool:
    return _referrer(data).get("kind") == "professional"


def _referrer_answered(data: dict[str, Any]) -> bool:
    referrer = _referrer(data)
    if referrer.get("kind") == "professional":
        return all(referrer.get(k) for k in ("name", "organisation", "organisation_type", "email"))
    return referrer.get("kind") == "public" and bool(referrer.get("relationship"))


def first_unanswered(data: dict[str, Any]) -> str:
    """The first page still to answer, or "Check your answers" when all are answered."""
    if not _referrer(data).get("kind"):
        return _url("referral-who")
    if not _referrer_answered(data):
        return _url("referral-referrer")
    if "immediate_risk" not in data:
        return _url("referral-risk")
    if not _children(data):
        return _url("referral-child", 0)
    if not data.get("children_done"):
        return _url("referral-children")
    if "parental_responsibility" not in data:
        return _url("referral-family")
    if "parents_aware" not in data:
        return _url("referral-parents")
    if not data.get("concern"):
        return _url("referral-concern")
    if "consent_status" not in data:
        return _url("referral-consent")
    if _professional(data) and "lawful_basis" not in data:
        return _url("referral-lawful-basis")
    if not data.get("evidence_seen"):
        return _url("referral-evidence")
    return _url("referral-check")


def _after(request: HttpRequest, next_url: str) -> str:
    """Where a page goes next: back to "Check your answers" if it came from there."""
    return _url("referral-check") if _returning(request) else next_url


def _children_entry(data: dict[str, Any]) -> str:
    return _url("referral-children") if _children(data) else _url("referral-child", 0)


def _draft(request: HttpRequest) -> ReferralDraft | None:
    """The session's draft, while it lives. Raises AlreadySent if it has been sent."""
    public_id = request.session.get(SESSION_DRAFT)
    if not public_id:
        return None
    draft = draft_live(str(public_id))
    if draft is None:
        request.session.pop(SESSION_DRAFT, None)
        return None
    if draft.submission_id is not None:
        raise AlreadySent(draft)
    return draft


def _save(
    request: HttpRequest, draft: ReferralDraft | None, answers: dict[str, Any]
) -> ReferralDraft:
    """Save one page's answers, starting the draft on the first answer."""
    if draft is None:
        draft = draft_start()
        request.session[SESSION_DRAFT] = str(draft.public_id)
    try:
        return draft_update(draft=draft, answers=answers)
    except ValidationError:
        draft.refresh_from_db()
        if draft.submission_id is not None:
            raise AlreadySent(draft) from None
        raise


def _sent(request: HttpRequest, submission_id: int) -> HttpResponseRedirect:
    """Forget the draft; remember the submission for its confirmation page."""
    request.session.pop(SESSION_DRAFT, None)
    request.session[SESSION_SENT] = submission_id
    return redirect("referral-confirmation")


def journey(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A page of the form: public, GET or POST, and any sent draft goes to its confirmation."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except AlreadySent as sent:
            assert sent.draft.submission_id is not None
            return _sent(request, sent.draft.submission_id)

    return requires(PUBLIC)(GET_POST(wrapped))


def _render(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    context.setdefault("returning", _returning(request))
    context.setdefault("query", f"?return={RETURN}" if _returning(request) else "")
    return render(request, template, context, status=status)


def _question(
    request: HttpRequest,
    draft: ReferralDraft | None,
    *,
    form_class: type[forms.QuestionForm],
    template: str,
    next_url: Callable[[dict[str, Any]], str],
    back: str,
    answers: Callable[[forms.QuestionForm, dict[str, Any]], dict[str, Any]] | None = None,
    initial: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    form_kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    context: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    needs_draft: bool = True,
) -> HttpResponse:
    """One question page: show, check, save to the draft, go on (or save for later).

    ``answers(form, draft data)`` is what the page saves (by default its answers as they are)."""
    if draft is None and needs_draft:
        return redirect("referral-start")
    data: dict[str, Any] = dict(draft.data) if draft else {}
    kwargs = form_kwargs(data) if form_kwargs else {}
    start = initial(data) if initial else form_class.initial_from(data)
    form = form_class(request.POST if request.method == "POST" else None, initial=start, **kwargs)
    if request.method == "POST":
        saving = request.POST.get("action") == "save"
        if form.is_valid():
            saved = answers(form, data) if answers else form.answers()
            draft = _save(request, draft, saved)
            if saving:
                return redirect("referral-save")
            return redirect(next_url(dict(draft.data)))
        if saving and draft is not None and not form.has_changed():
            return redirect("referral-save")  # nothing new on this page to keep
    extra = context(data) if context else {}
    return _render(
        request, template, {"form": form, "back": back, "can_save": draft is not None, **extra}
    )


def _back(request: HttpRequest, previous: str) -> str:
    return _url("referral-check") if _returning(request) else previous


def _step(
    request: HttpRequest,
    form_class: type[forms.QuestionForm],
    template: str,
    *,
    goes_to: str,
    comes_from: str,
    context: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A page on the journey's straight line: its answers saved as they are, then on to the
    page named ``goes_to`` (back from ``comes_from``), or back to "Check your answers"."""
    return _question(
        request,
        _draft(request),
        form_class=form_class,
        template=template,
        next_url=lambda _data: _after(request, _url(goes_to)),
        back=_back(request, _url(comes_from)),
        context=context,
    )
