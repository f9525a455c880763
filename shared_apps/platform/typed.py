"""Values of typed platform settings: what each type accepts, and how a form's text
becomes a value of that type. No database access here (models and forms use it)."""

import json
import math
from typing import Any

_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}


class TypedValueError(ValueError):
    """The value does not match the setting's type; the message says why."""


def typed_value_check(*, type: str, value: Any) -> None:
    """Raise TypedValueError unless `value` is a value of `type`.

    Strict on purpose: the string "false" is not a boolean and "10" is not a number,
    because code reading the setting relies on the type it declared.
    """
    if type == "string":
        if not isinstance(value, str):
            raise TypedValueError(f"A string setting needs text, not {_kind(value)}.")
    elif type == "number":
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise TypedValueError(f"A number setting needs a number, not {_kind(value)}.")
        if isinstance(value, float) and not math.isfinite(value):
            raise TypedValueError("A number setting needs a finite number.")
    elif type == "boolean":
        if not isinstance(value, bool):
            raise TypedValueError(f"A boolean setting needs true or false, not {_kind(value)}.")
    elif type == "json":
        try:
            json.dumps(value, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise TypedValueError(f"Not a JSON value: {exc}.") from exc
    else:
        raise TypedValueError(f"Unknown setting type {type!r}.")


def typed_value_parse(*, type: str, text: str) -> Any:
    """The value of `type` written as `text` (what a person types in the console)."""
    if type == "string":
        return text
    stripped = text.strip()
    if type == "number":
        try:
            number = json.loads(stripped)
        except ValueError:
            number = None
        if isinstance(number, bool) or not isinstance(number, int | float):
            raise TypedValueError(f"{_short(stripped)} is not a number (e.g. 10 or 2.5).")
        typed_value_check(type=type, value=number)
        return number
    if type == "boolean":
        lowered = stripped.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        raise TypedValueError(f"{_short(stripped)} is not a boolean (true or false).")
    if type == "json":
        try:
            return json.loads(stripped)
        except ValueError as exc:
            raise TypedValueError(f"Not valid JSON: {exc}.") from exc
    raise TypedValueError(f"Unknown setting type {type!r}.")


def typed_value_text(*, type: str, value: Any) -> str:
    """The inverse of typed_value_parse, for showing a value in a form."""
    if type == "string" and isinstance(value, str):
        return value
    if type == "boolean" and isinstance(value, bool):
        return "true" if value else "false"
    if type == "json":
        return json.dumps(value, indent=2, sort_keys=True)
    return json.dumps(value)


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _short(text: str) -> str:
    return repr(text if len(text) <= 40 else text[:37] + "...")
