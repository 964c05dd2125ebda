"""The public online referral form, and a professional referrer's outcome page.

GOV.UK question pages: one question (or a few close ones) a page, answers saved to the
draft (``frontdoor.intake.submissions``) after every page, check your answers, then one
submission however many times "Accept and send" is pressed. Every page works without
JavaScript. The session holds only the draft's public id, and, once it is sent, the
submission's id for the confirmation page.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from pydantic import ValidationError as SchemaError

from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.intake import forms, selectors
from frontdoor.intake.models import ReferralDraft
from frontdoor.intake.payload import (
    MAX_ADULTS,
    MAX_CHILDREN,
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENTS,
    ORGANISATION_LABELS,
    RELATIONSHIP_LABELS,
    ReferralIn,
    referral_problems,
)
from frontdoor.intake.submissions import (
    IdempotencyConflict,
    draft_by_resume_token,
    draft_days,
    draft_document_add,
    draft_document_remove,
    draft_live,
    draft_save_for_later,
    draft_start,
    draft_submit,
    draft_update,
    feedback_link_days,
    submission_by_feedback_token,
)
from frontdoor.people.models import Sex

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


def _children(data: dict[str, Any]) -> list[dict[str, Any]]:
    children = data.get("children")
    return [c for c in children if isinstance(c, dict)] if isinstance(children, list) else []


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
    answers: Callable[[forms.QuestionForm, dict[str, Any]], dict[str, Any]],
    next_url: Callable[[dict[str, Any]], str],
    back: str,
    initial: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    form_kwargs: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    context: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    needs_draft: bool = True,
) -> HttpResponse:
    """One question page: show, check, save to the draft, go on (or save for later)."""
    if draft is None and needs_draft:
        return redirect("referral-start")
    data: dict[str, Any] = dict(draft.data) if draft else {}
    kwargs = form_kwargs(data) if form_kwargs else {}
    start = initial(data) if initial else form_class.initial_from(data)
    form = form_class(request.POST if request.method == "POST" else None, initial=start, **kwargs)
    if request.method == "POST":
        saving = request.POST.get("action") == "save"
        if form.is_valid():
            draft = _save(request, draft, answers(form, data))
            if saving:
                return redirect("referral-save")
            return redirect(next_url(dict(draft.data)))
        if saving and draft is not None and not form.has_changed():
            return redirect("referral-save")  # nothing new on this page to keep
    extra = context(data) if context else {}
    return _render(
        request, template, {"form": form, "back": back, "can_save": draft is not None, **extra}
    )


# --------------------------------------------------------------------------- pages


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


def _back(request: HttpRequest, previous: str) -> str:
    return _url("referral-check") if _returning(request) else previous


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
        answers=lambda form, _data: form.answers(),
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


def _child_name(child: dict[str, Any], index: int) -> str:
    name = " ".join(str(p) for p in (child.get("first_name"), child.get("last_name")) if p)
    if name:
        return name
    return "Unborn baby" if child.get("born") == "no" else f"Child {index + 1}"


def _born(child: dict[str, Any]) -> tuple[str, str]:
    """("Born 4 March 2016", "4 March 2016"), ("Due …", "…") or not known."""
    for key, words in (("date_of_birth", "Born"), ("expected_date_of_birth", "Due")):
        when = forms.date_or_none(child.get(key))
        if when is not None:
            return f"{words} {when:%-d %B %Y}", f"{when:%-d %B %Y}"
    return "Date of birth not known", "Not known"


def _child_rows(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, c in enumerate(listed):
        born, when = _born(c)
        rows.append({"index": i, "name": _child_name(c, i), "born": born, "when": when, "data": c})
    return rows


def _new_child(child: dict[str, Any]) -> bool:
    """A child whose address page has not been answered yet (so is still being added)."""
    return "postcode" not in child


@journey
def child(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _children(draft.data)
    if index > len(listed) or index >= MAX_CHILDREN:
        return redirect("referral-children")
    existing = listed[index] if index < len(listed) else {}
    editing = _returning(request) and bool(existing) and not _new_child(existing)

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _children(data)
        if index < len(saved):
            saved[index] = {**saved[index], **form.answers()}
        else:
            saved.append(form.answers())
        return {"children": saved}

    def next_url(_data: dict[str, Any]) -> str:
        if editing:
            return _url("referral-check")
        return _url("referral-child-address", index, returning=_returning(request))

    if not listed:
        back = _url("referral-risk")
    elif editing:
        back = _url("referral-check")
    else:
        back = _url("referral-children", returning=_returning(request))
    return _question(
        request,
        draft,
        form_class=forms.ChildForm,
        template="referral/child.html",
        answers=answers,
        next_url=next_url,
        back=back,
        initial=lambda _data: forms.ChildForm.initial_from(existing),
        context=lambda _data: {
            "index": index,
            "adding": not existing,
            "first": index == 0,
            "sexes": Sex.choices,
        },
    )


@journey
def child_address(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _children(draft.data)
    if index >= len(listed):
        return redirect("referral-children")
    editing = _returning(request) and not _new_child(listed[index])

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _children(data)
        saved[index] = {**saved[index], **form.answers()}
        return {"children": saved}

    def next_url(_data: dict[str, Any]) -> str:
        if editing:
            return _url("referral-check")
        return _url("referral-children", returning=_returning(request))

    return _question(
        request,
        draft,
        form_class=forms.ChildAddressForm,
        template="referral/child_address.html",
        answers=answers,
        next_url=next_url,
        back=_url("referral-check")
        if editing
        else _url("referral-child", index, returning=_returning(request)),
        initial=lambda _data: forms.ChildAddressForm.initial_from(listed[index]),
        context=lambda _data: {"name": _child_name(listed[index], index)},
    )


@journey
def children(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _children(draft.data)
    if not listed:
        return redirect(_url("referral-child", 0))
    full = len(listed) >= MAX_CHILDREN

    def answers(form: forms.QuestionForm, _data: dict[str, Any]) -> dict[str, Any]:
        return {"children_done": full or form.cleaned_data.get("add_another") != "yes"}

    def next_url(data: dict[str, Any]) -> str:
        if not data.get("children_done"):
            return _url("referral-child", len(listed), returning=_returning(request))
        return _after(request, _url("referral-family"))

    return _question(
        request,
        draft,
        form_class=forms.QuestionForm if full else forms.AddAnotherForm,
        template="referral/children.html",
        answers=answers,
        next_url=next_url,
        back=_back(request, _url("referral-child-address", len(listed) - 1)),
        initial=lambda _data: {},
        context=lambda _data: {
            "children": [
                (row["index"], row["name"], row["born"], row["data"]) for row in _child_rows(listed)
            ],
            "full": full,
            "max_children": MAX_CHILDREN,
        },
    )


@journey
def child_remove(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _children(draft.data)
    if index >= len(listed):
        return redirect(_url("referral-children", returning=_returning(request)))
    name = _child_name(listed[index], index)

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _children(data)
        if form.cleaned_data["remove"] == "yes" and index < len(saved):
            saved.pop(index)
        return {"children": saved}

    def next_url(data: dict[str, Any]) -> str:
        if not _children(data):
            return _url("referral-child", 0)
        return _url("referral-children", returning=_returning(request))

    return _question(
        request,
        draft,
        form_class=forms.RemoveChildForm,
        template="referral/child_remove.html",
        answers=answers,
        next_url=next_url,
        back=_url("referral-children", returning=_returning(request)),
        initial=lambda _data: {},
        context=lambda _data: {"name": name},
    )


def _adults(data: dict[str, Any]) -> list[dict[str, Any]]:
    adults = data.get("adults")
    return [a for a in adults if isinstance(a, dict)] if isinstance(adults, list) else []


def _adult_name(adult: dict[str, Any], index: int) -> str:
    name = " ".join(str(p) for p in (adult.get("first_name"), adult.get("last_name")) if p)
    return name or f"Adult {index + 1}"


def _adult_rows(listed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for i, adult in enumerate(listed):
        facts = [forms.ADULT_RELATIONSHIP_LABELS.get(str(adult.get("relationship")), "")]
        if adult.get("parental_responsibility"):
            facts.append("has parental responsibility")
        if adult.get("lives_with_child"):
            facts.append("lives with the child")
        if adult.get("alleged_perpetrator"):
            facts.append("may have harmed the child")
        rows.append({"index": i, "name": _adult_name(adult, i), "facts": ", ".join(facts)})
    return rows


@journey
def family(request: HttpRequest) -> HttpResponse:
    """Who has parental responsibility and who lives with the child (free text), with the
    people themselves added one at a time ("Add a parent, carer or other adult")."""
    draft = _draft(request)

    def next_url(data: dict[str, Any]) -> str:
        if request.POST.get("action") == "add_adult":
            return _url("referral-adult", len(_adults(data)), returning=_returning(request))
        return _after(request, _url("referral-parents"))

    return _question(
        request,
        draft,
        form_class=forms.FamilyForm,
        template="referral/family.html",
        answers=lambda form, _data: form.answers(),
        next_url=next_url,
        back=_back(request, _url("referral-children")),
        context=lambda data: {
            "adults": _adult_rows(_adults(data)),
            "full": len(_adults(data)) >= MAX_ADULTS,
        },
    )


@journey
def adult(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _adults(draft.data)
    if index > len(listed) or index >= MAX_ADULTS:
        return redirect(_url("referral-family", returning=_returning(request)))
    existing = listed[index] if index < len(listed) else {}

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _adults(data)
        if index < len(saved):
            saved[index] = form.answers()
        else:
            saved.append(form.answers())
        return {"adults": saved}

    return _question(
        request,
        draft,
        form_class=forms.AdultForm,
        template="referral/adult.html",
        answers=answers,
        next_url=lambda _data: _url("referral-adults", returning=_returning(request)),
        back=_url(
            "referral-adults" if listed else "referral-family", returning=_returning(request)
        ),
        initial=lambda _data: forms.AdultForm.initial_from(existing),
        context=lambda _data: {
            "adding": not existing,
            "relationships": list(forms.ADULT_RELATIONSHIP_LABELS.items()),
            "several": len(_children(draft.data)) > 1,
        },
    )


@journey
def adults(request: HttpRequest) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _adults(draft.data)
    if not listed:
        return redirect(_url("referral-family", returning=_returning(request)))
    full = len(listed) >= MAX_ADULTS

    def next_url(_data: dict[str, Any]) -> str:
        if not full and request.POST.get("add_another") == "yes":
            return _url("referral-adult", len(listed), returning=_returning(request))
        return _after(request, _url("referral-parents"))

    return _question(
        request,
        draft,
        form_class=forms.QuestionForm if full else forms.AddAnotherAdultForm,
        template="referral/adults.html",
        answers=lambda _form, _data: {},
        next_url=next_url,
        back=_url("referral-family", returning=_returning(request)),
        initial=lambda _data: {},
        context=lambda _data: {
            "adults": _adult_rows(listed),
            "full": full,
            "max_adults": MAX_ADULTS,
        },
    )


@journey
def adult_remove(request: HttpRequest, index: int) -> HttpResponse:
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    listed = _adults(draft.data)
    if index >= len(listed):
        return redirect(_url("referral-family", returning=_returning(request)))
    name = _adult_name(listed[index], index)

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _adults(data)
        if form.cleaned_data["remove"] == "yes" and index < len(saved):
            saved.pop(index)
        return {"adults": saved}

    def next_url(data: dict[str, Any]) -> str:
        if _returning(request):
            return _url("referral-check")
        return _url("referral-adults" if _adults(data) else "referral-family")

    return _question(
        request,
        draft,
        form_class=forms.RemoveAdultForm,
        template="referral/child_remove.html",
        answers=answers,
        next_url=next_url,
        back=_url("referral-adults", returning=_returning(request)),
        initial=lambda _data: {},
        context=lambda _data: {"name": name},
    )


@journey
def parents(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        _draft(request),
        form_class=forms.ParentsAwareForm,
        template="referral/parents.html",
        answers=lambda form, _data: form.answers(),
        next_url=lambda _data: _after(request, _url("referral-concern")),
        back=_back(request, _url("referral-family")),
        context=lambda _data: {"choices": forms.PARENTS_AWARE_CHOICES},
    )


@journey
def concern(request: HttpRequest) -> HttpResponse:
    return _question(
        request,
        _draft(request),
        form_class=forms.ConcernForm,
        template="referral/concern.html",
        answers=lambda form, _data: form.answers(),
        next_url=lambda _data: _after(request, _url("referral-consent")),
        back=_back(request, _url("referral-parents")),
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
        answers=lambda form, _data: form.answers(),
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
        answers=lambda form, _data: form.answers(),
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


# --------------------------------------------------------------------------- check and send


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


# --------------------------------------------------------------------------- save and return


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


# --------------------------------------------------------------------------- outcome


@requires(PUBLIC)
@require_GET
def outcome(request: HttpRequest, token: str) -> HttpResponse:
    submission = submission_by_feedback_token(token)
    if submission is None:
        return _render(request, "referral/outcome_not_found.html", {}, status=404)
    found = selectors.referral_outcome(submission)
    access_log_record(
        user=None,
        children=found.people,
        record=submission,
        action=AccessAction.VIEW,
        at=timezone.now(),
        path=request.path,
    )
    response = _render(request, "referral/outcome.html", {"outcome": found})
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
