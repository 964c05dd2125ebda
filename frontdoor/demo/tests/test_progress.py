"""Progress lines for the demo's long phases: counts and rate, at most one every step or wait."""

from __future__ import annotations

from frontdoor.demo.progress import Phase


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_line_every_twentieth_of_the_total_with_count_rate_and_time() -> None:
    heard: list[str] = []
    clock = Clock()
    phase = Phase(heard.append, "contacts", total=200, unit="contacts", clock=clock)

    for done in range(1, 201):
        clock.now += 0.05  # 20 a second: never 15 seconds between lines
        phase.step(done)
    phase.end(200)

    assert len(heard) == 21
    assert heard[0] == "contacts: 10/200 (5%) contacts, 20.0 contacts/s, 0 s"
    assert heard[19] == "contacts: 200/200 (100%) contacts, 20.0 contacts/s, 10 s"
    assert heard[-1] == "contacts: done, 200 contacts in 10.0 s (20.0 contacts/s)"


def test_a_slow_phase_still_reports_every_few_seconds() -> None:
    heard: list[str] = []
    clock = Clock()
    phase = Phase(heard.append, "emails", total=1000, seconds=15.0, clock=clock)

    for done in range(1, 11):
        clock.now += 10.0  # far fewer than a twentieth done between lines
        phase.step(done)

    assert heard == [
        "emails: 2/1000 (0%) items, 0.1 items/s, 20 s",
        "emails: 4/1000 (0%) items, 0.1 items/s, 40 s",
        "emails: 6/1000 (0%) items, 0.1 items/s, 60 s",
        "emails: 8/1000 (0%) items, 0.1 items/s, 80 s",
        "emails: 10/1000 (1%) items, 0.1 items/s, 100 s",
    ]


def test_no_listener_hears_nothing_and_a_phase_without_a_count_says_its_time() -> None:
    Phase(None, "quiet", total=5).step(5)
    heard: list[str] = []
    clock = Clock()
    phase = Phase(heard.append, "duplicates", clock=clock)
    clock.now += 1.25

    phase.end(note=", 3 proposed")

    assert heard == ["duplicates: done, 1.2 s, 3 proposed"]
