from django import forms

from shared_apps.billing.catalog import FEATURES
from shared_apps.billing.models import Plan, Subscription


class PlanChoiceForm(forms.Form):
    """The billing page's choice: parsed here, judged by the services (limits, plans,
    kill switches), whose field errors land back on these fields."""

    plan = forms.ChoiceField(error_messages={"invalid_choice": "Choose one of the plans."})
    interval = forms.ChoiceField(
        choices=Subscription.Interval.choices,
        error_messages={"invalid_choice": "Choose monthly or yearly billing."},
    )
    features = forms.MultipleChoiceField(
        required=False,
        choices=[(key, feature.name) for key, feature in FEATURES.items()],
        error_messages={"invalid_choice": "Unknown feature: %(value)s."},
    )

    def __init__(self, *args, plans: list[Plan], **kwargs):
        super().__init__(*args, **kwargs)
        self.plans = {plan.code: plan for plan in plans}
        self.fields["plan"].choices = [(plan.code, plan.name) for plan in plans]

    @property
    def chosen_plan(self) -> Plan:
        return self.plans[self.cleaned_data["plan"]]
