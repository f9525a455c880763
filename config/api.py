"""The two APIs and the one JSON error shape they share.

The workspace API (/api/v1/) is mounted on every workspace host; the platform API
(/api/platform/v1/) on the platform's hosts. Each app contributes a Router from its own
api.py. Endpoints are plain `def`: async views lose the tenant schema.
"""

import logging

from django.conf import settings
from django.http import Http404
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.security import django_auth

from config.errors import ApplicationError, ErrorCode, error_body

logger = logging.getLogger(__name__)


def _fields_from_ninja(errors: list[dict]) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {}
    for error in errors:
        location = [str(part) for part in error.get("loc", []) if part not in ("body", "query")]
        name = ".".join(location[1:] if location[:1] == ["payload"] else location) or "__all__"
        fields.setdefault(name, []).append(error.get("msg", "Invalid value."))
    return fields


def install_error_handlers(api: NinjaAPI) -> None:
    def respond(request, status, code, message, fields=None):
        return api.create_response(request, error_body(code, message, fields), status=status)

    @api.exception_handler(ApplicationError)
    def application_error(request, exc: ApplicationError):
        return respond(request, exc.status, exc.code, exc.message, exc.fields)

    @api.exception_handler(ValidationError)
    def validation_error(request, exc: ValidationError):
        return respond(
            request,
            422,
            ErrorCode.VALIDATION,
            "Some values are missing or invalid.",
            _fields_from_ninja(exc.errors),
        )

    @api.exception_handler(AuthenticationError)
    def not_authenticated(request, exc):
        return respond(request, 401, ErrorCode.NOT_AUTHENTICATED, "Sign in to use this API.")

    @api.exception_handler(AuthorizationError)
    def forbidden(request, exc):
        return respond(
            request, 403, ErrorCode.PERMISSION_DENIED, "You do not have permission to do that."
        )

    @api.exception_handler(Http404)
    def not_found(request, exc):
        return respond(request, 404, ErrorCode.NOT_FOUND, "Not found.")

    @api.exception_handler(HttpError)
    def http_error(request, exc: HttpError):
        code = {401: ErrorCode.NOT_AUTHENTICATED, 403: ErrorCode.PERMISSION_DENIED}.get(
            exc.status_code, ErrorCode.NOT_FOUND if exc.status_code == 404 else "http_error"
        )
        return respond(request, exc.status_code, code, str(exc))

    @api.exception_handler(Exception)
    def server_error(request, exc: Exception):
        if settings.DEBUG:
            raise exc
        logger.exception("Unhandled API error")
        return respond(request, 500, ErrorCode.SERVER_ERROR, "Something went wrong on our side.")


def build_api(*, title: str, namespace: str, description: str, routers: dict) -> NinjaAPI:
    api = NinjaAPI(
        title=title,
        version="1",
        urls_namespace=namespace,
        auth=django_auth,
        description=description,
    )
    install_error_handlers(api)
    for prefix, router in routers.items():
        api.add_router(prefix, router)
    return api


# Each app's api.py owns its routers; this is the one place they are mounted.
from shared_apps.accounts import api as accounts_api  # noqa: E402
from shared_apps.billing import api as billing_api  # noqa: E402
from tenant_apps.bio_sites import api as bio_sites_api  # noqa: E402
from tenants import api as tenants_api  # noqa: E402

workspace_api = build_api(
    title="Workspace API",
    namespace="workspace_api",
    description="Everything a workspace does, scoped to the host you call it on.",
    routers={
        "/workspace": tenants_api.workspace_router,
        "/me": accounts_api.workspace_router,
        "/billing": billing_api.workspace_router,
        "/bio": bio_sites_api.router,
    },
)
platform_api = build_api(
    title="Platform API",
    namespace="platform_api",
    description="Identities and the workspaces they belong to.",
    routers={"/me": accounts_api.platform_router, "/workspaces": tenants_api.platform_router},
)
