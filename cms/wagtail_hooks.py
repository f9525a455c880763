from django.utils.safestring import mark_safe
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from cms.branding import admin_colour_css
from cms.models import NewsletterSignup
from tenants.selectors import current_workspace


@hooks.register("insert_global_admin_css")
def workspace_admin_colours():
    workspace = current_workspace()
    if workspace is None:
        return ""
    return mark_safe(admin_colour_css(branding=workspace.branding))  # noqa: S308 - validated values


class NewsletterSignupViewSet(SnippetViewSet):
    """Addresses left in newsletter blocks, until the mailing module takes them over."""

    model = NewsletterSignup
    icon = "mail"
    menu_label = "Newsletter"
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["email", "page", "created_at"]
    search_fields = ["email"]
    ordering = ["-created_at"]


register_snippet(NewsletterSignupViewSet)
