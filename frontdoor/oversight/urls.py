from django.urls import path

from frontdoor.oversight import views

urlpatterns = [
    path("children/<int:pk>/oversight/new/", views.oversight_new, name="oversight-new"),
    path("children/<int:pk>/supervision/new/", views.supervision_new, name="supervision-new"),
    path("supervision/", views.supervision_overview, name="supervision"),
    path("supervision/mine/", views.supervision_mine, name="supervision-mine"),
    path("supervision/workers/<int:pk>/", views.supervision_worker, name="supervision-worker"),
    path("supervision/<int:pk>/", views.supervision_detail, name="supervision-detail"),
    path(
        "supervision/actions/<int:pk>/done/",
        views.supervision_action_done,
        name="supervision-action-done",
    ),
]
