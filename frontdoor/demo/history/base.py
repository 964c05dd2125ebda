"""The generator's state and its clock arithmetic: when each step happens, and which open
work is held at ``now`` in which clock state."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random

from frontdoor.accounts.models import Agency, Role, User
from frontdoor.clocks import ClockState, WorkingCalendar, evaluate
from frontdoor.demo.history.distributions import (
    HISTORIC_WORKING_DAYS,
    LATE_STAGES,
    LONDON,
    NEVER,
    P_QUOTA_STALL,
    P_STARVED_STALL,
    QUOTA_KEYS,
    whole_seconds,
)
from frontdoor.demo.history.summary import GenerationSummary
from frontdoor.demo.intake import DemoIntake
from frontdoor.demo.reference import DEMO_USERS
from frontdoor.mash import services as mash_services
from frontdoor.mash.models import Enquiry
from frontdoor.people.models import Person
from frontdoor.transfers.services import assessment_team


@dataclass
class _Child:
    key: int
    first_name: str
    sex: str
    date_of_birth: date | None
    expected_date_of_birth: date | None = None
    allocated: bool = False
    last_contact: datetime | None = None


@dataclass
class _Family:
    surname: str
    postcode: str
    address: str
    children: list[_Child]
    persons: list[Person] = field(default_factory=list)
    busy_until: datetime = NEVER
    index: int = -1

    @property
    def repeatable(self) -> bool:
        return bool(self.persons) and all(c.date_of_birth for c in self.children)


@dataclass
class _Plan:
    """What happens to one child in one contact, decided before the contact is recorded."""

    outcome: str
    rating: str = ""


@dataclass
class _Journey:
    received_at: datetime
    old: bool
    child: _Child
    family: _Family
    concern: str
    last: datetime
    in_flight: bool = False
    #: For top-up journeys: the stage to leave open (every earlier step happens before now).
    target: str = ""
    #: The enquiry's rating and deadline as they now stand (re-rating changes both).
    rating: str = ""
    due: datetime | None = None


class _Stop(Exception):
    """The journey stops here: the next step has not happened by ``now``."""


class _Base:
    """State shared by every step of the history, and the time helpers."""

    def __init__(
        self,
        *,
        seed: int,
        years: float,
        contacts_per_year: int,
        now: datetime,
        progress: Callable[[str], None] | None,
    ) -> None:
        self.rng = Random(seed)
        # Its own generator, so seeding duplicates leaves every other choice unchanged.
        self.duplicate_rng = Random(seed + 1)
        self.now = now
        self.limit = now - timedelta(minutes=10)
        self.start = now - timedelta(days=365.25 * years)
        self.count = max(1, round(years * contacts_per_year))
        self.progress = progress
        self.cal = WorkingCalendar()
        self.cutoff = self._working_days_before(now, HISTORIC_WORKING_DAYS)
        self.summary = GenerationSummary(
            seed=seed, now=now.isoformat(), years=years, contacts_per_year=contacts_per_year
        )
        self.sources: Counter[str] = Counter()
        self.screening: Counter[str] = Counter()
        self.ratings: Counter[str] = Counter()
        self.decisions: Counter[str] = Counter()
        self.clocks: dict[str, Counter[str]] = defaultdict(Counter)
        self.in_flight: dict[str, Counter[str]] = defaultdict(Counter)
        self.lead_counts: Counter[str] = Counter()  # open work given to the demo logins
        self.quota = 2 + self.count // 8000
        self.families: list[_Family] = []
        self.recent: list[tuple[datetime, int]] = []  # (contact time, family index), in order
        self.recent_times: list[datetime] = []
        self.child_keys = 0
        self.due_soon_fraction = 0.25
        self.due_soon_fractions: dict[int, float] = {}  # by policy version id
        self.target_state = ""  # the clock state a top-up journey was held in
        self._load_people()
        # Its own stream, so referrals from outside do not shift the rest of the history.
        self.intake = DemoIntake(Random(seed + 1))

    # ------------------------------------------------------------ set-up

    def _load_people(self) -> None:
        names = [spec.username for spec in DEMO_USERS]
        users = {
            u.username: u
            for u in User.objects.filter(username__in=names).select_related("agency", "team")
        }

        def pool(role: str) -> list[User]:
            return [users[n] for n in names if n in users and users[n].role == role]

        self.contact_officers = pool(Role.CONTACT_OFFICER)
        self.mash_workers = pool(Role.MASH_SOCIAL_WORKER)
        self.mash_managers = pool(Role.MASH_MANAGER)
        team = assessment_team()
        self.assessment_workers = [
            u for u in pool(Role.ASSESSMENT_SOCIAL_WORKER) if u.team_id == team.pk
        ]
        self.assessment_managers = pool(Role.ASSESSMENT_MANAGER)
        self.partners: dict[str, list[User]] = defaultdict(list)
        for user in pool(Role.PARTNER_PRACTITIONER):
            if user.agency is not None:
                self.partners[user.agency.code].append(user)
        self.agencies = {
            a.code: a for a in Agency.objects.filter(receives_requests=True, active=True)
        }
        self.agency_codes = {a.pk: a.code for a in self.agencies.values()}
        self.lead_worker = users["mash.worker"]
        self.lead_assessor = users["assessment.worker"]

    def _allocate(self, enquiry: Enquiry, worker: User, by: User, at: datetime) -> None:
        mash_services.enquiry_allocate(enquiry=enquiry, allocated_to=worker, by=by, at=at)

    def _working_days_before(self, moment: datetime, days: int) -> datetime:
        d = self.cal.local_date(moment)
        while days:
            d -= timedelta(days=1)
            if self.cal.is_working_day(d):
                days -= 1
        return datetime.combine(d, time(0), tzinfo=LONDON).astimezone(UTC)

    # ------------------------------------------------------------ time helpers

    def _after(self, j: _Journey, prev: datetime, minutes: float, continuous: bool) -> datetime:
        """A step ``minutes`` after ``prev``: in working time, or real time if continuous."""
        if continuous:
            t = prev + timedelta(minutes=minutes)
        else:
            t = self.cal.add_working_hours(prev, timedelta(minutes=minutes))
        return self._fix(j, prev, t)

    def _fix(self, j: _Journey, prev: datetime, t: datetime) -> datetime:
        t = whole_seconds(t)
        if t <= prev:
            t = prev + timedelta(seconds=self.rng.randint(30, 300))
        if j.old and t > self.limit:
            # Historic journeys finish before now: squeeze the remaining steps in.
            t = whole_seconds(prev + (self.limit - prev) * self.rng.uniform(0.2, 0.6))
            if t <= prev:
                t = prev + timedelta(seconds=1)
        j.last = max(j.last, t)
        return t

    def _plan(
        self,
        j: _Journey,
        *,
        start: datetime,
        due: datetime | None,
        prev: datetime,
        continuous: bool,
        late_p: float,
        urgency: float = 1.0,
        min_gap: float = 5.0,
    ) -> datetime:
        """When a clock started at ``start`` and due at ``due`` is completed: mostly in time."""
        rng = self.rng
        earliest = self._after(j, prev, rng.uniform(min_gap, 3 * min_gap), continuous)
        if j.target:
            return earliest  # top-up journeys move briskly up to the stage they wait at
        if due is None:
            return self._after(j, prev, rng.uniform(30, 360) * urgency, False)
        late = rng.random() < late_p
        f = rng.uniform(1.03, 1.7) if late else 0.03 + 0.92 * rng.betavariate(1.6, 3.4) * urgency
        span = timedelta(0) if continuous else self.cal.working_time_between(start, due)
        if continuous or span <= timedelta(0):
            t = start + (due - start) * f
        else:
            t = self.cal.add_working_hours(start, span * f)
        return self._fix(j, prev, max(t, earliest))

    def _between(self, j: _Journey, start: datetime, end: datetime, continuous: bool) -> datetime:
        """A time between ``start`` and ``end`` (in working time unless continuous)."""
        f = self.rng.uniform(0.3, 0.9)
        span = timedelta(0) if continuous else self.cal.working_time_between(start, end)
        if span > timedelta(0):
            t = self.cal.add_working_hours(start, span * f)
        else:
            t = start + (end - start) * f
        return self._fix(j, start, t)

    # ------------------------------------------------------------ in-flight bookkeeping

    def _state(self, started: datetime, due: datetime | None) -> ClockState:
        return evaluate(
            started_at=started,
            due_at=due,
            completed_at=None,
            now=self.now,
            due_soon_fraction=self.due_soon_fraction,
        ).state

    def _record(self, j: _Journey, key: str, started: datetime, due: datetime | None) -> None:
        self.in_flight[key][self._state(started, due).value] += 1
        j.in_flight = True

    def _holds(
        self, j: _Journey, t: datetime, key: str, started: datetime, due: datetime | None
    ) -> bool:
        """Does the step that completes this clock wait beyond ``now``? Records it if so.

        A step after ``now`` has not happened. In the recent window, a few more steps are held
        back so that every clock state is represented in the open work.
        """
        if t > self.now or key == j.target:
            self._record(j, key, started, due)
            if key == j.target:
                self.target_state = self._state(started, due).value
            return True
        if j.old or key not in QUOTA_KEYS:
            return False
        state = self._state(started, due)
        counts = self.in_flight.get(key)
        if not counts and key in LATE_STAGES:
            # Few journeys reach the late stages inside the window: hold the first that do.
            chance = P_STARVED_STALL
        elif counts is None or counts[state.value] < self.quota:
            chance = P_QUOTA_STALL
        else:
            return False
        if self.rng.random() < chance:
            self._record(j, key, started, due)
            return True
        return False

    def _met(self, clock: str, t: datetime, due: datetime | None) -> None:
        if due is not None:
            self.clocks[clock]["met" if t <= due else "met_late"] += 1
