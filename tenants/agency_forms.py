"""Forms of the agency dashboard. They parse input; the services validate the rules."""

from django import forms

from shared_apps.billing.catalog import FEATURES
from tenants.models import AgencyMembership, Membership, Workspace


def _plan_choices():
    from shared_apps.billing.models import Plan

    return [(plan.code, plan.name) for plan in Plan.objects.filter(is_active=True)]


class ClientFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=120, label="Search")
    plan = forms.ChoiceField(required=False, label="Plan")
    status = forms.ChoiceField(
        required=False,
        label="Status",
        choices=[("", "Any status"), *[(s, label) for s, label in Workspace.Status.choices]],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "Any plan"), *_plan_choices()]


class ClientCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.SlugField(max_length=40, help_text="Its address: lowercase letters, digits, -.")
    plan = forms.ChoiceField()
    owner_email = forms.EmailField(label="Client owner's email", max_length=254)
    snapshot = forms.ChoiceField(required=False, label="Start from a snapshot")

    def __init__(self, *args, snapshots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices()
        self.snapshots = {str(snapshot.pk): snapshot for snapshot in snapshots}
        self.fields["snapshot"].choices = [
            ("", "A blank workspace"),
            *[(pk, snapshot.name) for pk, snapshot in self.snapshots.items()],
        ]

    @property
    def chosen_snapshot(self):
        return self.snapshots.get(self.cleaned_data.get("snapshot") or "")


class ClientPlanForm(forms.Form):
    plan = forms.ChoiceField()
    features = forms.MultipleChoiceField(
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=[(key, feature.name) for key, feature in FEATURES.items()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices()


class MemberInviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EDITOR)


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class HostForm(forms.Form):
    host = forms.CharField(max_length=253, label="Host")


class PriceForm(forms.Form):
    """Amounts in integer minor units (cents): exactly what is stored and billed."""

    plan_code = forms.CharField(max_length=40)
    feature_price_monthly_minor = forms.CharField(max_length=12, label="Per feature (cents)")
    base_price_monthly_minor = forms.CharField(
        max_length=12, required=False, label="Monthly base (cents)"
    )


class SnapshotCreateForm(forms.Form):
    client = forms.UUIDField()
    name = forms.CharField(max_length=120)
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class StaffAddForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=AgencyMembership.Role.choices, initial="staff")


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(choices=AgencyMembership.Role.choices)
