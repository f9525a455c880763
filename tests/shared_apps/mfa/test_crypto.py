"""Secrets at rest: sealed TOTP secrets and keyed recovery-code digests."""

import pytest

from shared_apps.mfa.crypto import SealedValueInvalid, code_digests, open_sealed, seal


def test_a_sealed_value_opens_to_the_same_text_and_never_shows_it(settings):
    sealed = seal("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")

    assert "JBSWY3DPEHPK3PXP" not in sealed
    assert open_sealed(sealed) == ("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", False)
    assert seal("same") != seal("same")  # a fresh nonce every time


def test_a_tampered_value_does_not_open():
    sealed = seal("JBSWY3DPEHPK3PXP")
    flipped = sealed[:-5] + ("A" if sealed[-5] != "A" else "B") + sealed[-4:]

    with pytest.raises(SealedValueInvalid):
        open_sealed(flipped)
    with pytest.raises(SealedValueInvalid):
        open_sealed("v1$not-base64!!")
    with pytest.raises(SealedValueInvalid):
        open_sealed("plain text")


def test_values_sealed_before_a_key_rotation_still_open_and_say_so(settings):
    sealed = seal("JBSWY3DPEHPK3PXP")
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"

    assert open_sealed(sealed) == ("JBSWY3DPEHPK3PXP", True)
    settings.SECRET_KEY_FALLBACKS = []
    with pytest.raises(SealedValueInvalid):
        open_sealed(sealed)


def test_recovery_code_digests_depend_on_the_key(settings):
    before = code_digests("abcd2345efgh")[0]
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"

    digests = code_digests("abcd2345efgh")

    assert digests[0] != before
    assert digests[1] == before


def test_a_device_sealed_under_an_old_key_is_resealed_when_used(identity, clock, settings):
    from shared_apps.mfa.models import TOTPDevice
    from shared_apps.mfa.services import two_factor_verify
    from tests.shared_apps.mfa.support import enrol

    enrolled = enrol(identity, clock)
    old = TOTPDevice.objects.get(identity=identity).secret_sealed
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-brand-new-secret-key-for-this-test-0123456789"

    two_factor_verify(identity=identity, code=enrolled.next_code())

    device = TOTPDevice.objects.get(identity=identity)
    assert device.secret_sealed != old
    settings.SECRET_KEY_FALLBACKS = []
    assert open_sealed(device.secret_sealed)[0] == enrolled.totp.secret
