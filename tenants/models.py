import secrets
import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django_tenants.models import DomainMixin, TenantMixin

SLUG_PATTERN = r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$"
SLUG_MIN_LENGTH = 3
SLUG_MAX_LENGTH = 40
SCHEMA_PREFIX = "ws_"


def workspace_logo_path(instance: "Workspace", filename: str) -> str:
    # Stored from the public plane, so the storage's schema prefix is "public":
    # the workspace id keeps logos of different workspaces apart.
    return f"workspaces/{instance.pk}/logo/{filename}"


def workspace_favicon_path(instance: "Workspace", filename: str) -> str:
    return f"workspaces/{instance.pk}/favicon/{filename}"


class Workspace(TenantMixin):
    """A business on its own hosts, with its own PostgreSQL schema."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        ARCHIVED = "archived", "Archived"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(
        max_length=SLUG_MAX_LENGTH,
        unique=True,
        validators=[RegexValidator(SLUG_PATTERN)],
    )
    description = models.TextField(blank=True)
    logo = models.ImageField(upload_to=workspace_logo_path, blank=True)
    # The plan's code in the billing catalog (public plane); billing owns its meaning.
    plan_code = models.CharField(max_length=40, default="free")
    # Colours, fonts and names the design system reads (tenants.branding fills defaults).
    branding = models.JSONField(default=dict, blank=True)
    settings = models.JSONField(default=dict, blank=True)
    favicon = models.ImageField(upload_to=workspace_favicon_path, blank=True)
    # A client of a reselling agency: white label with the agency's brand around it.
    agency = models.ForeignKey(
        "tenants.Agency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workspaces",
    )
    # The snapshot this workspace was cloned from, if any (a value: snapshots come and go).
    snapshot_id = models.UUIDField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(max_length=255, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    # Provisioning clones the template schema itself (tenants.services) and dropping a
    # schema is only ever an explicit, confirmed act (workspace_delete).
    auto_create_schema = False
    auto_drop_schema = False

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["status"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @staticmethod
    def schema_name_for_slug(slug: str) -> str:
        return SCHEMA_PREFIX + slug.replace("-", "_")


def verification_token() -> str:
    return secrets.token_hex(16)


class HostProof(models.Model):
    """The proof that a host is ours to serve: a TXT record holding
    `verification_token` and a CNAME to the platform. `tenants.domains.host_check_apply`
    writes these fields for workspace hosts and agency hosts alike."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        VERIFIED = "verified", "Verified"
        FAILED = "failed", "Failed"

    # Routing reads is_verified; status adds why a host is not (yet) verified.
    is_verified = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    verification_token = models.CharField(max_length=64, default=verification_token)
    failure_reason = models.CharField(max_length=255, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    last_checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True


class Domain(DomainMixin, HostProof):
    """A host that answers for a workspace. Only verified hosts route.

    A custom host proves ownership with a TXT record
    `<DOMAIN_VERIFICATION_TXT_LABEL>.<host>` holding `verification_token`, and points at
    the platform (or, white-labelled, another target) with a CNAME.
    """

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "domain"]
        indexes = [models.Index(fields=["status", "last_checked_at"])]

    def __str__(self) -> str:
        return self.domain


class Membership(models.Model):
    """An identity's role in a workspace. Roles map onto Wagtail groups in the schema."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        EDITOR = "editor", "Editor"
        VIEWER = "viewer", "Viewer"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identity = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    # {"permission codename": true|false} on top of what the role grants.
    permission_overrides = models.JSONField(default=dict, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    invited_at = models.DateTimeField(null=True, blank=True)
    joined_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "workspace"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.identity} · {self.workspace} ({self.role})"


class Invitation(models.Model):
    """An emailed, expiring, single-use invitation to join a workspace with a role.

    Only a hash of the token is stored: the link in the mail is the only copy.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.ForeignKey(Workspace, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=Membership.Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            # One open invitation per address and workspace: resend reuses it.
            models.UniqueConstraint(
                "workspace",
                Lower("email"),
                condition=models.Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_email",
            )
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.workspace} ({self.role})"


def agency_logo_path(instance: "Agency", filename: str) -> str:
    return f"agencies/{instance.pk}/logo/{filename}"


class Agency(models.Model):
    """A reseller: it brands its own dashboard host, provisions client workspaces under
    its brand, sets their prices, and is billed by the platform at wholesale."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=SLUG_MAX_LENGTH, unique=True)
    logo = models.ImageField(upload_to=agency_logo_path, blank=True)
    # Same keys and validation as a workspace's branding (tenants.branding).
    branding = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    # Where the platform bills the agency (billing owns its meaning).
    stripe_customer_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class AgencyHost(HostProof):
    """The agency's own dashboard host (`app.agency.com`), proved like a custom domain.
    Only a verified host routes to the agency's dashboard."""

    id = models.BigAutoField(primary_key=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="hosts")
    host = models.CharField(max_length=253, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["host"]

    def __str__(self) -> str:
        return self.host


class AgencyMembership(models.Model):
    """An identity on an agency's staff. Agency owners and admins manage every client
    workspace of the agency (they enter one as its admin); staff see the client list and
    enter the clients they are members of."""

    class Role(models.TextChoices):
        OWNER = "owner", "Owner"
        ADMIN = "admin", "Admin"
        STAFF = "staff", "Staff"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    identity = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="agency_memberships"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["identity", "agency"], name="agency_membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.identity} · {self.agency} ({self.role})"


class AgencyPrice(models.Model):
    """The agency's own price list: what it charges a client per enabled feature per
    month on a plan. The platform's price for the same plan is the agency's cost
    (wholesale); the difference is the agency's margin."""

    id = models.BigAutoField(primary_key=True)
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="prices")
    plan_code = models.CharField(max_length=40)
    # Minor units of `currency` (config.money.Money at the edges).
    feature_price_monthly_minor = models.PositiveIntegerField()
    # A flat monthly base fee on top of the per-feature price (0 for none).
    base_price_monthly_minor = models.PositiveIntegerField(default=0)
    currency = models.CharField(max_length=3, default="USD")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["plan_code"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "plan_code"], name="agency_price_unique")
        ]

    def __str__(self) -> str:
        return f"{self.agency} · {self.plan_code}"


class Snapshot(models.Model):
    """A configured workspace frozen into a schema of its own that new workspaces are
    cloned from: pages, bio sites, email templates and automations, no customer data.
    `agency` is None for the platform's own snapshots."""

    class Status(models.TextChoices):
        BUILDING = "building", "Building"
        READY = "ready", "Ready"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    agency = models.ForeignKey(
        Agency, on_delete=models.CASCADE, null=True, blank=True, related_name="snapshots"
    )
    # A value, not a key: the source may be deleted while its snapshot lives on.
    source_workspace_id = models.UUIDField()
    source_workspace_name = models.CharField(max_length=120)
    schema_name = models.CharField(max_length=63, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BUILDING)
    failure_reason = models.CharField(max_length=255, blank=True)
    # What was kept, table by table ({"cms_landingpage": 3, …}), shown to the person
    # choosing a snapshot.
    contents = models.JSONField(default=dict, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name
