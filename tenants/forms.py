from django import forms

from shared_apps.accounts.forms import SignUpForm
from tenants.models import SLUG_MAX_LENGTH, Membership


class WorkspaceCreateForm(forms.Form):
    name = forms.CharField(max_length=120, label="Workspace name")
    slug = forms.CharField(
        max_length=SLUG_MAX_LENGTH,
        label="Address",
        help_text="Lowercase letters, digits and hyphens.",
    )
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))


class InviteForm(forms.Form):
    email = forms.EmailField(max_length=254)
    role = forms.ChoiceField(choices=Membership.Role.choices, initial=Membership.Role.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Membership.Role.choices)


class InvitationSignUpForm(SignUpForm):
    """Accepting an invitation without an account: the email is the invitation's."""

    email = None
