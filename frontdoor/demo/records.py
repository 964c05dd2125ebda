"""Demo records corrected and completed: households and corrections with their history.

Run after the rest of the history (``frontdoor.demo.after``), through the services with an
explicit ``at=``:

* a household for many children contacted by phone or email (the online and partner
  referrals bring their own structured adults): the mother, often a father or a mother's
  partner, now and then a grandmother; some partners are alleged perpetrators, and some
  relationships have ended (a father who moved out);
* corrections to some children's records, each with its reason: a misheard date of birth, a
  misspelt name, an NHS number found later, a move to a new address, another name;
* corrections to some contacts: the referrer's phone number or the household answers
  completed afterwards.

Restricted and merged children are left alone.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from random import Random

from django.utils import timezone

from frontdoor.accounts.models import Role, User
from frontdoor.demo import names
from frontdoor.intake.corrections import contact_correct
from frontdoor.intake.models import Contact, ContactChild, ParentsAware
from frontdoor.people.households import AdultDetails, Link, adult_link, relationship_end
from frontdoor.people.models import Person, PersonKind, Relationship
from frontdoor.people.records import address_add, alias_add, person_correct
from frontdoor.restricted.selectors import live_restrictions

P_HOUSEHOLD = 0.4
P_CORRECTED = 0.05
P_CONTACT_CORRECTED = 0.03


def nhs_number_for(rng: Random) -> str:
    """A random NHS number that passes the modulus 11 check."""
    while True:
        digits = [rng.randint(0, 9) for _ in range(9)]
        check = 11 - sum(d * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, digits)) + str(check)


def _when(rng: Random, after: datetime, now: datetime) -> datetime:
    """A moment after ``after`` (within about two weeks) and before ``now``."""
    span = max(60.0, min((now - after).total_seconds() - 60, 14 * 86400))
    return after + timedelta(seconds=rng.uniform(60, span))


def _household(rng: Random, child: Person, by: User, at: datetime, now: datetime) -> int:
    surname = child.last_name or rng.choice(names.SURNAMES)
    made = 0
    adult_link(
        details=AdultDetails(
            first_name=rng.choice(names.MOTHERS),
            last_name=surname,
            date_of_birth=date(
                at.year - rng.randint(20, 42), rng.randint(1, 12), rng.randint(1, 28)
            ),
        ),
        children=[child],
        link=Link("parent", parental_responsibility=True, household_member=True),
        by=by,
        at=at,
    )
    made += 1
    other = rng.random()
    if other < 0.4:
        _father, (father,) = adult_link(
            details=AdultDetails(first_name=rng.choice(names.FATHERS), last_name=surname),
            children=[child],
            link=Link("parent", parental_responsibility=True, household_member=True),
            by=by,
            at=at + timedelta(minutes=2),
        )
        made += 1
        if rng.random() < 0.25:
            relationship_end(
                relationship=father,
                ended_on=timezone.localdate(at) - timedelta(days=rng.randint(0, 200)),
                reason="Moved out after the parents separated; sees the children at weekends",
                by=by,
                at=at + timedelta(minutes=4),
            )
    elif other < 0.7:
        perpetrator = rng.random() < 0.3
        adult_link(
            details=AdultDetails(
                first_name=rng.choice(names.FATHERS), last_name=rng.choice(names.SURNAMES)
            ),
            children=[child],
            link=Link(
                "partner_of_parent",
                household_member=True,
                alleged_perpetrator=perpetrator,
                notes="Named by the child to a teacher" if perpetrator else "",
            ),
            by=by,
            at=at + timedelta(minutes=2),
        )
        made += 1
    elif other < 0.8:
        adult_link(
            details=AdultDetails(first_name=rng.choice(names.GRANDMOTHERS), last_name=surname),
            children=[child],
            link=Link("grandparent", notes="Collects the children from school"),
            by=by,
            at=at + timedelta(minutes=2),
        )
        made += 1
    return made


def _respelt(name: str) -> str:
    """The spelling a misheard name is corrected to (Sophie / Sofie, Jamie / Jamey)."""
    if "ph" in name:
        return name.replace("ph", "f", 1)
    if name.endswith("ie"):
        return name[:-2] + "y"
    if name.endswith("y"):
        return name[:-1] + "ie"
    return name + "e" if not name.endswith("e") else name[:-1]


def _correct(rng: Random, child: Person, by: User, at: datetime) -> str:
    """One correction of the child's record; returns what kind."""
    kind = rng.choice(("date_of_birth", "name", "nhs_number", "moved", "alias"))
    if kind == "date_of_birth" and child.date_of_birth is not None:
        day = child.date_of_birth
        swapped = (
            date(day.year, day.day, day.month) if day.day <= 12 and day.day != day.month else None
        )
        fixed = swapped or (day - timedelta(days=1))
        if fixed <= timezone.localdate(at):
            person_correct(
                person=child,
                changes={"date_of_birth": fixed},
                reason="Day and month were the wrong way round; birth certificate seen",
                by=by,
                at=at,
            )
            return kind
    if kind == "name" and len(child.first_name) > 3:
        spelt = _respelt(child.first_name)
        person_correct(
            person=child,
            changes={"first_name": spelt},
            reason="Name was misspelt on the call; the school confirmed the spelling",
            by=by,
            at=at,
        )
        return kind
    if kind == "nhs_number" and not child.nhs_number:
        person_correct(
            person=child,
            changes={"nhs_number": nhs_number_for(rng), "first_language": "English"},
            reason="NHS number given by the health visitor",
            by=by,
            at=at,
        )
        return kind
    if kind == "moved":
        address_add(
            person=child,
            line_1=f"{rng.randint(1, 180)} {rng.choice(names.STREETS)}",
            town=names.TOWN,
            postcode=f"DC{rng.randint(1, 9)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLN')}"
            f"{rng.choice('PQRSTUWXYZ')}",
            moved_in=timezone.localdate(at) - timedelta(days=rng.randint(1, 30)),
            end_current=child.addresses.exists(),
            reason="The family moved; the school has the new address",
            by=by,
            at=at,
        )
        return kind
    alias_add(
        person=child,
        first_name=child.first_name,
        last_name=rng.choice([n for n in names.SURNAMES if n != child.last_name]),
        kind="previous name",
        reason="Used a previous surname at their last school",
        by=by,
        at=at,
    )
    return "alias"


def demo_records(*, now: datetime, rng: Random) -> dict[str, int]:
    workers = list(User.objects.filter(role=Role.MASH_SOCIAL_WORKER, is_active=True).order_by("id"))
    officers = list(User.objects.filter(role=Role.CONTACT_OFFICER, is_active=True).order_by("id"))
    staff = workers + officers
    counts = {
        "households": 0,
        "adults": 0,
        "alleged_perpetrators": 0,
        "corrected_children": 0,
        "corrected_contacts": 0,
    }
    if not staff:
        return counts
    restricted = set(live_restrictions().values_list("child_id", flat=True))
    linked = set(Relationship.objects.values_list("child_id", flat=True))
    latest: dict[int, datetime] = {}
    for child_id, received in ContactChild.objects.values_list("child_id", "contact__received_at"):
        latest[child_id] = max(received, latest.get(child_id, received))
    children = (
        Person.objects.filter(kind=PersonKind.CHILD, merged_into__isnull=True, pk__in=list(latest))
        .exclude(pk__in=restricted)
        .order_by("id")
    )
    for child in children:
        start = latest[child.pk] + timedelta(hours=1)
        if start >= now - timedelta(minutes=30):
            continue
        if child.pk not in linked and rng.random() < P_HOUSEHOLD:
            at = _when(rng, start, now - timedelta(minutes=20))
            counts["adults"] += _household(rng, child, rng.choice(staff), at, now)
            counts["households"] += 1
        if rng.random() < P_CORRECTED:
            at = _when(rng, start + timedelta(minutes=10), now - timedelta(minutes=5))
            child.refresh_from_db()
            _correct(rng, child, rng.choice(workers or staff), at)
            counts["corrected_children"] += 1
    counts["alleged_perpetrators"] = Relationship.objects.filter(alleged_perpetrator=True).count()
    contacts = Contact.objects.filter(received_at__lt=now - timedelta(days=1)).exclude(
        children__child_id__in=restricted
    )
    for contact in contacts.order_by("id").iterator():
        if rng.random() >= P_CONTACT_CORRECTED:
            continue
        at = _when(rng, contact.recorded_at, now - timedelta(minutes=5))
        if not contact.referrer_phone and contact.referrer_name:
            changes: dict[str, object] = {"referrer_phone": f"01632 {rng.randint(960000, 960999)}"}
            reason = "The referrer rang back and left a number"
        else:
            changes = {
                "parents_aware": rng.choice(
                    [v for v in ParentsAware.values if v != contact.parents_aware]
                ),
                "household_notes": contact.household_notes
                or "Mother and the children; her partner stays most nights",
            }
            reason = "Household confirmed with the referrer the next day"
        contact_correct(
            contact=contact, changes=changes, reason=reason, by=rng.choice(staff), at=at
        )
        counts["corrected_contacts"] += 1
    return counts
