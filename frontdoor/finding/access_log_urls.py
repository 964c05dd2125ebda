from django.urls import path

from frontdoor.finding import access_log_views as views

urlpatterns = [
    path("audit/", views.audit_home, name="audit-home"),
    path("audit/children/", views.audit_child, name="audit-child"),
    path("audit/children/export/", views.audit_child_export, name="audit-child-export"),
    path("audit/users/", views.audit_user, name="audit-user"),
    path("audit/users/export/", views.audit_user_export, name="audit-user-export"),
]
