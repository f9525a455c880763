"""Stripe keys. Billing itself arrives with the billing app; the keys are read here."""

from config.settings.env import env_str

STRIPE_SECRET_KEY = env_str("STRIPE_SECRET_KEY", "")
STRIPE_WEBHOOK_SECRET = env_str("STRIPE_WEBHOOK_SECRET", "")
# Tests point the real SDK at a fake Stripe API on loopback through this.
STRIPE_API_BASE = env_str("STRIPE_API_BASE", "")
