from shared_apps.accounts.models import User


def user_get_by_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=(email or "").strip()).first()
