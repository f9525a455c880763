"""One table of events that every module records into (tenant_apps.analytics.services).

The subject is a (type, id) pair of strings rather than a foreign key, so any module can
record against its own rows without this app knowing about them, and deleting a subject
never cascades into (or is blocked by) its history.
"""

from django.db import models
from django.utils import timezone


class Event(models.Model):
    class Device(models.TextChoices):
        MOBILE = "mobile", "Mobile"
        TABLET = "tablet", "Tablet"
        DESKTOP = "desktop", "Desktop"

    # Kinds are open-ended (later modules add their own); these two drive the summaries.
    PAGE_VIEW = "page_view"
    CLICK = "click"

    id = models.BigAutoField(primary_key=True)
    kind = models.CharField(max_length=40)
    subject_type = models.CharField(max_length=40)
    subject_id = models.CharField(max_length=64)
    occurred_at = models.DateTimeField(default=timezone.now, db_index=True)
    # sha256 of the day's salt, user agent and client address: counts unique visitors
    # within one day and cannot be joined across days or reversed to an address.
    visitor_hash = models.CharField(max_length=64)
    referrer_host = models.CharField(max_length=255, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=2, blank=True)
    device = models.CharField(max_length=10, choices=Device.choices, default=Device.DESKTOP)
    variant = models.CharField(max_length=64, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["subject_type", "subject_id", "occurred_at"],
                name="analytics_event_subject_idx",
            ),
            models.Index(fields=["kind", "occurred_at"], name="analytics_event_kind_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.subject_type}:{self.subject_id} at {self.occurred_at:%Y-%m-%d}"
