from django.urls import path

from frontdoor.mash import views

urlpatterns = [
    path("enquiries/<int:pk>/", views.enquiry_detail_page, name="enquiry-detail"),
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
    path("requests/<int:pk>/", views.request_detail, name="request-detail"),
]
