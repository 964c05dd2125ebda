"""The request's viewer, refused attempts logged, and a refused restricted record turned into
the break-glass page (reads) or a 403 (writes)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import cast
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse

from frontdoor.accounts.access import Perm, can
from frontdoor.audit.refusals import refusals_kept
from frontdoor.people.masking import viewing
from frontdoor.restricted.guard import RestrictedRecord
from frontdoor.restricted.selectors import child_reference
from frontdoor.restricted.viewer import RequestViewer, streamed_for


def break_glass_url(child_pk: int, next_path: str) -> str:
    return reverse("break-glass", args=[child_pk]) + "?" + urlencode({"next": next_path})


class RestrictedRecordMiddleware:
    """Place after the authentication middleware (it reads ``request.user``).

    For the whole request (pages and the JSON API): sets the viewer that masks restricted
    children the user may not see (``frontdoor.restricted.viewer``), and writes an access-log
    entry for each refused attempt once the request's work is done (and any refused change
    rolled back: ``frontdoor.audit.refusals``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        viewer = RequestViewer(lambda: getattr(request, "user", None))
        with refusals_kept(request.path), viewing(viewer):
            response = self.get_response(request)
        if isinstance(response, StreamingHttpResponse) and not response.is_async:
            chunks = cast(Iterator[bytes], response.streaming_content)
            response.streaming_content = streamed_for(viewer, chunks)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, RestrictedRecord):
            return None
        child = exception.child
        may_break = can(request.user, Perm.BREAK_GLASS)
        if request.method in ("GET", "HEAD") and may_break:
            return HttpResponseRedirect(break_glass_url(child.pk, request.get_full_path()))
        return render(
            request,
            "restricted/refused.html",
            {
                "reference": child_reference(child),
                "break_glass": break_glass_url(child.pk, request.get_full_path())
                if may_break
                else "",
            },
            status=403,
        )
