"""The site list, the editor and its actions, and site settings (editor_views)."""

from django.urls import path

from tenant_apps.bio_sites import editor_views as views

_COMPONENT = "<uuid:site_id>/components/<uuid:component_id>/"

urlpatterns = [
    path("", views.site_list, name="site_list"),
    path("slug-check/", views.slug_check, name="slug_check"),
    path("<uuid:site_id>/", views.editor, name="editor"),
    path("<uuid:site_id>/settings/", views.settings, name="settings"),
    path("<uuid:site_id>/delete/", views.site_delete, name="site_delete"),
    path("<uuid:site_id>/undo/", views.undo, name="undo"),
    path("<uuid:site_id>/publish/", views.publish, name="publish"),
    path("<uuid:site_id>/unpublish/", views.unpublish, name="unpublish"),
    path("<uuid:site_id>/components/add/", views.component_add, name="component_add"),
    path(_COMPONENT, views.component_edit, name="component_edit"),
    path(_COMPONENT + "save/", views.component_update, name="component_update"),
    path(_COMPONENT + "preview/", views.component_preview, name="component_preview"),
    path(_COMPONENT + "move/", views.component_move, name="component_move"),
    path(_COMPONENT + "visibility/", views.component_visibility, name="component_visibility"),
    path(_COMPONENT + "schedule/", views.component_schedule, name="component_schedule"),
    path(_COMPONENT + "duplicate/", views.component_duplicate, name="component_duplicate"),
    path(_COMPONENT + "delete/", views.component_delete, name="component_delete"),
]
