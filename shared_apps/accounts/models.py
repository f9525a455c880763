import uuid

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.crypto import salted_hmac


class UserQuerySet(models.QuerySet):
    def delete(self):
        # Crosses schemas: accounts.User exists in both planes; see tenants.deletion.
        from tenants.deletion import delete_in_current_schema

        return delete_in_current_schema(self)

    delete.queryset_only = True


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None makes the password unusable
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """One table, two meanings (ARCHITECTURE.md, "Identity").

    In the public schema a row is an identity: someone who signs in to the platform.
    In a workspace schema a row is a tenant-local user: a mirror of a staff identity
    (``identity_id`` set, no usable password) or one of the workspace's own customers.
    """

    id = models.BigAutoField(primary_key=True)
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField(max_length=254, unique=True)
    first_name = models.CharField(max_length=150, blank=True)
    last_name = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # On a tenant-local mirror: the uuid of the public identity it stands for, and the
    # role and overrides of its membership (kept in step by tenants.services), so
    # permission checks on a workspace host never read the control plane.
    identity_id = models.UUIDField(null=True, blank=True, unique=True)
    staff_role = models.CharField(max_length=16, blank=True)
    permission_overrides = models.JSONField(default=dict, blank=True)
    # Part of the session hash: bumping it signs the user out of every session.
    session_epoch = models.PositiveIntegerField(default=0)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_ci_unique"),
        ]

    def __str__(self) -> str:
        return self.email

    def delete(self, using=None, keep_parents=False):
        from tenants.deletion import delete_in_current_schema

        return delete_in_current_schema([self])

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip() or self.email

    def get_short_name(self) -> str:
        return self.first_name or self.email.split("@")[0]

    @property
    def is_staff_mirror(self) -> bool:
        return self.identity_id is not None

    # Django stores this hash in the session at sign-in and compares it on every
    # request; a session whose hash no longer matches is flushed. Django hashes the
    # password field only (so a password change ends other sessions); adding the epoch
    # lets "sign out everywhere" end them without touching the password.

    def get_session_auth_hash(self) -> str:
        return self._session_auth_hash(secret=None)

    def get_session_auth_fallback_hash(self):
        for fallback_secret in settings.SECRET_KEY_FALLBACKS:
            yield self._session_auth_hash(secret=fallback_secret)

    def _session_auth_hash(self, *, secret: str | None) -> str:
        # Epoch 0 hashes exactly as Django does, so sessions made before the epoch
        # existed stay valid until someone actually signs out everywhere.
        value = (
            self.password if not self.session_epoch else f"{self.password}\x00{self.session_epoch}"
        )
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            value,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()
