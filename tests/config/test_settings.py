"""The plane an app lives in is the folder it sits in."""

from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def _folder_apps(folder: str) -> set[str]:
    return {f"{folder}.{p.parent.name}" for p in (ROOT / folder).glob("*/apps.py")}


def test_shared_apps_folder_matches_shared_apps_setting():
    assert _folder_apps("shared_apps") <= set(settings.SHARED_APPS)


def test_tenant_apps_folder_matches_tenant_apps_setting():
    assert _folder_apps("tenant_apps") <= set(settings.TENANT_APPS)
    assert "cms" in settings.TENANT_APPS


def test_only_accounts_crosses_planes_among_our_apps():
    ours_in_both = {
        app
        for app in set(settings.SHARED_APPS) & set(settings.TENANT_APPS)
        if app.startswith(("shared_apps.", "tenant_apps.", "cms", "tenants"))
    }
    assert ours_in_both == {"shared_apps.accounts"}


def test_tenant_apps_are_not_in_the_public_schema():
    assert not _folder_apps("tenant_apps") & set(settings.SHARED_APPS)
    assert "tenants" not in settings.TENANT_APPS


def test_production_settings_are_safe_by_default(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 50)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/mewayz")
    monkeypatch.delenv("DEBUG", raising=False)
    production = importlib.import_module("config.settings.production")
    production = importlib.reload(production)

    assert production.DEBUG is False
    assert production.SESSION_COOKIE_SECURE is True
    assert production.CSRF_COOKIE_SECURE is True
    assert production.SECURE_SSL_REDIRECT is True
    assert production.SESSION_COOKIE_DOMAIN is None


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    import importlib

    import pytest
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db.internal/mewayz")
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        importlib.reload(importlib.import_module("config.settings.production"))
