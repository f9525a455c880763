"""Sign-in protection: failed attempts are throttled per account and per client address."""

import re

import pytest
from django.core import mail
from django_tenants.utils import tenant_context

from shared_apps.accounts import throttling
from shared_apps.accounts.throttling import throttle_address
from tests.factories import IdentityFactory
from tests.helpers import host_of

SIGN_IN = "/accounts/sign-in/"
RESET = "/accounts/password-reset/"
WINDOW = 15 * 60
# Ten seconds into a throttling bucket, so the arithmetic of "N minutes" is exact.
T0 = WINDOW * 2_000_000 + 10.0


class Clock:
    def __init__(self, now: float):
        self.now = now


@pytest.fixture
def clock(monkeypatch):
    clock = Clock(T0)
    monkeypatch.setattr(throttling, "_now", lambda: clock.now)
    return clock


@pytest.fixture
def limits(settings):
    settings.AUTH_THROTTLE_WINDOW_SECONDS = WINDOW
    settings.SIGN_IN_THROTTLE_PER_ACCOUNT = 3
    settings.SIGN_IN_THROTTLE_PER_ADDRESS = 6
    settings.PASSWORD_RESET_THROTTLE_PER_ADDRESS = 2
    return settings


def sign_in(client, host, email, password, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password}, HTTP_HOST=host, **extra)


def test_an_account_is_blocked_after_too_many_wrong_passwords(
    client, identity, password, platform_host, limits, clock
):
    # given two wrong passwords, answered as ordinary mistakes
    for _ in range(2):
        assert sign_in(client, platform_host, identity.email, "wrong-guess").status_code == 200

    # when the third is wrong too
    response = sign_in(client, platform_host, identity.email, "wrong-guess")

    # then the account is blocked, with a clear message and a Retry-After
    assert response.status_code == 429
    assert "Too many attempts. Try again in 15 minutes." in response.content.decode()
    assert int(response["Retry-After"]) == WINDOW - 10 + 1
    # and even the right password is not tried while it lasts
    blocked = sign_in(client, platform_host, identity.email.upper(), password)
    assert blocked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_block_ends_when_the_window_has_passed(
    client, identity, password, platform_host, limits, clock
):
    for _ in range(3):
        sign_in(client, platform_host, identity.email, "wrong-guess")

    clock.now += WINDOW

    response = sign_in(client, platform_host, identity.email, password)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(identity.pk)


def test_a_successful_sign_in_clears_the_account_counter(
    client, identity, password, platform_host, limits, clock
):
    # given two failures, then the right password
    for _ in range(2):
        sign_in(client, platform_host, identity.email, "wrong-guess")
    assert sign_in(client, platform_host, identity.email, password).status_code == 302
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)

    # when two more failures follow
    responses = [sign_in(client, platform_host, identity.email, "wrong-guess") for _ in range(2)]

    # then they are ordinary mistakes again, not a block
    assert [r.status_code for r in responses] == [200, 200]


def test_an_address_is_blocked_after_too_many_failures_on_any_accounts(
    client, identity, password, platform_host, limits, clock
):
    # given six failures from one address, spread over accounts that do not exist
    statuses = [
        sign_in(client, platform_host, f"nobody{n}@example.test", "guess").status_code
        for n in range(6)
    ]

    # then the sixth is blocked, and so is a further attempt on a real account
    assert statuses == [200] * 5 + [429]
    assert sign_in(client, platform_host, identity.email, password).status_code == 429
    # while another address can still sign in
    other = sign_in(client, platform_host, identity.email, password, REMOTE_ADDR="198.51.100.7")
    assert other.status_code == 302


def test_forwarded_for_is_believed_only_behind_a_trusted_proxy(
    client, db, platform_host, limits, clock
):
    def attempts(forwarded_for):
        return sign_in(
            client, platform_host, "a@example.test", "x", HTTP_X_FORWARDED_FOR=forwarded_for
        ).status_code

    # given no trusted proxy: the header is ignored, every attempt counts for REMOTE_ADDR
    limits.SIGN_IN_THROTTLE_PER_ACCOUNT = 100
    limits.TRUSTED_PROXY_COUNT = 0
    assert [attempts(f"203.0.113.{n}") for n in range(6)][-1] == 429

    # given one trusted proxy: the address it saw is the client's
    limits.TRUSTED_PROXY_COUNT = 1
    assert attempts("192.0.2.50") == 200
    assert attempts("spoofed-by-client, 192.0.2.51") == 200


def test_unknown_email_and_wrong_password_answer_identically(
    client, identity, platform_host, limits, clock
):
    def page(email):
        response = sign_in(client, platform_host, email, "wrong-guess")
        body = response.content.decode().replace(email, "EMAIL")
        # CSRF tokens are masked differently on every render.
        body = re.sub(r'value="[A-Za-z0-9]{64}"', 'value="TOKEN"', body)
        body = re.sub(r'"X-CSRFToken": "[A-Za-z0-9]{64}"', '"X-CSRFToken": "TOKEN"', body)
        return response.status_code, body

    known = [page(identity.email) for _ in range(3)]
    unknown = [page("ghost@example.test") for _ in range(3)]

    assert [status for status, _ in known] == [200, 200, 429]
    assert known == unknown
    assert "do not match an account" in known[0][1]


def test_form_errors_do_not_count_as_failed_attempts(client, db, platform_host, limits, clock):
    responses = [
        client.post(SIGN_IN, {"username": "not-an-email", "password": "x"}, HTTP_HOST=platform_host)
        for _ in range(5)
    ]

    assert {r.status_code for r in responses} == {200}


def test_workspace_customers_are_counted_apart_from_platform_identities(
    client, identity, password, platform_host, alpha, limits, clock
):
    # given the same email blocked on alpha's site (as a customer account there)
    with tenant_context(alpha):
        IdentityFactory(email=identity.email)
    for _ in range(3):
        sign_in(client, host_of(alpha), identity.email, "wrong-guess")
    assert sign_in(client, host_of(alpha), identity.email, password).status_code == 429

    # when the platform identity with that email signs in on the platform
    response = sign_in(client, platform_host, identity.email, password)

    # then the workspace's counter does not reach the platform
    assert response.status_code == 302


def test_customer_sign_in_on_a_workspace_is_throttled_too(client, alpha, limits, clock):
    with tenant_context(alpha):
        customer = IdentityFactory(email="buyer@example.test")

    statuses = [
        sign_in(client, host_of(alpha), customer.email, "wrong").status_code for _ in range(3)
    ]

    assert statuses == [200, 200, 429]


def test_password_reset_requests_are_throttled_per_address(
    client, identity, platform_host, limits, clock
):
    # given two requests, each answered as usual and each sending a mail
    for _ in range(2):
        assert (
            client.post(RESET, {"email": identity.email}, HTTP_HOST=platform_host).status_code
            == 302
        )
    assert len(mail.outbox) == 2

    # when a third comes from the same address, for any email
    response = client.post(RESET, {"email": "someone@example.test"}, HTTP_HOST=platform_host)

    # then it is refused without sending anything
    assert response.status_code == 429
    assert "Too many attempts." in response.content.decode()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "192.0.2.1"}, "192.0.2.1"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::/64"),
        ({"REMOTE_ADDR": "::ffff:192.0.2.9"}, "192.0.2.9"),
    ],
)
def test_addresses_are_counted_per_host_and_ipv6_per_64(rf, meta, expected):
    request = rf.get("/", **meta)

    assert throttle_address(request) == expected
