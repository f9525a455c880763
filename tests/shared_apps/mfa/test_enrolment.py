"""Setting up an authenticator app from the account security page."""

import re

import pyotp

from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from shared_apps.mfa.selectors import identity_has_two_factor
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.mfa.support import SECURITY, SETUP


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code_from_the_app(
    client, identity, platform_host, clock
):
    client.force_login(identity)

    # given the set-up page, with a QR code and the key to type in by hand
    page = client.get(SETUP, HTTP_HOST=platform_host)
    assert page.status_code == 200
    enrolment = page.context["enrolment"]
    assert enrolment.qr_data_uri.startswith("data:image/svg+xml;base64,")
    assert enrolment.qr_data_uri in page.content.decode()
    assert enrolment.secret in page.content.decode()
    assert enrolment.provisioning_uri.startswith("otpauth://totp/")
    assert "no-store" in page["Cache-Control"]
    assert not identity_has_two_factor(identity=identity)

    # when the app's current code is entered
    code = pyotp.TOTP(enrolment.secret).at(clock.now)
    response = client.post(SETUP, {"code": code}, HTTP_HOST=platform_host)

    # then two-factor is on, and ten recovery codes are shown, once
    assert response.status_code == 200
    codes = response.context["codes"]
    assert len(codes) == 10
    assert all(re.fullmatch(r"[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}", c) for c in codes)
    assert all(c in response.content.decode() for c in codes)
    assert identity_has_two_factor(identity=identity)
    assert AuditEvent.objects.filter(action="mfa.enabled", actor=identity).exists()


def test_the_secret_and_the_codes_are_not_stored_in_clear(identity, clock):
    from tests.shared_apps.mfa.support import enrol

    enrolled = enrol(identity, clock)

    device = TOTPDevice.objects.get(identity=identity)
    assert enrolled.totp.secret not in device.secret_sealed
    stored = set(RecoveryCode.objects.filter(device=device).values_list("code_digest", flat=True))
    assert len(stored) == 10
    for code in enrolled.recovery_codes:
        assert code not in stored
        assert code.replace("-", "") not in stored


def test_the_secret_is_never_shown_again_once_confirmed(client, enrolled, platform_host):
    client.force_login(enrolled.identity)

    setup = client.get(SETUP, HTTP_HOST=platform_host)
    security = client.get(SECURITY, HTTP_HOST=platform_host)

    assert setup.status_code == 302
    assert setup["Location"] == SECURITY
    assert security.status_code == 200
    assert enrolled.totp.secret not in security.content.decode()
    assert "Recovery codes left" in security.content.decode()
    assert 'action="/accounts/sign-out-everywhere/"' in security.content.decode()


def test_a_wrong_code_does_not_turn_two_factor_on(client, identity, platform_host, clock):
    client.force_login(identity)
    secret = client.get(SETUP, HTTP_HOST=platform_host).context["enrolment"].secret
    wrong = pyotp.TOTP(secret).at(clock.now + 300)  # ten steps away

    response = client.post(SETUP, {"code": wrong}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["form"].errors["code"]
    assert not identity_has_two_factor(identity=identity)
    # and the same secret is offered again, so the app already set up still works
    assert response.context["enrolment"].secret == secret


def test_an_empty_code_is_a_400(client, identity, platform_host, clock):
    client.force_login(identity)

    response = client.post(SETUP, {"code": ""}, HTTP_HOST=platform_host)

    assert response.status_code == 400
    assert response.context["form"].errors["code"]


def test_resuming_enrolment_keeps_the_secret(client, identity, platform_host, clock):
    client.force_login(identity)

    first = client.get(SETUP, HTTP_HOST=platform_host).context["enrolment"].secret
    second = client.get(SETUP, HTTP_HOST=platform_host).context["enrolment"].secret

    assert first == second
    assert TOTPDevice.objects.filter(identity=identity).count() == 1


def test_an_unconfirmed_app_does_not_count_as_two_factor(client, identity, platform_host):
    client.force_login(identity)
    client.get(SETUP, HTTP_HOST=platform_host)

    assert TOTPDevice.objects.filter(identity=identity).exists()
    assert not identity_has_two_factor(identity=identity)


def test_the_security_page_needs_a_signed_in_identity(client, db, platform_host):
    response = client.get(SECURITY, HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")


def test_the_workspace_account_page_leads_to_the_platform_security_page(
    client, identity, platform_host
):
    client.force_login(identity)

    response = client.get("/accounts/security/", HTTP_HOST=platform_host)

    assert response.status_code == 302
    assert response["Location"] == SECURITY
