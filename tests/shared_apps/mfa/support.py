"""Helpers for two-factor tests: a controllable clock and enrolment through the services."""

from dataclasses import dataclass

import pyotp

from shared_apps.mfa.services import totp_device_confirm, totp_device_enrol

# The start of a 30-second TOTP step, so "the next step" is unambiguous in tests.
T0 = 30.0 * 60_000_000
SIGN_IN = "/accounts/sign-in/"
VERIFY = "/accounts/sign-in/verify/"
SECURITY = "/account/security/"
SETUP = "/account/security/two-factor/setup/"


class Clock:
    def __init__(self, now: float):
        self.now = now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Enrolled:
    identity: object
    totp: pyotp.TOTP
    recovery_codes: list[str]
    clock: Clock

    def next_code(self) -> str:
        """A code of a step not used yet: moves the clock on one step."""
        self.clock.advance(30)
        return self.totp.at(self.clock.now)


def enrol(identity, clock: Clock) -> Enrolled:
    enrolment = totp_device_enrol(identity=identity)
    totp = pyotp.TOTP(enrolment.secret)
    codes = totp_device_confirm(identity=identity, code=totp.at(clock.now))
    return Enrolled(identity=identity, totp=totp, recovery_codes=codes, clock=clock)


def sign_in(client, host: str, email: str, password: str, **extra):
    return client.post(SIGN_IN, {"username": email, "password": password, **extra}, HTTP_HOST=host)
