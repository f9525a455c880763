"""Features awaiting a first payment, the grace-enforcement marker, and a Free
subscription for every workspace provisioned before billing existed.

New workspaces get theirs from `tenants.services.workspace_provision`
(`shared_apps.billing.services.subscription_create_free`).
"""

from django.db import migrations, models


def free_subscriptions(apps, schema_editor):
    Workspace = apps.get_model("tenants", "Workspace")
    Plan = apps.get_model("billing", "Plan")
    PlanPrice = apps.get_model("billing", "PlanPrice")
    Subscription = apps.get_model("billing", "Subscription")
    workspaces = Workspace.objects.filter(subscription__isnull=True)
    if not workspaces.exists():
        return
    free = Plan.objects.get(code="free")
    price = PlanPrice.objects.filter(plan=free).order_by("-version").first()
    Subscription.objects.bulk_create(
        [
            Subscription(workspace=workspace, plan=free, price=price, status="free")
            for workspace in workspaces
        ]
    )
    # Workspace.plan_code is the denormalised copy of the subscription's plan.
    Workspace.objects.filter(subscription__plan=free).exclude(plan_code="free").update(
        plan_code="free"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("billing", "0002_seed_plans"),
        ("tenants", "0002_identity_teams_domains"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="grace_enforced_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="workspacefeature",
            name="state",
            field=models.CharField(
                choices=[
                    ("active", "Active"),
                    ("read_only", "Read-only"),
                    ("pending", "Awaiting payment"),
                ],
                default="active",
                max_length=16,
            ),
        ),
        migrations.RunPython(free_subscriptions, migrations.RunPython.noop),
    ]
