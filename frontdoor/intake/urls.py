"""Public pages of the online referral form, and a referrer's outcome page."""

from django.urls import URLPattern, path

from frontdoor.intake import views

urlpatterns: list[URLPattern] = [
    path("refer/", views.start, name="referral-start"),
    path("refer/who/", views.who, name="referral-who"),
    path("refer/your-details/", views.referrer, name="referral-referrer"),
    path("refer/immediate-danger/", views.risk, name="referral-risk"),
    path("refer/immediate-danger/call-999/", views.risk_warning, name="referral-risk-warning"),
    path("refer/children/", views.children, name="referral-children"),
    path("refer/children/<int:index>/", views.child, name="referral-child"),
    path("refer/children/<int:index>/address/", views.child_address, name="referral-child-address"),
    path("refer/children/<int:index>/remove/", views.child_remove, name="referral-child-remove"),
    path("refer/family/", views.family, name="referral-family"),
    path("refer/family/adults/", views.adults, name="referral-adults"),
    path("refer/family/adults/<int:index>/", views.adult, name="referral-adult"),
    path(
        "refer/family/adults/<int:index>/remove/",
        views.adult_remove,
        name="referral-adult-remove",
    ),
    path("refer/parents-aware/", views.parents, name="referral-parents"),
    path("refer/concern/", views.concern, name="referral-concern"),
    path("refer/consent/", views.consent, name="referral-consent"),
    path("refer/lawful-basis/", views.lawful_basis, name="referral-lawful-basis"),
    path("refer/evidence/", views.evidence, name="referral-evidence"),
    path("refer/check-your-answers/", views.check, name="referral-check"),
    path("refer/sent/", views.confirmation, name="referral-confirmation"),
    path("refer/save/", views.save, name="referral-save"),
    path("refer/saved/", views.saved, name="referral-saved"),
    path("refer/resume/<str:token>/", views.resume, name="referral-resume"),
    path("referral-outcome/<str:token>/", views.outcome, name="referral-outcome"),
]
