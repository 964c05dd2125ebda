"""One child's journey through screening and the MASH enquiry: partner requests, answers,
re-ratings, lived experience and the decision."""

from __future__ import annotations

from datetime import datetime

from frontdoor.accounts.models import User
from frontdoor.demo import names, texts
from frontdoor.demo.history.base import _Child, _Journey, _Plan, _Stop
from frontdoor.demo.history.distributions import (
    AGENCY_WEIGHTS,
    DECISION_WEIGHTS,
    LATE,
    LATE_STAGES,
    P_LIVED_EXPERIENCE,
    P_NOT_SHARED,
    P_RERATE,
    REPEAT_REASONS,
    weighted,
)
from frontdoor.demo.history.transfers import _Transfers
from frontdoor.intake.models import (
    Contact,
    ContactChild,
    Referral,
    ScreeningOutcome,
)
from frontdoor.intake.services import contact_screen
from frontdoor.mash.models import (
    Enquiry,
    PartnerRequest,
    Rating,
)
from frontdoor.mash.services import (
    decision_record,
    enquiry_rate,
    enquiry_record_lived_experience,
    request_answer,
    request_send,
)
from frontdoor.transfers.models import Transfer


class _Enquiries(_Transfers):
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
        k = weighted(rng, ((2, 0.3), (3, 0.45), (4, 0.25)))
        chosen: list[str] = []
        while weights and len(chosen) < k:
            code = weighted(rng, weights)
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
            outcome = weighted(rng, DECISION_WEIGHTS[rating])
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
            new_rating = weighted(rng, moves)
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
                    school=rng.choice(names.SCHOOLS), attendance=rng.randint(70, 97)
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
