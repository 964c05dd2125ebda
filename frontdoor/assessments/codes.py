"""Factors identified at assessment: the DfE CIN census list (2022+), as data.

From FRONT-DOOR.md section 4 ("Assessment factors (2022+ list)"). For pairs and triples the
suffix says who the concern is about: A = the child, B = a parent or carer, C = another member
of the household. 8A was dropped after 2018. 21 ("No factors identified") is only for an
assessment with no evidence of any factor, so it is never chosen with another factor.
"""

from __future__ import annotations

from dataclasses import dataclass

#: "No factors identified": only ever chosen on its own.
NO_FACTORS = "21"

_ABOUT = {
    "A": "the child",
    "B": "a parent or carer",
    "C": "another member of the household",
}


@dataclass(frozen=True)
class Factor:
    code: str
    label: str
    group: str

    @property
    def text(self) -> str:
        """The code and label, as shown on the page: "1B Alcohol misuse: a parent or carer"."""
        return f"{self.code} {self.label}"


def _who(number: int, factor: str, group: str) -> list[Factor]:
    return [
        Factor(f"{number}{suffix}", f"{factor}: {about}", group) for suffix, about in _ABOUT.items()
    ]


HOUSEHOLD = "Concerns about the child, a parent or carer, or another household member"
CHILD = "Concerns about the child"
ABUSE = "Abuse and neglect"
PRIVATE_FOSTERING = "Private fostering"
OTHER = "Other"

#: The groups, in the order the form shows them.
GROUPS = (ABUSE, HOUSEHOLD, CHILD, PRIVATE_FOSTERING, OTHER)

ASSESSMENT_FACTORS: tuple[Factor, ...] = (
    *_who(1, "Alcohol misuse", HOUSEHOLD),
    *_who(2, "Drug misuse", HOUSEHOLD),
    *_who(3, "Domestic violence", HOUSEHOLD),
    *_who(4, "Mental health", HOUSEHOLD),
    *_who(5, "Learning disability", HOUSEHOLD),
    *_who(6, "Physical disability or illness", HOUSEHOLD),
    Factor("7A", "Young carer", CHILD),
    Factor("8B", "Privately fostered: overseas, intends to return", PRIVATE_FOSTERING),
    Factor("8C", "Privately fostered: overseas, intends to stay", PRIVATE_FOSTERING),
    Factor("8D", "Privately fostered: UK educational placement", PRIVATE_FOSTERING),
    Factor("8E", "Privately fostered: UK alternative family arrangement", PRIVATE_FOSTERING),
    Factor("8F", "Privately fostered: other", PRIVATE_FOSTERING),
    Factor("9A", "Unaccompanied asylum-seeking child (UASC)", CHILD),
    Factor("10A", "Missing", CHILD),
    Factor("11A", "Child sexual exploitation", CHILD),
    Factor("12A", "Trafficking", CHILD),
    Factor("13A", "Gangs", CHILD),
    Factor("14A", "Socially unacceptable behaviour", CHILD),
    Factor("15A", "Self-harm", CHILD),
    Factor("16A", "Neglect", ABUSE),
    Factor("17A", "Emotional abuse", ABUSE),
    Factor("18B", "Physical abuse: child on child", ABUSE),
    Factor("18C", "Physical abuse: adult on child", ABUSE),
    Factor("19B", "Sexual abuse: child on child", ABUSE),
    Factor("19C", "Sexual abuse: adult on child", ABUSE),
    Factor("20", "Other", OTHER),
    Factor(NO_FACTORS, "No factors identified", OTHER),
    Factor("22A", "Female genital mutilation (FGM)", CHILD),
    Factor("23A", "Abuse linked to faith or belief", CHILD),
    Factor("24A", "Child criminal exploitation", CHILD),
)

FACTORS_BY_CODE: dict[str, Factor] = {factor.code: factor for factor in ASSESSMENT_FACTORS}
FACTOR_CHOICES: list[tuple[str, str]] = [(f.code, f.text) for f in ASSESSMENT_FACTORS]


def factors_grouped() -> list[tuple[str, list[Factor]]]:
    """The factors by group, in form order ("No factors identified" last)."""
    grouped = [(group, [f for f in ASSESSMENT_FACTORS if f.group == group]) for group in GROUPS]
    return [
        (group, sorted(factors, key=lambda f: f.code == NO_FACTORS)) for group, factors in grouped
    ]
