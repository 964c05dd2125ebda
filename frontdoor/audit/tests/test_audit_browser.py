"""The data protection officer's two pages in real Chromium, each scanned with axe-core."""

from __future__ import annotations

import pytest

from frontdoor.audit.models import AccessAction
from frontdoor.audit.services import access_log_record
from frontdoor.testing.factories import PersonFactory, local
from frontdoor.testing.personas import persona
from frontdoor.web.tests.browser import Journey, chromium_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_dpo_sees_who_accessed_a_child_and_what_a_user_accessed(live_server):
    dpo = persona("data_protection_officer")
    worker = persona("mash_worker")
    child = PersonFactory(first_name="Ada", last_name="Lovelace")
    access_log_record(
        user=worker,
        children=[child],
        record=child,
        action=AccessAction.CHANGE,
        at=local(2026, 3, 2, 10),
        fields=["address"],
        reason="Moved house",
    )

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in(dpo.username, scan=False)

        j.go("/audit/")
        j.follow("Who accessed a child's record")
        page.get_by_label("Child's record number or NHS number").fill(str(child.pk))
        j.submit("Show access")
        assert "Who accessed Ada Lovelace" in j.main
        assert worker.display_name in j.main and "Moved house" in j.main

        j.go("/audit/users/")
        page.get_by_label("Username").fill(worker.username)
        j.submit("Show access")
        assert "Ada Lovelace" in j.main

        j.follow("Export these entries as a spreadsheet (CSV)")
        # (Only the audit pages: the home page a DPO lands on after signing in is not ours.)
        assert [b for b in j.broken if "/audit/" in b] == []


def test_the_dpo_audits_a_restricted_record_shown_by_its_number(live_server):
    """A restricted child, a refused attempt and a break-glass use: the pages stay open for
    the data protection officer, with the child as "Restricted record (record N)"."""
    from frontdoor.restricted.guard import RestrictedRecord
    from frontdoor.restricted.services import break_glass_open, restriction_create

    dpo = persona("data_protection_officer")
    manager, worker, officer = (
        persona(n) for n in ("mash_manager", "mash_worker", "contact_officer")
    )
    child = PersonFactory(first_name="Grace", last_name="Hopper")
    restriction_create(
        child=child, category="high_profile", reason="A case in the news.", by=manager
    )
    break_glass_open(
        child=child, reason="Police called the duty line about this child today.", by=worker
    )
    with pytest.raises(RestrictedRecord):
        access_log_record(
            user=officer,
            children=[child],
            record=child,
            action=AccessAction.VIEW,
            at=local(2026, 3, 3, 9),
        )
    label = f"Restricted record (record {child.pk})"

    with chromium_page() as page:
        j = Journey(page, live_server.url)
        j.sign_in(dpo.username, scan=False)

        j.go(f"/audit/children/?child={child.pk}")
        assert f"Who accessed {label}" in j.main and "Refused" in j.main
        assert "Police called the duty line" in j.main and "Grace" not in j.main

        j.go(f"/audit/users/?username={worker.username}")
        assert label in j.main and "Hopper" not in j.main
        assert [b for b in j.broken if "/audit/" in b] == []
