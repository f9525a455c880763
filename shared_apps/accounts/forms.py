from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    # One message for an unknown email, a wrong password and an inactive account alike,
    # so the form never says which accounts exist.
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "That email and password do not match an account.",
        "inactive": "That email and password do not match an account.",
    }

    def __init__(self, *args, check_credentials: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        # False while sign-in is throttled: the form is shown again with its input, but
        # the password is not even tried.
        self.check_credentials = check_credentials

    def clean(self):
        if not self.check_credentials:
            return self.cleaned_data
        return super().clean()

    def failed_on_credentials(self) -> bool:
        """Whether a password was actually checked and refused (which counts towards
        throttling), as opposed to a form left incomplete."""
        return self.has_error(NON_FIELD_ERRORS, "invalid_login")


class SignUpForm(forms.Form):
    first_name = forms.CharField(max_length=150, required=False, label="First name")
    last_name = forms.CharField(max_length=150, required=False, label="Last name")
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password = forms.CharField(
        strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    password_confirm = forms.CharField(
        strip=False,
        label="Confirm password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") and cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", "The two passwords do not match.")
        return cleaned


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(
        max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class CurrentPasswordForm(forms.Form):
    """Proving an existing account by its password (joining a workspace from an
    invitation with an identity one already has)."""

    password = forms.CharField(
        strip=False,
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
