from django.urls import path

from tenant_apps.bio_sites import submission_dashboard_views as views

urlpatterns = [
    path("<uuid:site_id>/submissions/", views.submission_list, name="submissions"),
    path("<uuid:site_id>/submissions.csv", views.submission_csv, name="submissions_csv"),
    path(
        "<uuid:site_id>/submissions/<int:submission_id>/delete/",
        views.submission_delete,
        name="submission_delete",
    ),
]
