"""Two-factor authentication for platform identities: TOTP apps and recovery codes.

Nothing here logs or stores a code or a secret in clear: secrets are sealed
(shared_apps.mfa.crypto), recovery codes are kept as keyed digests, and audit rows say
what happened, never with which code.
"""

import base64
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from shared_apps.accounts.models import User
from shared_apps.mfa.crypto import code_digest, code_digests, open_sealed, seal
from shared_apps.mfa.errors import TwoFactorError, TwoFactorErrorCode
from shared_apps.mfa.models import RecoveryCode, TOTPDevice
from shared_apps.platform.services import audit_record

RECOVERY_CODE_COUNT = 10
# Lower-case letters and digits without the look-alikes (0/o, 1/l/i): 31 symbols, 12 of
# them per code, about 59 bits each. Shown in groups of four: "k7cx-3mfq-9tze".
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 12
# One step before and after the current one: the phone's clock may be a little off
# and a code typed at the end of its 30 seconds arrives in the next step.
TOTP_VALID_WINDOW = 1
_TOTP_PATTERN = re.compile(r"^\d{6}$")


class FactorKind(StrEnum):
    TOTP = "totp"
    RECOVERY_CODE = "recovery_code"


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str
    provisioning_uri: str
    qr_data_uri: str


@dataclass(frozen=True)
class VerifiedFactor:
    kind: FactorKind
    recovery_codes_left: int | None = None


def _now() -> float:
    return time.time()


def _code_invalid(field: str = "code") -> TwoFactorError:
    message = "That code is not valid. Check your authenticator app and try again."
    return TwoFactorError(message, code=TwoFactorErrorCode.CODE_INVALID, fields={field: [message]})


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code or "").lower()


def _qr_data_uri(uri: str) -> str:
    # SVG: no image library involved, sharp at any size, small enough to inline.
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode()


def _secret_of(device: TOTPDevice) -> str:
    secret, stale = open_sealed(device.secret_sealed)
    if stale:
        # Opened with a fallback key (SECRET_KEY was rotated): seal it with the new one
        # before the fallback is retired. Callers hold the row lock.
        device.secret_sealed = seal(secret)
        device.save(update_fields=["secret_sealed"])
    return secret


def _totp_step_matching(*, device: TOTPDevice, code: str, now: float) -> int | None:
    """The time step whose code this is, if it is within the window and newer than the
    last accepted one; every candidate is compared in constant time."""
    if not _TOTP_PATTERN.match(code):
        return None
    totp = pyotp.TOTP(_secret_of(device))
    current = totp.timecode(now)
    matched = None
    for step in range(current - TOTP_VALID_WINDOW, current + TOTP_VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code) and matched is None:
            matched = step
    if matched is None or (device.last_used_step is not None and matched <= device.last_used_step):
        return None
    return matched


def _recovery_code_consume(*, device: TOTPDevice, code: str) -> bool:
    digests = code_digests(code)
    for recovery in device.recovery_codes.filter(used_at__isnull=True):
        if any(hmac.compare_digest(recovery.code_digest, digest) for digest in digests):
            recovery.used_at = timezone.now()
            recovery.save(update_fields=["used_at"])
            return True
    return False


def _recovery_codes_issue(*, device: TOTPDevice) -> list[str]:
    device.recovery_codes.all().delete()
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[i : i + 4] for i in range(0, RECOVERY_CODE_LENGTH, 4)))
    RecoveryCode.objects.bulk_create(
        [RecoveryCode(device=device, code_digest=code_digest(_normalise(c))) for c in codes]
    )
    return codes


def _locked_device(*, identity: User, confirmed: bool | None = True) -> TOTPDevice:
    """The identity's device, locked for the rest of the transaction: two requests
    racing with the same code or recovery code must not both succeed."""
    device = TOTPDevice.objects.select_for_update().filter(identity=identity).first()
    if device is None or (confirmed is True and not device.is_confirmed):
        raise TwoFactorError(
            "Two-factor authentication is not turned on.",
            code=TwoFactorErrorCode.NOT_ENABLED,
        )
    if confirmed is False and device.is_confirmed:
        raise TwoFactorError(
            "Two-factor authentication is already turned on.",
            code=TwoFactorErrorCode.ALREADY_ENABLED,
            status=409,
        )
    return device


def _verify_locked(*, device: TOTPDevice, code: str) -> VerifiedFactor | None:
    code = _normalise(code)
    if not code:
        return None
    step = _totp_step_matching(device=device, code=code, now=_now())
    if step is not None:
        device.last_used_step = step
        device.last_used_at = timezone.now()
        device.save(update_fields=["last_used_step", "last_used_at"])
        return VerifiedFactor(kind=FactorKind.TOTP)
    if _TOTP_PATTERN.match(code) is None and _recovery_code_consume(device=device, code=code):
        left = device.recovery_codes.filter(used_at__isnull=True).count()
        return VerifiedFactor(kind=FactorKind.RECOVERY_CODE, recovery_codes_left=left)
    return None


@transaction.atomic
def totp_device_enrol(*, identity: User, issuer: str | None = None) -> Enrolment:
    """Start (or resume) setting up an authenticator app.

    Resuming keeps the secret, so a QR code scanned from an earlier visit of the set-up
    page still works. Nothing protects sign-in until `totp_device_confirm`.

    `issuer` is the name the app shows beside the code: the site the person is setting
    it up on (an agency's name on its host), TWO_FACTOR_ISSUER when not given. It is
    only a label: the same secret works whichever name the app shows.
    """
    device = TOTPDevice.objects.select_for_update().filter(identity=identity).first()
    if device is not None and device.is_confirmed:
        raise TwoFactorError(
            "Two-factor authentication is already turned on.",
            code=TwoFactorErrorCode.ALREADY_ENABLED,
            status=409,
        )
    if device is None:
        secret = pyotp.random_base32()  # 160 bits, as RFC 4226 recommends
        try:
            with transaction.atomic():
                device = TOTPDevice.objects.create(identity=identity, secret_sealed=seal(secret))
        except IntegrityError:
            # Another request (a second tab) started enrolment at the same moment: there
            # was no row to lock then; use the one it made.
            device = TOTPDevice.objects.select_for_update().get(identity=identity)
            secret = _secret_of(device)
    else:
        secret = _secret_of(device)
    uri = pyotp.TOTP(secret).provisioning_uri(
        name=identity.email, issuer_name=issuer or settings.TWO_FACTOR_ISSUER
    )
    return Enrolment(
        device=device, secret=secret, provisioning_uri=uri, qr_data_uri=_qr_data_uri(uri)
    )


@transaction.atomic
def totp_device_confirm(
    *, identity: User, code: str, request: HttpRequest | None = None
) -> list[str]:
    """Turn two-factor sign-in on with a first code from the app; returns the recovery
    codes, which exist in clear only in this return value."""
    device = _locked_device(identity=identity, confirmed=False)
    step = _totp_step_matching(device=device, code=_normalise(code), now=_now())
    if step is None:
        raise _code_invalid()
    device.confirmed_at = timezone.now()
    device.last_used_step = step
    device.last_used_at = device.confirmed_at
    device.save(update_fields=["confirmed_at", "last_used_step", "last_used_at"])
    codes = _recovery_codes_issue(device=device)
    audit_record(
        action="mfa.enabled",
        actor=identity,
        target=identity,
        data={"method": "totp"},
        request=request,
    )
    return codes


@transaction.atomic
def two_factor_verify(
    *, identity: User, code: str, request: HttpRequest | None = None
) -> VerifiedFactor:
    """Check a second factor at sign-in: a current code from the app (each time step
    accepted once) or an unused recovery code (then spent)."""
    device = _locked_device(identity=identity)
    verified = _verify_locked(device=device, code=code)
    if verified is None:
        raise _code_invalid()
    if verified.kind == FactorKind.RECOVERY_CODE:
        audit_record(
            action="mfa.recovery_code_used",
            actor=identity,
            target=identity,
            data={"left": verified.recovery_codes_left},
            request=request,
        )
    return verified


def _reauthenticate(*, identity: User, device: TOTPDevice, password: str, code: str) -> None:
    """Changing the second factor asks for a factor again: a session left open on a
    shared computer must not be enough to turn it off or to mint new recovery codes."""
    if code:
        if _verify_locked(device=device, code=code) is None:
            raise _code_invalid()
        return
    if password:
        if not identity.check_password(password):
            message = "That password is not right."
            raise TwoFactorError(
                message,
                code=TwoFactorErrorCode.REAUTHENTICATION_FAILED,
                fields={"password": [message]},
            )
        return
    message = "Enter your password or a code from your authenticator app."
    raise TwoFactorError(
        message, code=TwoFactorErrorCode.REAUTHENTICATION_FAILED, fields={"password": [message]}
    )


@transaction.atomic
def recovery_codes_regenerate(
    *,
    identity: User,
    password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> list[str]:
    """Replace every recovery code (used or not) with ten new ones, shown once."""
    device = _locked_device(identity=identity)
    _reauthenticate(identity=identity, device=device, password=password, code=code)
    codes = _recovery_codes_issue(device=device)
    audit_record(
        action="mfa.recovery_codes_regenerated", actor=identity, target=identity, request=request
    )
    return codes


@transaction.atomic
def totp_device_disable(
    *,
    identity: User,
    password: str = "",
    code: str = "",
    request: HttpRequest | None = None,
) -> None:
    """Turn two-factor sign-in off: the app's secret and the recovery codes are deleted.

    Platform owners may do this too (to move to a new phone); the enrolment middleware
    then sends them straight back to set up a new app.
    """
    device = _locked_device(identity=identity)
    _reauthenticate(identity=identity, device=device, password=password, code=code)
    device.delete()
    audit_record(action="mfa.disabled", actor=identity, target=identity, request=request)


@transaction.atomic
def totp_device_reset(*, device: TOTPDevice, actor: User, request: HttpRequest | None = None):
    """A platform owner removes someone's authenticator (lost phone, no recovery codes
    left), from the Django admin. The person can then sign in with a password and set
    up a new app."""
    identity = device.identity
    TOTPDevice.objects.filter(pk=device.pk).delete()
    audit_record(
        action="mfa.reset",
        actor=actor,
        target=identity,
        data={"identity": identity.email},
        request=request,
    )
