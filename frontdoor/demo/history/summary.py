"""What a generated history holds: the counts the demo prints and the tests compare."""

from __future__ import annotations

from dataclasses import dataclass, field


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
