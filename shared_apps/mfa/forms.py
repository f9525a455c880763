from django import forms


class TwoFactorCodeForm(forms.Form):
    """A code from the authenticator app, or (at sign-in) a recovery code."""

    code = forms.CharField(
        max_length=32,
        strip=True,
        label="Code",
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autocapitalize": "off",
                "spellcheck": "false",
                "autofocus": True,
            }
        ),
    )


class ReauthenticateForm(forms.Form):
    """Turning the second factor off or minting new recovery codes asks for one again."""

    password = forms.CharField(
        required=False,
        strip=False,
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        required=False,
        max_length=32,
        label="Or a code from your authenticator app",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("password") and not cleaned.get("code"):
            raise forms.ValidationError(
                "Enter your password or a code from your authenticator app."
            )
        return cleaned


class TwoFactorRequirementForm(forms.Form):
    required = forms.BooleanField(required=False, label="Require two-factor sign-in for staff")
