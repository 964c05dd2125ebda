"""Finding work: the contact search, decisions and closures, caseloads, and every CSV download."""

from django.urls import URLPattern, path

from frontdoor.finding import exports, views

urlpatterns: list[URLPattern] = [
    path("contacts/", views.contact_search_page, name="contact-search"),
    path("contacts/download/", exports.contact_search_csv, name="contact-search-csv"),
    path("decisions/", views.decision_list, name="decision-list"),
    path("decisions/download/", exports.decision_list_csv, name="decision-list-csv"),
    path("caseload/", views.caseload_page, name="caseload"),
    path("caseload/download/", exports.caseload_csv, name="caseload-csv"),
    path("caseload/workers/<int:pk>/", views.caseload_worker, name="caseload-worker"),
    path(
        "caseload/workers/<int:pk>/download/",
        exports.caseload_worker_csv,
        name="caseload-worker-csv",
    ),
    path("queue/download/", exports.queue_mine_csv, name="queue-mine-csv"),
    path("queue/team/download/", exports.queue_team_csv, name="queue-team-csv"),
    path("escalations/download/", exports.escalation_list_csv, name="escalation-list-csv"),
    path("supervision/download/", exports.supervision_csv, name="supervision-csv"),
    path(
        "supervision/workers/<int:pk>/download/",
        exports.supervision_worker_csv,
        name="supervision-worker-csv",
    ),
    path("reconciliation/download/", exports.reconciliation_csv, name="reconciliation-csv"),
    path("duplicates/download/", exports.duplicate_queue_csv, name="duplicate-queue-csv"),
]
