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


def build_workspace_api() -> NinjaAPI:
    from shared_apps.accounts.api import workspace_router as accounts_router
    from tenants.api import workspace_router as workspace_router

    api = NinjaAPI(
        title="Workspace API",
        version="1",
        urls_namespace="workspace_api",
        auth=django_auth,
        description="Everything a workspace does, scoped to the host you call it on.",
    )
    install_error_handlers(api)
    api.add_router("/workspace", workspace_router)
    api.add_router("/me", accounts_router)
    return api


def build_platform_api() -> NinjaAPI:
    from shared_apps.accounts.api import platform_router as accounts_router
    from tenants.api import platform_router as workspaces_router

    api = NinjaAPI(
        title="Platform API",
        version="1",
        urls_namespace="platform_api",
        auth=django_auth,
        description="Identities and the workspaces they belong to.",
    )
    install_error_handlers(api)
    api.add_router("/me", accounts_router)
    api.add_router("/workspaces", workspaces_router)
    return api


workspace_api = build_workspace_api()
platform_api = build_platform_api()
