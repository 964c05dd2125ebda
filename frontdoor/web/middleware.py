"""Requests refused before anything reads them."""

from __future__ import annotations

import json
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

PROBLEM_JSON = "application/problem+json"
API_PREFIX = "/api/"


def content_length_valid(value: str | None) -> bool:
    """No Content-Length, or a whole number of bytes (Django would fail on anything else
    when it reads the body: a server error instead of a bad request)."""
    return value is None or value == "" or (value.isascii() and value.isdigit())


class ContentLengthMiddleware:
    """Answer 400 to a request whose Content-Length is not a whole number: a problem
    (RFC 9457) for the JSON API, the "problem with your request" page otherwise."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if content_length_valid(request.META.get("CONTENT_LENGTH")):
            return self.get_response(request)
        detail = "The Content-Length header must be the body's length: a whole number of bytes."
        if request.path.startswith(API_PREFIX):
            body = {
                "type": "about:blank",
                "title": "Bad Request",
                "status": 400,
                "detail": detail,
                "instance": request.path,
            }
            return HttpResponse(json.dumps(body), status=400, content_type=PROBLEM_JSON)
        return render(request, "400.html", status=400)
