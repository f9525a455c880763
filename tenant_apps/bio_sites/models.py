import uuid

from django.conf import settings
from django.db import models


class BioSite(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=60, unique=True)
    # A key of tenant_apps.bio_sites.themes.THEMES; "brand" follows the workspace's branding.
    theme = models.CharField(max_length=40, default="brand")
    seo_title = models.CharField(max_length=70, blank=True)
    seo_description = models.CharField(max_length=160, blank=True)
    og_image = models.ImageField(upload_to="bio/og/", blank=True)
    # Stored only after tenants.css_sanitizer.css_sanitize accepted it (services).
    custom_css = models.TextField(blank=True)
    is_published = models.BooleanField(default=False)
    published_at = models.DateTimeField(null=True, blank=True)
    # Served at the workspace's root (/) instead of its home page; at most one site.
    serves_root = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["serves_root"],
                condition=models.Q(serves_root=True),
                name="bio_site_one_root",
            )
        ]

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


class BioRevision(models.Model):
    """The state of a site just before a change, so the editor can undo that change.

    `snapshot` holds the site's editable settings and its whole component list (ids,
    types, data, positions, visibility); restoring it puts the site back exactly.
    """

    id = models.BigAutoField(primary_key=True)
    site = models.ForeignKey(BioSite, on_delete=models.CASCADE, related_name="revisions")
    summary = models.CharField(max_length=200)
    snapshot = models.JSONField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["site", "-created_at"], name="bio_revision_site_idx")]

    def __str__(self) -> str:
        return self.summary


class BioExperiment(models.Model):
    """An A/B test of a whole site or of one component, with a traffic split over variants.

    A variant changes the page through its overrides (theme, component data, hidden
    components); a component experiment only overrides its one component. The goal is a
    click on `goal_component`, or on any link when it is empty.
    """

    class Scope(models.TextChoices):
        SITE = "site", "Whole page"
        COMPONENT = "component", "One component"

    class Status(models.TextChoices):
        RUNNING = "running", "Running"
        ENDED = "ended", "Ended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    site = models.ForeignKey(BioSite, on_delete=models.CASCADE, related_name="experiments")
    name = models.CharField(max_length=120)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.SITE)
    component = models.ForeignKey(
        BioComponent, null=True, blank=True, on_delete=models.CASCADE, related_name="experiments"
    )
    goal_component = models.ForeignKey(
        BioComponent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.RUNNING)
    started_at = models.DateTimeField(default=None, null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey(
        "BioVariant", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One running test per page: two would split the same visitors twice.
            models.UniqueConstraint(
                fields=["site"],
                condition=models.Q(status="running"),
                name="bio_experiment_one_running_per_site",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="site") | models.Q(component__isnull=False),
                name="bio_experiment_component_scope_has_component",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class BioVariant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    experiment = models.ForeignKey(BioExperiment, on_delete=models.CASCADE, related_name="variants")
    # "A", "B", …: short, stable, shown in the dashboard and stored on events.
    key = models.CharField(max_length=2)
    name = models.CharField(max_length=80)
    is_control = models.BooleanField(default=False)
    # Share of traffic, in percent; a running experiment's weights sum to 100.
    weight = models.PositiveSmallIntegerField(default=50)
    theme = models.CharField(max_length=40, blank=True)
    # {component id: data} validated against that component's type.
    component_overrides = models.JSONField(default=dict, blank=True)
    hidden_component_ids = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["experiment", "key"], name="bio_variant_key_unique"),
            models.CheckConstraint(
                condition=models.Q(weight__gte=1, weight__lte=100), name="bio_variant_weight_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key}: {self.name}"


class BioSubmission(models.Model):
    """What a visitor sent through a signup or contact component, kept even when the CRM
    is not installed (it receives the contact when it is: services)."""

    id = models.BigAutoField(primary_key=True)
    site = models.ForeignKey(BioSite, on_delete=models.CASCADE, related_name="submissions")
    # The component may be deleted later; the submission stays.
    component = models.ForeignKey(
        BioComponent, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    component_type = models.CharField(max_length=40)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=20, blank=True)
    name = models.CharField(max_length=120, blank=True)
    message = models.TextField(blank=True)
    consent = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.email or self.phone or f"submission {self.pk}"
