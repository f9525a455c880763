from django.conf import settings
from django.db import models


class TOTPDevice(models.Model):
    """An identity's authenticator app (RFC 6238 time-based codes), one per identity.

    Created unconfirmed when enrolment starts; it protects sign-in only once a code
    from the app has confirmed that the app holds the secret.
    """

    id = models.BigAutoField(primary_key=True)
    identity = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    # Sealed with a key the database does not hold (shared_apps.mfa.crypto). Shown to
    # its owner only while enrolling, never again once confirmed.
    secret_sealed = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # The time step of the last accepted code: a code is good for one use only, and
    # codes of that step or earlier are refused (a code seen over a shoulder or
    # captured by a phishing page cannot be replayed within its 30-90 s of validity).
    last_used_step = models.BigIntegerField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "authenticator app"

    def __str__(self) -> str:
        state = "confirmed" if self.is_confirmed else "enrolling"
        return f"Authenticator app of {self.identity} ({state})"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class RecoveryCode(models.Model):
    """A single-use code that stands in for the app when the phone is lost.

    Only a keyed digest is stored; the codes are shown once, when generated.
    """

    id = models.BigAutoField(primary_key=True)
    device = models.ForeignKey(TOTPDevice, on_delete=models.CASCADE, related_name="recovery_codes")
    code_digest = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["device", "code_digest"], name="recovery_code_unique")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.device.identity} ({'used' if self.used_at else 'unused'})"
