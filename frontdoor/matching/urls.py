from django.urls import path

from frontdoor.matching import views

urlpatterns = [
    path("duplicates/", views.duplicate_queue_page, name="duplicate-queue"),
    path("duplicates/compare/<int:a>/<int:b>/", views.duplicate_compare, name="duplicate-compare"),
    path("duplicates/merges/<int:pk>/undo/", views.merge_undo, name="merge-undo"),
]
