"""The feature catalog, defined in code: what a workspace can switch on and pay for.

Plans bound and price these; `shared_apps.billing.gate` is the one place that says
whether a feature is usable right now.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Feature:
    key: str
    name: str
    description: str
    module: str  # the app (or area) it unlocks


FEATURES: dict[str, Feature] = {
    feature.key: feature
    for feature in [
        Feature(
            "bio_sites",
            "Link-in-bio",
            "A link-in-bio site with blocks and analytics.",
            "tenant_apps.bio",
        ),
        Feature(
            "custom_domain",
            "Custom domains",
            "Serve the workspace on your own domains.",
            "tenants.domains",
        ),
        Feature("pages", "Pages", "Branded pages built with the page editor.", "cms"),
        Feature("courses", "Courses", "Sell and teach online courses.", "tenant_apps.courses"),
        Feature("community", "Community", "Spaces, posts and members.", "tenant_apps.community"),
        Feature("store", "Store", "Sell products, digital and physical.", "tenant_apps.store"),
        Feature(
            "marketplace",
            "Marketplace",
            "Let other sellers list in your store.",
            "tenant_apps.marketplace",
        ),
        Feature("crm", "CRM", "Contacts, deals and pipelines.", "tenant_apps.crm"),
        Feature(
            "email_marketing",
            "Email marketing",
            "Campaigns, lists and automations by email.",
            "tenant_apps.mailing",
        ),
        Feature(
            "social_scheduling",
            "Social scheduling",
            "Plan and publish social posts.",
            "tenant_apps.social",
        ),
        Feature(
            "instagram_db",
            "Instagram database",
            "Search professional Instagram profiles.",
            "shared_apps.instagram",
        ),
        Feature(
            "escrow", "Escrow", "Milestone payments held until delivery.", "tenant_apps.escrow"
        ),
        Feature("ai", "AI helpers", "Writing and image helpers.", "tenant_apps.ai"),
        Feature(
            "automation", "Automations", "Workflows triggered by events.", "tenant_apps.automation"
        ),
        Feature(
            "analytics",
            "Analytics",
            "Traffic, sales and engagement reports.",
            "tenant_apps.analytics",
        ),
        Feature("api_access", "API access", "Scoped API keys for integrations.", "config.api"),
        Feature("team_seats", "Team seats", "Invite staff with roles.", "tenants.teams"),
        Feature(
            "whitelabel",
            "White label",
            "Remove the platform's name everywhere.",
            "tenants.branding",
        ),
    ]
}


def feature_get(key: str) -> Feature:
    try:
        return FEATURES[key]
    except KeyError:
        raise KeyError(f"Unknown feature {key!r}; see shared_apps/billing/catalog.py.") from None


# How the billing page groups the catalog. Every feature is in exactly one group
# (tests/shared_apps/billing/test_catalog.py checks it).
FEATURE_GROUPS: list[tuple[str, tuple[str, ...]]] = [
    ("Site and brand", ("bio_sites", "pages", "custom_domain", "whitelabel")),
    ("Teach and gather", ("courses", "community")),
    ("Sell", ("store", "marketplace", "escrow")),
    ("Grow", ("crm", "email_marketing", "social_scheduling", "instagram_db", "analytics")),
    ("Work smarter", ("automation", "ai", "api_access", "team_seats")),
]


def features_grouped() -> list[tuple[str, list[Feature]]]:
    return [(label, [FEATURES[key] for key in keys]) for label, keys in FEATURE_GROUPS]


# What a new workspace starts with, on the Free plan (well inside its limit): the
# modules that exist on day one. Owners change them on the billing page.
STARTER_FEATURES = ("pages", "bio_sites", "custom_domain", "team_seats")
