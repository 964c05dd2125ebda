"""Child and family assessments for the demo, written through the assessment services.

Run after the generator: every accepted transfer in the history gets an assessment, started
a few working days after acceptance, with visits, an outcome and factors, and a manager's
authorisation. How long each takes is drawn to look like England's figures (FRONT-DOOR.md
section 10: median 33 working days, about 85% within 45): most on time, about one in six
late with a reason. Work not finished by ``now`` stays open, so queues show assessments in
progress (some overdue) and awaiting authorisation. "Not in need" outcomes are preceded by
the manager's oversight entry the default policy requires.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from random import Random

from django.db import transaction
from django.utils import timezone

from frontdoor.accounts.models import Role, User
from frontdoor.assessments import services
from frontdoor.assessments.models import Assessment, NextStep
from frontdoor.assessments.services import referral_started_at
from frontdoor.clocks import WorkingCalendar
from frontdoor.oversight.services import oversight_needed, oversight_record
from frontdoor.policies.rules import rules_for
from frontdoor.policies.selectors import policies_pinned, policy_in_force
from frontdoor.transfers.models import Transfer, TransferStatus

#: Share of assessments completed after their 45 working days.
P_LATE = 0.17
#: Share found to be children in need (the rest step down or close).
P_IN_NEED = 0.68
#: Share returned once for more work before authorisation.
P_RETURN = 0.08

IN_NEED_FACTORS = (
    ("3B", 9), ("4B", 7), ("2B", 5), ("1B", 4), ("16A", 6), ("17A", 5), ("18C", 3),
    ("19C", 1), ("4A", 3), ("3A", 2), ("11A", 2), ("10A", 2), ("24A", 2), ("15A", 1),
    ("14A", 1), ("6B", 1), ("5B", 1), ("7A", 1), ("3C", 1), ("20", 1),
)  # fmt: skip
NOT_IN_NEED_FACTORS = (("4B", 3), ("20", 2), ("6A", 1), ("5A", 1), ("14A", 1))
LATE_REASONS = (
    "The family moved out of the area for three weeks and could not be visited.",
    "Father's views took several attempts to obtain; he works away.",
    "Waited for the paediatric assessment report before reaching a conclusion.",
    "Worker absence: the case was reallocated in week six.",
    "Interpreter availability delayed the second home visit.",
    "Police disclosure was needed before the analysis could be completed.",
)
ANALYSES = {
    True: (
        "Cumulative neglect and parental mental ill health are affecting the child's health "
        "and school attendance. Parents accept support; a child in need plan is recommended.",
        "Ongoing domestic abuse by mother's partner; the child is frightened at home. Mother is "
        "protective but needs support to keep the child safe.",
        "Parental substance misuse is affecting routines and supervision. The child is a young "
        "carer for a younger sibling. Services are needed to meet the child's needs.",
        "The child is missing from home regularly and is linked to older males. Exploitation "
        "risk is significant: multi-agency planning is needed.",
    ),
    False: (
        "The incident was isolated; parents acted protectively and the child is well cared "
        "for. No need for children's social care services.",
        "Needs are met by the family with universal services. The school will offer pastoral "
        "support; early help was discussed and accepted.",
        "The family has strengths and support from grandparents; the concerns were not "
        "substantiated. Advice given about online safety.",
    ),
}
RETURN_REASONS = (
    "Please speak to the father before concluding, and add his views.",
    "The analysis does not yet weigh the police information: please revisit.",
    "See the child alone before we agree the outcome.",
)
AUTHORISATION_COMMENTS = (
    "Agreed: a clear analysis and a proportionate plan.",
    "Agreed. Make sure the plan's first review is booked.",
    "Authorised; the child's voice comes through well.",
    "",
)
VISIT_NOTES = (
    "Home visit: child seen in their bedroom; talked about school and friends.",
    "Child seen at school with the DSL; spoke about home life.",
    "Joint visit with the health visitor; baby seen and handled well by mother.",
    "Child seen with both parents; genogram completed with the family.",
    "Child not seen: no answer; card left and visit rebooked.",
)


def _pick(rng: Random, weighted: tuple[tuple[str, int], ...], k: int) -> list[str]:
    codes = [code for code, _ in weighted]
    weights = [weight for _, weight in weighted]
    chosen: list[str] = []
    while len(chosen) < k:
        code = rng.choices(codes, weights)[0]
        if code not in chosen:
            chosen.append(code)
    return chosen


class _Demo:
    def __init__(self, *, now: datetime, rng: Random) -> None:
        self.now = now
        self.rng = rng
        self.counts: dict[str, int] = dict.fromkeys(
            (
                "assessments",
                "assessment_visits",
                "assessments_in_progress",
                "assessments_overdue",
                "assessments_awaiting_authorisation",
                "assessments_authorised",
                "assessments_late",
                "assessments_returned",
                "assessment_oversight_entries",
            ),
            0,
        )
        users = {u.username: u for u in User.objects.filter(is_active=True).select_related("team")}
        self.lead_manager = users.get("assessment.manager")
        self.managers = [
            u for u in users.values() if u.role == Role.ASSESSMENT_MANAGER and u.team_id
        ]
        if self.lead_manager is not None:
            self.managers = [self.lead_manager] + [
                u for u in self.managers if u.pk != self.lead_manager.pk
            ]

    # ---------------------------------------------------------------- times

    def _at_work(self, cal: WorkingCalendar, day: date, earliest: datetime) -> datetime:
        """A plausible office time on ``day``, not before ``earliest``."""
        minutes = self.rng.randint(9 * 60, 16 * 60 + 30)
        at = timezone.make_aware(datetime.combine(day, time(minutes // 60, minutes % 60)))
        return max(at, earliest + timedelta(minutes=self.rng.randint(5, 40))).replace(
            second=0, microsecond=0
        )

    def _working_day(self, cal: WorkingCalendar, start: datetime, days: int) -> date:
        return cal.local_date(cal.add_working_days(start, days))

    def _manager(self, not_user: User) -> User | None:
        choices = [m for m in self.managers if m.pk != not_user.pk]
        if not choices:
            return None
        if self.rng.random() < 0.7 and choices[0] == self.lead_manager:
            return choices[0]
        return self.rng.choice(choices)

    # ---------------------------------------------------------------- one assessment

    def assess(self, transfer: Transfer) -> None:
        rng, now = self.rng, self.now
        worker = transfer.allocated_to
        if worker is None or transfer.responded_at is None:
            return
        referral_at = referral_started_at(transfer.referral)
        rules = rules_for(policy_in_force(referral_at))
        cal = rules.calendar
        due = rules.due("assessment", referral_at)
        accepted_at = transfer.responded_at
        start_day = self._working_day(cal, accepted_at, rng.choice((0, 0, 1, 1, 2, 3)))
        start_at = self._at_work(cal, start_day, accepted_at)
        if start_at > now:
            return
        assessment = services.assessment_start(
            transfer=transfer, started_on=start_day, by=worker, at=start_at
        )
        self.counts["assessments"] += 1
        # How long it takes, in working days from the referral.
        if rng.random() < P_LATE:
            taken = rng.randint(46, 68)
        else:
            taken = min(45, max(8, round(rng.triangular(10, 45, 36))))
        done_day = self._working_day(cal, referral_at, taken)
        done_at = self._at_work(cal, max(done_day, start_day), start_at + timedelta(hours=2))
        last = self._visits(assessment, worker, cal, start_at, min(done_at, now))
        if done_at <= last:
            done_at = last + timedelta(hours=rng.randint(2, 30))
        if done_at > now:
            self.counts["assessments_in_progress"] += 1
            if due is not None and now > due:
                self.counts["assessments_overdue"] += 1
            return
        in_need = rng.random() < P_IN_NEED
        if not self._complete(assessment, worker, in_need, done_at, due, start_at):
            return
        self._review(assessment, worker, in_need, done_at, due, cal, start_at)

    def _visits(
        self,
        assessment: Assessment,
        worker: User,
        cal: WorkingCalendar,
        start_at: datetime,
        until: datetime,
    ) -> datetime:
        """1 to 3 visits between the start and ``until``; returns when the last was recorded."""
        rng = self.rng
        child = assessment.child
        old_enough = (
            child.date_of_birth is not None
            and (start_at.date() - child.date_of_birth).days > 4 * 365
        )
        span = max(0, cal.working_days_between(start_at, until))
        last = start_at
        times: set[datetime] = set()
        for _ in range(rng.choice((1, 1, 2, 2, 2, 3))):
            day = self._working_day(cal, start_at, rng.randint(0, span)) if span else None
            if day is None:
                day = cal.local_date(start_at)
            visited = self._at_work(cal, day, start_at)
            recorded = visited + timedelta(minutes=rng.randint(30, 300))
            if recorded > until or visited in times:
                continue
            times.add(visited)
            seen = rng.random() < 0.9
            note = rng.choice(VISIT_NOTES[:4]) if seen else VISIT_NOTES[4]
            services.assessment_visit_record(
                assessment=assessment,
                visited_at=visited,
                child_seen=seen,
                seen_alone=seen and old_enough and rng.random() < 0.65,
                notes=note,
                by=worker,
                at=recorded,
            )
            self.counts["assessment_visits"] += 1
            last = max(last, recorded)
        return last

    def _complete(
        self,
        assessment: Assessment,
        worker: User,
        in_need: bool,
        done_at: datetime,
        due: datetime | None,
        start_at: datetime,
    ) -> bool:
        rng = self.rng
        if in_need:
            step = NextStep.STRATEGY if rng.random() < 0.18 else NextStep.CIN_PLAN
            factors = _pick(rng, IN_NEED_FACTORS, rng.choice((1, 2, 2, 3)))
        else:
            step = NextStep.EARLY_HELP if rng.random() < 0.6 else NextStep.NFA
            factors = ["21"] if rng.random() < 0.5 else _pick(rng, NOT_IN_NEED_FACTORS, 1)
            if oversight_needed("assessment_not_in_need", done_at):
                manager = self._manager(worker)
                if manager is None:
                    return False
                given = max(start_at, done_at - timedelta(hours=rng.randint(1, 30)))
                oversight_record(
                    child=assessment.child,
                    direction="Read the assessment and spoke with the worker: the child's needs "
                    "are met without children's social care. Agree the outcome.",
                    by=manager,
                    record_type="assessment",
                    record_id=assessment.pk,
                    transition="assessment_not_in_need",
                    at=given,
                )
                self.counts["assessment_oversight_entries"] += 1
        late = due is not None and done_at > due
        services.assessment_complete(
            assessment=assessment,
            child_in_need=in_need,
            next_step=step,
            factors=factors,
            analysis=rng.choice(ANALYSES[in_need]),
            late_reason=rng.choice(LATE_REASONS) if late else "",
            by=worker,
            at=done_at,
        )
        if late:
            self.counts["assessments_late"] += 1
        return True

    def _review(
        self,
        assessment: Assessment,
        worker: User,
        in_need: bool,
        done_at: datetime,
        due: datetime | None,
        cal: WorkingCalendar,
        start_at: datetime,
    ) -> None:
        rng, now = self.rng, self.now
        manager = self._manager(worker)
        if manager is None:
            self.counts["assessments_awaiting_authorisation"] += 1
            return
        review_day = self._working_day(cal, done_at, rng.choice((1, 1, 2, 3, 5, 8)))
        review_at = self._at_work(cal, review_day, done_at)
        if review_at > now:
            self.counts["assessments_awaiting_authorisation"] += 1
            return
        if rng.random() < P_RETURN:
            services.assessment_return(
                assessment=assessment, reason=rng.choice(RETURN_REASONS), by=manager, at=review_at
            )
            self.counts["assessments_returned"] += 1
            again = self._at_work(
                cal, self._working_day(cal, review_at, rng.randint(1, 4)), review_at
            )
            if again > now:
                self.counts["assessments_in_progress"] += 1
                if due is not None and now > due:
                    self.counts["assessments_overdue"] += 1
                return
            assessment.refresh_from_db()
            late = due is not None and again > due
            services.assessment_complete(
                assessment=assessment,
                child_in_need=bool(assessment.child_in_need),
                next_step=assessment.next_step,
                factors=list(assessment.factors),
                analysis=assessment.analysis + " Updated after the manager's review.",
                late_reason=(assessment.late_reason or rng.choice(LATE_REASONS)) if late else "",
                by=worker,
                at=again,
            )
            review_at = self._at_work(cal, self._working_day(cal, again, rng.randint(1, 3)), again)
            if review_at > now:
                self.counts["assessments_awaiting_authorisation"] += 1
                return
        services.assessment_authorise(
            assessment=assessment,
            comment=rng.choice(AUTHORISATION_COMMENTS),
            by=manager,
            at=review_at,
        )
        self.counts["assessments_authorised"] += 1


def demo_assessments(*, now: datetime, rng: Random) -> dict[str, int]:
    """Assessments for every accepted transfer in the demo history (counts for the summary)."""
    demo = _Demo(now=now, rng=rng)
    if not demo.managers:
        return demo.counts
    transfers = (
        Transfer.objects.filter(
            status=TransferStatus.ACCEPTED, assessment__isnull=True, responded_at__lte=now
        )
        .select_related("child", "allocated_to", "referral__contact_child__contact")
        .order_by("responded_at", "id")
    )
    with transaction.atomic(), policies_pinned():
        for transfer in transfers:
            demo.assess(transfer)
    return demo.counts
