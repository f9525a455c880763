from django.urls import path

from tenant_apps.bio_sites import analytics_views

urlpatterns = [
    path("<uuid:site_id>/analytics/", analytics_views.analytics_page, name="analytics"),
    path("<uuid:site_id>/analytics.csv", analytics_views.analytics_csv, name="analytics_csv"),
]

# One route per format: site_qr_*, link_qr_* and link_item_qr_* (a link in a list).
for _fmt in analytics_views.QR_CONTENT_TYPES:
    urlpatterns += [
        path(
            f"<uuid:site_id>/qr.{_fmt}",
            analytics_views.site_qr,
            {"fmt": _fmt},
            name=f"site_qr_{_fmt}",
        ),
        path(
            f"<uuid:site_id>/qr/<uuid:component_id>.{_fmt}",
            analytics_views.link_qr,
            {"fmt": _fmt},
            name=f"link_qr_{_fmt}",
        ),
        path(
            f"<uuid:site_id>/qr/<uuid:component_id>/<int:item>.{_fmt}",
            analytics_views.link_qr,
            {"fmt": _fmt},
            name=f"link_item_qr_{_fmt}",
        ),
    ]
