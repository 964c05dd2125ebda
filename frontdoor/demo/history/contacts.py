"""Contacts: when they arrive, the families they name (new or known), who refers them and
how each is recorded (by a contact officer, or received from outside)."""

from __future__ import annotations

import bisect
from datetime import UTC, date, datetime, time, timedelta

from frontdoor.accounts.models import User
from frontdoor.demo import names, texts
from frontdoor.demo.duplicates import P_DUPLICATE, duplicate_details
from frontdoor.demo.history.base import _Child, _Family, _Journey, _Plan
from frontdoor.demo.history.distributions import (
    AGE_WEIGHTS,
    CHANNELS,
    DAY_HOURS,
    LONDON,
    NEVER,
    P_REPEAT,
    POLICE_HOURS,
    RATING_WEIGHTS,
    SCREENING_WEIGHTS,
    SOURCES,
    weighted,
    whole_seconds,
)
from frontdoor.demo.history.enquiries import _Enquiries
from frontdoor.demo.intake import referral_for
from frontdoor.intake.models import (
    Channel,
    ConsentStatus,
    Contact,
    ContactChild,
    LawfulBasis,
    ScreeningOutcome,
)
from frontdoor.intake.services import contact_record
from frontdoor.mash.models import Rating
from frontdoor.people.models import Person, Sex
from frontdoor.people.services import ChildDetails


class _Contacts(_Enquiries):
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
            code = weighted(rng, sources)
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
            hour = weighted(rng, list(enumerate(POLICE_HOURS)))
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
                hour = 8 + weighted(rng, list(enumerate(DAY_HOURS)))
        local = datetime.combine(d, time(hour, rng.randint(0, 59), rng.randint(0, 59)))
        return local.replace(tzinfo=LONDON).astimezone(UTC)

    def _new_child(self, sex: str, age_days: int | None, on: date) -> _Child:
        rng = self.rng
        self.child_keys += 1
        first = rng.choice(names.BOYS if sex == Sex.MALE else names.GIRLS)
        if age_days is None:
            edd = on + timedelta(days=rng.randint(20, 150))
            return _Child(self.child_keys, "", Sex.UNKNOWN, None, expected_date_of_birth=edd)
        return _Child(self.child_keys, first, sex, on - timedelta(days=age_days))

    def _new_family(self, on: date, *, school_age: bool = False, min_age: int = 0) -> _Family:
        rng = self.rng
        surname = rng.choice(names.SURNAMES)
        postcode = f"DC{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
        postcode += rng.choice("ABDEFGHJLNPQRSTUWXYZ")
        address = f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}"
        if school_age:
            days = rng.randint(7, 13) * 365 + rng.randint(0, 364)
            child = self._new_child(rng.choice((Sex.MALE, Sex.FEMALE)), days, on)
            return _Family(surname, postcode, address, [child])
        if not min_age and rng.random() < 0.02:  # pre-birth
            return _Family(surname, postcode, address, [self._new_child(Sex.UNKNOWN, None, on)])
        n = weighted(rng, ((1, 0.905), (2, 0.075), (3, 0.02)))
        age = weighted(rng, [(a, w) for a, w in AGE_WEIGHTS if a >= min_age])
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
            outcome = weighted(rng, SCREENING_WEIGHTS)
            rating = (
                weighted(rng, RATING_WEIGHTS) if outcome == ScreeningOutcome.MASH_ENQUIRY else ""
            )
            plans.append(_Plan(outcome, rating))
        return plans

    def _referrer(self, source: str, cat: str) -> dict[str, str]:
        rng = self.rng
        first, last = rng.choice(names.ADULT_FIRST), rng.choice(names.SURNAMES)
        name = f"{first} {last}"
        phone = f"01632 960{rng.randint(0, 999):03d}"
        mobile = f"07700 900{rng.randint(0, 999):03d}"
        if cat == "police":
            role, agency = rng.choice(("PC", "DC", "Sergeant")), "Demo Constabulary"
            name = f"{role} {last} {rng.randint(1000, 9999)}"
            role = "Police officer"
        elif cat == "school":
            role = rng.choice(("Designated safeguarding lead", "Deputy DSL", "Head teacher"))
            agency = rng.choice(names.SCHOOLS)
            if source == "2B":
                role, agency = "Education welfare officer", "Education Welfare Service"
        elif cat == "health":
            options = [h for h in names.HEALTH_SETTINGS if h[0] == source] or [
                names.HEALTH_SETTINGS[0]
            ]
            _code, role, agency = rng.choice(options)
        elif cat == "la":
            role, agency = names.LA_REFERRERS[source]
        elif cat == "housing":
            role, agency = "Housing officer", "Demo City Housing"
        elif cat == "legal":
            role, agency = rng.choice(names.LEGAL_REFERRERS)
        elif cat == "other":
            role, agency = rng.choice(names.OTHER_REFERRERS)
        elif source == "1C":
            return {"referrer_role": "Child (self-referral)"}
        elif cat == "individual":
            role, agency = rng.choice(names.INDIVIDUAL_ROLES[source]), ""
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
            status = weighted(
                rng,
                ((ConsentStatus.NOT_SOUGHT, 0.75), (ConsentStatus.ASKED_NO_ANSWER, 0.15),
                 (ConsentStatus.GIVEN, 0.10)),
            )  # fmt: skip
        elif cat == "individual":
            status = weighted(rng, ((ConsentStatus.GIVEN, 0.3), (ConsentStatus.NOT_SOUGHT, 0.7)))
        else:
            status = weighted(
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
            basis = weighted(
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
        channel = weighted(rng, CHANNELS.get(cat, CHANNELS["default"]))
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
        recorded = whole_seconds(
            received_at + timedelta(minutes=delay)
            if in_hours
            else self.cal.add_working_hours(received_at, timedelta(minutes=delay))
        )
        if target and recorded > self.limit:
            recorded = whole_seconds(received_at + (self.limit - received_at) * 0.3)
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
        if contact.policy_id not in self.due_soon_fractions:  # one read per policy version
            self.due_soon_fractions[contact.policy_id] = contact.policy.due_soon_fraction
        self.due_soon_fraction = self.due_soon_fractions[contact.policy_id]
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
