"""The children's pages (finding a child, the child's page, the chronology) and correcting and
completing records of people (docs/records.md); a contact's are in
``frontdoor.intake.contact_urls``."""

from django.urls import path

from frontdoor.children import record_views as records
from frontdoor.children import views

urlpatterns = [
    path("children/", views.child_search, name="child-search"),
    path("children/<int:pk>/", views.child_detail, name="child-detail"),
    path("children/<int:pk>/chronology/", views.child_chronology, name="child-chronology"),
    path("people/<int:pk>/", records.person_detail, name="person-detail"),
    path("people/<int:pk>/edit/", records.person_edit, name="person-edit"),
    path("people/<int:pk>/addresses/new/", records.address_add, name="person-address-add"),
    path(
        "people/<int:pk>/addresses/<int:address_pk>/moved-out/",
        records.address_moved_out,
        name="person-address-moved-out",
    ),
    path("people/<int:pk>/names/new/", records.alias_add, name="person-alias-add"),
    path(
        "people/<int:pk>/names/<int:alias_pk>/remove/",
        records.alias_remove,
        name="person-alias-remove",
    ),
    path("children/<int:pk>/adults/new/", records.child_adult_add, name="child-adult-add"),
    path("relationships/<int:pk>/edit/", records.relationship_edit, name="relationship-edit"),
    path("relationships/<int:pk>/end/", records.relationship_end, name="relationship-end"),
]
