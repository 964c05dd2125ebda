"""Contacts, screening, reconciliation, and what a decision leaves for the referrer and the
open case (the online referral form's own addresses are in ``frontdoor.intake.urls``)."""

from django.urls import path

from frontdoor.intake import contact_views as views
from frontdoor.intake import followup_views as followup

urlpatterns = [
    path("contacts/new/", views.contact_new, name="contact-new"),
    path("contacts/<int:pk>/", views.contact_detail, name="contact-detail"),
    path(
        "contacts/<int:pk>/documents/<int:document_pk>/",
        views.contact_document,
        name="contact-document",
    ),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("contacts/<int:pk>/children/new/", views.contact_add_child, name="contact-add-child"),
    path(
        "contacts/<int:pk>/children/<int:link_pk>/screen/",
        views.contact_screen,
        name="contact-screen",
    ),
    path("contacts/<int:pk>/adults/new/", views.contact_adult_add, name="contact-adult-add"),
    path("contacts/<int:pk>/edit/", views.contact_edit, name="contact-edit"),
    path("feedback/<int:pk>/", followup.feedback_detail, name="feedback-detail"),
    path("open-case/<int:pk>/", followup.open_case_detail, name="open-case-detail"),
]
