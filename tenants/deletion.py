"""Deleting rows of a model that lives in both planes (accounts.User).

Django's deletion collector follows every reverse relation it knows, including those
of apps installed only in the other plane, whose tables do not exist in the current
schema ("relation wagtailusers_userprofile does not exist" when deleting an identity
in public). The collector here skips relations whose model is not installed in the
schema it runs in: those rows cannot exist there.
"""

from django.conf import settings
from django.db import connection, router
from django.db.models.deletion import Collector
from django_tenants.utils import get_public_schema_name


def model_lives_in_current_schema(model) -> bool:
    plane = (
        settings.SHARED_APPS
        if connection.schema_name == get_public_schema_name()
        else settings.TENANT_APPS
    )
    return model._meta.app_config.name in plane


class PlaneAwareCollector(Collector):
    def related_objects(self, related_model, related_fields, objs):
        if not model_lives_in_current_schema(related_model):
            return related_model._base_manager.using(self.using).none()
        return super().related_objects(related_model, related_fields, objs)


def delete_in_current_schema(objs) -> tuple[int, dict[str, int]]:
    """`QuerySet.delete()` / `Model.delete()` with the plane-aware collector."""
    objs = list(objs)
    if not objs:
        return 0, {}
    collector = PlaneAwareCollector(using=router.db_for_write(type(objs[0])))
    collector.collect(objs)
    return collector.delete()
