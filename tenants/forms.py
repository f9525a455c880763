from django import forms

from tenants.models import SLUG_MAX_LENGTH


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Workspace name")
    slug = forms.CharField(
        max_length=SLUG_MAX_LENGTH,
        label="Address",
        help_text="Lowercase letters, digits and hyphens.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
