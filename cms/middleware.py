from wagtail.contrib.redirects.middleware import RedirectMiddleware


class WorkspaceRedirectMiddleware(RedirectMiddleware):
    """Wagtail's redirects live in workspace schemas; the platform hosts have none."""

    def process_response(self, request, response):
        if getattr(request, "workspace", None) is None:
            return response
        return super().process_response(request, response)
