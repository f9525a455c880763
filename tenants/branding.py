"""Branding defaults and validation. The design system reads these as CSS custom
properties, so every value is checked against a strict pattern: branding is stored
input and must never be able to break out of a `style` block.
"""

import re

DEFAULT_BRANDING = {
    "primary_color": "#4f46e5",
    "accent_color": "#0ea5e9",
    "background_color": "#ffffff",
    "text_color": "#0f172a",
    "font_family": "Inter, system-ui, -apple-system, 'Segoe UI', sans-serif",
    "radius": "12px",
    "tagline": "",
}

_PATTERNS = {
    "primary_color": r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?",
    "accent_color": r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?",
    "background_color": r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?",
    "text_color": r"#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?",
    "font_family": r"[A-Za-z0-9 ,'\-]{1,120}",
    "radius": r"\d{1,2}px",
    "tagline": r"[^<>]{0,160}",
}


def branding_problems(branding: dict) -> dict[str, list[str]]:
    problems = {}
    for key, value in branding.items():
        pattern = _PATTERNS.get(key)
        if pattern is None:
            problems[key] = ["Unknown branding setting."]
        elif not isinstance(value, str) or not re.fullmatch(pattern, value):
            problems[key] = ["Invalid value."]
    return problems


def branding_with_defaults(branding: dict | None) -> dict:
    """Stored branding over the defaults; anything invalid falls back to the default."""
    merged = dict(DEFAULT_BRANDING)
    for key, value in (branding or {}).items():
        if key in _PATTERNS and isinstance(value, str) and re.fullmatch(_PATTERNS[key], value):
            merged[key] = value
    return merged
