"""The three plans of the pricing page, with their first price versions.

Prices are per enabled paid feature. The platform owner changes them later by adding
price versions in the console; this migration only seeds a fresh database.
"""

from decimal import Decimal

from django.db import migrations

PLANS = [
    # code, name, feature_limit, whitelabel, monthly, yearly, sort
    ("free", "Free", 10, False, "0.00", "0.00", 0),
    ("professional", "Professional", None, False, "1.00", "10.00", 1),
    ("enterprise", "Enterprise", None, True, "1.50", "15.00", 2),
]


def seed(apps, schema_editor):
    Plan = apps.get_model("billing", "Plan")
    PlanPrice = apps.get_model("billing", "PlanPrice")
    for code, name, limit, whitelabel, monthly, yearly, sort in PLANS:
        plan, created = Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "feature_limit": limit,
                "is_whitelabel": whitelabel,
                "sort_order": sort,
            },
        )
        if created:
            PlanPrice.objects.create(
                plan=plan,
                version=1,
                currency="usd",
                price_monthly=Decimal(monthly),
                price_yearly=Decimal(yearly),
            )


def unseed(apps, schema_editor):
    apps.get_model("billing", "Subscription").objects.all().delete()
    apps.get_model("billing", "PlanPrice").objects.all().delete()
    apps.get_model("billing", "Plan").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("billing", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
