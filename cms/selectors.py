from wagtail.models import Site


def site_default() -> Site | None:
    return Site.objects.filter(is_default_site=True).select_related("root_page").first()
