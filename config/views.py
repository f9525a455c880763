"""Error handlers for both URL confs: JSON in the one error shape under /api/, the
branded page elsewhere."""

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from config.errors import ErrorCode, error_body


def page_not_found(request, exception=None):
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(ErrorCode.NOT_FOUND, "Not found."), status=404)
    return render(request, "404.html", status=404)


def server_error(request):
    if request.path.startswith("/api/"):
        return JsonResponse(
            error_body(ErrorCode.SERVER_ERROR, "Something went wrong on our side."), status=500
        )
    # No request context: whatever broke may be what a context processor needs.
    return HttpResponseServerError(render_to_string("500.html"))
