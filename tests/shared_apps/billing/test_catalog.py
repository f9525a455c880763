"""The feature catalog and what each seeded plan offers."""

from shared_apps.billing.catalog import FEATURE_GROUPS, FEATURES
from shared_apps.billing.selectors import plan_offered_keys
from tests.shared_apps.billing.support import ENTERPRISE, FREE, PROFESSIONAL, plan

REQUIRED = {
    "bio_sites", "custom_domain", "pages", "courses", "community", "store", "marketplace",
    "crm", "email_marketing", "social_scheduling", "instagram_db", "escrow", "ai",
    "automation", "analytics", "api_access", "team_seats", "whitelabel",
}  # fmt: skip


def test_the_catalog_has_every_feature_of_the_issue():
    assert set(FEATURES) >= REQUIRED
    for feature in FEATURES.values():
        assert feature.name and feature.description and feature.module


def test_every_feature_is_in_exactly_one_group_of_the_billing_page():
    grouped = [key for _, keys in FEATURE_GROUPS for key in keys]

    assert sorted(grouped) == sorted(FEATURES)


def test_white_label_comes_only_with_the_enterprise_plan(db):
    assert "whitelabel" in plan_offered_keys(plan=plan(ENTERPRISE))
    assert "whitelabel" not in plan_offered_keys(plan=plan(PROFESSIONAL))
    assert "whitelabel" not in plan_offered_keys(plan=plan(FREE))
    assert plan_offered_keys(plan=plan(PROFESSIONAL)) == frozenset(FEATURES) - {"whitelabel"}


def test_every_workspace_starts_on_the_free_plan(alpha, beta):
    for workspace in (alpha, beta):
        assert workspace.subscription.plan.code == FREE
        assert workspace.subscription.status == "free"
        assert workspace.plan_code == FREE
