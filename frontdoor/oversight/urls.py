from django.urls import path

from frontdoor.oversight import views

urlpatterns = [
    path("children/<int:pk>/oversight/new/", views.oversight_new, name="oversight-new"),
]
