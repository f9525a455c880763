from django.urls import path

from tenant_apps.bio_sites import views

app_name = "bio_sites"

urlpatterns = [
    path("b/<slug:slug>/", views.bio_page, name="page"),
    path("b/<slug:slug>/go/<uuid:component_id>/", views.bio_click, name="click"),
]
