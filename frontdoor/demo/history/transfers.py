"""Sign-off, the manager's review, transfers to the assessment team and first visits."""

from __future__ import annotations

from datetime import datetime

from frontdoor.accounts.models import User
from frontdoor.demo import texts
from frontdoor.demo.history.base import _Base, _Journey, _Stop
from frontdoor.demo.history.distributions import (
    DECISION_WEIGHTS,
    LATE,
    P_RETURN,
    REVIEW_WEIGHTS,
    weighted,
)
from frontdoor.intake.models import Referral
from frontdoor.mash import services as mash_services
from frontdoor.mash.models import (
    TRANSFER_OUTCOMES,
    Decision,
    Rating,
)
from frontdoor.mash.services import decision_record, decision_sign_off
from frontdoor.transfers.models import Transfer
from frontdoor.transfers.services import (
    transfer_accept,
    transfer_request,
    transfer_return,
    visit_record,
)


class _Transfers(_Base):
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
        review = "agree" if j.target else weighted(rng, REVIEW_WEIGHTS)
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
