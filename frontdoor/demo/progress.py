"""Progress lines for the demo's long phases: counts, rate and time, without flooding.

``Phase.step`` reports a line when another ``every`` items are done (by default a twentieth of
the total) or ``seconds`` have passed since the last line, whichever comes first, so a slow
machine still hears from a phase at least every ``seconds`` and a fast one gets at most about
twenty lines. ``Phase.end`` reports the total, the time and the rate.
"""

from __future__ import annotations

import time
from collections.abc import Callable

Say = Callable[[str], None]


class Phase:
    def __init__(
        self,
        say: Say | None,
        name: str,
        *,
        total: int = 0,
        unit: str = "items",
        every: int = 0,
        seconds: float = 15.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.say, self.name, self.total, self.unit = say, name, total, unit
        self.every = every or max(1, total // 20)
        self.seconds = seconds
        self.clock = clock
        self.began = self.last_time = clock()
        self.last_done = 0

    @property
    def elapsed(self) -> float:
        return self.clock() - self.began

    def _rate(self, done: int) -> str:
        return f"{done / max(self.elapsed, 1e-9):.1f} {self.unit}/s"

    def step(self, done: int) -> None:
        """``done`` items of the phase are done (call it as often as you like)."""
        if self.say is None:
            return
        now = self.clock()
        if done - self.last_done < self.every and now - self.last_time < self.seconds:
            return
        self.last_done, self.last_time = done, now
        of = f"/{self.total} ({100 * done // self.total}%)" if self.total else ""
        self.say(f"{self.name}: {done}{of} {self.unit}, {self._rate(done)}, {self.elapsed:.0f} s")

    def end(self, done: int | None = None, note: str = "") -> None:
        if self.say is None:
            return
        count = f"{done} {self.unit} in " if done is not None else ""
        rate = f" ({self._rate(done)})" if done else ""
        self.say(f"{self.name}: done, {count}{self.elapsed:.1f} s{rate}{note}")
