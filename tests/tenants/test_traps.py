"""ARCHITECTURE.md's known traps that touch the foundation."""

from django.apps import apps
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django_tenants.utils import tenant_context
from wagtail.models import Site

from tests.helpers import host_of


def test_every_cache_alias_uses_the_tenant_key_function():
    for alias, config in settings.CACHES.items():
        assert config.get("KEY_FUNCTION") == "django_tenants.cache.make_key", alias


def test_two_workspaces_never_read_each_others_cache(alpha, beta):
    cache = caches["default"]
    with tenant_context(alpha):
        cache.set("greeting", "alpha's")
    with tenant_context(beta):
        assert cache.get("greeting") is None
        cache.set("greeting", "beta's")
    with tenant_context(alpha):
        assert cache.get("greeting") == "alpha's"


def test_wagtail_site_root_cache_is_per_workspace(client, alpha, beta):
    client.get("/", HTTP_HOST=host_of(alpha))
    client.get("/", HTTP_HOST=host_of(beta))

    with tenant_context(alpha):
        alpha_roots = Site.get_site_root_paths()
    with tenant_context(beta):
        beta_roots = Site.get_site_root_paths()

    assert [root.root_url for root in alpha_roots] == [f"http://{host_of(alpha)}"]
    assert [root.root_url for root in beta_roots] == [f"http://{host_of(beta)}"]


def test_session_and_csrf_cookies_are_host_only(client, identity, password, platform_host):
    assert settings.SESSION_COOKIE_DOMAIN is None
    assert settings.CSRF_COOKIE_DOMAIN is None

    response = client.post(
        "/accounts/sign-in/",
        {"username": identity.email, "password": password},
        HTTP_HOST=platform_host,
    )

    assert response.cookies["sessionid"]["domain"] == ""


def test_default_primary_keys_are_64_bit():
    assert settings.DEFAULT_AUTO_FIELD == "django.db.models.BigAutoField"
    ours = [
        model
        for model in apps.get_models()
        if model.__module__.split(".")[0] in {"tenants", "shared_apps", "tenant_apps", "cms"}
    ]
    assert ours
    for model in ours:
        assert model._meta.pk.get_internal_type() in {
            "BigAutoField",
            "UUIDField",
            "OneToOneField",  # Wagtail page subclasses: the key is the page's
        }, model


def test_no_tenant_table_has_a_foreign_key_to_a_public_table():
    shared_only = {
        config.label
        for config in apps.get_app_configs()
        if config.name in settings.SHARED_APPS and config.name not in settings.TENANT_APPS
    }
    tenant_models = [
        model for model in apps.get_models() if model._meta.app_config.name in settings.TENANT_APPS
    ]
    for model in tenant_models:
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete and field.related_model is not None:
                assert field.related_model._meta.app_label not in shared_only, (model, field)


def test_requests_leave_the_connection_in_the_routed_schema_only(client, alpha, platform_host):
    client.get("/", HTTP_HOST=host_of(alpha))
    assert connection.schema_name == "ws_alpha"

    client.get("/", HTTP_HOST=platform_host)
    assert connection.schema_name == "public"
