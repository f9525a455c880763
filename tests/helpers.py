from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

# Tables of the control plane: a warm workspace request must touch none of them.
CONTROL_PLANE_TABLES = ("tenants_", "platform_", '"public".')


def host_of(workspace) -> str:
    return f"{workspace.slug}.{settings.PLATFORM_DOMAIN}"


def control_plane_queries(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if any(t in q["sql"] for t in CONTROL_PLANE_TABLES)
    ]


def error_code(response) -> str:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "fields"}, body
    return body["error"]["code"]


__all__ = ["CaptureQueriesContext", "connection"]
