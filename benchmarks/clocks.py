"""How fast the clock engine computes due times.

Prints operations per second for each kind of due-time sum, and a ratio against a baseline
measured in the same run: plain ``datetime + timedelta`` (the cost of a clock that ignores
working time). Target: any due time in under 100 microseconds. Due times are computed
once, when a clock starts or its rating changes, and stored on the row; reading a clock's
state afterwards is a comparison, so queues never repeat this sum.

    .venv/bin/python benchmarks/clocks.py [--n 20000]
"""

from __future__ import annotations

import argparse
import functools
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from frontdoor.clocks import OfficeHours, Timescale, Unit, WorkingCalendar


def per_second(fn: Callable[[datetime], object], starts: list[datetime]) -> float:
    began = time.perf_counter()
    for start in starts:
        fn(start)
    return len(starts) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20000)
    args = parser.parse_args()
    rng = random.Random(7)
    origin = datetime(2019, 1, 1, tzinfo=UTC)
    starts = [
        origin + timedelta(minutes=rng.randrange(0, 12 * 365 * 24 * 60)) for _ in range(args.n)
    ]
    calendar = WorkingCalendar(office_hours=OfficeHours.default())
    calendar.add_working_days(starts[0], 1)  # load the bank holidays once

    baseline = per_second(lambda s: s + timedelta(hours=24), starts)
    cases = {
        "Red 4 working hours, out of hours": Timescale(
            duration=Decimal(4),
            unit=Unit.WORKING_HOURS,
            continue_out_of_hours=True,
        ),
        "Amber 24 working hours": Timescale.from_dict({"duration": 24, "unit": "working_hours"}),
        "Green 72 working hours": Timescale.from_dict({"duration": 72, "unit": "working_hours"}),
        "Screening 1 working day": Timescale.from_dict({"duration": 1, "unit": "working_days"}),
        "Assessment 45 working days": Timescale.from_dict({"duration": 45, "unit": "working_days"}),
    }
    print(f"clock due-time sums over {args.n} random starts, 2019-2030")
    print(f"  baseline datetime + timedelta: {baseline:,.0f} per second")
    for label, timescale in cases.items():
        assert timescale is not None
        rate = per_second(functools.partial(timescale.due, calendar=calendar), starts)
        print(
            f"  {label}: {rate:,.0f} per second ({1e6 / rate:.1f} µs each); "
            f"ratio (baseline / engine) = {baseline / rate:.1f}"
        )


if __name__ == "__main__":
    main()
