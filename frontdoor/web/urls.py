from django.urls import path

from frontdoor.web import followup, views

urlpatterns = [
    path("", views.home, name="home"),
    path("queue/", views.queue_mine, name="queue-mine"),
    path("queue/team/", views.queue_team, name="queue-team"),
    path("queue/team/duty/", views.duty_take, name="duty-take"),
    path("overview/", views.overview, name="overview"),
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
    path("children/", views.child_search, name="child-search"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/chronology/", views.child_chronology, name="child-chronology"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry-detail"),
    path("enquiries/<int:pk>/rating/", views.enquiry_rate, name="enquiry-rate"),
    path("enquiries/<int:pk>/allocate/", views.enquiry_allocate, name="enquiry-allocate"),
    path(
        "enquiries/<int:pk>/lived-experience/",
        views.enquiry_lived_experience,
        name="enquiry-lived-experience",
    ),
    path("enquiries/<int:pk>/requests/new/", views.enquiry_request_new, name="enquiry-request-new"),
    path("enquiries/<int:pk>/decision/", views.enquiry_decision, name="enquiry-decision"),
    path("enquiries/<int:pk>/sign-off/", views.enquiry_sign_off, name="enquiry-sign-off"),
    path("enquiries/<int:pk>/transfer/", views.enquiry_transfer, name="enquiry-transfer"),
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer-accept"),
    path("transfers/<int:pk>/return/", views.transfer_return, name="transfer-return"),
    path("transfers/<int:pk>/visit/", views.transfer_visit, name="transfer-visit"),
    path("feedback/<int:pk>/", followup.feedback_detail, name="feedback-detail"),
    path("open-case/<int:pk>/", followup.open_case_detail, name="open-case-detail"),
]
