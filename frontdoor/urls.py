from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from frontdoor.api.api import api

urlpatterns = [
    # The admin signs in through Front Door's own sign-in (lockout, log, second factor).
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
    path("", include("frontdoor.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("frontdoor.intake.urls")),
    *([path("", include("frontdoor.benchmarking"))] if settings.FRONTDOOR_BENCHMARK_VIEWS else []),
    path("", include("frontdoor.matching.urls")),
    path("", include("frontdoor.oversight.urls")),
    path("", include("frontdoor.strategy.urls")),
    path("", include("frontdoor.assessments.urls")),
    path("", include("frontdoor.escalations.urls")),
    path("", include("frontdoor.restricted.urls")),
    path("", include("frontdoor.retention.urls")),
    path("", include("frontdoor.finding.access_log_urls")),
    path("", include("frontdoor.finding.urls")),
    path("", include("frontdoor.children.urls")),
    path("", include("frontdoor.work.urls")),
    path("", include("frontdoor.intake.contact_urls")),
    path("", include("frontdoor.mash.urls")),
    path("", include("frontdoor.transfers.urls")),
]
