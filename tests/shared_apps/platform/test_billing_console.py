"""Plans, prices and kill switches in the console; what Stripe told us, read-only."""

from decimal import Decimal

from shared_apps.billing.models import FeatureKillSwitch, Plan, PlanPrice
from shared_apps.platform.models import AuditEvent
from tests.shared_apps.platform.conftest import action_post


def _plan_form(plan: Plan, **overrides) -> dict:
    data = {
        "name": plan.name,
        "description": plan.description,
        "feature_limit": "" if plan.feature_limit is None else plan.feature_limit,
        "is_whitelabel": "on" if plan.is_whitelabel else "",
        "features": list(plan.features),
        "is_active": "on" if plan.is_active else "",
        "sort_order": plan.sort_order,
        "prices-TOTAL_FORMS": "0",
        "prices-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != ""}


def test_editing_a_plan_is_audited_with_what_changed(console, platform_owner):
    plan = Plan.objects.get(code="free")

    response = console.post(
        f"/admin/billing/plan/{plan.pk}/change/",
        _plan_form(plan, name="Starter", feature_limit=12),
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    plan.refresh_from_db()
    assert (plan.name, plan.feature_limit) == ("Starter", 12)
    presentation = AuditEvent.objects.get(action="console.plan_changed")
    assert presentation.data == {"plan": "free", "changes": {"name": ["Free", "Starter"]}}
    assert presentation.ip_address == "203.0.113.7"
    offer = AuditEvent.objects.get(action="billing.plan_updated")
    assert offer.data["to"]["feature_limit"] == 12
    assert offer.actor == platform_owner


def test_plans_cannot_be_added_or_deleted(console):
    plan = Plan.objects.get(code="free")

    assert console.get("/admin/billing/plan/add/").status_code == 403
    assert console.get(f"/admin/billing/plan/{plan.pk}/delete/").status_code == 403


def test_a_price_change_adds_a_version_and_keeps_the_old_one(console, platform_owner):
    plan = Plan.objects.get(code="professional")
    before = list(plan.prices.values_list("version", "price_monthly", "price_yearly"))
    latest = max(v for v, _, _ in before)

    response = console.post(
        "/admin/billing/planprice/add/",
        {"plan": plan.pk, "price_monthly": "1.25", "price_yearly": "12.00"},
    )

    assert response.status_code == 302
    new = PlanPrice.objects.get(plan=plan, version=latest + 1)
    assert (new.price_monthly, new.price_yearly) == (Decimal("1.25"), Decimal("12.00"))
    assert new.created_by == platform_owner
    for version, monthly, yearly in before:
        old = PlanPrice.objects.get(plan=plan, version=version)
        assert (old.price_monthly, old.price_yearly) == (monthly, yearly)
    event = AuditEvent.objects.get(action="billing.plan_price_changed")
    assert event.ip_address == "203.0.113.7"


def test_price_versions_are_never_edited_or_deleted(console):
    price = PlanPrice.objects.filter(plan__code="professional").first()
    url = f"/admin/billing/planprice/{price.pk}/"

    response = console.post(
        f"{url}change/", {"plan": price.plan_id, "price_monthly": "9", "price_yearly": "90"}
    )

    assert response.status_code == 403
    assert console.get(f"{url}delete/").status_code == 403
    assert console.get(f"{url}change/").status_code == 200  # view only
    price.refresh_from_db()
    assert price.price_monthly != Decimal("9")


def test_a_negative_price_is_refused(console):
    plan = Plan.objects.get(code="professional")
    count = PlanPrice.objects.count()

    response = console.post(
        "/admin/billing/planprice/add/",
        {"plan": plan.pk, "price_monthly": "-1", "price_yearly": "10"},
    )

    assert response.status_code == 200
    assert PlanPrice.objects.count() == count


def test_a_kill_switch_needs_a_reason_and_is_audited(console, platform_owner):
    refused = console.post(
        "/admin/billing/featurekillswitch/add/", {"key": "ai", "disabled": "on", "reason": ""}
    )
    assert refused.status_code == 200
    assert not FeatureKillSwitch.objects.exists()

    response = console.post(
        "/admin/billing/featurekillswitch/add/",
        {"key": "ai", "disabled": "on", "reason": "Provider outage"},
    )

    assert response.status_code == 302
    switch = FeatureKillSwitch.objects.get(key="ai")
    assert switch.disabled is True
    assert switch.changed_by == platform_owner
    event = AuditEvent.objects.get(action="billing.feature_killed")
    assert event.data == {"feature": "ai", "reason": "Provider outage"}
    assert event.actor == platform_owner
    assert event.ip_address == "203.0.113.7"


def test_a_kill_switch_is_toggled_with_a_reason(console):
    console.post(
        "/admin/billing/featurekillswitch/add/",
        {"key": "escrow", "disabled": "on", "reason": "Partner incident"},
    )
    switch = FeatureKillSwitch.objects.get(key="escrow")

    page = action_post(
        console, "/admin/billing/featurekillswitch/", "turn_on_selected", [switch.pk]
    )
    assert 'name="reason"' in page.content.decode()
    action_post(
        console,
        "/admin/billing/featurekillswitch/",
        "turn_on_selected",
        [switch.pk],
        post="yes",
        reason="Partner fixed it",
    )

    switch.refresh_from_db()
    assert switch.disabled is False
    event = AuditEvent.objects.get(action="billing.feature_revived")
    assert event.data["reason"] == "Partner fixed it"


def test_the_front_page_names_features_turned_off(console):
    console.post(
        "/admin/billing/featurekillswitch/add/",
        {"key": "ai", "disabled": "on", "reason": "Provider outage"},
    )

    assert "<strong>ai</strong>" in console.get("/admin/").content.decode()


def test_what_stripe_told_us_is_read_only(console):
    for name in ("subscription", "invoice", "stripeevent"):
        assert console.get(f"/admin/billing/{name}/").status_code == 200
        assert console.get(f"/admin/billing/{name}/add/").status_code == 403
