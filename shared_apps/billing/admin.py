"""Plans, prices, subscriptions, invoices, Stripe events and feature kill switches in
the platform owner's console (shared_apps.platform.console_site).

- Plans: their name, limit, features, white label and availability are edited here
  (audited); their codes and existence come from code (migrations seed them).
- Prices are versions: the console only ever adds one, never edits or deletes one, so
  existing subscribers keep the price they signed up at until renewal.
- Subscriptions, invoices and Stripe events are what Stripe told us: read-only.
- A kill switch turns a feature off for every workspace (incidents), with a reason.

Writes go through shared_apps.billing.services (audited there, and they drop the
gate's cached entitlements) or shared_apps.platform.console.
"""

import json

from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html

from shared_apps.billing.catalog import FEATURES
from shared_apps.billing.models import (
    FeatureKillSwitch,
    Invoice,
    Plan,
    PlanPrice,
    StripeEvent,
    Subscription,
)
from shared_apps.billing.services import feature_kill_switch_set, plan_price_change
from shared_apps.platform.console import plan_edit
from shared_apps.platform.console_actions import confirm_and_apply
from shared_apps.platform.console_site import ReadOnlyInline

_FEATURE_CHOICES = [(key, f"{feature.name} ({key})") for key, feature in FEATURES.items()]


class _ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _price_text(price: PlanPrice | None) -> str:
    if price is None:
        return "no price"
    currency = price.currency.upper()
    return (
        f"{price.price_monthly} {currency}/month · {price.price_yearly} {currency}/year "
        f"per feature (v{price.version})"
    )


# Plans ------------------------------------------------------------------------------


class PlanForm(forms.ModelForm):
    features = forms.MultipleChoiceField(
        choices=_FEATURE_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The features this plan offers. None ticked: every feature of the catalog.",
    )

    class Meta:
        model = Plan
        fields = [
            "name",
            "description",
            "feature_limit",
            "is_whitelabel",
            "features",
            "is_active",
            "sort_order",
        ]


class PlanPriceInline(ReadOnlyInline):
    model = PlanPrice
    fields = ["version", "price_monthly", "price_yearly", "currency", "created_by", "created_at"]
    readonly_fields = fields
    verbose_name_plural = "Price versions (newest first; add one from the price list)"


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    console_audited = True  # its writes go through audited services
    form = PlanForm
    list_display = ["name", "code", "feature_limit", "is_whitelabel", "is_active", "price"]
    list_filter = ["is_active", "is_whitelabel"]
    search_fields = ["name", "code"]
    readonly_fields = ["code", "price", "created_at", "updated_at"]
    fields = [
        "code",
        "name",
        "description",
        "feature_limit",
        "is_whitelabel",
        "features",
        "is_active",
        "sort_order",
        "price",
        "created_at",
        "updated_at",
    ]
    inlines = [PlanPriceInline]

    def has_add_permission(self, request):
        # Plans are defined in code (their codes are what billing and the gate read).
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Current price")
    def price(self, obj: Plan):
        latest = obj.prices.order_by("-version").first()
        add = reverse("admin:billing_planprice_add") + f"?plan={obj.pk}"
        return format_html(
            '{} · <a href="{}">add a new price version</a>', _price_text(latest), add
        )

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        plan_edit(plan=obj, changes=changes, actor=request.user, request=request)


class PlanPriceForm(forms.ModelForm):
    price_monthly = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)
    price_yearly = forms.DecimalField(min_value=0, max_digits=12, decimal_places=2)

    class Meta:
        model = PlanPrice
        fields = ["plan", "price_monthly", "price_yearly"]
        help_texts = {"plan": "New subscribers get this price; existing ones keep theirs."}


@admin.register(PlanPrice)
class PlanPriceAdmin(admin.ModelAdmin):
    """Add-only: a price change is a new version, never an edit of an existing one."""

    console_audited = True  # its writes go through audited services
    form = PlanPriceForm
    list_display = [
        "plan",
        "version",
        "price_monthly",
        "price_yearly",
        "currency",
        "created_by",
        "created_at",
    ]
    list_filter = ["plan"]
    readonly_fields = [
        "plan",
        "version",
        "price_monthly",
        "price_yearly",
        "currency",
        "stripe_price_monthly_id",
        "stripe_price_yearly_id",
        "created_by",
        "created_at",
    ]

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj is not None else []

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["plan", "price_monthly", "price_yearly"]
        return self.readonly_fields

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        # Billing's service numbers the version, audits it and leaves existing
        # subscribers on theirs; equal prices give back the current version.
        price = plan_price_change(
            plan=form.cleaned_data["plan"],
            price_monthly=form.cleaned_data["price_monthly"],
            price_yearly=form.cleaned_data["price_yearly"],
            actor=request.user,
            request=request,
        )
        obj.pk = price.pk
        obj.version = price.version
        obj._state.adding = False


# What Stripe told us: read-only ---------------------------------------------------------


@admin.register(Subscription)
class SubscriptionAdmin(_ReadOnlyAdmin):
    list_display = [
        "workspace",
        "plan",
        "price",
        "interval",
        "status",
        "billed_quantity",
        "current_period_end",
        "grace_until",
    ]
    list_filter = ["status", "plan", "interval", "cancel_at_period_end"]
    search_fields = [
        "workspace__name",
        "workspace__slug",
        "stripe_customer_id",
        "stripe_subscription_id",
    ]
    list_select_related = ["workspace", "plan", "price__plan"]


@admin.register(Invoice)
class InvoiceAdmin(_ReadOnlyAdmin):
    list_display = [
        "number_or_id",
        "workspace",
        "status",
        "amount_due",
        "amount_paid",
        "currency",
        "created_at_stripe",
        "link",
    ]
    list_filter = ["status", "currency"]
    search_fields = ["number", "stripe_invoice_id", "workspace__name", "workspace__slug"]
    list_select_related = ["workspace"]

    @admin.display(description="Invoice")
    def number_or_id(self, obj: Invoice) -> str:
        return str(obj)

    @admin.display(description="Stripe")
    def link(self, obj: Invoice):
        if not obj.hosted_invoice_url:
            return "-"
        return format_html('<a href="{}" rel="noopener">view</a>', obj.hosted_invoice_url)


@admin.register(StripeEvent)
class StripeEventAdmin(_ReadOnlyAdmin):
    list_display = ["event_id", "type", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["event_id", "type"]
    exclude = ["payload"]
    readonly_fields = ["payload_pretty"]

    @admin.display(description="Payload")
    def payload_pretty(self, obj: StripeEvent):
        return format_html("<pre>{}</pre>", json.dumps(obj.payload, indent=2, sort_keys=True))


# Kill switches ----------------------------------------------------------------------


class FeatureKillSwitchForm(forms.ModelForm):
    key = forms.ChoiceField(choices=_FEATURE_CHOICES, label="Feature")
    reason = forms.CharField(
        max_length=255,
        help_text="Why (an incident, a provider outage…). Kept with the switch and in "
        "the audit log.",
    )

    class Meta:
        model = FeatureKillSwitch
        fields = ["key", "disabled", "reason"]
        labels = {"disabled": "Turned off platform-wide"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Every change of a switch needs a reason of its own.
            self.initial["reason"] = ""
        else:
            self.initial.setdefault("disabled", True)


@admin.register(FeatureKillSwitch)
class FeatureKillSwitchAdmin(admin.ModelAdmin):
    console_audited = True  # its writes go through audited services
    form = FeatureKillSwitchForm
    list_display = ["feature", "disabled", "reason", "changed_by", "changed_at"]
    list_filter = ["disabled"]
    search_fields = ["key", "reason"]
    readonly_fields = ["changed_by", "changed_at"]
    actions = ["turn_off_selected", "turn_on_selected"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "key"] if obj is not None else self.readonly_fields

    def get_fields(self, request, obj=None):
        fields = ["key", "disabled", "reason"]
        return [*fields, *self.readonly_fields] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        # Turn a switch back on instead: its row keeps who changed it last and why.
        return False

    @admin.display(description="Feature", ordering="key")
    def feature(self, obj: FeatureKillSwitch) -> str:
        feature = FEATURES.get(obj.key)
        return f"{feature.name} ({obj.key})" if feature else obj.key

    def save_model(self, request, obj, form, change):
        switch = feature_kill_switch_set(
            key=obj.key,
            disabled=form.cleaned_data["disabled"],
            reason=form.cleaned_data["reason"],
            actor=request.user,
            request=request,
        )
        obj.pk = switch.pk
        obj._state.adding = False

    @admin.action(description="Turn the selected features off platform-wide…")
    def turn_off_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="turn_off_selected",
            title="Turn features off platform-wide",
            question="Turn these features off for every workspace? Their data stays; "
            "workspaces see the feature as unavailable until it is turned back on.",
            button="Turn off",
            apply=lambda switch, reason: feature_kill_switch_set(
                key=switch.key, disabled=True, reason=reason, actor=request.user, request=request
            ),
            done_message="Turned off {count} feature(s).",
        )

    @admin.action(description="Turn the selected features back on…")
    def turn_on_selected(self, request, queryset):
        return confirm_and_apply(
            self,
            request,
            queryset,
            action="turn_on_selected",
            title="Turn features back on",
            question="Make these features available again, to every workspace whose plan "
            "and choices include them?",
            button="Turn on",
            apply=lambda switch, reason: feature_kill_switch_set(
                key=switch.key, disabled=False, reason=reason, actor=request.user, request=request
            ),
            done_message="Turned on {count} feature(s).",
        )
