"""The referral form's family: the child's family, each adult, the list, removing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdoor.intake import forms
from frontdoor.intake.payload import MAX_ADULTS
from frontdoor.intake.views.flow import (
    _after,
    _back,
    _children,
    _draft,
    _question,
    _returning,
    _url,
    journey,
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
