from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Tables of the control plane: a warm workspace request must touch none of them.
CONTROL_PLANE_TABLES = ("tenants_", "platform_", '"public".')


def host_of(workspace) -> str:
    return f"{workspace.slug}.{settings.PLATFORM_DOMAIN}"


def control_plane_queries(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if any(t in q["sql"] for t in CONTROL_PLANE_TABLES)
    ]


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]["code"]


__all__ = ["CaptureQueriesContext", "connection"]


def add_member(workspace, role: str, email: str | None = None):
    """A platform identity with `role` in `workspace`, its tenant-local mirror in step."""
    from django_tenants.utils import schema_context

    from tenants.models import Membership
    from tenants.services import membership_mirror_sync_in_workspace
    from tests.factories import IdentityFactory

    with schema_context("public"):
        identity = IdentityFactory(**({"email": email} if email else {}))
        membership = Membership.objects.create(identity=identity, workspace=workspace, role=role)
    membership_mirror_sync_in_workspace(membership=membership)
    return identity


def client_for_member(identity, workspace):
    """A separate browser signed in on `workspace`'s host as `identity`'s mirror."""
    from django.test import Client
    from django_tenants.utils import tenant_context

    from shared_apps.accounts.models import User

    client = Client()
    with tenant_context(workspace):
        client.force_login(User.objects.get(identity_id=identity.uuid))
    return client
