"""Page views of the public bio page, resolved when the deferred records are drained.

The page defers its view in the same Redis round trip that reads the page from the cache
(views.bio_page), before it knows which site the slug is or which A/B variant the
visitor gets; the record carries the slug and the visitor's id instead, and this turns
them into the subject and the variant (tenant_apps.analytics' deferred resolvers). The
variant is the one the visitor's id hashes to under the test running at drain time:
the same function the page used, so the two agree unless a test started or ended in
the few seconds between the visit and the drain.
"""

from tenant_apps.bio_sites.experiment_selectors import (
    experiment_plan_for_site,
    plan_variant_for_visitor,
)
from tenant_apps.bio_sites.models import BioSite

SUBJECT_TYPE = "bio_site"


def bio_page_views_resolve(refs: list[dict]) -> list[tuple[str, str, str] | None]:
    """For each {"slug", "visitor"}: ("bio_site", site id, variant id or ""), or None when
    no published site has that slug (the visit was a 404)."""
    slugs = {ref.get("slug") for ref in refs}
    sites = {site.slug: site for site in BioSite.objects.filter(slug__in=slugs, is_published=True)}
    plans = {slug: experiment_plan_for_site(site=site) for slug, site in sites.items()}
    resolved: list[tuple[str, str, str] | None] = []
    for ref in refs:
        site = sites.get(ref.get("slug"))
        if site is None:
            resolved.append(None)
            continue
        plan, visitor = plans[site.slug], ref.get("visitor")
        variant = (
            plan_variant_for_visitor(plan=plan, visitor_id=visitor)[0] if plan and visitor else ""
        )
        resolved.append((SUBJECT_TYPE, str(site.pk), variant))
    return resolved
