"""The workspace's modules as the dashboard navigation lists them.

Each app adds its entry here when it lands, with the permission that shows it and the
billing feature that governs it (`feature`, a key of shared_apps.billing.catalog). The
role decides here; the feature decides in the menu itself, through the gate's template
tag (`{% feature_state module.feature %}` in layouts/dashboard.html): a feature that is
off hides its entry, a read-only one is marked.
"""

from dataclasses import dataclass

from tenants.roles import Permission, user_allows


@dataclass(frozen=True)
class Module:
    key: str
    label: str
    url: str
    icon: str
    permission: Permission = Permission.CONTENT_VIEW
    feature: str | None = None


MODULES = [
    Module("home", "Overview", "/dashboard/", "home"),
    Module("pages", "Pages", "/cms/", "pages", Permission.CONTENT_EDIT, feature="pages"),
    Module("bio", "Bio sites", "/dashboard/bio/", "link", Permission.CONTENT_VIEW, "bio_sites"),
    Module("team", "Team", "/dashboard/team/", "users", Permission.TEAM_VIEW, "team_seats"),
    Module("audit", "Audit log", "/dashboard/audit/", "settings", Permission.AUDIT_VIEW),
    Module(
        "domains",
        "Domains",
        "/dashboard/domains/",
        "globe",
        Permission.DOMAINS_MANAGE,
        "custom_domain",
    ),
    # Colours, logo and names are for every plan; the white-label-only settings on the
    # page are gated there (tenants.branding_views).
    Module(
        "branding",
        "Branding",
        "/dashboard/settings/branding/",
        "sparkles",
        Permission.SETTINGS_MANAGE,
    ),
    Module("billing", "Billing", "/dashboard/billing/", "card", Permission.BILLING_MANAGE),
    Module("site", "View site", "/", "external"),
]


def dashboard_modules(*, user) -> list[Module]:
    return [module for module in MODULES if user_allows(user=user, permission=module.permission)]
