"""Pages of a long list, for the GOV.UK pagination component."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, QueryDict

PAGE_SIZE = 25


def page_of(items: Any, request: HttpRequest, size: int | None = None) -> Page[Any]:
    """The page ``?page=`` asks for; anything that is not a page number gives the first page,
    and a number past the end the last (never an error)."""
    return Paginator(items, size or PAGE_SIZE).get_page(request.GET.get("page"))


def query_without_page(request: HttpRequest) -> str:
    query: QueryDict = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _href(query: str, number: int) -> str:
    return f"?{query}&page={number}" if query else f"?page={number}"


def pagination(page: Page[Any], query: str) -> dict[str, Any] | None:
    """The ``govukPagination`` parameters: previous, next, the first and last pages, the
    pages either side of this one, and ellipses between (None for a single page)."""
    paginator = page.paginator
    if paginator.num_pages <= 1:
        return None
    current, last = page.number, paginator.num_pages
    shown = sorted({1, last, current - 1, current, current + 1} & set(range(1, last + 1)))
    items: list[dict[str, Any]] = []
    previous = 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": _href(query, number), "current": number == current})
        previous = number
    params: dict[str, Any] = {"items": items, "landmarkLabel": "Pages of results"}
    if page.has_previous():
        params["previous"] = {"href": _href(query, page.previous_page_number())}
    if page.has_next():
        params["next"] = {"href": _href(query, page.next_page_number())}
    return params
