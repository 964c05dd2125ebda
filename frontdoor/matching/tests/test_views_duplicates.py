"""Duplicate pages: who may open them, what they show and log, and what bad input does."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from frontdoor.accounts.models import User
from frontdoor.audit.models import AccessLogEntry
from frontdoor.intake.models import ContactChild
from frontdoor.matching.duplicates import duplicates_check
from frontdoor.matching.merge import person_merge
from frontdoor.matching.models import DuplicatePair, DuplicateStatus, PersonMerge
from frontdoor.people.models import Person
from frontdoor.testing.factories import child_details, contact_child_of, contact_recorded, local
from frontdoor.testing.personas import PERSONAS, persona

pytestmark = pytest.mark.django_db

AT = local(2026, 3, 9, 10)
REVIEWERS = {"mash_manager", "mash_manager_2", "contact_manager"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def child(**details: Any) -> Person:
    return contact_child_of(contact_recorded(children=[child_details(**details)])).child


@pytest.fixture
def records(org: Any) -> tuple[Person, Person, DuplicatePair]:
    first = child(first_name="Olivia", last_name="Robinson", date_of_birth=date(2017, 6, 12))
    second = child(first_name="Olivai", last_name="Robinsn", date_of_birth=date(2017, 6, 12))
    (pair,) = duplicates_check(second, at=AT)
    return first, second, pair


def _urls(first: Person, second: Person, merge: PersonMerge) -> dict[str, str]:
    return {
        "queue": reverse("duplicate-queue"),
        "compare": reverse("duplicate-compare", args=[first.pk, second.pk]),
        "undo": reverse("merge-undo", args=[merge.pk]),
    }


def test_only_reviewers_may_open_the_duplicate_pages(
    records: tuple[Person, Person, DuplicatePair],
) -> None:
    first, second, _ = records
    spare = child(first_name="Noah", last_name="Khan", date_of_birth=date(2012, 1, 3))
    spare_2 = child(first_name="Noa", last_name="Khan", date_of_birth=date(2012, 1, 3))
    merge = person_merge(kept=spare, merged=spare_2, by=persona("mash_manager"), reason="Same")
    wrong: list[tuple[Any, ...]] = []
    for name in PERSONAS:
        client = client_for(persona(name))
        for page, url in _urls(first, second, merge).items():
            expected = 200 if name in REVIEWERS else 403
            got = client.get(url).status_code
            if got != expected:
                wrong.append((name, page, expected, got))
            if name not in REVIEWERS:
                posted = client.post(url, {"action": "merge", "kept": first.pk, "reason": "x"})
                if posted.status_code != 403:
                    wrong.append((name, page, "POST", posted.status_code))
    assert wrong == []
    assert PersonMerge.objects.count() == 1
    assert Person.objects.get(pk=first.pk).merged_into_id is None


def test_the_navigation_shows_duplicates_only_to_reviewers(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User, mash_worker: User
) -> None:
    link = f'href="{reverse("duplicate-queue")}"'

    assert link in client_for(mash_manager).get(reverse("queue-mine")).content.decode()
    assert link not in client_for(mash_worker).get(reverse("queue-mine")).content.decode()


def test_the_queue_lists_open_pairs_with_reasons_and_logs_both_children(
    records: tuple[Person, Person, DuplicatePair], contact_manager: User
) -> None:
    first, second, pair = records

    body = client_for(contact_manager).get(reverse("duplicate-queue")).content.decode()

    assert "Olivia Robinson" in body and "Olivai Robinsn" in body
    assert reverse("duplicate-compare", args=[first.pk, second.pk]) in body
    assert "Same date of birth" in body
    assert f"{pair.weight:.1f}" in body
    logged = AccessLogEntry.objects.filter(user=contact_manager, action="view")
    assert {e.child_id for e in logged} == {first.pk, second.pk}
    assert {e.record_type for e in logged} == {"duplicatepair"}


def test_the_compare_page_shows_both_records_contacts_and_the_weight_of_each_field(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, pair = records
    contacts = [ContactChild.objects.get(child=p).contact.reference for p in (first, second)]

    response = client_for(mash_manager).get(
        reverse("duplicate-compare", args=[first.pk, second.pk])
    )

    body = response.content.decode()
    assert response.status_code == 200
    for text in (*contacts, "First name", "Date of birth", "NHS number", "Typing error"):
        assert text in body, text
    assert f"{pair.weight:.1f} bits" in body
    assert "Merge these records" in body and "Not the same person" in body
    assert "as dangerous as missing a link" in body
    logged = AccessLogEntry.objects.filter(user=mash_manager, action="view")
    assert {e.child_id for e in logged} == {first.pk, second.pk}


def test_any_two_records_can_be_compared_without_a_proposal(org: Any, mash_manager: User) -> None:
    a = child(first_name="Olivia", last_name="Robinson")
    b = child(first_name="Noah", last_name="Khan", date_of_birth=date(2012, 1, 3))

    response = client_for(mash_manager).get(reverse("duplicate-compare", args=[a.pk, b.pk]))

    assert response.status_code == 200
    assert "Different first name" in response.content.decode()


@pytest.mark.parametrize("args", [(1, 1), (999998, 999999)])
def test_comparing_a_record_with_itself_or_a_missing_record_is_not_found(
    org: Any, mash_manager: User, args: tuple[int, int]
) -> None:
    a = child()
    ids = (a.pk, a.pk) if args == (1, 1) else (a.pk, args[1])

    assert client_for(mash_manager).get(reverse("duplicate-compare", args=ids)).status_code == 404


def test_merging_from_the_compare_page_shows_the_child_with_both_records_contacts(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, pair = records
    contacts = [ContactChild.objects.get(child=p).contact.reference for p in (first, second)]
    client = client_for(mash_manager)

    response = client.post(
        reverse("duplicate-compare", args=[first.pk, second.pk]),
        {"action": "merge", "kept": str(first.pk), "reason": "Same pupil, school confirmed"},
    )

    merge = PersonMerge.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("child-detail", args=[first.pk]) + f"?merged={merge.pk}"
    page = client.get(response["Location"]).content.decode()
    assert all(ref in page for ref in contacts)
    assert "was merged into this record" in page
    assert reverse("merge-undo", args=[merge.pk]) in page
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.MERGED

    merged_page = client.get(reverse("child-detail", args=[second.pk])).content.decode()
    assert "This record was merged into" in merged_page
    assert reverse("child-detail", args=[first.pk]) in merged_page


def test_the_child_page_shows_open_proposals_to_reviewers_and_a_count_to_others(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User, mash_worker: User
) -> None:
    first, second, _ = records
    url = reverse("child-detail", args=[first.pk])
    compare = reverse("duplicate-compare", args=[first.pk, second.pk])

    assert compare in client_for(mash_manager).get(url).content.decode()
    worker_page = client_for(mash_worker).get(url).content.decode()
    assert compare not in worker_page and "Olivai" not in worker_page
    assert "may be a duplicate of 1 other record" in worker_page
    assert not AccessLogEntry.objects.filter(user=mash_worker, child=second).exists()


def test_undoing_a_merge_from_its_page(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, _ = records
    merge = person_merge(kept=first, merged=second, by=mash_manager, reason="Same", at=AT)
    client = client_for(mash_manager)
    url = reverse("merge-undo", args=[merge.pk])
    page = client.get(url).content.decode()
    assert "Contacts: 1" in page and "Undo this merge" in page

    response = client.post(url, {"reason": "Two girls: different mothers"})

    assert response.status_code == 302
    merge.refresh_from_db()
    assert merge.undone_at is not None
    assert ContactChild.objects.filter(child=second).count() == 1
    child_page = client.get(response["Location"]).content.decode()
    assert "The merge was undone" in child_page
    again = client.get(url).content.decode()
    assert "already been undone" in again and 'name="reason"' not in again


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "merge", "reason": "Same"}, "Select which record to keep"),
        ({"action": "merge", "kept": "999999", "reason": "Same"}, "Select which record to keep"),
        ({"action": "merge", "kept": "KEPT", "reason": ""}, "Enter why these two records"),
        ({"action": "merge", "kept": "KEPT", "reason": "x" * 10001}, "10000 characters"),
        ({"action": "not_same", "note": "  "}, "Enter how you know"),
        ({"action": "", "kept": "KEPT", "reason": "x"}, "Choose to merge the records"),
    ],
)
def test_bad_input_on_the_compare_page_shows_the_error_summary_and_saves_nothing(
    records: tuple[Person, Person, DuplicatePair],
    mash_manager: User,
    data: dict[str, str],
    message: str,
) -> None:
    first, second, pair = records
    if data.get("kept") == "KEPT":
        data = {**data, "kept": str(first.pk)}

    response = client_for(mash_manager).post(
        reverse("duplicate-compare", args=[first.pk, second.pk]), data
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "There is a problem" in body
    assert message in body
    assert "<title>Error:" in body
    assert not PersonMerge.objects.exists()
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.OPEN


def test_a_refused_merge_shows_the_services_reason_in_the_error_summary(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, _ = records
    Person.objects.filter(pk=first.pk).update(nhs_number="9434765919")
    Person.objects.filter(pk=second.pk).update(nhs_number="4010232137")
    url = reverse("duplicate-compare", args=[first.pk, second.pk])
    client = client_for(mash_manager)

    assert "Merge these records</h2>" not in client.get(url).content.decode()
    body = client.post(url, {"action": "merge", "kept": first.pk, "reason": "Same"}).content
    assert "different NHS numbers" in body.decode() and "govuk-error-summary" in body.decode()
    assert not PersonMerge.objects.exists()


def test_not_the_same_person_from_the_compare_page(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, pair = records
    client = client_for(mash_manager)

    response = client.post(
        reverse("duplicate-compare", args=[second.pk, first.pk]),
        {"action": "not_same", "note": "Twins"},
    )

    assert response.status_code == 302
    pair.refresh_from_db()
    assert pair.status == DuplicateStatus.NOT_SAME and pair.note == "Twins"
    queue = client.get(response["Location"]).content.decode()
    assert "Recorded: not the same person" in queue
    assert "No possible duplicates are waiting" in queue


def test_an_undo_without_a_reason_shows_the_error_summary(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, _ = records
    merge = person_merge(kept=first, merged=second, by=mash_manager, reason="Same", at=AT)

    response = client_for(mash_manager).post(reverse("merge-undo", args=[merge.pk]), {})

    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body
    assert "Enter why these records are two different children" in body
    merge.refresh_from_db()
    assert merge.undone_at is None


def test_junk_posted_to_the_duplicate_pages_never_causes_a_server_error(
    records: tuple[Person, Person, DuplicatePair], mash_manager: User
) -> None:
    first, second, _ = records
    merge = person_merge(
        kept=child(first_name="Noah"),
        merged=child(first_name="Noa"),
        by=mash_manager,
        reason="Same",
    )
    client = client_for(mash_manager)
    junk: list[dict[str, Any]] = [
        {"action": "merge", "kept": "\x00", "reason": "\x00", "overrule_not_same": "maybe"},
        {"action": "merge", "kept": str(second.pk), "reason": "x", "overrule_not_same": "on"},
        {"action": "not_same", "note": "x" * 20000},
        {"action": ["merge", "not_same"], "kept": ["1", "2"]},
        {"action": "drop table"},
    ]
    for data in junk:
        for url in (
            reverse("duplicate-compare", args=[first.pk, second.pk]),
            reverse("merge-undo", args=[merge.pk]),
        ):
            assert client.post(url, data).status_code < 500, (url, data)
    assert client.get(reverse("merge-undo", args=[999999])).status_code == 404


def test_the_queue_shows_a_page_at_a_time_and_logs_only_that_page(
    records: tuple[Person, Person, DuplicatePair],
    contact_manager: User,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from frontdoor.matching import views

    monkeypatch.setattr(views, "QUEUE_PAGE_SIZE", 1)
    third = child(first_name="Jacob", last_name="Whitfield", date_of_birth=date(2019, 2, 3))
    fourth = child(first_name="Jakob", last_name="Whitfeld", date_of_birth=date(2019, 2, 3))
    (other,) = duplicates_check(fourth, at=AT)
    pairs = sorted([records[2], other], key=lambda p: (-p.weight, p.pk))
    client = client_for(contact_manager)

    first_page = client.get(reverse("duplicate-queue")).content.decode()
    assert "Page 1 of 2" in first_page and 'href="?page=2" rel="next"' in first_page
    logged = AccessLogEntry.objects.filter(user=contact_manager, action="view")
    assert {e.record_id for e in logged} == {pairs[0].pk}

    second_page = client.get(reverse("duplicate-queue"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second_page and 'rel="prev"' in second_page
    assert {e.record_id for e in logged.all()} == {pairs[0].pk, pairs[1].pk}
    assert {third.pk, fourth.pk} == {other.first_id, other.second_id}
