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

One deliberate departure from "everything through a service":

* after-commit delivery tasks are dropped for generated history, and the emails it wrote are
  delivered at the end through a quiet demo channel (``frontdoor.demo.intake``): replaying
  two years of emails through the task worker would be noise.
"""

from __future__ import annotations

import bisect
import copy
import time as time_module
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from frontdoor.accounts.models import Agency, Role, User
from frontdoor.clocks import ClockState, WorkingCalendar, evaluate
from frontdoor.demo import texts
from frontdoor.demo.after import demo_after_front_door
from frontdoor.demo.duplicates import P_DUPLICATE, demo_duplicates_review, duplicate_details
from frontdoor.demo.intake import (
    DemoIntake,
    demo_drafts_ensure,
    demo_tokens_ensure,
    referral_for,
)
from frontdoor.demo.reference import (
    DEFAULT_PASSWORD,
    DEMO_USERS,
    demo_users_ensure,
    demo_users_exist,
    reference_data_ensure,
)
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    Document,
    LawfulBasis,
    Referral,
    ScreeningOutcome,
    Submission,
)
from frontdoor.intake.reconciliation import reconciliation_alerts_raise
from frontdoor.intake.services import contact_record, contact_screen
from frontdoor.mash import services as mash_services
from frontdoor.mash.models import (
    TRANSFER_OUTCOMES,
    Decision,
    Enquiry,
    PartnerRequest,
    Rating,
)
from frontdoor.mash.services import (
    decision_record,
    decision_sign_off,
    enquiry_rate,
    enquiry_record_lived_experience,
    request_answer,
    request_send,
)
from frontdoor.people.models import Person, Sex
from frontdoor.people.services import ChildDetails
from frontdoor.policies.selectors import policies_pinned
from frontdoor.protection.models import Transfer
from frontdoor.protection.services import (
    assessment_team,
    transfer_accept,
    transfer_request,
    transfer_return,
    visit_record,
)

LONDON = ZoneInfo("Europe/London")
HISTORIC_WORKING_DAYS = 10
OPEN_STATES = (ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE)
NEVER = datetime.max.replace(tzinfo=UTC)

# ---------------------------------------------------------------- distributions

#: (CIN referral source code, weight, category); police ~30%, schools ~20%, health ~15%.
SOURCES: tuple[tuple[str, float, str], ...] = (
    ("6", 30.0, "police"),
    ("2A", 18.5, "school"),
    ("2B", 1.5, "school"),
    ("3A", 3.5, "health"),
    ("3B", 3.0, "health"),
    ("3C", 1.5, "health"),
    ("3D", 2.5, "health"),
    ("3E", 3.0, "health"),
    ("3F", 1.5, "health"),
    ("1A", 5.0, "individual"),
    ("1B", 2.0, "individual"),
    ("1C", 1.0, "individual"),
    ("1D", 1.0, "individual"),
    ("5A", 2.5, "la"),
    ("5B", 2.0, "la"),
    ("5C", 2.0, "la"),
    ("5D", 3.5, "la"),
    ("4", 3.0, "housing"),
    ("7", 3.0, "legal"),
    ("8", 5.0, "other"),
    ("9", 2.0, "anonymous"),
    ("10", 1.0, "unknown"),
)
CHANNELS: dict[str, tuple[tuple[str, float], ...]] = {
    "police": (
        (Channel.PARTNER_API, 0.6),
        (Channel.POLICE_NOTIFICATION, 0.3),
        (Channel.PHONE, 0.1),
    ),
    "school": ((Channel.ONLINE_FORM, 0.7), (Channel.EMAIL, 0.1), (Channel.PHONE, 0.2)),
    "health": (
        (Channel.ONLINE_FORM, 0.35),
        (Channel.PARTNER_API, 0.2),
        (Channel.PHONE, 0.3),
        (Channel.EMAIL, 0.15),
    ),
    "individual": ((Channel.PHONE, 0.85), (Channel.EMAIL, 0.1), (Channel.ONLINE_FORM, 0.05)),
    "anonymous": ((Channel.PHONE, 0.95), (Channel.EMAIL, 0.05)),
    "unknown": ((Channel.PHONE, 0.5), (Channel.EMAIL, 0.5)),
    "default": ((Channel.ONLINE_FORM, 0.5), (Channel.EMAIL, 0.3), (Channel.PHONE, 0.2)),
}
#: Relative number of police notifications by local hour (evenings and nights are busy).
POLICE_HOURS = (3, 2.5, 2, 1.5, 1, 1, 1, 1.5, 2, 2.5, 3, 3, 3, 3, 3, 3.5, 4, 4.5, 5, 5, 5, 4.5,
                4, 3.5)  # fmt: skip
#: Office-day shape of other contacts, 08:00 to 18:00.
DAY_HOURS = (3, 5, 6, 5.5, 4, 5, 5.5, 5, 4, 2.5)

SCREENING_WEIGHTS: tuple[tuple[str, float], ...] = (
    (ScreeningOutcome.ADVICE_NFA, 30.0),
    (ScreeningOutcome.EARLY_HELP, 15.0),
    (ScreeningOutcome.MASH_ENQUIRY, 45.0),
    (ScreeningOutcome.STRATEGY_DISCUSSION, 3.0),
)
RATING_WEIGHTS: tuple[tuple[str, float], ...] = (
    (Rating.RED, 10.0),
    (Rating.AMBER, 35.0),
    (Rating.GREEN, 40.0),
    (Rating.BLUE, 15.0),
)
#: Decision outcome by final rating; overall ~25% NFA/advice, 20% early help, 40% s17, 10% s47.
DECISION_WEIGHTS: dict[str, tuple[tuple[str, float], ...]] = {
    Rating.RED: (("s47", 50), ("s17", 40), ("nfa", 2), ("advice", 3), ("other_service", 5)),
    Rating.AMBER: (
        ("s47", 10), ("s17", 60), ("early_help", 15), ("nfa", 4), ("advice", 6),
        ("other_service", 5),
    ),
    Rating.GREEN: (
        ("s47", 2), ("s17", 40), ("early_help", 25), ("nfa", 12), ("advice", 16),
        ("other_service", 5),
    ),
    Rating.BLUE: (("s17", 5), ("early_help", 30), ("nfa", 30), ("advice", 30),
                  ("other_service", 5)),
}  # fmt: skip
#: Agencies asked, by weight (education mostly for school-age children).
AGENCY_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("police", 10.0),
    ("health", 8.0),
    ("education", 7.0),
    ("domestic_abuse", 2.5),
    ("early_help", 2.0),
    ("housing", 1.5),
    ("probation", 1.5),
    ("youth_offending", 1.5),
)
#: Age of the (eldest) child named in a contact, in whole years.
AGE_WEIGHTS: tuple[tuple[int, float], ...] = tuple(
    (age, 9.0 if age == 0 else 4.5 if age < 5 else 5.0 if age < 10 else 6.0 if age < 16 else 5.0)
    for age in range(18)
)
QUOTA_KEYS = (
    "screening",
    "enquiry RED",
    "enquiry AMBER",
    "enquiry GREEN",
    "enquiry BLUE",
    "request police",
    "request health",
    "request education",
    "signoff",
    "acceptance",
    "visit",
)

P_REPEAT = 0.22  # a contact about a family contacted in the last 12 months
P_RERATE = 0.092  # of Red/Amber/Green enquiries (about 8% of all enquiries)
P_NOT_SHARED = 0.08
P_RETURN = 0.05
P_LIVED_EXPERIENCE = 0.75
P_QUOTA_STALL = 0.3
P_STARVED_STALL = 0.85
TOP_UP_PROBES = 16
LATE_STAGES = ("signoff", "acceptance", "visit")
#: How managers review a decision: most agree; some send it back, a few replace it.
REVIEW_WEIGHTS = (("agree", 0.91), ("send_back", 0.06), ("replace", 0.03))
LATE = {
    "screening": 0.07,
    "request": 0.05,
    "decision": 0.04,
    "signoff": 0.07,
    "acceptance": 0.07,
    "visit": 0.09,
}


# ---------------------------------------------------------------- summary


@dataclass
class GenerationSummary:
    """What was generated. Two runs with the same inputs compare equal (``seconds`` aside)."""

    seed: int
    now: str
    years: float
    contacts_per_year: int
    contacts: int = 0
    child_contacts: int = 0
    children: int = 0
    recontacts_within_12_months: int = 0
    referrals: int = 0
    enquiries: int = 0
    re_ratings: int = 0
    partner_requests: int = 0
    requests_answered: int = 0
    requests_not_shared: int = 0
    lived_experiences: int = 0
    decisions: int = 0
    sign_offs: int = 0
    sent_back: int = 0
    replaced: int = 0
    transfers: int = 0
    transfers_returned: int = 0
    transfers_accepted: int = 0
    visits: int = 0
    submissions: int = 0
    documents: int = 0
    emails: int = 0
    drafts: int = 0
    alerts: int = 0
    duplicates_seeded: int = 0
    duplicates_proposed: int = 0
    duplicates_merged: int = 0
    #: Work after the front door, by area: {"strategy": {"discussions": n, ...}, ...}
    after_front_door: dict[str, dict[str, int]] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
    screening_outcomes: dict[str, int] = field(default_factory=dict)
    ratings: dict[str, int] = field(default_factory=dict)
    decision_outcomes: dict[str, int] = field(default_factory=dict)
    #: Completed clocks: {"screening": {"met": n, "met_late": m}, ...}
    clocks: dict[str, dict[str, int]] = field(default_factory=dict)
    #: Open work at ``now`` by stage and clock state: {"enquiry RED": {"overdue": n}, ...}
    in_flight: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: float = field(default=0.0, compare=False)
    #: Plain partner API tokens issued for this history (shown once; never stored).
    tokens: dict[str, str] = field(default_factory=dict, compare=False, repr=False)

    @property
    def children_per_contact(self) -> float:
        return self.child_contacts / self.contacts if self.contacts else 0.0

    @property
    def recontact_rate(self) -> float:
        """Share of child-contacts about a child already contacted in the last 12 months."""
        return (
            self.recontacts_within_12_months / self.child_contacts if self.child_contacts else 0.0
        )

    def in_flight_total(self) -> int:
        return sum(sum(states.values()) for states in self.in_flight.values())

    def lines(self) -> list[str]:
        """A human-readable report."""

        def pct(counts: dict[str, int]) -> str:
            total = sum(counts.values()) or 1
            return ", ".join(
                f"{k} {v} ({100 * v / total:.0f}%)"
                for k, v in sorted(counts.items(), key=lambda kv: -kv[1])
            )

        out = [
            f"Generated {self.years:g} years to {self.now} (seed {self.seed}) "
            f"in {self.seconds:.1f} s",
            f"  contacts {self.contacts}, child contacts {self.child_contacts} "
            f"({self.children_per_contact:.2f} per contact), children {self.children}, "
            f"re-contacted within 12 months {100 * self.recontact_rate:.1f}%",
            f"  referrals {self.referrals}, MASH enquiries {self.enquiries}, "
            f"re-ratings {self.re_ratings}",
            f"  partner requests {self.partner_requests} (answered {self.requests_answered}, "
            f"not shared {self.requests_not_shared}), lived experience {self.lived_experiences}",
            f"  decisions {self.decisions}, signed off {self.sign_offs}, transfers "
            f"{self.transfers} (returned {self.transfers_returned}, accepted "
            f"{self.transfers_accepted}), first visits {self.visits}",
            f"  online and partner API referrals {self.submissions} (with documents "
            f"{self.documents}), drafts in progress {self.drafts}, reconciliation alerts "
            f"{self.alerts}, emails {self.emails}",
            f"  duplicate child records seeded {self.duplicates_seeded}, proposed as likely "
            f"duplicates {self.duplicates_proposed}, merged {self.duplicates_merged} "
            "(and one merge undone)",
            *(
                f"  {area}: " + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in counts.items())
                for area, counts in self.after_front_door.items()
            ),
            f"  sources: {pct(self.sources)}",
            f"  screening: {pct(self.screening_outcomes)}",
            f"  ratings: {pct(self.ratings)}",
            f"  decisions: {pct(self.decision_outcomes)}",
            "  clocks met / late: "
            + ", ".join(
                f"{k} {v.get('met', 0)}/{v.get('met_late', 0)}" for k, v in self.clocks.items()
            ),
            f"  in flight at now ({self.in_flight_total()} items):",
        ]
        for key in sorted(self.in_flight):
            states = ", ".join(f"{s} {n}" for s, n in sorted(self.in_flight[key].items()))
            out.append(f"    {key}: {states}")
        return out


# ---------------------------------------------------------------- internal records


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


#: Why a generated decision is lower than the repeat rule proposes (the plans are drawn before
#: the history is known, so some repeat children are rated lower than proposed).
REPEAT_REASONS = {
    "screening": "Earlier contacts were about different, resolved concerns; this one does not "
    "add to the risk.",
    "rating": "Partner information answers the repeat concern: the lower rating is proportionate.",
}


class _Stop(Exception):
    """The journey stops here: the next step has not happened by ``now``."""


def _weighted(rng: Random, pairs: Sequence[tuple[Any, float]]) -> Any:
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, weight in pairs:
        x -= weight
        if x < 0:
            return value
    return pairs[-1][0]


def _sec(value: datetime) -> datetime:
    return value.replace(microsecond=0)


# ---------------------------------------------------------------- the generator


class _Generator:
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

    # ------------------------------------------------------------ arrivals

    def _day_weights(self) -> tuple[list[date], dict[str, list[float]]]:
        first = self.start.astimezone(LONDON).date()
        last = self.now.astimezone(LONDON).date()
        days = [first + timedelta(days=i) for i in range((last - first).days + 1)]
        cum: dict[str, list[float]] = {"police": [], "school": [], "default": []}
        totals = dict.fromkeys(cum, 0.0)
        for d in days:
            working = self.cal.is_working_day(d)
            christmas = (d.month == 12 and d.day >= 22) or (d.month == 1 and d.day <= 3)
            summer = d.month == 8 or (d.month == 7 and d.day >= 23)
            weights = {
                "police": 1.15 if d.weekday() >= 5 else 1.0,
                "school": (0.03 if not working else 0.12 if summer else 0.1 if christmas else 1.0),
                "default": (1.0 if working else 0.2) * (0.6 if christmas else 1.0),
            }
            for key, weight in weights.items():
                totals[key] += weight
                cum[key].append(totals[key])
        return days, cum

    def _arrivals(self) -> list[tuple[datetime, str, str]]:
        rng = self.rng
        days, cum = self._day_weights()
        sources = [(code, weight) for code, weight, _ in SOURCES]
        category = {code: cat for code, _, cat in SOURCES}
        arrivals: list[tuple[datetime, str, str]] = []
        for _ in range(self.count):
            code = _weighted(rng, sources)
            cat = category[code]
            key = cat if cat in ("police", "school") else "default"
            for _attempt in range(20):
                d = rng.choices(days, cum_weights=cum[key])[0]
                at = self._time_of_day(d, cat)
                if self.start <= at < self.now:
                    break
            else:
                at = self.now - timedelta(minutes=rng.uniform(30, 600))
            arrivals.append((at, code, cat))
        arrivals.sort(key=lambda item: item[0])
        return arrivals

    def _time_of_day(self, d: date, cat: str) -> datetime:
        rng = self.rng
        if cat == "police":
            hour = _weighted(rng, list(enumerate(POLICE_HOURS)))
        elif not self.cal.is_working_day(d):
            hour = rng.randint(9, 20)
        else:
            x = rng.random()
            evening, night = (0.03, 0.01) if cat == "school" else (0.09, 0.03)
            if x < night:
                hour = rng.choice((22, 23, 0, 1, 2, 3, 4, 5, 6, 7))
            elif x < night + evening:
                hour = rng.randint(18, 21)
            else:
                hour = 8 + _weighted(rng, list(enumerate(DAY_HOURS)))
        local = datetime.combine(d, time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        return local.replace(tzinfo=LONDON).astimezone(UTC)

    # ------------------------------------------------------------ time helpers

    def _after(self, j: _Journey, prev: datetime, minutes: float, continuous: bool) -> datetime:
        """A step ``minutes`` after ``prev``: in working time, or real time if continuous."""
        if continuous:
            t = prev + timedelta(minutes=minutes)
        else:
            t = self.cal.add_working_hours(prev, timedelta(minutes=minutes))
        return self._fix(j, prev, t)

    def _fix(self, j: _Journey, prev: datetime, t: datetime) -> datetime:
        t = _sec(t)
        if t <= prev:
            t = prev + timedelta(seconds=self.rng.randint(30, 300))
        if j.old and t > self.limit:
            # Historic journeys finish before now: squeeze the remaining steps in.
            t = _sec(prev + (self.limit - prev) * self.rng.uniform(0.2, 0.6))
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

    # ------------------------------------------------------------ people

    def _new_child(self, sex: str, age_days: int | None, on: date) -> _Child:
        rng = self.rng
        self.child_keys += 1
        first = rng.choice(texts.BOYS if sex == Sex.MALE else texts.GIRLS)
        if age_days is None:
            edd = on + timedelta(days=rng.randint(20, 150))
            return _Child(self.child_keys, "", Sex.UNKNOWN, None, expected_date_of_birth=edd)
        return _Child(self.child_keys, first, sex, on - timedelta(days=age_days))

    def _new_family(self, on: date, *, school_age: bool = False, min_age: int = 0) -> _Family:
        rng = self.rng
        surname = rng.choice(texts.SURNAMES)
        postcode = f"DC{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        postcode += rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        address = f"{rng.randint(1, 180)} {rng.choice(texts.STREETS)}"
        if school_age:
            days = rng.randint(7, 13) * 365 + rng.randint(0, 364)
            child = self._new_child(rng.choice((Sex.MALE, Sex.FEMALE)), days, on)
            return _Family(surname, postcode, address, [child])
        if not min_age and rng.random() < 0.02:  # pre-birth
            return _Family(surname, postcode, address, [self._new_child(Sex.UNKNOWN, None, on)])
        n = _weighted(rng, ((1, 0.905), (2, 0.075), (3, 0.02)))
        age = _weighted(rng, [(a, w) for a, w in AGE_WEIGHTS if a >= min_age])
        children = []
        for i in range(n):
            years_old = max(0, age - 2 * i - rng.randint(0, 2)) if i else age
            days = years_old * 365 + rng.randint(0, 364) if years_old else rng.randint(7, 360)
            children.append(self._new_child(rng.choice((Sex.MALE, Sex.FEMALE)), days, on))
        return _Family(surname, postcode, address, children)

    def _repeat_family(self, at: datetime) -> _Family | None:
        lo = bisect.bisect_left(self.recent_times, at - timedelta(days=365))
        if lo >= len(self.recent):
            return None
        for _attempt in range(6):
            _when, index = self.recent[self.rng.randrange(lo, len(self.recent))]
            family = self.families[index]
            if family.repeatable and family.busy_until < at:
                return family
        return None

    # ------------------------------------------------------------ contacts

    def run(self) -> GenerationSummary:
        started = time_module.perf_counter()
        arrivals = self._arrivals()
        mark = len(connection.run_on_commit)
        step = max(1, len(arrivals) // 20)
        for index, (received_at, source, cat) in enumerate(arrivals):
            self._contact(received_at, source, cat)
            if index % 200 == 0:
                del connection.run_on_commit[mark:]  # see the module docstring
            if self.progress and index and index % step == 0:
                elapsed = time_module.perf_counter() - started
                self.progress(
                    f"{index}/{len(arrivals)} contacts ({100 * index // len(arrivals)}%), "
                    f"{elapsed:.0f} s"
                )
        self._top_up()
        del connection.run_on_commit[mark:]
        self.summary.emails = self.intake.deliver_history()
        self.summary.drafts = demo_drafts_ensure(now=self.now)
        self.summary.alerts = len(reconciliation_alerts_raise(now=self.now))
        review = demo_duplicates_review(now=self.now, reviewer=self.mash_managers[0])
        self.summary.duplicates_proposed = review.proposed
        self.summary.duplicates_merged = review.merged - review.undone
        if self.progress:
            self.progress("strategy discussions, assessments, supervision and escalations")
        self.summary.after_front_door = demo_after_front_door(now=self.now, seed=self.summary.seed)
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
        received = _sec(self.now - offset)
        if received < self.start:
            return ""
        saved = self._snapshot()
        self.target_state = ""
        code = _weighted(self.rng, [(c, w) for c, w, _ in SOURCES])
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

    def _plans(self, family: _Family) -> list[_Plan]:
        rng = self.rng
        plans: list[_Plan] = []
        for child in family.children:
            if child.allocated:
                plans.append(_Plan(ScreeningOutcome.ALLOCATED_WORKER))
                continue
            sibling = next(
                (p for p in plans if p.outcome != ScreeningOutcome.ALLOCATED_WORKER), None
            )
            if sibling is not None and rng.random() < 0.85:
                plans.append(_Plan(sibling.outcome, sibling.rating))
                continue
            outcome = _weighted(rng, SCREENING_WEIGHTS)
            rating = (
                _weighted(rng, RATING_WEIGHTS) if outcome == ScreeningOutcome.MASH_ENQUIRY else ""
            )
            plans.append(_Plan(outcome, rating))
        return plans

    def _referrer(self, source: str, cat: str) -> dict[str, str]:
        rng = self.rng
        first, last = rng.choice(texts.ADULT_FIRST), rng.choice(texts.SURNAMES)
        name = f"{first} {last}"
        phone = f"01632 960{rng.randint(0, 999):03d}"
        mobile = f"07700 900{rng.randint(0, 999):03d}"
        if cat == "police":
            role, agency = rng.choice(("PC", "DC", "Sergeant")), "Demo Constabulary"
            name = f"{role} {last} {rng.randint(1000, 9999)}"
            role = "Police officer"
        elif cat == "school":
            role = rng.choice(("Designated safeguarding lead", "Deputy DSL", "Head teacher"))
            agency = rng.choice(texts.SCHOOLS)
            if source == "2B":
                role, agency = "Education welfare officer", "Education Welfare Service"
        elif cat == "health":
            options = [h for h in texts.HEALTH_SETTINGS if h[0] == source] or [
                texts.HEALTH_SETTINGS[0]
            ]
            _code, role, agency = rng.choice(options)
        elif cat == "la":
            role, agency = texts.LA_REFERRERS[source]
        elif cat == "housing":
            role, agency = "Housing officer", "Demo City Housing"
        elif cat == "legal":
            role, agency = rng.choice(texts.LEGAL_REFERRERS)
        elif cat == "other":
            role, agency = rng.choice(texts.OTHER_REFERRERS)
        elif source == "1C":
            return {"referrer_role": "Child (self-referral)"}
        elif cat == "individual":
            role, agency = rng.choice(texts.INDIVIDUAL_ROLES[source]), ""
            return {"referrer_name": name, "referrer_role": role, "referrer_phone": mobile}
        elif cat == "anonymous":
            return {"referrer_role": "Anonymous"}
        else:
            return {"referrer_name": name}
        slug = "".join(ch for ch in agency.lower() if ch.isalnum())[:20] or "partner"
        return {
            "referrer_name": name,
            "referrer_role": role,
            "referrer_agency": agency,
            "referrer_phone": phone,
            "referrer_email": f"{first}.{last}@{slug}.example.org".lower().replace("'", ""),
        }

    def _consent(self, cat: str, immediate: bool) -> dict[str, str]:
        rng = self.rng
        if immediate or cat in ("police", "anonymous", "unknown"):
            status = _weighted(
                rng,
                ((ConsentStatus.NOT_SOUGHT, 0.75), (ConsentStatus.ASKED_NO_ANSWER, 0.15),
                 (ConsentStatus.GIVEN, 0.10)),
            )  # fmt: skip
        elif cat == "individual":
            status = _weighted(rng, ((ConsentStatus.GIVEN, 0.3), (ConsentStatus.NOT_SOUGHT, 0.7)))
        else:
            status = _weighted(
                rng,
                ((ConsentStatus.GIVEN, 0.6), (ConsentStatus.ASKED_NO_ANSWER, 0.1),
                 (ConsentStatus.REFUSED, 0.08), (ConsentStatus.NOT_SOUGHT, 0.22)),
            )  # fmt: skip
        out = {"consent_status": str(status)}
        if status in (ConsentStatus.REFUSED, ConsentStatus.NOT_SOUGHT):
            out["consent_reason"] = rng.choice(texts.CONSENT_REASONS[str(status)])
        if status == ConsentStatus.GIVEN:
            basis = LawfulBasis.CONSENT if rng.random() < 0.25 else LawfulBasis.PUBLIC_TASK
        else:
            out["sharing_override_reason"] = rng.choice(texts.OVERRIDE_REASONS)
            basis = _weighted(
                rng,
                ((LawfulBasis.VITAL_INTERESTS, 0.5 if immediate else 0.06),
                 (LawfulBasis.LEGAL_OBLIGATION, 0.12), (LawfulBasis.PUBLIC_TASK, 0.82)),
            )  # fmt: skip
        out["lawful_basis"] = str(basis)
        return out

    def _concern(self, cat: str, family: _Family) -> str:
        rng = self.rng
        child = family.children[0]
        if child.date_of_birth is None:
            return texts.UNBORN_CONCERN.format(weeks=rng.randint(16, 36))
        key = {"unknown": "individual"}.get(cat, cat)
        template = rng.choice(texts.CONCERNS[key])
        names = " and ".join(c.first_name for c in family.children)
        return template.format(
            name=names,
            dash=rng.choice(("standard", "medium", "high")),
            attendance=rng.randint(62, 88),
        )

    def _contact(self, received_at: datetime, source: str, cat: str, target: str = "") -> None:
        rng = self.rng
        channel = _weighted(rng, CHANNELS.get(cat, CHANNELS["default"]))
        on = self.cal.local_date(received_at)
        family = None
        if not target and rng.random() < P_REPEAT:
            family = self._repeat_family(received_at)
        repeat = family is not None
        if family is None:
            family = self._new_family(
                on, school_age=bool(target), min_age=4 if cat == "school" else 0
            )
        if target:
            rating = target.split()[1] if target.startswith("enquiry ") else Rating.AMBER
            plans = [_Plan(ScreeningOutcome.MASH_ENQUIRY, rating)]
        else:
            plans = self._plans(family)
        immediate = any(p.outcome == ScreeningOutcome.STRATEGY_DISCUSSION for p in plans) or (
            any(p.rating == Rating.RED for p in plans) and rng.random() < 0.5
        )
        officer = rng.choice(self.contact_officers)
        inside = self.cal.office_interval(on)
        in_hours = inside is not None and inside[0] <= received_at < inside[1]
        delay = rng.uniform(3, 40) if in_hours else rng.uniform(5, 75)
        recorded = _sec(
            received_at + timedelta(minutes=delay)
            if in_hours
            else self.cal.add_working_hours(received_at, timedelta(minutes=delay))
        )
        if target and recorded > self.limit:
            recorded = _sec(received_at + (self.limit - received_at) * 0.3)
        if recorded > self.now:
            return  # not logged yet
        concern = self._concern(cat, family)
        consent = self._consent(cat, immediate)
        referrer = self._referrer(source, cat)
        if not repeat and channel in (Channel.ONLINE_FORM, Channel.PARTNER_API):
            contact = self._received(
                received_at, channel, source, cat, family, concern, immediate, consent, referrer
            )
            recorded = received_at
        else:
            contact = self._recorded(
                received_at, channel, source, family, concern, immediate, consent, referrer,
                repeat, officer, recorded,
            )  # fmt: skip
        self.due_soon_fraction = contact.policy.due_soon_fraction
        links_qs = ContactChild.objects.filter(contact=contact).order_by("id")
        links = list(links_qs if repeat else links_qs.select_related("child"))
        if not repeat:
            family.persons = [link.child for link in links]
            family.index = len(self.families)
            self.families.append(family)
        s = self.summary
        s.contacts += 1
        s.child_contacts += len(links)
        self.sources[source] += 1
        old = received_at < self.cutoff or bool(target)
        busy = received_at
        for link, child, plan in zip(links, family.children, plans, strict=True):
            if child.last_contact is not None and received_at - child.last_contact <= timedelta(
                days=365
            ):
                s.recontacts_within_12_months += 1
            child.last_contact = received_at
            j = _Journey(received_at, old, child, family, concern, recorded, target=target)
            self._child(j, link, plan, contact)
            busy = NEVER if (j.in_flight or busy == NEVER) else max(busy, j.last)
        family.busy_until = busy
        self.recent.append((received_at, family.index))
        self.recent_times.append(received_at)

    def _recorded(
        self,
        received_at: datetime,
        channel: str,
        source: str,
        family: _Family,
        concern: str,
        immediate: bool,
        consent: dict[str, str],
        referrer: dict[str, str],
        repeat: bool,
        officer: User,
        recorded: datetime,
    ) -> Contact:
        """A contact a contact centre officer records (phone, email, police notification)."""
        children: list[ChildDetails | Person]
        duplicate: int | None = None
        if repeat:
            children = list(family.persons)
            # Not a child with an open case: their contact goes to the allocated worker.
            born = [
                i
                for i, p in enumerate(children)
                if p.date_of_birth is not None and not family.children[i].allocated
            ]
            if born and self.duplicate_rng.random() < P_DUPLICATE:
                # Recorded again as if new, under a slightly different name or date.
                i = duplicate = born[0]
                children[i] = duplicate_details(
                    family.persons[i],
                    postcode=family.postcode,
                    address=family.address,
                    rng=self.duplicate_rng,
                )
                self.summary.duplicates_seeded += 1
        else:
            children = [
                ChildDetails(
                    first_name=c.first_name,
                    last_name=family.surname if c.date_of_birth else "",
                    date_of_birth=c.date_of_birth,
                    expected_date_of_birth=c.expected_date_of_birth,
                    sex=c.sex,
                    postcode=family.postcode,
                    address_line_1=family.address,
                )
                for c in family.children
            ]
        contact = contact_record(
            received_at=received_at,
            channel=channel,
            source=source,
            concern=concern,
            immediate_risk=immediate,
            children=children,
            by=officer,
            at=recorded,
            **consent,
            **referrer,
        )
        if duplicate is not None:
            # The family is known through the new record from now on (until someone merges
            # the two), so its journey, an allocated worker say, and its next contacts agree.
            links = ContactChild.objects.filter(contact=contact).order_by("id")
            family.persons[duplicate] = links[duplicate].child
        return contact

    def _received(
        self,
        received_at: datetime,
        channel: str,
        source: str,
        cat: str,
        family: _Family,
        concern: str,
        immediate: bool,
        consent: dict[str, str],
        referrer: dict[str, str],
    ) -> Contact:
        """A referral sent from outside: through the online form or a partner's system."""
        children = [
            {
                "first_name": c.first_name,
                "last_name": family.surname if c.date_of_birth else "",
                "date_of_birth": c.date_of_birth,
                "expected_date_of_birth": c.expected_date_of_birth,
                "sex": c.sex,
                "postcode": family.postcode,
                "address_line_1": family.address,
            }
            for c in family.children
        ]
        referral = referral_for(
            cat=cat,
            source=source,
            referrer=referrer,
            consent=consent,
            concern=concern,
            immediate=immediate,
            children=children,
            reference=f"CCN-{self.rng.randint(100000, 999999)}" if cat == "police" else "",
            surname=family.surname,
            rng=self.intake.rng,
        )
        agency = {"police": "police", "health": "health"}.get(cat, "")
        received = self.intake.receive(
            referral=referral, channel=channel, agency_code=agency, at=received_at
        )
        contact = received.submission.contact
        assert contact is not None, received.submission.conversion_error
        return contact

    # ------------------------------------------------------------ one child's journey

    def _child(self, j: _Journey, link: ContactChild, plan: _Plan, contact: Contact) -> None:
        try:
            self._screen(j, link, plan, contact)
        except _Stop:
            j.in_flight = True

    def _screen(self, j: _Journey, link: ContactChild, plan: _Plan, contact: Contact) -> None:
        rng = self.rng
        urgent = plan.outcome == ScreeningOutcome.STRATEGY_DISCUSSION or plan.rating == Rating.RED
        due = link.screening_due_at
        t = self._plan(
            j,
            start=contact.received_at,
            due=due,
            prev=j.last,
            # An immediate-risk contact's clock is hours that run out of hours too.
            continuous=contact.immediate_risk,
            late_p=0.02 if urgent else LATE["screening"],
            urgency=0.15 if urgent else 1.0,
        )
        if self._holds(j, t, "screening", contact.received_at, due):
            raise _Stop
        screener = rng.choice(self.mash_workers + self.mash_managers[:1])
        link = contact_screen(
            contact_child=link,
            outcome=plan.outcome,
            rationale=rng.choice(texts.SCREENING_RATIONALES[plan.outcome]),
            by=screener,
            rating=plan.rating,
            repeat_reason=REPEAT_REASONS["screening"],  # recorded only when below the proposal
            at=t,
        )
        self._met("screening", t, due)
        self.screening[plan.outcome] += 1
        if plan.outcome not in (
            ScreeningOutcome.MASH_ENQUIRY,
            ScreeningOutcome.STRATEGY_DISCUSSION,
        ):
            return
        self.summary.referrals += 1
        referral = link.referral
        if plan.outcome == ScreeningOutcome.STRATEGY_DISCUSSION:
            self.summary.transfers += 1
            transfer = Transfer.objects.get(referral=referral)
            self._transfer(j, transfer, referral, "s47", Rating.RED, screener)
            return
        enquiry = referral.enquiry
        self.summary.enquiries += 1
        self.ratings[plan.rating] += 1
        self._enquiry(j, enquiry, referral)

    # ------------------------------------------------------------ MASH enquiry

    def _agencies(self, child: _Child) -> list[str]:
        rng = self.rng
        age = None
        if child.date_of_birth is not None:
            age = (self.cal.local_date(self.now) - child.date_of_birth).days // 365
        weights = []
        for code, weight in AGENCY_WEIGHTS:
            if code == "education" and (age is None or age < 4):
                weight = 0.8
            if code == "youth_offending" and (age is None or age < 10):
                weight = 0.1
            if code in self.agencies:
                weights.append((code, weight))
        k = _weighted(rng, ((2, 0.3), (3, 0.45), (4, 0.25)))
        chosen: list[str] = []
        while weights and len(chosen) < k:
            code = _weighted(rng, weights)
            chosen.append(code)
            weights = [(c, w) for c, w in weights if c != code]
        return chosen

    def _enquiry(self, j: _Journey, enquiry: Enquiry, referral: Referral) -> None:
        rng = self.rng
        s = self.summary
        rating = j.rating = enquiry.rating
        entered = enquiry.entered_at
        due = j.due = enquiry.due_at
        manager = rng.choice(self.mash_managers)
        worker = rng.choice(self.mash_workers)
        cont = rating == Rating.RED
        alloc_at = self._after(j, entered, rng.uniform(5, 45) * (0.4 if cont else 1), cont)
        open_requests: list[PartnerRequest] = []
        decided = False
        try:
            if alloc_at > self.now:
                raise _Stop
            last = alloc_at
            if rating != Rating.BLUE:
                codes = self._agencies(j.child)
                if j.target.startswith("request "):
                    forced = j.target.split()[1]
                    codes = [forced, *(c for c in codes if c != forced)][:4]
                for code in codes:
                    t = self._after(j, last, rng.uniform(2, 15), cont)
                    if t > self.now:
                        for request in open_requests:  # sent, not yet answered
                            code_sent = self.agency_codes[request.agency_id]
                            self._record(j, f"request {code_sent}", request.sent_at, request.due_at)
                        raise _Stop
                    request = request_send(
                        enquiry=enquiry, agency=self.agencies[code], by=worker, at=t
                    )
                    s.partner_requests += 1
                    open_requests.append(request)
                    last = t
            rating, due, last = self._answers(j, enquiry, open_requests, rating, due, last, manager)
            cont = rating == Rating.RED
            if rng.random() < P_LIVED_EXPERIENCE:
                t = self._after(j, last, rng.uniform(10, 90) * (0.3 if cont else 1), cont)
                if t > self.now:
                    raise _Stop
                enquiry_record_lived_experience(
                    enquiry=enquiry,
                    text=rng.choice(texts.LIVED_EXPERIENCE).format(
                        first=j.child.first_name or "Baby"
                    ),
                    by=worker,
                    at=t,
                )
                s.lived_experiences += 1
                last = t
            minutes = rng.uniform(10, 120) * (0.25 if cont else 1)
            late = not j.target and rng.random() < LATE["decision"]
            if late:
                minutes += rng.uniform(4, 20) * 60
            t = self._after(j, last, minutes, cont)
            if due is not None and not late and last < due < t:
                # Once the answers are in, most decisions are made in time.
                t = self._between(j, last, due, cont)
            if self._holds(j, t, f"enquiry {rating}", entered, due):
                decided = True  # recorded by _holds
                raise _Stop
            author = worker if rng.random() < 0.95 else manager
            outcome = _weighted(rng, DECISION_WEIGHTS[rating])
            if j.target in LATE_STAGES:
                outcome = "s17"
            decision = decision_record(
                enquiry=enquiry,
                outcome=outcome,
                rationale=rng.choice(texts.DECISION_RATIONALES[outcome]),
                referrer_feedback=texts.REFERRER_FEEDBACK[outcome],
                by=author,
                at=t,
            )
            self._allocate(enquiry, worker, manager, alloc_at)
            s.decisions += 1
            self.decisions[outcome] += 1
            self._met("enquiry", t, due)
        except _Stop:
            if alloc_at <= self.now:
                if self.lead_counts["enquiries"] < 3 or rng.random() < 0.2:
                    worker = self.lead_worker
                    self.lead_counts["enquiries"] += 1
                self._allocate(enquiry, worker, manager, alloc_at)
            if not decided:
                self._record(j, f"enquiry {j.rating}", entered, j.due)
            raise
        self._sign_off(j, decision, referral, rating, author, manager)

    def _answers(
        self,
        j: _Journey,
        enquiry: Enquiry,
        requests: list[PartnerRequest],
        rating: str,
        due: datetime | None,
        last: datetime,
        manager: User,
    ) -> tuple[str, datetime | None, datetime]:
        """Partners answer (and the manager may re-rate); returns the rating, due and time."""
        rng = self.rng
        s = self.summary
        cont = rating == Rating.RED

        def plan(request: PartnerRequest, prev: datetime) -> datetime:
            return self._plan(
                j,
                start=request.sent_at,
                due=request.due_at,
                prev=prev,
                continuous=cont,
                late_p=LATE["request"],
                min_gap=10,
            )

        pending = sorted(((plan(r, r.sent_at), i, r) for i, r in enumerate(requests)))
        new_rating = ""
        rerate_at: datetime | None = None
        if requests and rating != Rating.BLUE and not j.target and rng.random() < P_RERATE:
            moves = texts.RATING_MOVES[rating]
            new_rating = _weighted(rng, moves)
            rerate_at = self._after(j, pending[0][0], rng.uniform(10, 60), cont)
        held = False
        while pending:
            t, i, request = pending.pop(0)
            if rerate_at is not None and t > rerate_at:
                if rerate_at > self.now:
                    pending.insert(0, (t, i, request))
                    break
                rating, due = self._rerate(j, enquiry, rating, new_rating, rerate_at, manager)
                cont = rating == Rating.RED
                remaining = [request] + [r for _t, _i, r in pending]
                fresh = PartnerRequest.objects.in_bulk([r.pk for r in remaining])
                pending = sorted(
                    (plan(fresh[r.pk], rerate_at), n, fresh[r.pk]) for n, r in enumerate(remaining)
                )
                last = max(last, rerate_at)
                rerate_at = None
                continue
            code = self.agency_codes[request.agency_id]
            if self._holds(j, t, f"request {code}", request.sent_at, request.due_at):
                held = True
                rerate_at = None  # no re-rating while waiting (it would move this deadline)
                continue
            shared = rng.random() >= P_NOT_SHARED
            answerer = rng.choice(self.partners[code])
            if shared:
                response = rng.choice(texts.PARTNER_RESPONSES[code]).format(
                    school=rng.choice(texts.SCHOOLS), attendance=rng.randint(70, 97)
                )
                request_answer(request=request, shared=True, response=response, by=answerer, at=t)
            else:
                request_answer(
                    request=request,
                    shared=False,
                    not_shared_reason=rng.choice(texts.NOT_SHARED_REASONS),
                    by=answerer,
                    at=t,
                )
                s.requests_not_shared += 1
            s.requests_answered += 1
            self._met("request", t, request.due_at)
            last = max(last, t)
        for _t, _i, request in pending:  # not answered before a re-rating that is still to come
            self._record(j, f"request {self.agency_codes[request.agency_id]}", request.sent_at,
                         request.due_at)  # fmt: skip
            held = True
        if held:
            raise _Stop
        if rerate_at is not None:
            at = max(rerate_at, self._after(j, last, rng.uniform(5, 30), cont))
            if at > self.now:
                raise _Stop
            rating, due = self._rerate(j, enquiry, rating, new_rating, at, manager)
            last = at
        return rating, due, last

    def _rerate(
        self, j: _Journey, enquiry: Enquiry, old: str, new: str, at: datetime, manager: User
    ) -> tuple[str, datetime | None]:
        reasons = texts.RATING_REASONS[(old, new)]
        updated = enquiry_rate(
            enquiry=enquiry,
            rating=new,
            reason=self.rng.choice(reasons),
            repeat_reason=REPEAT_REASONS["rating"],  # recorded only when below the proposal
            by=manager,
            at=at,
        )
        self.summary.re_ratings += 1
        j.last = max(j.last, at)
        j.rating, j.due = new, updated.due_at
        return new, updated.due_at

    # ------------------------------------------------------------ decision and after

    def _sign_off(
        self,
        j: _Journey,
        decision: Decision,
        referral: Referral,
        rating: str,
        author: User,
        manager: User,
    ) -> None:
        rng = self.rng
        cont = rating == Rating.RED
        due = decision.signoff_due_at
        t = self._plan(
            j,
            start=decision.recorded_at,
            due=due,
            prev=decision.recorded_at,
            continuous=cont,
            late_p=LATE["signoff"],
        )
        if self._holds(j, t, "signoff", decision.recorded_at, due):
            raise _Stop
        signer = manager
        if signer.pk == author.pk:
            signer = next(m for m in self.mash_managers if m.pk != author.pk)
        review = "agree" if j.target else _weighted(rng, REVIEW_WEIGHTS)
        if review != "agree":
            decision, t = self._disagree(j, decision, review, signer, rating, t)
            signer = next(m for m in self.mash_managers if m.pk != decision.recorded_by_id)
            due = decision.signoff_due_at
        decision_sign_off(decision=decision, oversight=rng.choice(texts.OVERSIGHT), by=signer, at=t)
        self.summary.sign_offs += 1
        self._met("signoff", t, due)
        if decision.outcome not in TRANSFER_OUTCOMES:
            return
        requested = self._after(j, t, rng.uniform(10, 120) * (0.25 if cont else 1), cont)
        if requested > self.now:
            decision.refresh_from_db()
            self._record(j, "to_transfer", t, decision.transfer_due_at)
            raise _Stop
        requester = rng.choice(self.mash_workers)
        transfer = transfer_request(
            referral=referral,
            route=decision.outcome,
            rating=rating,
            summary=self._summary_text(j, decision.outcome, rating),
            by=requester,
            at=requested,
        )
        self.summary.transfers += 1
        self._transfer(j, transfer, referral, decision.outcome, rating, requester)

    def _disagree(
        self, j: _Journey, decision: Decision, review: str, manager: User, rating: str, t: datetime
    ) -> tuple[Decision, datetime]:
        """A manager who disagrees: sends the decision back (the worker decides again) or
        replaces it with their own. Returns the decision now awaiting sign-off and when it is
        signed off; raises _Stop when that is after ``now``."""
        rng = self.rng
        cont = rating == Rating.RED
        outcomes = [o for o, _w in DECISION_WEIGHTS[rating] if o != decision.outcome]
        outcome = rng.choice(outcomes or [decision.outcome])
        if review == "send_back":
            mash_services.decision_send_back(
                decision=decision,
                reasons=rng.choice(texts.SEND_BACK_REASONS),
                by=manager,
                at=t,
            )
            self.summary.sent_back += 1
            again = self._after(j, t, rng.uniform(30, 300) * (0.25 if cont else 1), cont)
            if again > self.now:
                # The enquiry is open again, waiting for the worker to decide again.
                enquiry = decision.enquiry
                self._record(j, f"enquiry {enquiry.rating}", enquiry.entered_at, enquiry.due_at)
                raise _Stop
            decision = decision_record(
                enquiry=decision.enquiry,
                outcome=outcome,
                rationale=rng.choice(texts.DECISION_RATIONALES[outcome]),
                referrer_feedback=texts.REFERRER_FEEDBACK[outcome],
                by=decision.recorded_by,
                at=again,
            )
            self.decisions[outcome] += 1
            self.summary.decisions += 1
            t = again
        else:
            decision = mash_services.decision_replace(
                decision=decision,
                outcome=outcome,
                rationale=rng.choice(texts.DECISION_RATIONALES[outcome]),
                referrer_feedback=texts.REFERRER_FEEDBACK[outcome],
                by=manager,
                at=t,
            )
            self.summary.replaced += 1
            self.summary.decisions += 1
            self.decisions[outcome] += 1
        signed = self._after(j, t, rng.uniform(15, 180) * (0.25 if cont else 1), cont)
        if signed > self.now:
            self._record(j, "signoff", decision.recorded_at, decision.signoff_due_at)
            raise _Stop
        return decision, signed

    def _summary_text(self, j: _Journey, route: str, rating: str) -> str:
        child = j.child
        age = "unborn"
        if child.date_of_birth is not None:
            age = f"{(j.received_at.date() - child.date_of_birth).days // 365} years"
        concern = j.concern.split(";")[0].split(".")[0][:140] + "."
        return self.rng.choice(texts.TRANSFER_SUMMARIES).format(
            first=child.first_name or "Unborn baby",
            age=age,
            concern_short=concern,
            rating=Rating(rating).label,
            route="s47 strategy discussion" if route == "s47" else "s17 assessment",
        )

    def _transfer(
        self,
        j: _Journey,
        transfer: Transfer,
        referral: Referral,
        route: str,
        rating: str,
        requester: User,
    ) -> None:
        rng = self.rng
        s = self.summary
        cont = rating == Rating.RED
        returned_once = False
        while True:
            requested = transfer.requested_at
            due = transfer.acceptance_due_at
            t = self._plan(
                j,
                start=requested,
                due=due,
                prev=requested,
                continuous=cont,
                late_p=LATE["acceptance"],
                min_gap=10,
            )
            if self._holds(j, t, "acceptance", requested, due):
                raise _Stop
            manager = rng.choice(self.assessment_managers)
            if not returned_once and not j.target and rng.random() < P_RETURN:
                returned_once = True
                transfer_return(
                    transfer=transfer, reason=rng.choice(texts.RETURN_REASONS), by=manager, at=t
                )
                s.transfers_returned += 1
                self._met("acceptance", t, due)
                again = self._after(j, t, rng.uniform(30, 300) * (0.2 if cont else 1), cont)
                if again > self.now:
                    self._record(j, "to_transfer", t, None)
                    raise _Stop
                transfer = transfer_request(
                    referral=referral,
                    route=route,
                    rating=rating,
                    summary=self._summary_text(j, route, rating)
                    + " Updated after return: missing information added.",
                    by=requester,
                    at=again,
                )
                s.transfers += 1
                continue
            break
        visit_due = transfer.visit_due_at
        visited = self._plan(
            j,
            start=requested,
            due=visit_due,
            prev=t,
            continuous=cont,
            late_p=LATE["visit"],
            min_gap=30,
        )
        recorded = self._after(j, visited, rng.uniform(20, 240), False)
        waits = self._holds(j, recorded, "visit", requested, visit_due)
        worker = rng.choice(self.assessment_workers)
        if waits and (self.lead_counts["visits"] < 3 or rng.random() < 0.3):
            worker = self.lead_assessor
            self.lead_counts["visits"] += 1
        transfer = transfer_accept(transfer=transfer, allocated_to=worker, by=manager, at=t)
        j.child.allocated = True
        s.transfers_accepted += 1
        self._met("acceptance", t, due)
        if waits:
            raise _Stop
        seen = rng.random() < 0.93
        old_enough = (
            j.child.date_of_birth is not None
            and (visited.date() - j.child.date_of_birth).days > 4 * 365
        )
        visit_record(
            transfer=transfer,
            visited_at=visited,
            child_seen=seen,
            seen_alone=seen and old_enough and rng.random() < 0.6,
            notes=rng.choice(texts.VISIT_NOTES[:4] if seen else texts.VISIT_NOTES[4:]),
            by=worker,
            at=recorded,
        )
        s.visits += 1
        self._met("visit", visited, visit_due)


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
    now = _sec(now or timezone.now())
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
