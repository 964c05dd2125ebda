"""The leak crawl's world: the permission matrix's world built twice, once as it is and once
with every child restricted (``leak_world_build``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from django.test import Client
from django.urls import reverse

from frontdoor.testing.leaks.identities import ALLOWED, CONCERN_CHILD, OWNER, Identity, UniqueNaming
from frontdoor.testing.world import World, world_build


@dataclass
class LeakWorld:
    plain: World  # nothing restricted
    restricted: World  # every child restricted
    users: dict[str, Any]
    #: child key -> (Person, Identity), every child of the restricted world
    children: dict[str, tuple[Any, Identity]]
    #: (persona, child key) pairs a user may see (``ALLOWED``), as Person ids
    allowed: set[tuple[str, int]] = field(default_factory=set)

    def child(self, key: str) -> Any:
        return self.children[key][0]

    def refused(self, persona: str | None) -> list[tuple[Any, Identity]]:
        """The restricted children the guard refuses ``persona`` (None: anonymous)."""
        return [
            (person, identity)
            for person, identity in self.children.values()
            if (persona or "", person.pk) not in self.allowed
        ]


def leak_world_build() -> LeakWorld:
    """Both worlds, the restrictions, the grants, and some history to audit (~5 s)."""
    from frontdoor.accounts.models import Role, User
    from frontdoor.matching.duplicates import duplicates_check
    from frontdoor.matching.services import match_keys_refresh
    from frontdoor.people.models import Alias, Person, PersonKind
    from frontdoor.restricted.services import break_glass_open, restriction_create
    from frontdoor.testing.factories import UserFactory, contact_recorded
    from frontdoor.testing.personas import org_agency, org_team

    plain = world_build()
    first_new = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    naming = UniqueNaming()
    restricted = world_build(naming)
    found = naming.identity(CONCERN_CHILD)
    contact_recorded(
        children=[naming.details(CONCERN_CHILD)],
        concern=f"{found.first_name}'s teacher saw bruising on her arm and her neck.",
    )
    users = dict(restricted.users)
    owner = User.objects.filter(username=OWNER).first() or cast(
        User,
        UserFactory(
            username=OWNER,
            role=Role.MASH_MANAGER,
            team=org_team("mash"),
            agency=org_agency("council"),
        ),
    )
    by_first_name = {i.first_name: i for i in naming.identities.values()}
    children: dict[str, tuple[Any, Identity]] = {}
    for person in Person.objects.filter(pk__gte=first_new, kind=PersonKind.CHILD):
        identity = by_first_name.get(person.first_name)
        assert identity is not None, f"a child the leak world did not name: {person.pk}"
        Person.objects.filter(pk=person.pk).update(upn=identity.upn)
        Alias.objects.create(
            person=person, first_name=identity.alias_first, last_name=identity.alias_last
        )
        children[identity.key] = (person, identity)
    missing = set(naming.identities) - set(children)
    assert not missing, f"children named but not made: {missing}"
    for key, (person, _identity) in children.items():
        if person.merged_into_id is not None:
            continue  # a merged record is covered by the restriction of the record it is in
        named = [users[p] for p, k in ALLOWED if k == key and p == "mash_manager"]
        restriction_create(
            child=person,
            category="high_profile",
            reason="A high-profile case: the leak test's restricted child.",
            named=named,
            by=owner,
        )
    for persona, key in ALLOWED:
        if persona != "mash_manager":
            break_glass_open(
                child=children[key][0],
                reason="The leak test opens this record on purpose, with a reason.",
                by=users[persona],
            )
    # The restricted twins, proposed as duplicates: the duplicates queue lists them.
    for key in ("Kim", "Kym"):
        match_keys_refresh(children[key][0])
    assert duplicates_check(children["Kim"][0]), "the restricted twins should look alike"
    world = LeakWorld(plain=plain, restricted=restricted, users=users, children=children)
    world.allowed = {(persona, children[key][0].pk) for persona, key in ALLOWED}
    # A refused attempt to audit: the contact officer tries to open a restricted child.
    client = Client()
    client.force_login(users["contact_officer"])
    client.get(reverse("child-detail", args=[world.child("Sam").pk]))
    return world
