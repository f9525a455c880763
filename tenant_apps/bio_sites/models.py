import uuid

from django.db import models


class BioSite(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    theme = models.CharField(max_length=40, default="classic")
    seo_title = models.CharField(max_length=70, blank=True)
    seo_description = models.CharField(max_length=160, blank=True)
    og_image = models.ImageField(upload_to="bio/og/", blank=True)
    # Stored only after tenants.css_sanitizer.css_sanitize accepted it (services).
    custom_css = models.TextField(blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BioComponent(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(BioSite, on_delete=models.CASCADE, related_name="components")
    # A key of tenant_apps.bio_sites.components.COMPONENT_TYPES; `data` is that type's
    # cleaned schema output (component_data_validate), never raw input.
    type = models.CharField(max_length=40)
    data = models.JSONField(default=dict)
    position = models.PositiveIntegerField()
    is_visible = models.BooleanField(default=True)
    visible_from = models.DateTimeField(null=True, blank=True)
    visible_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position"]
        constraints = [
            # Deferred so a reorder can rewrite positions in one transaction; the unique
            # index doubles as the (site, position) index the page query uses.
            models.UniqueConstraint(
                fields=["site", "position"],
                name="bio_component_site_position_unique",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(visible_from__isnull=True)
                | models.Q(visible_until__isnull=True)
                | models.Q(visible_from__lt=models.F("visible_until")),
                name="bio_component_visible_window_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} #{self.position}"
