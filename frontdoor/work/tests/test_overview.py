"""The overview counts honestly: open work past its due time is not met, over a chosen period,
with every figure explained."""

from __future__ import annotations

import functools
from typing import Any

import pytest
import time_machine
from django.urls import reverse

from frontdoor.testing.factories import contact_recorded, local, screened
from frontdoor.testing.fixtures import client_for
from frontdoor.work.overview import OVERVIEW_PERIODS, front_door_overview
from frontdoor.work.queues import Timeliness, once, read_once

pytestmark = pytest.mark.django_db

# Contacts received on Monday 2 March 2026 at 10:00 are due screening by the end of Tuesday.
NOW = local(2026, 3, 20, 12)


def _screening(now: Any, days: int = 28) -> Timeliness:
    rows = {row.clock: row for row in front_door_overview(now, days).timeliness}
    return rows["Screening decision"]


def test_open_work_past_its_due_time_counts_as_not_met(org: Any, mash_worker: Any) -> None:
    on_time = contact_recorded(received_at=local(2026, 3, 2, 10)).children.get()
    screened(contact_child=on_time, outcome="advice_nfa", at=local(2026, 3, 2, 12))
    late = contact_recorded(received_at=local(2026, 3, 2, 10)).children.get()
    screened(contact_child=late, outcome="advice_nfa", at=local(2026, 3, 5, 9))
    contact_recorded(received_at=local(2026, 3, 2, 10))  # never screened: overdue since 4 Mar

    row = _screening(NOW)
    assert (row.completed, row.met, row.late, row.open_overdue) == (2, 1, 1, 1)
    assert row.not_met == 2
    # One on time out of the three that were due: not one out of the two that were done.
    assert row.percent_met == pytest.approx(33.3)


def test_open_work_not_yet_due_is_not_counted(org: Any) -> None:
    contact_recorded(received_at=local(2026, 3, 19, 10))  # due by the end of 20 March
    row = _screening(NOW)
    assert (row.completed, row.open_overdue, row.percent_met) == (0, 0, None)


def test_the_period_chooses_which_finished_work_counts(org: Any) -> None:
    early = contact_recorded(received_at=local(2026, 2, 2, 10)).children.get()
    screened(contact_child=early, outcome="advice_nfa", at=local(2026, 2, 2, 12))
    assert _screening(NOW, 28).completed == 0
    assert _screening(NOW, 91).completed == 1


def test_the_page_names_each_column_for_what_it_counts(org: Any, analyst: Any) -> None:
    contact_recorded(received_at=local(2026, 3, 2, 10))
    with time_machine.travel(NOW, tick=False):
        body = client_for(analyst).get(reverse("overview")).content.decode()
    for header in ("Finished", "On time", "Late", "Open, past due", "On time (%)"):
        assert f">{header}</th>" in body
    assert "Met late" not in body and "Met on time" not in body
    assert "From the contact&#39;s receipt to the screening decision" in body
    assert "What each column counts" in body


@pytest.mark.parametrize("days", OVERVIEW_PERIODS)
def test_each_period_can_be_chosen(org: Any, analyst: Any, days: int) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client_for(analyst).get(reverse("overview"), {"days": days})
    assert response.status_code == 200
    assert f'<option value="{days}" selected>' in response.content.decode()


@pytest.mark.parametrize("bad", ["3", "abc", "-28", "9" * 40, ""])
def test_a_period_not_on_the_list_gets_an_error_and_the_default(
    org: Any, analyst: Any, bad: str
) -> None:
    with time_machine.travel(NOW, tick=False):
        response = client_for(analyst).get(reverse("overview"), {"days": bad})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Choose a period from the list" in body
    assert '<option value="28" selected>' in body


def test_the_api_gives_open_overdue_and_the_definition(org: Any, analyst: Any) -> None:
    contact_recorded(received_at=local(2026, 3, 2, 10))
    with time_machine.travel(NOW, tick=False):
        body = client_for(analyst).get("/api/v1/overview?days=91").json()
    assert body["period_days"] == 91
    [row] = [r for r in body["timeliness"] if r["clock"] == "Screening decision"]
    assert (row["open_overdue"], row["not_met"], row["percent_met"]) == (1, 1, 0.0)
    assert row["definition"].startswith("From the contact")
    refused = client_for(analyst).get("/api/v1/overview?days=5")
    assert refused.status_code == 422


def test_the_api_offers_the_same_periods_as_the_page() -> None:
    from frontdoor.api.schemas import OverviewPeriod

    assert tuple(int(p) for p in OverviewPeriod) == OVERVIEW_PERIODS


def test_within_read_once_a_reading_is_computed_once_per_key() -> None:
    calls: list[str] = []

    def compute(key: str) -> str:
        calls.append(key)
        return key.upper()

    assert once("a", lambda: compute("a")) == "A"
    assert once("a", lambda: compute("a")) == "A"
    assert calls == ["a", "a"]  # outside: computed every time
    calls.clear()
    with read_once():
        read = [once(k, functools.partial(compute, k)) for k in ("a", "b", "a", "b")]
        assert read == list("ABAB")
    assert calls == ["a", "b"]
    calls.clear()
    with read_once():  # a new overview reads afresh
        once("a", lambda: compute("a"))
    assert calls == ["a"]


def test_the_overview_reads_the_supervision_clocks_once(monkeypatch: Any) -> None:
    from frontdoor.oversight import queues as supervision

    calls: list[Any] = []
    real = supervision.case_state_totals

    def counted(children: Any, now: Any) -> Any:
        calls.append(now)
        return real(children, now)

    monkeypatch.setattr(supervision, "case_state_totals", counted)
    front_door_overview(NOW)
    assert calls == [NOW]
