"""The console is Django admin for platform owners on platform hosts, and nobody else."""

import pytest

from tests.factories import IdentityFactory
from tests.helpers import host_of
from tests.shared_apps.mfa.support import SETUP

CONSOLE_PAGES = [
    "/admin/",
    "/admin/tenants/workspace/",
    "/admin/accounts/user/",
    "/admin/platform/auditevent/",
    "/admin/platform/secret/",
    "/admin/platform/secret/add/",
    "/admin/platform/platformsetting/",
    "/admin/platform/platformsetting/add/",
    "/admin/billing/plan/",
    "/admin/billing/planprice/",
    "/admin/billing/planprice/add/",
    "/admin/billing/subscription/",
    "/admin/billing/invoice/",
    "/admin/billing/stripeevent/",
    "/admin/billing/featurekillswitch/",
    "/admin/billing/featurekillswitch/add/",
    "/admin/mfa/totpdevice/",
    "/admin/accounts/user/add/",
    "/admin/auth/group/",
    "/admin/account/emailaddress/",
    "/admin/socialaccount/socialaccount/",
]


@pytest.mark.parametrize("path", CONSOLE_PAGES)
def test_a_platform_owner_with_two_factor_reaches_every_console_page(console, path):
    response = console.get(path)

    assert response.status_code == 200, response


def test_the_front_page_sums_up_the_platform(console, alpha):
    page = console.get("/admin/").content.decode()

    assert "Platform console" in page
    assert "At a glance" in page
    assert "active" in page


def test_staff_who_are_not_platform_owners_are_refused(client, db, platform_host):
    staff = IdentityFactory(is_staff=True, is_superuser=False)
    client.force_login(staff)

    for path in ("/admin/", "/admin/tenants/workspace/", "/admin/platform/secret/"):
        response = client.get(path, HTTP_HOST=platform_host)
        assert response.status_code == 403, path
        assert "No access to the platform admin" in response.content.decode()


def test_a_disabled_platform_owner_is_refused(client, platform_owner, platform_host):
    platform_owner.is_active = False
    platform_owner.save(update_fields=["is_active"])
    client.force_login(platform_owner)

    # Django's session check drops an inactive user's session: they are anonymous.
    response = client.get("/admin/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_people_who_are_not_staff_are_refused(client, identity, platform_host):
    client.force_login(identity)

    assert client.get("/admin/", HTTP_HOST=platform_host).status_code == 403


def test_anonymous_visitors_are_sent_to_the_platform_sign_in(client, db, platform_host):
    first = client.get("/admin/tenants/workspace/", HTTP_HOST=platform_host)
    assert first.status_code == 302
    assert first["Location"].startswith("/admin/login/")

    second = client.get(first["Location"], HTTP_HOST=platform_host)

    assert second.status_code == 302
    assert second["Location"].startswith("/accounts/sign-in/")


def test_a_platform_owner_without_two_factor_is_sent_to_set_it_up(client, db, platform_host):
    owner = IdentityFactory(is_superuser=True, is_staff=True)
    client.force_login(owner)

    response = client.get("/admin/platform/secret/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"].startswith(SETUP)


def test_workspace_hosts_have_no_console(client, alpha):
    for path in ("/admin/", "/admin/login/", "/admin/platform/secret/"):
        assert client.get(path, HTTP_HOST=host_of(alpha)).status_code == 404, path


def test_workspace_staff_signed_in_on_their_host_get_no_console(staff_client, alpha):
    # The owner's mirror is a superuser inside the workspace schema: still no console.
    assert staff_client.get("/admin/", HTTP_HOST=host_of(alpha)).status_code == 404


def test_the_console_lists_only_public_schema_models_and_no_credentials(console):
    listed = {
        f"{app['app_label']}.{model['object_name'].lower()}"
        for app in console.get("/admin/").context["app_list"]
        for model in app["models"]
    }

    assert {"tenants.workspace", "platform.secret", "billing.plan", "accounts.user"} <= listed
    # workspace-schema tables do not exist in public
    assert not {"taggit.tag", "wagtailimages.image", "wagtaildocs.document"} & listed
    # provider client secrets and OAuth tokens are never shown
    assert not {"socialaccount.socialapp", "socialaccount.socialtoken"} & listed
    assert console.get("/admin/socialaccount/socialapp/").status_code == 404


def test_edits_through_stock_admin_pages_are_audited(console, platform_owner):
    from django.contrib.auth.models import Group

    from shared_apps.platform.models import AuditEvent

    response = console.post("/admin/auth/group/add/", {"name": "Support"})

    assert response.status_code == 302
    group = Group.objects.get(name="Support")
    event = AuditEvent.objects.get(action="console.object_added")
    assert (event.target_type, event.target_id) == ("auth.group", str(group.pk))
    assert event.actor == platform_owner
    assert event.ip_address == "203.0.113.7"

    console.post(f"/admin/auth/group/{group.pk}/change/", {"name": "Support desk"})

    changed = AuditEvent.objects.get(action="console.object_changed")
    assert changed.data["change"] == [{"changed": {"fields": ["Name"]}}]
    # deleting would walk into workspace-only tables: not offered here
    assert console.get(f"/admin/auth/group/{group.pk}/delete/").status_code == 403


def test_services_that_audit_are_not_audited_twice(console, platform_owner):
    from shared_apps.platform.models import AuditEvent

    before = set(AuditEvent.objects.values_list("pk", flat=True))

    console.post(
        "/admin/platform/secret/add/",
        {"name": "openai_api_key", "value": "sk-proj-0123456789abcdef"},
    )

    new = AuditEvent.objects.exclude(pk__in=before)
    assert list(new.values_list("action", flat=True)) == ["console.secret_created"]
