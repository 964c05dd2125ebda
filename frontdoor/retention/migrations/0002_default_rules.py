"""The retention rules a new installation starts with (see frontdoor/retention/rules.py)."""

from typing import Any

from django.db import migrations

DEFAULTS = {
    "nfa_contact": (
        True,
        6,
        "years",
        "Six years from receipt: the Limitation Act 1980 period most councils' schedules use "
        "for contacts that did not progress (the '6+ rule'). Check the council's own schedule "
        "and any inquiry's instruction to keep records (IICSA, 2015) before switching on.",
    ),
    "unsent_draft": (
        True,
        30,
        "days",
        "Thirty days after last saved: a draft nobody sent is not a record of a concern. "
        "Drafts are purged automatically when they expire; this rule catches any left behind.",
    ),
    "nfa_evidence": (
        False,
        2,
        "years",
        "Off by default: switch on if the council keeps referrers' attachments for less time "
        "than the contact they came with.",
    ),
}


def create(apps: Any, schema_editor: Any) -> None:
    rule = apps.get_model("retention", "RetentionRule")
    for kind, (enabled, period, unit, basis) in DEFAULTS.items():
        rule.objects.get_or_create(
            kind=kind, defaults={"enabled": enabled, "period": period, "unit": unit, "basis": basis}
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
