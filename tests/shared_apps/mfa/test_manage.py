"""Managing two-factor on the security page: new recovery codes, turning it off."""

import pytest

from shared_apps.mfa.errors import TwoFactorError
from shared_apps.mfa.models import TOTPDevice
from shared_apps.mfa.selectors import identity_has_two_factor
from shared_apps.mfa.services import two_factor_verify
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.mfa.support import SECURITY

REGENERATE = "/account/security/two-factor/recovery-codes/"
DISABLE = "/account/security/two-factor/disable/"


def test_new_recovery_codes_replace_the_old_ones(client, enrolled, password, platform_host):
    client.force_login(enrolled.identity)
    old = enrolled.recovery_codes

    # when new codes are made, confirmed with the password
    response = client.post(REGENERATE, {"regenerate-password": password}, HTTP_HOST=platform_host)

    # then ten new codes are shown once, and only they work from now on
    assert response.status_code == 200
    new = response.context["codes"]
    assert len(new) == 10
    assert not set(new) & set(old)
    assert "no-store" in response["Cache-Control"]
    with pytest.raises(TwoFactorError):
        two_factor_verify(identity=enrolled.identity, code=old[0])
    assert two_factor_verify(identity=enrolled.identity, code=new[0]).recovery_codes_left == 9
    assert AuditEvent.objects.filter(action="mfa.recovery_codes_regenerated").count() == 1


def test_new_recovery_codes_can_be_confirmed_with_a_code(client, enrolled, platform_host):
    client.force_login(enrolled.identity)

    response = client.post(
        REGENERATE, {"regenerate-code": enrolled.next_code()}, HTTP_HOST=platform_host
    )

    assert response.status_code == 200
    assert len(response.context["codes"]) == 10


def test_new_recovery_codes_need_the_password_or_a_code(client, enrolled, platform_host):
    client.force_login(enrolled.identity)

    nothing = client.post(REGENERATE, {}, HTTP_HOST=platform_host)
    wrong = client.post(REGENERATE, {"regenerate-password": "nope"}, HTTP_HOST=platform_host)

    assert nothing.status_code == 400
    assert "Enter your password or a code" in nothing.content.decode()
    assert wrong.status_code == 400
    assert wrong.context["regenerate_form"].errors["password"]
    # the old codes still work
    assert two_factor_verify(identity=enrolled.identity, code=enrolled.recovery_codes[0])


def test_turning_two_factor_off_with_a_code(client, enrolled, password, platform_host):
    client.force_login(enrolled.identity)

    response = client.post(DISABLE, {"disable-code": enrolled.next_code()}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == SECURITY
    assert not identity_has_two_factor(identity=enrolled.identity)
    assert not TOTPDevice.objects.filter(identity=enrolled.identity).exists()
    assert AuditEvent.objects.filter(action="mfa.disabled", actor=enrolled.identity).exists()
    # and the next sign-in needs the password only
    client.post("/accounts/sign-out/", HTTP_HOST=platform_host)
    signed_in = client.post(
        "/accounts/sign-in/",
        {"username": enrolled.identity.email, "password": password},
        HTTP_HOST=platform_host,
    )
    assert signed_in["Location"] == "/dashboard/"


def test_turning_two_factor_off_with_the_password_keeps_the_session(
    client, enrolled, password, platform_host
):
    client.force_login(enrolled.identity)

    response = client.post(DISABLE, {"disable-password": password}, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert not identity_has_two_factor(identity=enrolled.identity)
    assert client.get(SECURITY, HTTP_HOST=platform_host).status_code == 200


def test_a_wrong_code_does_not_turn_two_factor_off(client, enrolled, platform_host):
    client.force_login(enrolled.identity)

    response = client.post(DISABLE, {"disable-code": "123456"}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["disable_form"].errors["code"]
    assert identity_has_two_factor(identity=enrolled.identity)


def test_guessing_on_the_security_page_is_throttled(client, enrolled, platform_host, settings):
    settings.TWO_FACTOR_THROTTLE_PER_ACCOUNT = 2
    client.force_login(enrolled.identity)

    statuses = [
        client.post(DISABLE, {"disable-password": "guess"}, HTTP_HOST=platform_host).status_code
        for _ in range(3)
    ]

    assert statuses == [400, 429, 429]
    assert identity_has_two_factor(identity=enrolled.identity)


def test_turning_off_needs_a_post(client, enrolled, platform_host):
    client.force_login(enrolled.identity)

    assert client.get(DISABLE, HTTP_HOST=platform_host).status_code == 405
    assert identity_has_two_factor(identity=enrolled.identity)
