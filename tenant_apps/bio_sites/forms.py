"""The bio editor's forms. They parse what the browser sends; the services validate it.

A component's form is generated from its type's pydantic schema (components.py), so a
new component type gets an editor without any code here: plain text, number, yes/no,
choice and date fields become inputs, anything nested (lists, objects) a JSON textarea.
The schema stays the one judge of what is valid; these fields only turn form strings into
the JSON values the schema expects.
"""

import enum
import json
import types
import typing
from datetime import datetime

from django import forms
from django.utils import timezone
from pydantic import AwareDatetime
from pydantic_core import PydanticUndefined

from tenant_apps.bio_sites.components import ComponentType
from tenant_apps.bio_sites.themes import THEMES

# Text longer than this is edited in a textarea.
_TEXTAREA_FROM_LENGTH = 281

_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class BioSiteCreateForm(forms.Form):
    name = forms.CharField(max_length=120)
    slug = forms.CharField(
        label="Address",
        max_length=60,
        help_text="Your page's address: /b/<strong>address</strong>/. Lowercase letters, "
        "numbers, hyphens and underscores.",
        widget=forms.TextInput(
            attrs={
                "data-slug-from": "#id_name",
                "autocomplete": "off",
                # The live check: the address is free, or why it cannot be used.
                "hx-get": "/dashboard/bio/slug-check/",
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#slug-check",
                "hx-swap": "outerHTML",
                "aria-describedby": "slug-check",
            }
        ),
    )


class BioSiteSettingsForm(forms.Form):
    name = forms.CharField(max_length=120)
    seo_title = forms.CharField(
        label="Search and share title",
        max_length=70,
        required=False,
        help_text="Shown in search results and link previews (at most 70 characters).",
    )
    seo_description = forms.CharField(
        label="Search and share description",
        max_length=160,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="At most 160 characters.",
    )
    og_image = forms.ImageField(
        label="Share image",
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
        help_text="PNG, JPEG or WebP, at most 5 MB; 1200 by 630 pixels looks best.",
    )
    remove_og_image = forms.BooleanField(label="Remove the share image", required=False)
    theme = forms.ChoiceField(choices=[(key, theme.label) for key, theme in THEMES.items()])
    custom_css = forms.CharField(
        label="Custom CSS",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false", "class": "mono"}),
        help_text="Applied after the theme. Imports, scripts and outside URLs are refused.",
    )
    serves_root = forms.BooleanField(
        label="Serve this page at the site's root address (/)",
        required=False,
        help_text="Replaces the home page; only one bio page can be the root.",
    )


class ComponentScheduleForm(forms.Form):
    visible_from = forms.DateTimeField(
        label="Show from",
        required=False,
        input_formats=[_DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL),
    )
    visible_until = forms.DateTimeField(
        label="Show until",
        required=False,
        input_formats=[_DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL),
    )

    def __init__(self, *args, component=None, **kwargs):
        if component is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                # Shown in the current (workspace) time zone, as the inputs are read.
                "visible_from": _local(component.visible_from),
                "visible_until": _local(component.visible_until),
            }
        super().__init__(*args, **kwargs)


def _local(value: datetime | None) -> datetime | None:
    return timezone.localtime(value) if value else None


# --- the generated component form ---------------------------------------------------


def _unwrap_optional(annotation) -> tuple[typing.Any, bool]:
    """(the bare inner type, whether None is allowed) for `X | None`; constraints
    (`Annotated[str, …]`) are stripped, they are the schema's to check."""
    nullable = False
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(annotation)) == 2:
            annotation, nullable = args[0], True
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    return annotation, nullable


def _max_length(field_info) -> int | None:
    for item in field_info.metadata:
        if getattr(item, "max_length", None):
            return item.max_length
    inner = typing.get_args(field_info.annotation)
    for arg in inner:
        for item in getattr(arg, "__metadata__", ()):
            if getattr(item, "max_length", None):
                return item.max_length
    return None


def _choices(inner) -> list | None:
    if isinstance(inner, type) and issubclass(inner, enum.Enum):
        return [(member.value, member.value.replace("_", " ").capitalize()) for member in inner]
    if typing.get_origin(inner) is typing.Literal:
        return [(value, str(value).replace("_", " ").capitalize()) for value in inner.__args__]
    return None


def _label(name: str) -> str:
    return name.replace("_", " ").capitalize().replace("url", "URL").replace("Url", "URL")


class ComponentDataForm(forms.Form):
    """The inputs of one component type, built from its schema. `payload()` gives the
    JSON the schema validates, or None with the parse errors added to the form."""

    def __init__(self, *args, component_type: ComponentType, data: dict | None = None, **kwargs):
        self.component_type = component_type
        self.kinds: dict[str, tuple[str, bool, typing.Any]] = {}
        initial = {}
        super().__init__(*args, auto_id="id_c_%s", **kwargs)
        for name, info in component_type.schema.model_fields.items():
            inner, nullable = _unwrap_optional(info.annotation)
            default = None if info.default is PydanticUndefined else info.default
            value = (data or {}).get(name, default)
            required = info.is_required()
            choices = _choices(inner)
            help_text = ""
            if choices is not None:
                kind = "choice"
                options = ([("", "—")] if nullable or not required else []) + choices
                field = forms.ChoiceField(choices=options, required=False)
                initial[name] = "" if value is None else getattr(value, "value", value)
            elif inner is bool:
                kind = "bool"
                field = forms.BooleanField(required=False)
                initial[name] = bool(value)
            elif inner in (int, float):
                kind = "int" if inner is int else "float"
                field = forms.CharField(
                    required=False, widget=forms.NumberInput(attrs={"step": "any"})
                )
                initial[name] = "" if value is None else value
            elif inner is AwareDatetime or inner is datetime:
                kind = "datetime"
                field = forms.DateTimeField(
                    required=False,
                    input_formats=[_DATETIME_LOCAL, "%Y-%m-%dT%H:%M:%S"],
                    widget=forms.DateTimeInput(
                        attrs={"type": "datetime-local"}, format=_DATETIME_LOCAL
                    ),
                )
                help_text = f"In {timezone.get_current_timezone_name()} time."
                initial[name] = _parse_iso(value)
            elif inner is str:
                kind = "text"
                max_length = _max_length(info)
                widget = (
                    forms.Textarea(attrs={"rows": 3})
                    if max_length and max_length >= _TEXTAREA_FROM_LENGTH
                    else forms.TextInput()
                )
                field = forms.CharField(required=False, strip=False, widget=widget)
                initial[name] = "" if value is None else value
            else:
                kind = "json"
                field = forms.CharField(
                    required=False,
                    widget=forms.Textarea(
                        attrs={"rows": 6, "spellcheck": "false", "class": "mono json-input"}
                    ),
                )
                help_text = "JSON: a list [ … ] or an object { … }."
                initial[name] = "" if value is None else json.dumps(value, indent=2)
            field.label = _label(name)
            field.help_text = help_text
            # A box left unticked is a valid "no"; other required inputs must be filled.
            field.required = required and kind != "bool"
            self.fields[name] = field
            self.kinds[name] = (kind, nullable, default)
        if not self.is_bound:
            self.initial = initial

    def payload(self) -> dict | None:
        if not self.is_valid():
            return None
        data: dict[str, typing.Any] = {}
        for name, (kind, nullable, default) in self.kinds.items():
            raw = self.cleaned_data.get(name)
            if kind == "bool":
                data[name] = bool(raw)
                continue
            if kind == "datetime":
                if raw is not None:
                    data[name] = raw.isoformat()
                elif nullable:
                    data[name] = None
                continue
            if raw in ("", None):
                # Left empty (and optional): None where the schema allows it, "" for
                # text, otherwise absent so the schema's default applies.
                if nullable:
                    data[name] = None
                elif kind == "text" and default == "":
                    data[name] = ""
                continue
            if kind == "text":
                data[name] = raw
            elif kind == "choice":
                data[name] = self._choice_value(name, raw)
            elif kind in ("int", "float"):
                number = _number(raw, integer=kind == "int")
                if number is None:
                    self.add_error(
                        name, "Enter a number." if kind == "float" else "Enter a whole number."
                    )
                else:
                    data[name] = number
            elif kind == "json":
                try:
                    data[name] = json.loads(raw)
                except ValueError as error:
                    self.add_error(
                        name, f"This is not valid JSON ({error.msg}, line {error.lineno})."
                    )
        return None if self.errors else data

    def _choice_value(self, name: str, raw: str):
        info = self.component_type.schema.model_fields[name]
        inner, _ = _unwrap_optional(info.annotation)
        if typing.get_origin(inner) is typing.Literal:
            for value in inner.__args__:
                if str(value) == raw:
                    return value
        return raw

    def add_schema_errors(self, fields: dict[str, list[str]]) -> None:
        """The schema's errors (keyed by path: `url`, `links.0.url`) on their inputs."""
        for path, messages in fields.items():
            head, _, rest = path.partition(".")
            target = head if head in self.fields else None
            for message in messages:
                if rest and target:
                    message = f"{_path_label(rest)}: {message}"
                elif target is None and path != "__all__":
                    message = f"{_label(path)}: {message}"
                self.add_error(target, message)


def _path_label(rest: str) -> str:
    parts = []
    for part in rest.split("."):
        parts.append(f"item {int(part) + 1}" if part.isdigit() else _label(part).lower())
    return " / ".join(parts).capitalize()


def _number(raw: str, *, integer: bool):
    try:
        value = float(raw)
    except ValueError:
        return None
    if integer:
        return int(value) if value.is_integer() else None
    return int(value) if value.is_integer() else value


def _parse_iso(value) -> datetime | None:
    if not value:
        return None
    parsed = datetime.fromisoformat(value) if isinstance(value, str) else value
    return timezone.localtime(parsed) if timezone.is_aware(parsed) else parsed
