from django.urls import path

from frontdoor.retention import views

urlpatterns = [
    path("retention/", views.retention_home, name="retention"),
    path("retention/reviews/new/", views.review_propose, name="retention-propose"),
    path("retention/reviews/<int:pk>/", views.review_detail, name="retention-review"),
    path("retention/reviews/<int:pk>/approve/", views.review_approve, name="retention-approve"),
    path("retention/items/<int:pk>/exclude/", views.item_exclude, name="retention-exclude"),
    path("retention/items/<int:pk>/include/", views.item_include, name="retention-include"),
    path("subject-access/", views.subject_access, name="subject-access"),
]
