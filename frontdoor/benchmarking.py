"""Views that exist only for benchmarks (``benchmarks/intake.py``, ``benchmarks/queues.py``).

Mounted by ``frontdoor/urls.py`` only when ``settings.FRONTDOOR_BENCHMARK_VIEWS`` is true
(environment ``FRONTDOOR_BENCHMARK_VIEWS=1``, never in production): they write without
authentication.

``bare_insert`` is the baseline the partner intake API is measured against: the same
middleware, the same request body read, and then the least a durable write can be, one
INSERT of one event row in one transaction (so one commit, as the API's write has), and a
small JSON answer.

``bare_page`` is the baseline the queues, the overview and the other first pages are measured
against: a signed-in page (any role that has a queue) that renders the layout and a heading,
reading nothing else.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import engines
from django.urls import URLPattern, path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from frontdoor.accounts.access import Perm
from frontdoor.accounts.middleware import PUBLIC, requires
from frontdoor.audit.models import Event


@requires(PUBLIC)
@csrf_exempt
@require_POST
def bare_insert(request: HttpRequest) -> JsonResponse:
    """One INSERT in one transaction; 201 with the new row's id."""
    at = timezone.now()
    size = len(request.body)
    with transaction.atomic():
        event = Event.objects.create(
            at=at,
            actor=None,
            action="benchmark.bare_insert",
            summary="Benchmark baseline: one insert",
            record_type="benchmark",
            record_id=size,
        )
    return JsonResponse({"id": event.pk, "received_at": at.isoformat()}, status=201)


BARE_PAGE = (
    '{% extends "layout.html" %}{% set title = "Baseline" %}'
    '{% block page %}<h1 class="govuk-heading-l">Baseline</h1>{% endblock %}'
)


@requires(Perm.QUEUE_VIEW)
def bare_page(request: HttpRequest) -> HttpResponse:
    """The layout and a heading, for a signed-in user: no reads of its own."""
    template = engines["jinja2"].from_string(BARE_PAGE)
    return HttpResponse(template.render({}, request))


urlpatterns: list[URLPattern] = [
    path("bench/bare-insert/", bare_insert, name="bench-bare-insert"),
    path("bench/bare-page/", bare_page, name="bench-bare-page"),
]
