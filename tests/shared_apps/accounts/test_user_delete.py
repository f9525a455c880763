"""accounts.User lives in both planes; deleting one must not reach the other's tables."""

from django.contrib.admin.models import ADDITION, LogEntry
from django_tenants.utils import tenant_context

from shared_apps.accounts.models import User
from tenants.models import Membership
from tenants.services import workspace_provision
from tests.factories import IdentityFactory


def test_an_identity_with_memberships_can_be_deleted_in_public(identity):
    workspace_provision(name="Omega", slug="omega", owner=identity)

    identity.delete()

    assert not User.objects.filter(pk=identity.pk).exists()
    assert not Membership.objects.filter(identity_id=identity.pk).exists()


def test_queryset_delete_works_in_public_too(db):
    IdentityFactory(email="gone-1@example.test")
    IdentityFactory(email="gone-2@example.test")

    deleted, _ = User.objects.filter(email__startswith="gone-").delete()

    assert deleted >= 2
    assert not User.objects.filter(email__startswith="gone-").exists()


def test_a_tenant_user_delete_cascades_inside_the_workspace(alpha):
    with tenant_context(alpha):
        customer = IdentityFactory(email="leaving@example.test")
        LogEntry.objects.create(user=customer, action_flag=ADDITION, object_repr="x")

        customer.delete()

        assert not User.objects.filter(email="leaving@example.test").exists()
        assert not LogEntry.objects.filter(user_id=customer.pk).exists()


def test_deleting_a_tenant_user_never_touches_public_rows_with_the_same_id(alpha, identity):
    """search_path is "ws_alpha, public": without the plane-aware collector Django would
    also delete the public memberships of the identity that happens to share the pk."""
    workspace = workspace_provision(name="Sigma", slug="sigma", owner=identity)
    with tenant_context(alpha):
        customer = IdentityFactory(email="same-id@example.test")
        User.objects.filter(pk=customer.pk).update(id=identity.pk)
        customer = User.objects.get(email="same-id@example.test")

        customer.delete()

    assert Membership.objects.filter(identity=identity, workspace=workspace).exists()
