"""The referral form's children: each child's details and address, the list, removing one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdoor.intake import forms
from frontdoor.intake.payload import MAX_CHILDREN
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
from frontdoor.people.models import Sex


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
