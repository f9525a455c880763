"""Counting failed attempts in Redis, so that guessing passwords and codes runs out of road.

A limit counts events for a subject (a normalised email, a client address, an identity)
over a sliding window. The window is approximated with two fixed buckets, as rate
limiters at scale do: the previous bucket's count weighs by how much of it still lies
inside the window. A plain fixed window would let an attacker spend a full quota at
the end of one window and another at the start of the next; this costs one counter
per bucket and stays atomic (Redis INCR).

Counters go through Django's cache, whose key function carries the schema: customers
of a workspace are counted apart from platform identities and from other workspaces.
Subjects are hashed into the key, so Redis never holds an email address in clear.
"""

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from shared_apps.platform.services import client_address


@dataclass(frozen=True)
class Limit:
    scope: str
    # The setting that holds the maximum number of events per window.
    setting: str
    # The setting that holds the window's length in seconds.
    window_setting: str = "AUTH_THROTTLE_WINDOW_SECONDS"

    @property
    def maximum(self) -> int:
        return max(1, int(getattr(settings, self.setting)))

    @property
    def window(self) -> int:
        return max(1, int(getattr(settings, self.window_setting)))


SIGN_IN_PER_ACCOUNT = Limit("sign-in:account", "SIGN_IN_THROTTLE_PER_ACCOUNT")
SIGN_IN_PER_ADDRESS = Limit("sign-in:address", "SIGN_IN_THROTTLE_PER_ADDRESS")
PASSWORD_RESET_PER_ADDRESS = Limit("password-reset:address", "PASSWORD_RESET_THROTTLE_PER_ADDRESS")
TWO_FACTOR_PER_ACCOUNT = Limit("two-factor:account", "TWO_FACTOR_THROTTLE_PER_ACCOUNT")


@dataclass(frozen=True)
class ThrottleState:
    blocked: bool
    retry_after: int = 0  # seconds until one more attempt is allowed

    @property
    def message(self) -> str:
        minutes = max(1, math.ceil(self.retry_after / 60))
        unit = "minute" if minutes == 1 else "minutes"
        return f"Too many attempts. Try again in {minutes} {unit}."


OPEN = ThrottleState(blocked=False)


def _now() -> float:
    return time.time()


def _key(limit: Limit, subject: str, bucket: int) -> str:
    digest = hashlib.sha256(f"{limit.scope}\x00{subject}".encode()).hexdigest()
    return f"throttle:{limit.scope}:{digest}:{bucket}"


def _state(*, maximum: int, previous: int, current: int, elapsed: float, window: int):
    estimate = previous * (window - elapsed) / window + current
    if estimate < maximum:
        return OPEN
    # Seconds until the estimate falls below the maximum again. While the current
    # bucket alone is under it, the previous bucket's share decays within this bucket
    # (previous > 0 here); otherwise the current bucket must itself decay in the next.
    if current < maximum:
        wait = window * (1 - (maximum - current) / previous) - elapsed
    else:
        wait = (window - elapsed) + window * (1 - maximum / current)
    return ThrottleState(blocked=True, retry_after=max(1, math.floor(wait) + 1))


def _counts(limit: Limit, subject: str, now: float) -> tuple[int, int, float, int]:
    window = limit.window
    bucket = int(now // window)
    previous_key, current_key = _key(limit, subject, bucket - 1), _key(limit, subject, bucket)
    values = cache.get_many([previous_key, current_key])
    return (
        int(values.get(previous_key) or 0),
        int(values.get(current_key) or 0),
        now - bucket * window,
        window,
    )


def throttle_state(*, limit: Limit, subject: str) -> ThrottleState:
    """Whether the subject may try again now, without counting anything."""
    previous, current, elapsed, window = _counts(limit, subject, _now())
    return _state(
        maximum=limit.maximum, previous=previous, current=current, elapsed=elapsed, window=window
    )


def throttle_hit(*, limit: Limit, subject: str) -> ThrottleState:
    """Count one event for the subject; returns the state after counting it."""
    now = _now()
    window = limit.window
    bucket = int(now // window)
    key = _key(limit, subject, bucket)
    # The bucket lives two windows: its own, and the next one, where it is "previous".
    # It was created at the start of its window at the latest, so it cannot expire
    # between `add` and `incr` (which would recreate it without an expiry).
    timeout = 2 * window + 60
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # evicted under memory pressure in between
        cache.set(key, 1, timeout=timeout)
    return throttle_state(limit=limit, subject=subject)


def throttle_reset(*, limit: Limit, subject: str) -> None:
    bucket = int(_now() // limit.window)
    cache.delete_many([_key(limit, subject, bucket - 1), _key(limit, subject, bucket)])


def throttle_address(request: HttpRequest) -> str:
    """The client address as a throttling subject.

    IPv6 addresses count per /64: one subscriber usually holds a whole /64, so counting
    single addresses would let one machine rotate through billions of them.
    """
    raw = client_address(request) or ""
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return f"unparsed:{raw[:100]}"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def email_subject(email: str) -> str:
    """Sign-in is case-insensitive on the whole address, so the counter is too."""
    return (email or "").strip().lower()


# Sign-in: the one place that says which counters a sign-in attempt touches.


def sign_in_state(*, email: str, address: str) -> ThrottleState:
    """Checked before the password is: a blocked account or address is not even tried.

    The account counter is keyed by whatever email was typed, known or not, so an
    unknown address and a wrong password take the same path and answer the same way.
    """
    states = [
        throttle_state(limit=SIGN_IN_PER_ACCOUNT, subject=email_subject(email)),
        throttle_state(limit=SIGN_IN_PER_ADDRESS, subject=address),
    ]
    return _worst(states)


def sign_in_failed(*, email: str, address: str) -> ThrottleState:
    states = [
        throttle_hit(limit=SIGN_IN_PER_ACCOUNT, subject=email_subject(email)),
        throttle_hit(limit=SIGN_IN_PER_ADDRESS, subject=address),
    ]
    return _worst(states)


def sign_in_succeeded(*, email: str) -> None:
    """A completed sign-in clears the account's failures.

    The address counter is deliberately left alone: clearing it would let someone
    guessing other people's passwords reset their budget by signing in to an account
    of their own between guesses.
    """
    throttle_reset(limit=SIGN_IN_PER_ACCOUNT, subject=email_subject(email))


def _worst(states: list[ThrottleState]) -> ThrottleState:
    blocked = [state for state in states if state.blocked]
    return max(blocked, key=lambda state: state.retry_after) if blocked else OPEN
