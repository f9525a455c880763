"""Keep the routing cache honest: any change to a workspace or a domain drops its hosts."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.host_cache import forget_hosts
from tenants.models import Domain, Workspace


def _forget_after_commit(hosts: list[str]) -> None:
    # Forget now (this transaction may read the cache again) and after commit (another
    # request may have cached the old row between now and then).
    forget_hosts(hosts)
    transaction.on_commit(lambda: forget_hosts(hosts))


@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def domain_changed(sender, instance: Domain, **kwargs):
    # Every cached host of a workspace carries its primary host (tenants.selectors), so a
    # change to any of its domains (a new primary, a lost proof, a removal) must reach
    # all of them, not only the host that changed.
    hosts = set(
        Domain.objects.filter(tenant_id=instance.tenant_id).values_list("domain", flat=True)
    )
    hosts.add(instance.domain)
    _forget_after_commit(sorted(hosts))


@receiver(post_save, sender=Workspace)
def workspace_changed(sender, instance: Workspace, **kwargs):
    hosts = list(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True))
    _forget_after_commit(hosts)
