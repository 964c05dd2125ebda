"""``may(perm, obj)``: a page asks the access policy whether to offer a link."""

from __future__ import annotations

from typing import Any

import pytest
from django.template import engines
from django.test import RequestFactory


def _render(source: str, user: Any, **context: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return str(engines["jinja2"].from_string(source).render(context, request)).strip()


@pytest.mark.django_db
def test_may_answers_for_the_signed_in_user(police_practitioner: Any, mash_worker: Any) -> None:
    page = '{% if may("enquiry_view") %}link{% else %}text{% endif %}'
    assert _render(page, mash_worker) == "link"
    assert _render(page, police_practitioner) == "text"


@pytest.mark.django_db
def test_may_applies_the_object_rules(
    police_practitioner: Any, health_practitioner: Any, screened_to_mash: Any, request_sent: Any
) -> None:
    request = request_sent(enquiry=screened_to_mash(), agency="police")
    page = '{{ may("request_view", request_) }}'
    assert _render(page, police_practitioner, request_=request) == "True"
    assert _render(page, health_practitioner, request_=request) == "False"


def test_may_refuses_a_page_with_no_signed_in_user() -> None:
    assert str(engines["jinja2"].from_string('{{ may("enquiry_view") }}').render({})) == "False"
