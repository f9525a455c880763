"""Stripe's side of billing on the platform host (mounted at /billing/stripe/)."""

from django.urls import path

from shared_apps.billing.webhooks import stripe_webhook

app_name = "billing_stripe"

urlpatterns = [
    path("webhook/", stripe_webhook, name="webhook"),
]
