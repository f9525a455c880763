"""The Wagtail admin in the workspace's brand: its name wherever Wagtail prints a site
name, and its colours in Wagtail's own CSS variables. The platform never shows here."""

import colorsys

from tenants.branding import branding_with_defaults
from tenants.selectors import current_workspace

# Shown only if Wagtail asks with no workspace in context (there is no admin on the
# platform's hosts, so in practice never); deliberately not the platform's name.
FALLBACK_SITE_NAME = "Website"

# Wagtail puts white text on its "secondary" colour (buttons, links) and on its
# "primary" one (the sidebar). Brand colours are clamped darker than these lightness
# values so that text stays readable (WCAG AA against white) whatever the brand.
SECONDARY_MAX_LIGHTNESS = 38.0
PRIMARY_MAX_LIGHTNESS = 24.0


def admin_site_name() -> str:
    workspace = current_workspace()
    if workspace is None:
        return FALLBACK_SITE_NAME
    brand = branding_with_defaults(workspace.branding)
    return brand.get("display_name") or workspace.name


def hex_to_hsl(value: str) -> tuple[float, float, float]:
    """'#4f46e5' → (hue degrees, saturation %, lightness %). Branding is validated as
    #rgb or #rrggbb (tenants.branding), so no other shape arrives here."""
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    hue, lightness, saturation = colorsys.rgb_to_hls(red, green, blue)
    return round(hue * 360, 1), round(saturation * 100, 1), round(lightness * 100, 1)


def admin_colour_css(*, branding: dict | None) -> str:
    """Wagtail's admin colour variables set from a workspace's branding."""
    brand = branding_with_defaults(branding)
    hue, saturation, lightness = hex_to_hsl(brand["primary_color"])
    declarations = {
        "--w-color-secondary-hue": hue,
        "--w-color-secondary-saturation": f"{saturation}%",
        "--w-color-secondary-lightness": f"{min(lightness, SECONDARY_MAX_LIGHTNESS)}%",
        "--w-color-primary-hue": hue,
        "--w-color-primary-saturation": f"{min(saturation, 60.0)}%",
        "--w-color-primary-lightness": f"{min(lightness, PRIMARY_MAX_LIGHTNESS)}%",
        # The brand colour as given, for the sidebar monogram.
        "--workspace-brand-primary": brand["primary_color"],
    }
    body = "".join(f"{name}: {value}; " for name, value in declarations.items())
    # Every value above is a number or a colour validated by tenants.branding.
    return f"<style>:root, .w-theme-light, .w-theme-dark {{ {body}}}</style>"
