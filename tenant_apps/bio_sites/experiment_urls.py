"""A/B tests of one bio site, under /dashboard/bio/<site id>/experiments/."""

from django.urls import path

from tenant_apps.bio_sites import experiment_views as views

urlpatterns = [
    path("<uuid:site_id>/experiments/", views.experiment_list, name="experiment_list"),
    path("<uuid:site_id>/experiments/new/", views.experiment_new, name="experiment_new"),
    path(
        "<uuid:site_id>/experiments/<uuid:experiment_id>/",
        views.experiment_detail,
        name="experiment_detail",
    ),
    path(
        "<uuid:site_id>/experiments/<uuid:experiment_id>/end/",
        views.experiment_end_view,
        name="experiment_end",
    ),
    path(
        "<uuid:site_id>/experiments/<uuid:experiment_id>/delete/",
        views.experiment_delete_view,
        name="experiment_delete",
    ),
]
