"""The restricted-record leak crawl: every route and API operation, as every role, over a world
where restricted children have names and identifiers found nowhere else.

Used by ``frontdoor/restricted/tests/test_leaks.py``. ``leak_world_build()`` builds the
permission matrix's world twice (``frontdoor.testing.world``): once as it is (children anyone
with access may see) and once with ``UniqueNaming``, whose every child is then restricted by
an owner who is none of the personas. A few users may see a few of them, on purpose: one
named on a restriction and two who broke the glass (``ALLOWED``). ``crawl()`` asks every route
(``frontdoor.testing.routes.all_routes``: a new page or API operation is crawled without
being listed) as every column of the permission matrix, with the URL arguments of each world,
plus the query variants that matter (``VARIANTS``). ``Leak`` is a response that contains any
of a restricted child's identifying strings (``Identity.tokens``) for a user the guard would
refuse; streamed responses (CSV exports) and zip files are read in full.

One module a topic: ``identities`` (who may see whom; the restricted children's strings),
``leak_world`` (the two worlds), ``asking`` (each route's URLs and variants; one request) and
``crawling`` (the crawl, and removing the protections on purpose).
"""

from frontdoor.testing.leaks.asking import Answer, Ask, ask, asks_for, body_text, variants
from frontdoor.testing.leaks.crawling import (
    Crawl,
    Leak,
    Scanner,
    allowed_columns,
    crawl,
    protection_removed,
)
from frontdoor.testing.leaks.identities import (
    ALLOWED,
    CONCERN_CHILD,
    OWNER,
    REFERRAL_CHILD,
    REFERRER_ROUTES,
    Identity,
    UniqueNaming,
    nhs_number,
)
from frontdoor.testing.leaks.leak_world import LeakWorld, leak_world_build

__all__ = [
    "ALLOWED",
    "CONCERN_CHILD",
    "OWNER",
    "REFERRAL_CHILD",
    "REFERRER_ROUTES",
    "Answer",
    "Ask",
    "Crawl",
    "Identity",
    "Leak",
    "LeakWorld",
    "Scanner",
    "UniqueNaming",
    "allowed_columns",
    "ask",
    "asks_for",
    "body_text",
    "crawl",
    "leak_world_build",
    "nhs_number",
    "protection_removed",
    "variants",
]
