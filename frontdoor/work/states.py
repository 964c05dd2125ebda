"""Clock states counted in the database (ADR 22).

A clock's state at ``now`` (``frontdoor.clocks.evaluate``) needs its start, its due time, its
completion and its policy version's due-soon share; every one of them is a column (or a
subquery) on the row, so open work can be counted by state in one query instead of reading
every row into Python:

* no clock: no due time; met / met late: completed by / after the due time; overdue: still
  running and ``now`` is past the due time. These compare stored instants, so the database
  answers them exactly.
* due soon / on time: still running and ``due - now <= share * (due - start)``. That is
  arithmetic on instants, which the database does in floating-point seconds (to well under
  a millisecond). Rows within ``BAND`` seconds of the boundary either way (in practice none)
  are read back and classified by ``evaluate`` itself, so the counts are exactly what the
  Python clock says (``frontdoor/work/tests/test_states.py`` proves it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import (
    Count,
    DateTimeField,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Combinable

from frontdoor.clocks import ClockState, evaluate

#: Seconds either side of the due-soon boundary within which a row is classified in Python.
BAND = 1.0


class EpochSeconds(Func):
    """Seconds since 1970-01-01 UTC of a datetime, as a float (PostgreSQL and SQLite)."""

    output_field = FloatField()
    template = "EXTRACT(EPOCH FROM %(expressions)s)::double precision"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        # Django keeps UTC instants as text; julianday() reads that text as UTC.
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s) - 2440587.5) * 86400.0)",
            **extra,
        )


def _expr(value: str | Combinable) -> Combinable:
    return F(value) if isinstance(value, str) else value


def with_clock(
    qs: QuerySet[Any],
    *,
    started: str | Combinable,
    due: str | Combinable,
    fraction: str | Combinable,
    done: str | Combinable | None = None,
) -> QuerySet[Any]:
    """Annotate ``clock_started``, ``clock_due``, ``clock_done`` and ``clock_fraction``: the
    clock of each row, from its own columns (names or expressions)."""
    return qs.annotate(
        clock_started=_expr(started),
        clock_due=_expr(due),
        clock_done=_expr(done) if done is not None else Value(None, DateTimeField()),
        clock_fraction=_expr(fraction),
    )


def state_counts(qs: QuerySet[Any], now: datetime) -> dict[ClockState, int]:
    """How many rows of ``qs`` (annotated by ``with_clock``) are in each clock state at
    ``now``; states with none are left out."""
    return state_counts_by(qs, now, None).get(None, {})


def state_counts_by(
    qs: QuerySet[Any], now: datetime, by: str | None
) -> dict[Any, dict[ClockState, int]]:
    """``state_counts`` for each value of the column ``by`` (all rows under None when
    ``by`` is None), in one query (and one more only when some rows are on the due-soon
    boundary)."""
    gap = ExpressionWrapper(
        EpochSeconds(F("clock_due"))
        - Value(now.timestamp())
        - (EpochSeconds(F("clock_due")) - EpochSeconds(F("clock_started"))) * F("clock_fraction"),
        output_field=FloatField(),
    )
    qs = qs.annotate(clock_gap=gap, clock_group=F(by) if by else Value(None, IntegerField()))
    timed = Q(clock_due__isnull=False)
    finished = timed & Q(clock_done__isnull=False)
    running = timed & Q(clock_done__isnull=True) & Q(clock_due__gte=now)
    near_boundary = Q(clock_gap__gt=-BAND, clock_gap__lt=BAND)
    rows = (
        qs.order_by()
        .values("clock_group")
        .annotate(
            no_clock=Count("pk", filter=Q(clock_due__isnull=True)),
            met=Count("pk", filter=finished & Q(clock_done__lte=F("clock_due"))),
            met_late=Count("pk", filter=finished & Q(clock_done__gt=F("clock_due"))),
            overdue=Count("pk", filter=timed & Q(clock_done__isnull=True, clock_due__lt=now)),
            due_soon=Count("pk", filter=running & Q(clock_gap__lte=-BAND)),
            on_time=Count("pk", filter=running & Q(clock_gap__gte=BAND)),
            near=Count("pk", filter=running & near_boundary),
        )
    )
    counts: dict[Any, dict[ClockState, int]] = {}
    any_near = False
    for row in rows:
        group = row.pop("clock_group")
        any_near = any_near or bool(row.pop("near"))
        counts[group] = {ClockState(state): n for state, n in row.items() if n}
    if not any_near:
        return counts
    near = qs.filter(running & near_boundary).values_list(
        "clock_group", "clock_started", "clock_due", "clock_fraction"
    )
    for group, started, due, fraction in near:
        state = evaluate(
            started_at=started, due_at=due, completed_at=None, now=now, due_soon_fraction=fraction
        ).state
        by_state = counts.setdefault(group, {})
        by_state[state] = by_state.get(state, 0) + 1
    return counts
