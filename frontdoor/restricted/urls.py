from django.urls import path

from frontdoor.restricted import views

urlpatterns = [
    path("children/<int:pk>/restriction/", views.restriction_manage, name="restriction-manage"),
    path("children/<int:pk>/break-glass/", views.break_glass, name="break-glass"),
    path("restricted/alerts/", views.break_glass_alerts, name="break-glass-alerts"),
]
