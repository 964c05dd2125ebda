"""A reproducible, plausible history of a children's front door, written through the services.

``generate()`` simulates ``years`` of contacts ending at ``now``. Every write goes through the
service functions (contact_record, contact_screen, enquiry_rate, request_send, ...), each with an
explicit ``at=`` so that every journey's timestamps strictly increase. Randomness comes only from
``random.Random(seed)``: the same seed, size and ``now`` give the same data.

Shape of the data (see FRONT-DOOR.md sections 1, 3, 4 and 10):

* contacts arrive mostly on weekdays 08:00-18:00, some evenings and weekends; police
  notifications at any hour; schools hardly at all in the summer holiday;
* referral sources: police ~30%, schools ~20%, health ~15%, LA ~10%, individuals ~9%, others;
* ~1.1 children per contact (siblings) and ~20-23% of children contacted again within 12 months
  (the same Person records are reused);
* screening, BRAG ratings, partner requests, re-ratings, decisions, sign-offs, transfers (some
  returned and re-requested) and first visits, with most clocks met and a minority met late;
* work older than ``HISTORIC_WORKING_DAYS`` working days before ``now`` is complete; recent
  journeys are left in flight with clocks on time, due soon and overdue. Steps planned after
  ``now`` have not happened; a few more recent steps are held back, and any stage and state
  still missing at the end gets an extra journey found by probing in savepoints (a state can
  be impossible at ``now``: no 1-working-day clock is "due soon" on a Saturday morning).
  Some open enquiries are allocated to ``mash.worker`` and some first visits to
  ``assessment.worker`` so that their own queues have work.

The history is written by ``frontdoor.demo.history``, one module per stage, each a layer of
the one generator object: ``base`` (its state, and when each step happens), ``transfers``
(sign-off, transfers, first visits), ``enquiries`` (screening and the MASH enquiry) and
``contacts`` (arrivals, families, referrers, recording); ``distributions`` holds how often
things happen and ``summary`` what was generated. This module runs it: the contacts in order,
the top-up of open work, the emails, the likely duplicates (every child compared at once by
blocking) and then the work after the front door (``frontdoor.demo.after``), with a progress
line for each phase (``frontdoor.demo.progress``).

One deliberate departure from "everything through a service":

* after-commit delivery tasks are dropped for generated history, and the emails it wrote are
  delivered at the end through a quiet demo channel (``frontdoor.demo.intake``): replaying
  two years of emails through the task worker would be noise.
"""

from __future__ import annotations

import copy
import time as time_module
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from frontdoor.demo.after import demo_after_front_door
from frontdoor.demo.duplicates import demo_duplicates_review
from frontdoor.demo.history.contacts import _Contacts
from frontdoor.demo.history.distributions import (
    OPEN_STATES,
    QUOTA_KEYS,
    SOURCES,
    TOP_UP_PROBES,
    weighted,
    whole_seconds,
)
from frontdoor.demo.history.summary import GenerationSummary
from frontdoor.demo.intake import demo_drafts_ensure, demo_tokens_ensure
from frontdoor.demo.progress import Phase
from frontdoor.demo.reference import (
    DEFAULT_PASSWORD,
    demo_users_ensure,
    demo_users_exist,
    reference_data_ensure,
)
from frontdoor.intake.models import (
    ContactChild,
    Document,
    Submission,
)
from frontdoor.intake.reconciliation import reconciliation_alerts_raise
from frontdoor.policies.selectors import policies_pinned

__all__ = ["GenerationSummary", "generate"]


class _Generator(_Contacts):
    def run(self) -> GenerationSummary:
        started = time_module.perf_counter()
        arrivals = self._arrivals()
        mark = len(connection.run_on_commit)
        phase = Phase(self.progress, "contacts", total=len(arrivals), unit="contacts")
        for index, (received_at, source, cat) in enumerate(arrivals):
            self._contact(received_at, source, cat)
            if index % 200 == 0:
                del connection.run_on_commit[mark:]  # see the module docstring
            phase.step(index + 1)
        phase.end(len(arrivals))
        phase = Phase(self.progress, "open work in every clock state")
        self._top_up()
        phase.end()
        del connection.run_on_commit[mark:]
        phase = Phase(self.progress, "emails")
        self.summary.emails = self.intake.deliver_history(phase)
        phase.end(self.summary.emails)
        phase = Phase(self.progress, "drafts and reconciliation alerts")
        self.summary.drafts = demo_drafts_ensure(now=self.now)
        self.summary.alerts = len(reconciliation_alerts_raise(now=self.now))
        phase.end()
        phase = Phase(self.progress, "duplicates")
        review = demo_duplicates_review(
            now=self.now, reviewer=self.mash_managers[0], progress=self.progress
        )
        phase.end(note=f", {review.proposed} proposed")
        self.summary.duplicates_proposed = review.proposed
        self.summary.duplicates_merged = review.merged - review.undone
        self.summary.after_front_door = demo_after_front_door(
            now=self.now, seed=self.summary.seed, progress=self.progress
        )
        # The follow-up adds an immediate-risk referral waiting for screening now.
        if self.summary.after_front_door.get("followup", {}).get("immediate_risk_waiting"):
            waiting = (
                ContactChild.objects.filter(contact__immediate_risk=True, screened_at__isnull=True)
                .select_related("contact")
                .order_by("-id")
                .first()
            )
            if waiting is not None:
                self.summary.contacts += 1
                self.summary.child_contacts += 1
                state = self._state(waiting.contact.received_at, waiting.screening_due_at)
                self.in_flight["screening"][state.value] += 1
        # Retention's demo adds old contacts (from before the history) and a stale draft.
        retention = self.summary.after_front_door.get("retention", {})
        self.summary.contacts += retention.get("old_contacts", 0)
        self.summary.child_contacts += retention.get("old_child_contacts", 0)
        self.summary.drafts += retention.get("stale_drafts", 0)
        self._finish()
        self.summary.seconds = time_module.perf_counter() - started
        return self.summary

    def _top_up(self) -> None:
        """Make sure every stage has open work in every clock state the calendar allows.

        For each stage and state with nothing in flight, try a few extra journeys (each in a
        savepoint) that wait at that stage, received at different times before ``now``; keep
        the first whose clock is in the wanted state, roll the others back. A state can be
        impossible at ``now`` (no 1-working-day clock is "due soon" on a Saturday morning).
        """
        for key in QUOTA_KEYS:
            states = ["no_clock"] if key == "enquiry BLUE" else [o.value for o in OPEN_STATES]
            for state in states:
                counts = self.in_flight.get(key)
                if not counts or not counts[state]:
                    self._targeted(key, state)

    def _targeted(self, key: str, wanted: str) -> bool:
        """Search (by bisection on how long ago the contact came in) for a journey held at
        ``key`` with its clock ``wanted`` at ``now``."""
        # Within the recent window: older work must be complete.
        shortest, longest = timedelta(minutes=20), self.now - self.cutoff - timedelta(minutes=5)
        low, high = shortest, longest  # typically on time ... overdue
        offset = {"on_time": shortest, "overdue": longest}.get(wanted, (low * 4 + high) / 5)
        for _attempt in range(TOP_UP_PROBES):
            got = self._probe(key, wanted, offset)
            if got == wanted:
                return True
            if got == "on_time":
                low = offset
            elif got in ("due_soon", "overdue"):
                high = offset
            else:  # did not reach the stage: try a little earlier
                low = max(low, offset)
            if wanted == "on_time" and got in ("due_soon", "overdue"):
                offset = max(shortest, offset / 2)
            elif wanted == "overdue" and got in ("on_time", "due_soon"):
                offset = min(longest, offset * 1.6)
            elif high > low:
                offset = low + (high - low) * (0.35 + 0.3 * self.rng.random())
            else:
                offset = min(longest, offset * 1.5)
        return False

    def _probe(self, key: str, wanted: str, offset: timedelta) -> str:
        """One held journey received ``offset`` before now; kept only if in the wanted state."""
        received = whole_seconds(self.now - offset)
        if received < self.start:
            return ""
        saved = self._snapshot()
        self.target_state = ""
        code = weighted(self.rng, [(c, w) for c, w, _ in SOURCES])
        cat = next(cat for c, _, cat in SOURCES if c == code)
        with transaction.atomic():
            self._contact(received, code, cat, target=key)
            got = self.target_state
            if got != wanted:
                transaction.set_rollback(True)
        if got != wanted:
            self._restore(saved)
        return got

    def _snapshot(self) -> tuple[Any, ...]:
        counters = {
            name: copy.deepcopy(getattr(self, name))
            for name in ("sources", "screening", "ratings", "decisions", "clocks", "in_flight")
        }
        counters["lead_counts"] = copy.copy(self.lead_counts)
        lengths = (len(self.families), len(self.recent), self.child_keys)
        return copy.deepcopy(self.summary), counters, lengths

    def _restore(self, saved: tuple[Any, ...]) -> None:
        summary, counters, (families, recent, child_keys) = saved
        self.summary = summary
        for name, value in counters.items():
            setattr(self, name, value)
        del self.families[families:]
        del self.recent[recent:]
        del self.recent_times[recent:]
        self.child_keys = child_keys

    def _finish(self) -> None:
        s = self.summary
        s.children = self.child_keys
        # Counted from the rows: top-up probes roll back some of what they sent.
        s.submissions = Submission.objects.count()
        s.documents = Document.objects.filter(submission__isnull=False).count()
        s.sources = dict(sorted(self.sources.items()))
        s.screening_outcomes = dict(sorted(self.screening.items()))
        s.ratings = dict(sorted(self.ratings.items()))
        s.decision_outcomes = dict(sorted(self.decisions.items()))
        s.clocks = {k: dict(sorted(v.items())) for k, v in sorted(self.clocks.items())}
        s.in_flight = {k: dict(sorted(v.items())) for k, v in sorted(self.in_flight.items())}


def generate(
    *,
    seed: int = 2026,
    years: float = 2.0,
    contacts_per_year: int = 12000,
    now: datetime | None = None,
    progress: Callable[[str], None] | None = None,
) -> GenerationSummary:
    """Generate ``years`` of front-door history ending at ``now``, in one transaction.

    Creates the reference data (and the demo logins, if missing) first.
    """
    now = whole_seconds(now or timezone.now())
    if timezone.is_naive(now):
        raise ValueError("now must be timezone-aware")
    now = now.astimezone(UTC)
    reference_data_ensure()
    if not demo_users_exist():
        demo_users_ensure(DEFAULT_PASSWORD)
    tokens = demo_tokens_ensure(at=now - timedelta(days=365.25 * years + 1))
    # DEBUG's query log formats every SQL statement: about a tenth of the run, for nothing.
    with override_settings(DEBUG=False), transaction.atomic(), policies_pinned():
        generator = _Generator(
            seed=seed,
            years=years,
            contacts_per_year=contacts_per_year,
            now=now,
            progress=progress,
        )
        summary = generator.run()
    summary.tokens = tokens
    return summary
