from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from frontdoor.api.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("frontdoor.intake.urls")),
    *([path("", include("frontdoor.benchmarking"))] if settings.FRONTDOOR_BENCHMARK_VIEWS else []),
    path("", include("frontdoor.matching.urls")),
    path("", include("frontdoor.oversight.urls")),
    path("", include("frontdoor.strategy.urls")),
    path("", include("frontdoor.assessments.urls")),
    path("", include("frontdoor.escalations.urls")),
    path("", include("frontdoor.web.urls")),
]
