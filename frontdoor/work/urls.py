from django.urls import path

from frontdoor.work import views

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue_mine, name="queue-mine"),
    path("queue/team/", views.queue_team, name="queue-team"),
    path("queue/team/duty/", views.duty_take, name="duty-take"),
    path("overview/", views.overview, name="overview"),
]
