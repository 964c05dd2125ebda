from django.urls import path

from frontdoor.people import views

urlpatterns = [
    path("children/", views.child_search, name="child-search"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/chronology/", views.child_chronology, name="child-chronology"),
]
