from django.urls import path

from frontdoor.transfers import views

urlpatterns = [
    path("enquiries/<int:pk>/transfer/", views.enquiry_transfer, name="enquiry-transfer"),
    path("transfers/<int:pk>/", views.transfer_detail, name="transfer-detail"),
    path("transfers/<int:pk>/accept/", views.transfer_accept, name="transfer-accept"),
    path("transfers/<int:pk>/return/", views.transfer_return, name="transfer-return"),
    path("transfers/<int:pk>/visit/", views.transfer_visit, name="transfer-visit"),
]
