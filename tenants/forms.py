from django import forms

from shared_apps.accounts.forms import SignUpForm
from tenants.branding import (
    FONT_CHOICES,
    MAX_RADIUS_PX,
    SOCIAL_NETWORKS,
    WHITE_LABEL_FIELDS,
    branding_with_defaults,
    social_link_problem,
)
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


class BrandingForm(forms.Form):
    """A brand's settings page: a workspace's (tenants.branding_views) or an agency's
    (tenants.agency_views). Shapes only: the rules live in tenants.branding and the
    service checks them (their messages land on these fields, which share the branding
    keys' names). Without white label the white-label-only fields are left out; an owner
    without a favicon of its own (an agency: its logo is its icon) gets no favicon field."""

    # Its help text names the owner's kind (set in __init__).
    display_name = forms.CharField(max_length=60, required=False)
    tagline = forms.CharField(max_length=160, required=False)
    primary_color = forms.CharField(
        label="Primary colour", widget=forms.TextInput(attrs={"type": "color"})
    )
    secondary_color = forms.CharField(
        label="Secondary colour", widget=forms.TextInput(attrs={"type": "color"})
    )
    background_color = forms.CharField(
        label="Background colour", widget=forms.TextInput(attrs={"type": "color"})
    )
    text_color = forms.CharField(
        label="Text colour", widget=forms.TextInput(attrs={"type": "color"})
    )
    font = forms.ChoiceField(
        choices=FONT_CHOICES,
        help_text="Fonts already on your visitors' devices: nothing is downloaded.",
    )
    radius = forms.IntegerField(label="Corner radius (px)", min_value=0, max_value=MAX_RADIUS_PX)
    footer_text = forms.CharField(
        max_length=280, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    logo = forms.FileField(
        required=False,
        help_text="PNG, JPEG, WebP or GIF, up to 1 MB. Square works best.",
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")
    favicon = forms.FileField(
        required=False,
        help_text="PNG, ICO, GIF or WebP, up to 256 KB. Without one, the logo (or your "
        "initial) is used.",
        widget=forms.FileInput(
            attrs={"accept": "image/png,image/x-icon,image/vnd.microsoft.icon,image/gif,image/webp"}
        ),
    )
    remove_favicon = forms.BooleanField(required=False, label="Remove the favicon")
    email_sender_name = forms.CharField(max_length=60, required=False, label="Sender name")
    email_sender_address = forms.EmailField(
        required=False,
        label="Sender address",
        help_text="Must be at one of your verified domains (or its parent domain), with SPF "
        "and DKIM set up at your mail provider, or mail will land in spam.",
    )
    custom_css = forms.CharField(
        required=False,
        label="Custom CSS",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false", "class": "mono"}),
        help_text="Added after the theme on every page. Up to 20 KB; no @import, no scripts, "
        "images only from https:// or data:image.",
    )

    PREVIEW_FIELDS = (
        "display_name",
        "tagline",
        "primary_color",
        "secondary_color",
        "background_color",
        "text_color",
        "font",
        "radius",
    )

    def __init__(self, *args, owner, white_label: bool, **kwargs):
        """`owner`: the Workspace or Agency whose brand this edits."""
        stored = branding_with_defaults(owner.branding)
        raw = owner.branding if isinstance(owner.branding, dict) else {}
        initial = {key: stored[key] for key in self.PREVIEW_FIELDS if key != "radius"}
        initial["radius"] = int(stored["radius"].removesuffix("px"))
        initial["footer_text"] = stored["footer_text"]
        initial["email_sender_name"] = stored["email_sender_name"]
        initial["email_sender_address"] = stored["email_sender_address"]
        custom_css = raw.get("custom_css")
        initial["custom_css"] = custom_css if isinstance(custom_css, str) else ""
        for network in SOCIAL_NETWORKS:
            initial[f"social_{network}"] = stored["social_links"].get(network, "")
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        for network, (label, hosts) in SOCIAL_NETWORKS.items():
            example = f"https://{hosts[0]}/you" if hosts else "https://…"
            self.fields[f"social_{network}"] = forms.CharField(
                required=False,
                max_length=300,
                label=label,
                widget=forms.URLInput(attrs={"placeholder": example}),
            )
        for name in self.PREVIEW_FIELDS:
            self.fields[name].widget.attrs["data-preview"] = ""
        self.fields["display_name"].help_text = (
            f"Shown instead of the {owner._meta.verbose_name}'s name in titles, mail and the "
            "app icon."
        )
        self.white_label = white_label
        if not white_label:
            for name in WHITE_LABEL_FIELDS:
                del self.fields[name]
        self.takes_favicon = hasattr(owner, "favicon")
        if not self.takes_favicon:
            del self.fields["favicon"], self.fields["remove_favicon"]
        self.has_logo = bool(owner.logo)
        self.has_favicon = bool(getattr(owner, "favicon", None))

    def social_fields(self):
        return [self[f"social_{network}"] for network in SOCIAL_NETWORKS]

    def clean(self):
        cleaned = super().clean()
        for network in SOCIAL_NETWORKS:
            url = (cleaned.get(f"social_{network}") or "").strip()
            problem = social_link_problem(network=network, url=url) if url else None
            if problem:
                self.add_error(f"social_{network}", problem)
        return cleaned

    def branding_data(self) -> dict:
        """The cleaned values as branding keys, for the branding services."""
        cleaned = self.cleaned_data
        data = {
            key: cleaned[key]
            for key in (
                "display_name",
                "tagline",
                "primary_color",
                "secondary_color",
                "background_color",
                "text_color",
                "font",
                "footer_text",
                *(WHITE_LABEL_FIELDS if self.white_label else ()),
            )
        }
        data["radius"] = f"{cleaned['radius']}px"
        data["social_links"] = {
            network: cleaned[f"social_{network}"].strip()
            for network in SOCIAL_NETWORKS
            if cleaned.get(f"social_{network}", "").strip()
        }
        return data

    def service_arguments(self) -> dict:
        """The cleaned form as the keyword arguments of workspace_branding_update and
        agency_branding_update (besides the owner, actor and request)."""
        cleaned = self.cleaned_data
        return {
            "data": self.branding_data(),
            "logo": cleaned.get("logo"),
            "favicon": cleaned.get("favicon"),
            "remove_logo": cleaned.get("remove_logo", False),
            "remove_favicon": cleaned.get("remove_favicon", False),
        }

    def preview_data(self) -> dict:
        """The raw preview values as branding keys (for the live preview; not saved)."""
        data = {key: self.data.get(key, "") for key in self.PREVIEW_FIELDS if key != "radius"}
        radius = self.data.get("radius", "")
        data["radius"] = f"{radius}px" if str(radius).isdigit() else ""
        return {key: value for key, value in data.items() if value != ""}
