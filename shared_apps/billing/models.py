import uuid

from django.conf import settings
from django.db import models

from config.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, Money


class Plan(models.Model):
    """A plan bounds which features a workspace may enable and how they are priced.

    Prices live in `PlanPrice` versions: a price change adds a version and existing
    subscribers keep theirs until renewal.
    """

    class Code(models.TextChoices):
        FREE = "free", "Free"
        PROFESSIONAL = "professional", "Professional"
        ENTERPRISE = "enterprise", "Enterprise"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=80)
    description = models.TextField(blank=True)
    # How many features may be enabled at once; null means no limit.
    feature_limit = models.PositiveIntegerField(null=True, blank=True)
    is_whitelabel = models.BooleanField(default=False)
    # Feature keys this plan offers; empty means every feature of the catalog.
    features = models.JSONField(default=list, blank=True)
    is_active = models.BooleanField(default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class PlanPrice(models.Model):
    """One version of a plan's prices, per enabled paid feature. Never edited in place."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="prices")
    version = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="usd")
    price_monthly = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    price_yearly = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    # The Stripe Price objects for this version (created lazily, idempotently).
    stripe_price_monthly_id = models.CharField(max_length=255, blank=True)
    stripe_price_yearly_id = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_price_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"

    def per_feature(self, interval: str) -> Money:
        amount = self.price_yearly if interval == Subscription.Interval.YEAR else self.price_monthly
        return Money(amount, self.currency)


class Subscription(models.Model):
    """A workspace's plan, interval and the Stripe objects that bill it."""

    class Interval(models.TextChoices):
        MONTH = "month", "Monthly"
        YEAR = "year", "Yearly"

    class Status(models.TextChoices):
        FREE = "free", "Free"
        INCOMPLETE = "incomplete", "Awaiting payment"
        ACTIVE = "active", "Active"
        PAST_DUE = "past_due", "Payment failed"
        CANCELED = "canceled", "Canceled"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    workspace = models.OneToOneField(
        "tenants.Workspace", on_delete=models.CASCADE, related_name="subscription"
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions")
    # The price version this subscriber pays until renewal.
    price = models.ForeignKey(PlanPrice, on_delete=models.PROTECT, related_name="subscriptions")
    interval = models.CharField(max_length=8, choices=Interval.choices, default=Interval.MONTH)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.FREE)
    stripe_customer_id = models.CharField(max_length=255, blank=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_item_id = models.CharField(max_length=255, blank=True)
    # Paid features Stripe bills for right now (the subscription item's quantity).
    billed_quantity = models.PositiveIntegerField(default=0)
    current_period_end = models.DateTimeField(null=True, blank=True)
    cancel_at_period_end = models.BooleanField(default=False)
    # Dunning: after a failed payment, paid features keep working until this moment.
    grace_until = models.DateTimeField(null=True, blank=True)
    # When the restriction due at the end of `grace_until` was applied (by the hourly
    # `subscriptions_enforce_grace` task or an explicit `entitlements_restrict`). A new,
    # later grace period makes the subscription due again.
    grace_enforced_at = models.DateTimeField(null=True, blank=True)
    # The Stripe object timestamp of the last state applied, so older events are ignored.
    stripe_state_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.workspace} · {self.plan} ({self.get_status_display()})"


class WorkspaceFeature(models.Model):
    """A feature a workspace turned on. Turning it off never deletes the module's data."""

    class State(models.TextChoices):
        ACTIVE = "active", "Active"
        READ_ONLY = "read_only", "Read-only"
        # Chosen with a paid plan that has not been paid for yet (Checkout not completed):
        # off until the first payment, then active (shared_apps.billing.entitlements).
        PENDING = "pending", "Awaiting payment"

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(
        "tenants.Workspace", on_delete=models.CASCADE, related_name="features"
    )
    key = models.CharField(max_length=40)
    enabled = models.BooleanField(default=True)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    enabled_at = models.DateTimeField(null=True, blank=True)
    disabled_at = models.DateTimeField(null=True, blank=True)
    read_only_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["workspace", "key"], name="workspace_feature_unique")
        ]

    def __str__(self) -> str:
        return f"{self.workspace} · {self.key}"


class FeatureKillSwitch(models.Model):
    """A feature turned off platform-wide by the platform owner (incidents)."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=40, unique=True)
    disabled = models.BooleanField(default=True)
    reason = models.CharField(max_length=255, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.key} ({'off' if self.disabled else 'on'})"


class StripeEvent(models.Model):
    """Every webhook event, stored once by its id, processed by a task."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        IGNORED = "ignored", "Ignored"
        FAILED = "failed", "Failed"

    id = models.BigAutoField(primary_key=True)
    event_id = models.CharField(max_length=255, unique=True)
    type = models.CharField(max_length=100, db_index=True)
    payload = models.JSONField()
    livemode = models.BooleanField(default=False)
    created_at_stripe = models.DateTimeField(null=True, blank=True)
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.RECEIVED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return f"{self.event_id} {self.type}"


class Invoice(models.Model):
    """A Stripe invoice, kept from webhooks so the dashboard lists them without an API call."""

    id = models.BigAutoField(primary_key=True)
    workspace = models.ForeignKey(
        "tenants.Workspace", on_delete=models.CASCADE, related_name="invoices"
    )
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=32)
    currency = models.CharField(max_length=3, default="usd")
    amount_due = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    amount_paid = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    invoice_pdf = models.URLField(max_length=500, blank=True)
    period_start = models.DateTimeField(null=True, blank=True)
    period_end = models.DateTimeField(null=True, blank=True)
    created_at_stripe = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at_stripe"]

    def __str__(self) -> str:
        return self.number or self.stripe_invoice_id


class AgencyInvoice(models.Model):
    """What the platform bills an agency for one period: its clients at wholesale (the
    platform's price times their enabled features), one Stripe invoice with a line per
    client. One per agency and period (shared_apps.billing.agency_billing)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Being issued"
        OPEN = "open", "Open"
        PAID = "paid", "Paid"
        VOID = "void", "Void"
        UNCOLLECTIBLE = "uncollectible", "Uncollectible"
        # Nothing to bill for the period (no paid clients): no Stripe invoice.
        NOTHING_DUE = "nothing_due", "Nothing due"

    id = models.BigAutoField(primary_key=True)
    agency = models.ForeignKey(
        "tenants.Agency", on_delete=models.PROTECT, related_name="platform_invoices"
    )
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive: the first day after the period
    currency = models.CharField(max_length=3, default="usd")
    amount_total = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    stripe_invoice_id = models.CharField(max_length=255, blank=True)
    number = models.CharField(max_length=64, blank=True)
    hosted_invoice_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finalized_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "period_start", "period_end"], name="agency_invoice_period_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.period_start:%Y-%m-%d} to {self.period_end:%Y-%m-%d}"

    @property
    def total(self) -> Money:
        return Money(self.amount_total, self.currency)


class AgencyInvoiceLine(models.Model):
    """One client on an agency's invoice, frozen when the invoice was made."""

    id = models.BigAutoField(primary_key=True)
    invoice = models.ForeignKey(AgencyInvoice, on_delete=models.CASCADE, related_name="lines")
    # The client may be deleted later; its name and numbers stay on the invoice.
    workspace = models.ForeignKey(
        "tenants.Workspace", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    workspace_name = models.CharField(max_length=120)
    plan_code = models.CharField(max_length=40)
    features = models.PositiveIntegerField()
    unit_amount = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES
    )
    amount = models.DecimalField(max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES)
    stripe_invoice_item_id = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["workspace_name", "id"]

    def __str__(self) -> str:
        return f"{self.workspace_name} · {self.amount}"
