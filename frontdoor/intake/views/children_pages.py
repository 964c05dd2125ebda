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
from frontdoor.intake.views.listed import (
    full_name,
    item_answers,
    item_page,
    list_page,
    remove_page,
)
from frontdoor.people.models import Sex


def _child_name(child: dict[str, Any], index: int) -> str:
    name = full_name(child)
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
    returning = _returning(request)

    def editing(existing: dict[str, Any]) -> bool:
        return returning and bool(existing) and not _new_child(existing)

    def next_url(existing: dict[str, Any]) -> str:
        if editing(existing):
            return _url("referral-check")
        return _url("referral-child-address", index, returning=returning)

    def back(listed: list[dict[str, Any]], existing: dict[str, Any]) -> str:
        if not listed:
            return _url("referral-risk")
        if editing(existing):
            return _url("referral-check")
        return _url("referral-children", returning=returning)

    return item_page(
        request,
        index,
        key="children",
        limit=MAX_CHILDREN,
        missing=_url("referral-children"),
        form_class=forms.ChildForm,
        template="referral/child.html",
        merge=True,
        next_url=next_url,
        back=back,
        context=lambda existing, _data: {
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

    def next_url(_data: dict[str, Any]) -> str:
        if editing:
            return _url("referral-check")
        return _url("referral-children", returning=_returning(request))

    return _question(
        request,
        draft,
        form_class=forms.ChildAddressForm,
        template="referral/child_address.html",
        answers=item_answers("children", index, merge=True),
        next_url=next_url,
        back=_url("referral-check")
        if editing
        else _url("referral-child", index, returning=_returning(request)),
        initial=lambda _data: forms.ChildAddressForm.initial_from(listed[index]),
        context=lambda _data: {"name": _child_name(listed[index], index)},
    )


@journey
def children(request: HttpRequest) -> HttpResponse:
    returning = _returning(request)

    def next_url(data: dict[str, Any], listed: list[dict[str, Any]], _full: bool) -> str:
        if not data.get("children_done"):
            return _url("referral-child", len(listed), returning=returning)
        return _after(request, _url("referral-family"))

    return list_page(
        request,
        key="children",
        limit=MAX_CHILDREN,
        empty=_url("referral-child", 0),
        add_form=forms.AddAnotherForm,
        template="referral/children.html",
        answers=lambda form, full: {
            "children_done": full or form.cleaned_data.get("add_another") != "yes"
        },
        next_url=next_url,
        back=lambda listed: _back(request, _url("referral-child-address", len(listed) - 1)),
        context=lambda listed: {
            "children": [
                (row["index"], row["name"], row["born"], row["data"]) for row in _child_rows(listed)
            ],
            "max_children": MAX_CHILDREN,
        },
    )


@journey
def child_remove(request: HttpRequest, index: int) -> HttpResponse:
    to_list = _url("referral-children", returning=_returning(request))
    return remove_page(
        request,
        index,
        key="children",
        name=_child_name,
        form_class=forms.RemoveChildForm,
        missing=to_list,
        back=to_list,
        next_url=lambda left: to_list if left else _url("referral-child", 0),
    )
