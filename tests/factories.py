import factory

from shared_apps.accounts.models import User

IDENTITY_PASSWORD = "correct-horse-battery-9"


class IdentityFactory(factory.django.DjangoModelFactory):
    """A user with a usable password in whatever schema is active (public: an identity;
    a workspace: one of its customers)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.PostGenerationMethodCall("set_password", IDENTITY_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
