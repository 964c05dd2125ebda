"""A long queue is shown a page at a time, soonest due first, keeping its filters; the count
and the download cover the whole queue."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frontdoor.testing.factories import contact_recorded, local
from frontdoor.testing.fixtures import client_for
from frontdoor.work import views

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 6, 12)


def test_a_long_queue_is_paged_soonest_due_first(
    org: Any, contact_officer: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 2)
    contacts = [contact_recorded(received_at=local(2026, 3, day, 10)) for day in (4, 2, 3)]
    soonest_first = [c.reference for c in sorted(contacts, key=lambda c: c.received_at)]
    client = client_for(contact_officer)
    with time_machine.travel(NOW, tick=False):
        first = client.get(reverse("queue-team"), {"state": "overdue"}).content.decode()
        second = client.get(reverse("queue-team") + "?state=overdue&page=2")
    assert "3 items" in first and "Showing 1 to 2." in first
    assert "Page 1 of 2" in first
    assert 'href="?state=overdue&amp;page=2" rel="next"' in first
    assert [r for r in soonest_first if r in first] == soonest_first[:2]
    body = second.content.decode()
    assert "Page 2 of 2" in body and 'rel="prev"' in body
    assert [r for r in soonest_first if r in body] == soonest_first[2:]
    # The download is of the whole filtered queue, not of the page.
    assert 'href="/queue/team/download/?state=overdue"' in first


def test_a_short_queue_has_no_pages(org: Any, contact_officer: Any) -> None:
    contact_recorded(received_at=local(2026, 3, 4, 10))
    with time_machine.travel(NOW, tick=False):
        body = client_for(contact_officer).get(reverse("queue-team")).content.decode()
    assert "1 item:" in body
    assert "govuk-pagination" not in body and "Showing" not in body
