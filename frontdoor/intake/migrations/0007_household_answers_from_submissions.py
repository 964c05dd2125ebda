"""Copy the online form's and partner API's household answers into their contacts.

Before this, ``parental_responsibility``, ``household`` and ``parents_aware`` stayed only in
``Submission.payload``. Each contact made from a submission now gets them in its own fields.
The answers are free text ("Mother, Jo Example"): they are copied as the contact's notes and
never parsed into people (ADR 0018). A contact whose fields already hold something is left as
it is, so running this twice changes nothing.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

PARENTS_AWARE = {"yes", "no", "not_known"}


def copy_household_answers(apps: Any, schema_editor: Any) -> None:
    Submission = apps.get_model("intake", "Submission")
    Contact = apps.get_model("intake", "Contact")
    rows = (
        Submission.objects.filter(contact__isnull=False)
        .values_list("contact_id", "payload")
        .order_by("id")
    )
    batch: list[Any] = []
    for contact_id, payload in rows.iterator(chunk_size=500):
        if not isinstance(payload, dict):
            continue
        aware = payload.get("parents_aware")
        pr = str(payload.get("parental_responsibility") or "").strip()
        household = str(payload.get("household") or "").strip()
        if aware not in PARENTS_AWARE and not pr and not household:
            continue
        contact = Contact.objects.get(pk=contact_id)
        changed = False
        if aware in PARENTS_AWARE and not contact.parents_aware:
            contact.parents_aware = aware
            changed = True
        if pr and not contact.parental_responsibility_notes:
            contact.parental_responsibility_notes = pr
            changed = True
        if household and not contact.household_notes:
            contact.household_notes = household
            changed = True
        if changed:
            batch.append(contact)
        if len(batch) >= 500:
            _save(Contact, batch)
            batch = []
    _save(Contact, batch)


def _save(Contact: Any, batch: list[Any]) -> None:
    if batch:
        Contact.objects.bulk_update(
            batch, ["parents_aware", "parental_responsibility_notes", "household_notes"]
        )


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_contact_household_answers")]

    operations = [migrations.RunPython(copy_household_answers, migrations.RunPython.noop)]
