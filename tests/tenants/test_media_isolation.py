"""Media paths and URLs are prefixed by schema: no workspace can address another's files."""

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django_tenants.utils import tenant_context


def test_files_are_stored_and_served_under_the_schema(alpha, beta):
    with tenant_context(alpha):
        name = default_storage.save("notes/plan.txt", ContentFile(b"alpha only"))
        path = default_storage.path(name)
        url = default_storage.url(name)
    try:
        assert path.startswith(str(settings.MEDIA_ROOT / "ws_alpha"))
        assert url.startswith("/media/ws_alpha/")
        with tenant_context(beta):
            assert not default_storage.exists(name)
            assert default_storage.url(name).startswith("/media/ws_beta/")
    finally:
        with tenant_context(alpha):
            default_storage.delete(name)
