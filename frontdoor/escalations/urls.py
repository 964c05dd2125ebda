"""Escalations (signed in) and a referrer's disagreement through their outcome link (public)."""

from django.urls import URLPattern, path

from frontdoor.escalations import referrer_views, views

urlpatterns: list[URLPattern] = [
    path("escalations/", views.escalation_list, name="escalation-list"),
    path("escalations/new/", views.escalation_new, name="escalation-new"),
    path("escalations/<int:pk>/", views.escalation_detail, name="escalation-detail"),
    path("escalations/<int:pk>/respond/", views.escalation_respond, name="escalation-respond"),
    path("escalations/<int:pk>/escalate/", views.escalation_escalate, name="escalation-escalate"),
    path("escalations/<int:pk>/withdraw/", views.escalation_withdraw, name="escalation-withdraw"),
    path(
        "referral-outcome/<str:token>/disagree/",
        referrer_views.referral_disagree,
        name="referral-disagree",
    ),
    path(
        "referral-outcome/<str:token>/disagree/<int:pk>/escalate/",
        referrer_views.referral_disagree_escalate,
        name="referral-disagree-escalate",
    ),
]
