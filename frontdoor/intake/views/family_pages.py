"""The referral form's family: the child's family, each adult, the list, removing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse

from frontdoor.intake import forms
from frontdoor.intake.payload import MAX_ADULTS
from frontdoor.intake.views.flow import (
    _after,
    _back,
    _children,
    _draft,
    _listed,
    _question,
    _returning,
    _url,
    journey,
)
from frontdoor.intake.views.listed import full_name, item_page, list_page, remove_page


def _adults(data: dict[str, Any]) -> list[dict[str, Any]]:
    return _listed(data, "adults")


def _adult_name(adult: dict[str, Any], index: int) -> str:
    return full_name(adult) or f"Adult {index + 1}"


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
        next_url=next_url,
        back=_back(request, _url("referral-children")),
        context=lambda data: {
            "adults": _adult_rows(_adults(data)),
            "full": len(_adults(data)) >= MAX_ADULTS,
        },
    )


@journey
def adult(request: HttpRequest, index: int) -> HttpResponse:
    returning = _returning(request)
    return item_page(
        request,
        index,
        key="adults",
        limit=MAX_ADULTS,
        missing=_url("referral-family", returning=returning),
        form_class=forms.AdultForm,
        template="referral/adult.html",
        merge=False,
        next_url=lambda _existing: _url("referral-adults", returning=returning),
        back=lambda listed, _existing: _url(
            "referral-adults" if listed else "referral-family", returning=returning
        ),
        context=lambda existing, data: {
            "adding": not existing,
            "relationships": list(forms.ADULT_RELATIONSHIP_LABELS.items()),
            "several": len(_children(data)) > 1,
        },
    )


@journey
def adults(request: HttpRequest) -> HttpResponse:
    returning = _returning(request)

    def next_url(_data: dict[str, Any], listed: list[dict[str, Any]], full: bool) -> str:
        if not full and request.POST.get("add_another") == "yes":
            return _url("referral-adult", len(listed), returning=returning)
        return _after(request, _url("referral-parents"))

    return list_page(
        request,
        key="adults",
        limit=MAX_ADULTS,
        empty=_url("referral-family", returning=returning),
        add_form=forms.AddAnotherAdultForm,
        template="referral/adults.html",
        answers=lambda _form, _full: {},
        next_url=next_url,
        back=lambda _listed: _url("referral-family", returning=returning),
        context=lambda listed: {"adults": _adult_rows(listed), "max_adults": MAX_ADULTS},
    )


@journey
def adult_remove(request: HttpRequest, index: int) -> HttpResponse:
    returning = _returning(request)

    def next_url(left: list[dict[str, Any]]) -> str:
        if returning:
            return _url("referral-check")
        return _url("referral-adults" if left else "referral-family")

    return remove_page(
        request,
        index,
        key="adults",
        name=_adult_name,
        form_class=forms.RemoveAdultForm,
        missing=_url("referral-family", returning=returning),
        back=_url("referral-adults", returning=returning),
        next_url=next_url,
    )
