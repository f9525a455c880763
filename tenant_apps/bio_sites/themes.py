"""The bio page themes: the workspace's own branding plus built-in looks.

A theme is a set of CSS custom properties (`--bio-*`) the page template writes inline,
so switching theme is one stored key and no extra request. "brand" maps the same
properties onto the workspace's brand variables from /theme.css, so a branded page
follows every later change of the brand. Custom CSS (sanitised) comes after the theme
and may override any of it.
"""

from dataclasses import dataclass, field

DEFAULT_THEME = "brand"

_SANS = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
_SERIF = "Georgia, 'Iowan Old Style', 'Times New Roman', serif"
_MONO = "ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace"
_ROUNDED = "ui-rounded, 'SF Pro Rounded', system-ui, sans-serif"


@dataclass(frozen=True)
class Theme:
    key: str
    label: str
    # Page background (any CSS background value), text, muted text.
    background: str
    text: str
    muted: str
    # Buttons and links.
    button: str
    button_text: str
    # "solid", "outline", "soft" or "shadow": how link buttons are drawn.
    button_style: str = "solid"
    surface: str = "rgba(255,255,255,.08)"
    radius: str = ".75rem"
    font: str = _SANS
    # Two colours for the editor's picker swatch.
    swatch: tuple[str, str] = field(default=("#ffffff", "#111111"))

    def css_variables(self) -> dict[str, str]:
        return {
            "--bio-bg": self.background,
            "--bio-text": self.text,
            "--bio-muted": self.muted,
            "--bio-button": self.button,
            "--bio-button-text": self.button_text,
            "--bio-surface": self.surface,
            "--bio-radius": self.radius,
            "--bio-font": self.font,
        }


_THEMES = [
    Theme(
        "brand",
        "Your brand",
        background="var(--brand-bg, #ffffff)",
        text="var(--brand-text, #111111)",
        muted="color-mix(in srgb, var(--brand-text, #111111) 70%, transparent)",
        button="var(--brand-primary, #222222)",
        button_text="var(--brand-on-primary, #ffffff)",
        surface="color-mix(in srgb, var(--brand-text, #111111) 6%, transparent)",
        radius="var(--brand-radius, .75rem)",
        font="var(--brand-font, system-ui, sans-serif)",
        swatch=("var(--brand-primary, #222)", "var(--brand-bg, #fff)"),
    ),
    Theme(
        "classic",
        "Classic",
        background="#f7f7f8",
        text="#15171a",
        muted="#5b6270",
        button="#15171a",
        button_text="#ffffff",
        surface="#ffffff",
        swatch=("#15171a", "#f7f7f8"),
    ),
    Theme(
        "midnight",
        "Midnight",
        background="linear-gradient(180deg, #0b1020 0%, #1b2340 100%)",
        text="#f2f4fb",
        muted="#a9b1cc",
        button="#2e3a66",
        button_text="#ffffff",
        button_style="soft",
        surface="rgba(255,255,255,.06)",
        swatch=("#2e3a66", "#0b1020"),
    ),
    Theme(
        "sunset",
        "Sunset",
        background="linear-gradient(160deg, #ff9a5a 0%, #ff5e7e 55%, #8f4bd6 100%)",
        text="#ffffff",
        muted="rgba(255,255,255,.85)",
        button="rgba(255,255,255,.95)",
        button_text="#3a1238",
        radius="999px",
        surface="rgba(255,255,255,.16)",
        swatch=("#ff5e7e", "#8f4bd6"),
    ),
    Theme(
        "forest",
        "Forest",
        background="#10291f",
        text="#ecf5ef",
        muted="#a6c4b2",
        button="#3f8f63",
        button_text="#ffffff",
        surface="rgba(255,255,255,.07)",
        font=_SERIF,
        swatch=("#3f8f63", "#10291f"),
    ),
    Theme(
        "ocean",
        "Ocean",
        background="linear-gradient(180deg, #e0f4ff 0%, #b9e2f7 100%)",
        text="#06324a",
        muted="#2f5f78",
        button="#0a6e9c",
        button_text="#ffffff",
        radius="1.25rem",
        surface="rgba(255,255,255,.6)",
        swatch=("#0a6e9c", "#e0f4ff"),
    ),
    Theme(
        "mono",
        "Monochrome",
        background="#ffffff",
        text="#000000",
        muted="#555555",
        button="#000000",
        button_text="#ffffff",
        button_style="outline",
        radius="0",
        surface="#ffffff",
        font=_MONO,
        swatch=("#000000", "#ffffff"),
    ),
    Theme(
        "pastel",
        "Pastel",
        background="linear-gradient(180deg, #fdf2f8 0%, #eef2ff 100%)",
        text="#3b2a4a",
        muted="#6d5a7d",
        button="#ffffff",
        button_text="#3b2a4a",
        button_style="shadow",
        radius="1rem",
        surface="rgba(255,255,255,.7)",
        font=_ROUNDED,
        swatch=("#f9a8d4", "#eef2ff"),
    ),
    Theme(
        "neon",
        "Neon",
        background="#0a0a0f",
        text="#f5f5ff",
        muted="#9a9ab8",
        # Outline buttons are drawn in `button` (border and label) and fill with it on
        # hover, with `button_text` on top.
        button="#39ff88",
        button_text="#0a0a0f",
        button_style="outline",
        radius=".5rem",
        surface="rgba(57,255,136,.06)",
        font=_MONO,
        swatch=("#39ff88", "#0a0a0f"),
    ),
    Theme(
        "paper",
        "Paper",
        background="#f4efe6",
        text="#2b2620",
        muted="#6b6155",
        button="#2b2620",
        button_text="#f4efe6",
        radius=".25rem",
        surface="#fbf8f2",
        font=_SERIF,
        swatch=("#2b2620", "#f4efe6"),
    ),
    Theme(
        "blush",
        "Blush",
        background="#fff1f2",
        text="#4c0519",
        muted="#881337",
        button="#e11d48",
        button_text="#ffffff",
        radius="999px",
        surface="#ffffff",
        swatch=("#e11d48", "#fff1f2"),
    ),
    Theme(
        "sand",
        "Sand",
        background="linear-gradient(180deg, #f6ead7 0%, #e8d3b0 100%)",
        text="#3d2f1e",
        muted="#735b3f",
        button="#3d2f1e",
        button_text="#f6ead7",
        button_style="soft",
        radius=".9rem",
        surface="rgba(255,255,255,.45)",
        swatch=("#3d2f1e", "#e8d3b0"),
    ),
    Theme(
        "glass",
        "Glass",
        background="linear-gradient(135deg, #4f46e5 0%, #06b6d4 100%)",
        text="#ffffff",
        muted="rgba(255,255,255,.8)",
        button="rgba(255,255,255,.18)",
        button_text="#ffffff",
        button_style="soft",
        radius="1rem",
        surface="rgba(255,255,255,.14)",
        swatch=("#4f46e5", "#06b6d4"),
    ),
]

THEMES: dict[str, Theme] = {theme.key: theme for theme in _THEMES}


def theme_get(key: str) -> Theme:
    """The theme at `key`; a key retired since it was stored falls back to the brand."""
    return THEMES.get(key) or THEMES[DEFAULT_THEME]
