from django.urls import path

from tenant_apps.bio_sites import submission_views, views

app_name = "bio_sites"

urlpatterns = [
    path("b/<slug:slug>/", views.bio_page, name="page"),
    path("b/<slug:slug>/go/<uuid:component_id>/", views.bio_click, name="click"),
    # One link among a list component's links (a link group, a product grid…).
    path("b/<slug:slug>/go/<uuid:component_id>/<int:item>/", views.bio_click, name="click_item"),
    path(
        "b/<slug:slug>/submit/<uuid:component_id>/",
        submission_views.bio_submission_post,
        name="submit",
    ),
]
