"""Every workspace has a subscription: provisioning makes a Free one, and migration
billing.0003 gave one to each workspace that existed before billing."""

import importlib

from django.apps import apps

from shared_apps.billing.models import Subscription
from shared_apps.billing.services import subscription_create_free
from tests.shared_apps.billing.support import subscription_of

migration = importlib.import_module(
    "shared_apps.billing.migrations.0003_pending_features_free_subscriptions"
)


def test_the_data_migration_gives_older_workspaces_a_free_subscription(alpha, beta):
    Subscription.objects.filter(workspace=alpha).delete()
    alpha.plan_code = "legacy"
    alpha.save()

    migration.free_subscriptions(apps, None)

    subscription = subscription_of(alpha)
    assert (subscription.plan.code, subscription.status, subscription.price.version) == (
        "free", "free", 1
    )  # fmt: skip
    alpha.refresh_from_db()
    assert alpha.plan_code == "free"
    assert Subscription.objects.filter(workspace=beta).count() == 1  # untouched


def test_creating_the_free_subscription_is_idempotent(alpha):
    first = subscription_of(alpha)

    assert subscription_create_free(workspace=alpha) == first
    assert Subscription.objects.filter(workspace=alpha).count() == 1
