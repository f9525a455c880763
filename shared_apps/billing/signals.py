"""Keep the feature gate honest: any saved change to what a workspace may use drops its
cached entitlements (they ride in the routing cache; see shared_apps.billing.entitlements).

Services that write with `update()`/`bulk_update()` call `entitlements_invalidate`
themselves; these receivers catch plain `save()`s and deletes from anywhere else (the
console, Stripe webhooks, a shell).
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from shared_apps.billing.entitlements import (
    entitlements_invalidate,
    entitlements_invalidate_everywhere,
)
from shared_apps.billing.models import FeatureKillSwitch, Subscription, WorkspaceFeature


@receiver(post_save, sender=Subscription)
@receiver(post_delete, sender=Subscription)
@receiver(post_save, sender=WorkspaceFeature)
@receiver(post_delete, sender=WorkspaceFeature)
def workspace_entitlements_changed(sender, instance, **kwargs):
    entitlements_invalidate(workspace_id=instance.workspace_id)


@receiver(post_save, sender=FeatureKillSwitch)
@receiver(post_delete, sender=FeatureKillSwitch)
def kill_switch_changed(sender, instance, **kwargs):
    entitlements_invalidate_everywhere()
