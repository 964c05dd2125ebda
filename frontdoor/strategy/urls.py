from django.urls import path

from frontdoor.strategy import views

urlpatterns = [
    path(
        "enquiries/<int:pk>/strategy/new/",
        views.convene_from_enquiry,
        name="strategy-new-enquiry",
    ),
    path(
        "transfers/<int:pk>/strategy/new/",
        views.convene_on_transfer,
        name="strategy-new-transfer",
    ),
    path("strategy/<int:pk>/", views.discussion_detail, name="strategy-detail"),
    path("strategy/<int:pk>/invite/", views.discussion_invite, name="strategy-invite"),
    path("strategy/<int:pk>/attendance/", views.discussion_attendance, name="strategy-attendance"),
    path("strategy/<int:pk>/outcome/", views.discussion_hold, name="strategy-hold"),
    path("strategy/<int:pk>/minutes/", views.discussion_minutes, name="strategy-minutes"),
    path("strategy/<int:pk>/actions/new/", views.action_new, name="strategy-action-new"),
    path(
        "strategy/<int:pk>/actions/<int:action_pk>/done/",
        views.action_done,
        name="strategy-action-done",
    ),
    path("strategy/<int:pk>/cancel/", views.discussion_cancel, name="strategy-cancel"),
    path("s47/<int:pk>/", views.s47_detail, name="s47-detail"),
    path("s47/<int:pk>/outcome/", views.s47_outcome, name="s47-outcome"),
    path("s47/<int:pk>/conference/book/", views.conference_book, name="conference-book"),
    path("s47/<int:pk>/conference/outcome/", views.conference_outcome, name="conference-outcome"),
]
