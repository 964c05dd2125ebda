"""What the children's and the adults' pages share: a list of answers kept in the draft under
one key ("children", "adults"), a page that adds or changes one, and a page that removes one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from frontdoor.intake import forms
from frontdoor.intake.views.flow import _draft, _listed, _question

Answers = Callable[[forms.QuestionForm, dict[str, Any]], dict[str, Any]]


def full_name(item: dict[str, Any]) -> str:
    """First and last name, as far as given ("" if neither)."""
    return " ".join(str(p) for p in (item.get("first_name"), item.get("last_name")) if p)


def item_answers(key: str, index: int, *, merge: bool) -> Answers:
    """Save a page's answers as item ``index`` of the list (added at the end if new), merged
    into what the item already holds or replacing it."""

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _listed(data, key)
        given = form.answers()
        if index < len(saved):
            saved[index] = {**saved[index], **given} if merge else given
        else:
            saved.append(given)
        return {key: saved}

    return answers


def remove_page(
    request: HttpRequest,
    index: int,
    *,
    key: str,
    name: Callable[[dict[str, Any], int], str],
    form_class: type[forms.QuestionForm],
    missing: str,
    back: str,
    next_url: Callable[[list[dict[str, Any]]], str],
) -> HttpResponse:
    """ "Are you sure you want to remove …?": on yes, drop item ``index`` and go to
    ``next_url(what is left)``. A missing item goes to ``missing``."""
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    items = _listed(draft.data, key)
    if index >= len(items):
        return redirect(missing)
    shown = name(items[index], index)

    def answers(form: forms.QuestionForm, data: dict[str, Any]) -> dict[str, Any]:
        saved = _listed(data, key)
        if form.cleaned_data["remove"] == "yes" and index < len(saved):
            saved.pop(index)
        return {key: saved}

    return _question(
        request,
        draft,
        form_class=form_class,
        template="referral/child_remove.html",
        answers=answers,
        next_url=lambda data: next_url(_listed(data, key)),
        back=back,
        initial=lambda _data: {},
        context=lambda _data: {"name": shown},
    )


def list_page(
    request: HttpRequest,
    *,
    key: str,
    limit: int,
    empty: str,
    add_form: type[forms.QuestionForm],
    template: str,
    answers: Callable[[forms.QuestionForm, bool], dict[str, Any]],
    next_url: Callable[[dict[str, Any], list[dict[str, Any]], bool], str],
    back: Callable[[list[dict[str, Any]]], str],
    context: Callable[[list[dict[str, Any]]], dict[str, Any]],
) -> HttpResponse:
    """The list so far, asking whether to add another (not asked once ``limit`` are listed):
    an empty list goes to ``empty``. ``answers(form, full)`` and ``next_url(data, items,
    full)`` say what a post saves and where it goes."""
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    items = _listed(draft.data, key)
    if not items:
        return redirect(empty)
    full = len(items) >= limit
    return _question(
        request,
        draft,
        form_class=forms.QuestionForm if full else add_form,
        template=template,
        answers=lambda form, _data: answers(form, full),
        next_url=lambda data: next_url(data, items, full),
        back=back(items),
        initial=lambda _data: {},
        context=lambda _data: {**context(items), "full": full},
    )


def item_page(
    request: HttpRequest,
    index: int,
    *,
    key: str,
    limit: int,
    missing: str,
    form_class: type[forms.QuestionForm],
    template: str,
    merge: bool,
    next_url: Callable[[dict[str, Any]], str],
    back: Callable[[list[dict[str, Any]], dict[str, Any]], str],
    context: Callable[[dict[str, Any], dict[str, Any]], dict[str, Any]],
) -> HttpResponse:
    """The page that adds item ``index`` (one past the end, while under ``limit``) or changes
    it; any other index goes to ``missing``. The callbacks get the item as it is (``{}`` when
    adding): ``next_url(item)``, ``back(items, item)`` and ``context(item, draft data)``."""
    draft = _draft(request)
    if draft is None:
        return redirect("referral-start")
    items = _listed(draft.data, key)
    if index > len(items) or index >= limit:
        return redirect(missing)
    existing = items[index] if index < len(items) else {}
    return _question(
        request,
        draft,
        form_class=form_class,
        template=template,
        answers=item_answers(key, index, merge=merge),
        next_url=lambda _data: next_url(existing),
        back=back(items, existing),
        initial=lambda _data: form_class.initial_from(existing),
        context=lambda data: context(existing, data),
    )
