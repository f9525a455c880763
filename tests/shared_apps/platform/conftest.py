import pytest

from shared_apps.mfa import services as mfa_services
from tests.factories import IdentityFactory
from tests.shared_apps.mfa.support import T0, Clock, enrol


@pytest.fixture
def clock(monkeypatch):
    """TOTP time under the test's control (platform owners must enrol an authenticator)."""
    clock = Clock(T0)
    monkeypatch.setattr(mfa_services, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def platform_owner(db, clock):
    """A superuser with a confirmed authenticator: what the console lets in."""
    person = IdentityFactory(email="root@console.test", is_superuser=True, is_staff=True)
    enrol(person, clock)
    return person


@pytest.fixture
def console(client, platform_owner, platform_host):
    """A client signed in as a platform owner on the platform host."""
    client.force_login(platform_owner)
    client.defaults["HTTP_HOST"] = platform_host
    client.defaults["REMOTE_ADDR"] = "203.0.113.7"
    client.defaults["HTTP_USER_AGENT"] = "console-test"
    return client


def action_post(client, url: str, action: str, ids, *, follow: bool = False, **data):
    """Post a changelist action as the admin's action bar does (the first step), or,
    with `post="yes"`, as the confirmation page does."""
    payload = {"action": action, "_selected_action": [str(i) for i in ids], **data}
    if "post" not in data:
        payload["index"] = "0"
    return client.post(url, payload, follow=follow)


@pytest.fixture
def client_factory():
    """More browsers: someone else's sessions, next to the console's."""
    from django.test import Client

    return Client
