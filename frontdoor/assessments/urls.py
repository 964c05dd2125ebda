from django.urls import path

from frontdoor.assessments import views

urlpatterns = [
    path("transfers/<int:pk>/assessment/new/", views.assessment_start, name="assessment-start"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment-detail"),
    path("assessments/<int:pk>/visits/new/", views.assessment_visit, name="assessment-visit"),
    path("assessments/<int:pk>/complete/", views.assessment_complete, name="assessment-complete"),
    path("assessments/<int:pk>/authorise/", views.assessment_review, name="assessment-review"),
]
