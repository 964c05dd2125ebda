"""The data protection officer's pages: who accessed a child, what a user accessed, export."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest

from frontdoor.audit.models import AccessAction, AccessLogEntry
from frontdoor.audit.selectors import access_entries, access_page, cursor_parse
from frontdoor.audit.services import access_log_record
from frontdoor.finding.access_log_views import PAGE_SIZE
from frontdoor.testing.factories import PersonFactory, local
from frontdoor.testing.fixtures import client_for, row_counts

pytestmark = pytest.mark.django_db

PAGES = ["/audit/", "/audit/children/", "/audit/users/"]


@pytest.fixture
def child_log(mash_worker, police_practitioner):
    """A child viewed by a MASH worker on Monday and Tuesday, and changed by the police on
    Wednesday with a reason."""
    child = PersonFactory(first_name="Ada", last_name="Lovelace", nhs_number="9434765919")
    other = PersonFactory(first_name="Other", last_name="Child")
    for day, user, action, reason in (
        (2, mash_worker, AccessAction.VIEW, ""),
        (3, mash_worker, AccessAction.VIEW, ""),
        (4, police_practitioner, AccessAction.CHANGE, "Break-glass: urgent strategy"),
    ):
        access_log_record(
            user=user,
            children=[child],
            record=child,
            action=action,
            at=local(2026, 3, day, 10),
            path=f"/children/{child.pk}/",
            fields=["address"],
            reason=reason,
        )
    access_log_record(
        user=mash_worker,
        children=[other],
        record=other,
        action=AccessAction.VIEW,
        at=local(2026, 3, 2, 11),
    )
    return child


@pytest.mark.parametrize("persona", ["auditor", "data_protection_officer"])
def test_the_auditor_and_the_dpo_may_open_the_pages(persona, request):
    client = client_for(request.getfixturevalue(persona))
    for path in PAGES:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize(
    "persona",
    [
        "mash_worker",
        "mash_manager",
        "police_practitioner",
        "assessment_manager",
        "head_of_service",
        "contact_officer",
        "administrator",
    ],
)
def test_other_roles_are_refused(persona, request):
    client = client_for(request.getfixturevalue(persona))
    for path in [*PAGES, "/audit/children/export/", "/audit/users/export/"]:
        assert client.get(path).status_code == 403, path


def test_an_anonymous_visitor_is_sent_to_sign_in(client):
    response = client.get("/audit/children/")
    assert response.status_code == 302
    assert "sign-in" in response["Location"]


def test_who_accessed_a_child(child_log, data_protection_officer, police_practitioner):
    client = client_for(data_protection_officer)

    page = client.get("/audit/children/", {"child": str(child_log.pk)}).content.decode()

    assert "Who accessed Ada Lovelace" in page
    assert police_practitioner.display_name in page
    assert "Break-glass: urgent strategy" in page
    assert "Changed" in page and "Viewed" in page
    assert "address" in page
    assert "Other Child" not in page
    # Showing the log is itself logged.
    shown = AccessLogEntry.objects.filter(user=data_protection_officer).get()
    assert (shown.child_id, shown.fields, shown.action) == (
        child_log.pk,
        ["access_log"],
        AccessAction.AUDIT,
    )


def test_a_child_can_be_found_by_nhs_number_and_filtered(
    child_log, auditor, mash_worker, police_practitioner
):
    client = client_for(auditor)

    by_user = client.get(
        "/audit/children/", {"child": "943 476 5919", "username": mash_worker.username}
    ).content.decode()
    assert by_user.count("govuk-table__row") == 3  # heading and two entries
    assert police_practitioner.display_name not in by_user

    by_date = client.get(
        "/audit/children/",
        {
            "child": str(child_log.pk),
            "date_from-day": "3",
            "date_from-month": "3",
            "date_from-year": "2026",
            "date_to-day": "3",
            "date_to-month": "3",
            "date_to-year": "2026",
        },
    ).content.decode()
    assert by_date.count("govuk-table__row") == 2


@pytest.mark.parametrize(
    "query, message",
    [
        ({"child": ""}, "Enter the child&#39;s record number or NHS number"),
        ({"child": "abc"}, "must only include numbers"),
        ({"child": "999999"}, "No child has that record number or NHS number"),
        ({"child": "99999999999999999999"}, "No child has that record number"),
        ({"child": "{child}", "username": "nobody"}, "No user has that username"),
        (
            {
                "child": "{child}",
                "date_from-day": "5",
                "date_from-month": "3",
                "date_from-year": "2026",
                "date_to-day": "4",
                "date_to-month": "3",
                "date_to-year": "2026",
            },
            "To date must be the same as or after the from date",
        ),
        ({"child": "{child}", "date_from-day": "31", "date_from-month": "2"}, "must include a"),
    ],
)
def test_bad_input_shows_the_error_summary(child_log, data_protection_officer, query, message):
    query = {k: v.format(child=child_log.pk) for k, v in query.items()}
    counts = row_counts()

    response = client_for(data_protection_officer).get("/audit/children/", query)

    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert row_counts() == counts


def test_what_a_user_accessed(child_log, data_protection_officer, mash_worker):
    client = client_for(data_protection_officer)

    page = client.get("/audit/users/", {"username": mash_worker.username}).content.decode()

    assert f"What {mash_worker.display_name} accessed" in page
    assert "Ada Lovelace" in page and "Other Child" in page
    assert page.count("govuk-table__row") == 4
    assert AccessLogEntry.objects.filter(user=data_protection_officer).count() == 2


def test_the_log_is_paged_newest_first(mash_worker, data_protection_officer):
    child = PersonFactory()
    for minute in range(PAGE_SIZE + 5):
        access_log_record(
            user=mash_worker,
            children=[child],
            record=child,
            action=AccessAction.VIEW,
            at=local(2026, 3, 2, 9, 0),  # the same moment: ordered by id
            path=f"/p/{minute}/",
        )
    qs = access_entries(user_id=mash_worker.pk)

    page = access_page(qs, size=PAGE_SIZE)
    assert len(page.entries) == PAGE_SIZE
    assert page.entries[0].path == f"/p/{PAGE_SIZE + 4}/"
    assert page.newer is None and page.older

    second = access_page(qs, older_than=cursor_parse(page.older), size=PAGE_SIZE)
    assert [e.path for e in second.entries] == [f"/p/{n}/" for n in range(4, -1, -1)]
    assert second.older is None and second.newer

    back = access_page(qs, newer_than=cursor_parse(second.newer), size=PAGE_SIZE)
    assert [e.pk for e in back.entries] == [e.pk for e in page.entries]
    assert cursor_parse("x.y") is None

    # The pages link to each other; a mangled cursor shows the first page.
    client = client_for(data_protection_officer)
    html = client.get("/audit/users/", {"username": mash_worker.username}).content.decode()
    assert f"older={page.older}" in html and "newer=" not in html
    html = client.get(
        "/audit/users/", {"username": mash_worker.username, "older": page.older}
    ).content.decode()
    assert "/p/0/" in html and f"newer={second.newer}" in html
    html = client.get(
        "/audit/users/", {"username": mash_worker.username, "older": "x.y"}
    ).content.decode()
    assert f"/p/{PAGE_SIZE + 4}/" in html


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(body)))


def test_an_export_asks_for_a_reason_and_is_logged_with_it(child_log, data_protection_officer):
    client = client_for(data_protection_officer)
    url = f"/audit/children/export/?child={child_log.pk}"

    form = client.get(url).content.decode()
    assert "Why are you exporting this access log?" in form
    # The page names the child: opening it is an audit of the child's log.
    opened = AccessLogEntry.objects.get(user=data_protection_officer)
    assert (opened.child_id, opened.action, opened.reason) == (child_log.pk, "audit", "")

    counts = row_counts()
    refused = client.post(url, {"reason": "  "})
    assert "Enter why you are exporting this access log" in refused.content.decode()
    assert row_counts() == counts

    response = client.post(url, {"reason": "Subject access request SAR-2026-014"})

    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = _csv(response)
    assert rows[0][:6] == ["Time", "Username", "User", "Role", "Agency", "Access"]
    logged = AccessLogEntry.objects.filter(user=data_protection_officer).latest("id")
    assert logged.reason == "Subject access request SAR-2026-014"
    assert (logged.child_id, logged.fields) == (child_log.pk, ["access_log"])
    # The export lists the entries, its own (and the opening of the page) included.
    assert len(rows) == 1 + 5
    assert {r[5] for r in rows[1:]} == {"VIEW", "CHANGE", "AUDIT"}
    assert "Subject access request SAR-2026-014" in {r[12] for r in rows[1:]}


def test_a_user_export_is_logged_against_each_child_in_it(
    child_log, data_protection_officer, mash_worker
):
    client = client_for(data_protection_officer)

    response = client.post(
        f"/audit/users/export/?username={mash_worker.username}", {"reason": "Complaint C-77"}
    )

    assert len(_csv(response)) == 1 + 3
    logged = AccessLogEntry.objects.filter(user=data_protection_officer)
    assert logged.count() == 2
    assert {e.reason for e in logged} == {"Complaint C-77"}
    assert {e.record_type for e in logged} == {"user"}


def test_an_export_with_bad_filters_goes_back_to_the_search(data_protection_officer):
    response = client_for(data_protection_officer).get("/audit/children/export/?child=abc")
    assert response.status_code == 302
    assert response["Location"].startswith("/audit/children/?child=abc")


def test_cells_are_not_formulas(data_protection_officer, mash_worker):
    child = PersonFactory(first_name="=HYPERLINK(1)")
    access_log_record(
        user=mash_worker,
        children=[child],
        record=child,
        action=AccessAction.VIEW,
        at=local(2026, 3, 2, 9),
        reason="+44 call",
    )
    response = client_for(data_protection_officer).post(
        f"/audit/children/export/?child={child.pk}", {"reason": "Check"}
    )
    rows = _csv(response)
    assert "'=HYPERLINK(1) Example" in {r[7] for r in rows[1:]}
    assert "'+44 call" in {r[12] for r in rows[1:]}
