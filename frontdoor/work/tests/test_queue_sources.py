"""Apps add their own open work to the queues and the overview by registering a source."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

import pytest
from django.urls import reverse

from frontdoor.clocks import ClockState
from frontdoor.people.models import Person
from frontdoor.policies.reading import clock_reading
from frontdoor.policies.selectors import policy_in_force
from frontdoor.testing.factories import PersonFactory, local
from frontdoor.work import queues
from frontdoor.work.overview import front_door_overview
from frontdoor.work.queues import (
    QueueSource,
    Timeliness,
    WorkItem,
    my_queue,
    queue_source_register,
    team_queue,
)

pytestmark = pytest.mark.django_db

NOW = local(2026, 3, 4, 12)


@pytest.fixture
def registry(monkeypatch: pytest.MonkeyPatch) -> dict[str, QueueSource]:
    """An empty registry for the test (the real apps' sources are put back afterwards)."""
    fresh: dict[str, QueueSource] = {}
    monkeypatch.setattr(queues, "_SOURCES", fresh)
    return fresh


def _item(child: Person, stage: str, due: datetime) -> WorkItem:
    policy = policy_in_force(local(2026, 3, 2))
    return WorkItem(
        stage,
        child,
        f"X{child.pk}",
        "AMBER",
        clock_reading(policy, local(2026, 3, 2, 9), due, None, NOW),
        reverse("child-detail", args=[child.pk]),
    )


def _source(children: list[Person], seen: list[tuple[str, Any]]) -> QueueSource:
    def team(user: Any, now: datetime) -> Iterable[WorkItem]:
        seen.append(("team", user))
        return [_item(children[0], "Thing to do", local(2026, 3, 3, 17))]

    def mine(user: Any, now: datetime) -> Iterable[WorkItem]:
        seen.append(("mine", user))
        return [_item(children[1], "Other thing", local(2026, 3, 20, 17))]

    def everything(now: datetime) -> Iterable[WorkItem]:
        return [
            _item(children[0], "Thing to do", local(2026, 3, 3, 17)),
            _item(children[1], "Other thing", local(2026, 3, 20, 17)),
        ]

    return QueueSource(
        key="things",
        stages=("Thing to do", "Other thing"),
        team=team,
        mine=mine,
        everything=everything,
        timeliness=lambda since, now: [Timeliness("Things done", completed=4, met=3)],
    )


def test_a_registered_source_adds_its_items_to_both_queues(registry, mash_worker):
    children = [PersonFactory(), PersonFactory()]
    seen: list[tuple[str, Any]] = []
    queue_source_register(_source(children, seen))

    team = team_queue(mash_worker, NOW)
    mine = my_queue(mash_worker, NOW)

    assert [(i.stage, i.reading.state) for i in team if i.stage == "Thing to do"] == [
        ("Thing to do", ClockState.OVERDUE)
    ]
    assert [i.child for i in mine if i.stage == "Other thing"] == [children[1]]
    assert seen == [("team", mash_worker), ("mine", mash_worker)]


def test_a_user_without_queue_access_is_not_asked_about(registry, analyst):
    seen: list[tuple[str, Any]] = []
    queue_source_register(_source([PersonFactory(), PersonFactory()], seen))
    assert team_queue(analyst, NOW) == [] and my_queue(analyst, NOW) == []
    assert seen == []


def test_the_overview_counts_a_sources_stages_and_timeliness(registry):
    queue_source_register(_source([PersonFactory(), PersonFactory()], []))
    overview = front_door_overview(NOW)
    rows = {row.stage: row for row in overview.stages}
    assert rows["Thing to do"].get(ClockState.OVERDUE) == 1
    assert rows["Other thing"].get(ClockState.ON_TIME) == 1
    assert [t for t in overview.timeliness if t.clock == "Things done"] == [
        Timeliness("Things done", 4, 3)
    ]


def test_registering_again_under_the_same_key_replaces_the_source(registry):
    children = [PersonFactory(), PersonFactory()]
    queue_source_register(_source(children, []))
    queue_source_register(_source(children, []))
    assert list(registry) == ["things"]
