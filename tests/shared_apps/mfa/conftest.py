import pytest

from shared_apps.mfa import services
from tests.shared_apps.mfa.support import T0, Clock, enrol


@pytest.fixture
def clock(monkeypatch):
    """TOTP time under the test's control."""
    clock = Clock(T0)
    monkeypatch.setattr(services, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def enrolled(identity, clock):
    """The `identity` fixture with a confirmed authenticator app."""
    return enrol(identity, clock)
