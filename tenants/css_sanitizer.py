"""Custom CSS that people paste into their site: accepted only when it cannot load code,
leave its stylesheet, or reach outside the allowed image sources.

    css_sanitize(text) -> str          # the CSS to serve, or CssSanitizeError

The policy is to refuse, not to repair. Quietly dropping a rule leaves the author
wondering why their page looks wrong; listing every problem with its line lets them fix
it, and nothing they wrote changes behind their back. The one change made to accepted
CSS is that comments are replaced by a space (never by nothing: `@imp/**/ort` must not
become `@import` on the way out) and line endings are normalised.

What is refused (each with a message naming the line):

- more than `MAX_CSS_BYTES` of UTF-8, NUL and other control characters, and `<` anywhere,
  escaped or not, so the result can also be inlined in a `<style>` element safely;
- at-rules other than the layout ones in `ALLOWED_AT_RULES` (no @import, @charset,
  @namespace: a stylesheet never loads another);
- `url()` (and the strings of `image-set()`, `src()` …) except `https://…`, raster
  `data:image/(png|gif|jpeg|webp)` and `#fragment` references: no `javascript:`,
  `vbscript:`, `data:text/html`, SVG data, relative or protocol-relative URLs;
- `expression()`, `-moz-binding` and `behavior`, the old ways CSS ran script;
- unbalanced `{ } ( ) [ ]`, unclosed comments and strings.

The checks read the CSS the way a browser tokenizes it (CSS Syntax Level 3: escapes
decoded, comments as separators), and once more with comments deleted and escapes
decoded, the way old engines were fooled (`expr/**/ession(`, `\\69mport`): a keyword
hidden either way is refused. The refused words are refused anywhere, even in strings.

This module has no Django dependency: the branding settings and the link-in-bio builder
both use it.
"""

import re
from bisect import bisect_right
from dataclasses import dataclass

MAX_CSS_BYTES = 20 * 1024
MAX_NESTING = 32
MAX_PROBLEMS = 20

ALLOWED_AT_RULES = frozenset(
    {
        "container",
        "counter-style",
        "font-face",
        "font-feature-values",
        "font-palette-values",
        "keyframes",
        "-webkit-keyframes",
        "-moz-keyframes",
        "layer",
        "media",
        "page",
        "property",
        "scope",
        "starting-style",
        "supports",
    }
)
# Functions whose string arguments browsers treat as URLs.
URL_FUNCTIONS = frozenset(
    {"url", "src", "image", "image-set", "-webkit-image-set", "cross-fade", "-webkit-cross-fade"}
)
FORBIDDEN_FUNCTIONS = frozenset({"expression"})
FORBIDDEN_IDENTS = frozenset({"-moz-binding", "behavior", "-ms-behavior"})
# Refused anywhere in the comment-free, escape-decoded, lowercased text.
FORBIDDEN_WORDS = (
    ("@import", "@import is not allowed: a stylesheet here cannot load another."),
    ("@charset", "@charset is not allowed (the stylesheet is always UTF-8)."),
    ("@namespace", "@namespace is not allowed."),
    ("expression(", "expression() is not allowed: it runs script in old browsers."),
    ("javascript:", "javascript: is not allowed anywhere in CSS."),
    ("vbscript:", "vbscript: is not allowed anywhere in CSS."),
    ("-moz-binding", "-moz-binding is not allowed: it loads code."),
    ("data:text", "data:text URLs are not allowed; only PNG, GIF, JPEG or WebP images."),
)

_DATA_IMAGE = re.compile(r"data:image/(?:png|gif|jpeg|jpg|webp)(?:;base64)?,[A-Za-z0-9+/=%._~-]*")
_HTTPS = re.compile(r"https://[A-Za-z0-9.-]+(?::\d{1,5})?(?:[/?#][^\s\"'()\\<>]*)?")
_FRAGMENT = re.compile(r"#[A-Za-z_][A-Za-z0-9_-]*")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HEX = "0123456789abcdefABCDEF"
_WHITESPACE = " \t\n\r\f"


class CssSanitizeError(ValueError):
    """The CSS was refused. `problems` lists every reason, each naming its line."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass
class _Token:
    kind: str  # ident function at-keyword url string hash number delim ws comment punct
    value: str  # decoded (names lowercased); for punct and delim the character itself
    start: int
    end: int
    line: int


def css_sanitize(text: str, *, max_bytes: int = MAX_CSS_BYTES) -> str:
    """The CSS to serve, or CssSanitizeError listing what is wrong. Empty in, empty out."""
    if not isinstance(text, str):
        raise CssSanitizeError(["Custom CSS must be text."])
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        raise CssSanitizeError(
            ["Custom CSS contains characters that are not valid text."]
        ) from None
    if size > max_bytes:
        # Checked before tokenizing: a huge input must not cost a full parse.
        raise CssSanitizeError(
            [f"Custom CSS is too long ({size // 1024} KB); keep it under {max_bytes // 1024} KB."]
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""

    problems: list[str] = []
    _check_raw(text, problems)
    if "<" in text:
        # Reported once; the token checks below would only repeat it.
        raise CssSanitizeError(problems)
    tokens = _tokenize(text, problems)
    _check_tokens(tokens, problems)
    _check_hidden_words(tokens, problems)
    if problems:
        raise CssSanitizeError(_dedupe(problems)[:MAX_PROBLEMS])
    return _without_comments(text, tokens).strip() + "\n"


def _dedupe(problems: list[str]) -> list[str]:
    return list(dict.fromkeys(problems))


def _line_of(text: str, index: int) -> int:
    return text.count("\n", 0, index) + 1


def _check_raw(text: str, problems: list[str]) -> None:
    if "\x00" in text:
        problems.append(f"Line {_line_of(text, text.index(chr(0)))}: null bytes are not allowed.")
    control = _CONTROL.search(text.replace("\x00", ""))
    if control:
        problems.append("Custom CSS contains control characters; remove them.")
    if "<" in text:
        problems.append(
            f"Line {_line_of(text, text.index('<'))}: '<' is not allowed in custom CSS "
            "(it could close the style element). In media queries use max-width/min-width."
        )


# ---------- Tokenizer (CSS Syntax Level 3, what the checks need) ----------


def _is_name_start(ch: str) -> bool:
    return ch.isalpha() or ch == "_" or ord(ch) >= 0x80


def _is_name(ch: str) -> bool:
    return _is_name_start(ch) or ch.isdigit() or ch == "-"


def _valid_escape(text: str, i: int) -> bool:
    return i < len(text) and text[i] == "\\" and (i + 1 >= len(text) or text[i + 1] != "\n")


def _starts_ident(text: str, i: int) -> bool:
    if i >= len(text):
        return False
    ch = text[i]
    if ch == "-":
        nxt = text[i + 1] if i + 1 < len(text) else ""
        return bool(nxt) and (_is_name_start(nxt) or nxt == "-" or _valid_escape(text, i + 1))
    return _is_name_start(ch) or _valid_escape(text, i)


def _consume_escape(text: str, i: int) -> tuple[str, int]:
    """`i` is just after the backslash. Returns the character and the next index."""
    if i >= len(text):
        return "\ufffd", i
    if text[i] in _HEX:
        j = i
        while j < len(text) and j - i < 6 and text[j] in _HEX:
            j += 1
        code = int(text[i:j], 16)
        if j < len(text) and text[j] in _WHITESPACE:
            j += 1
        if code == 0 or 0xD800 <= code <= 0xDFFF or code > 0x10FFFF:
            return "\ufffd", j
        return chr(code), j
    return text[i], i + 1


def _consume_name(text: str, i: int) -> tuple[str, int]:
    out = []
    while i < len(text):
        ch = text[i]
        if _is_name(ch):
            out.append(ch)
            i += 1
        elif _valid_escape(text, i):
            decoded, i = _consume_escape(text, i + 1)
            out.append(decoded)
        else:
            break
    return "".join(out), i


def _tokenize(text: str, problems: list[str]) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(text)
    newlines = [index for index, ch in enumerate(text) if ch == "\n"]

    def add(kind: str, value: str, start: int, end: int) -> None:
        line = bisect_right(newlines, start - 1) + 1
        tokens.append(_Token(kind, value, start, end, line))

    while i < n:
        start, ch = i, text[i]
        if text.startswith("/*", i):
            end = text.find("*/", i + 2)
            if end == -1:
                problems.append(f"Line {_line_of(text, i)}: a comment is never closed (*/).")
                add("comment", "", i, n)
                break
            i = end + 2
            add("comment", "", start, i)
        elif ch in _WHITESPACE:
            while i < n and text[i] in _WHITESPACE:
                i += 1
            add("ws", " ", start, i)
        elif ch in "\"'":
            value, i, closed = _consume_string(text, i + 1, ch)
            if not closed:
                problems.append(
                    f"Line {_line_of(text, start)}: a string is not closed before the end "
                    "of its line."
                )
            add("string", value, start, i)
        elif ch == "@" and _starts_ident(text, i + 1):
            name, i = _consume_name(text, i + 1)
            add("at-keyword", name.lower(), start, i)
        elif ch == "#" and i + 1 < n and (_is_name(text[i + 1]) or _valid_escape(text, i + 1)):
            name, i = _consume_name(text, i + 1)
            add("hash", name, start, i)
        elif ch.isdigit() or (
            ch in "+-." and i + 1 < n and (text[i + 1].isdigit() or (
                ch != "." and text[i + 1] == "." and i + 2 < n and text[i + 2].isdigit()
            ))
        ):  # fmt: skip
            i += 1
            while i < n and (text[i].isdigit() or text[i] in ".eE"):
                i += 1
            if i < n and text[i] == "%":
                i += 1
            elif _starts_ident(text, i):
                _, i = _consume_name(text, i)
            add("number", text[start:i], start, i)
        elif _starts_ident(text, i):
            name, i = _consume_name(text, i)
            lowered = name.lower()
            if i < n and text[i] == "(":
                i += 1
                if lowered == "url":
                    j = i
                    while j < n and text[j] in _WHITESPACE:
                        j += 1
                    if j >= n or text[j] not in "\"'":
                        value, i = _consume_url(text, j, problems)
                        add("url", value, start, i)
                        continue
                add("function", lowered, start, i)
            else:
                add("ident", lowered, start, i)
        elif ch == "\\":
            problems.append(f"Line {_line_of(text, i)}: a backslash here escapes nothing.")
            i += 1
            add("delim", ch, start, i)
        elif ch in "{}()[];:,":
            i += 1
            add("punct", ch, start, i)
        else:
            i += 1
            add("delim", ch, start, i)
    return tokens


def _consume_string(text: str, i: int, quote: str) -> tuple[str, int, bool]:
    out = []
    n = len(text)
    while i < n:
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1, True
        if ch == "\n":
            return "".join(out), i, False
        if ch == "\\":
            if i + 1 < n and text[i + 1] == "\n":
                i += 2  # a line continuation: nothing
                continue
            decoded, i = _consume_escape(text, i + 1)
            out.append(decoded)
            continue
        out.append(ch)
        i += 1
    return "".join(out), i, False


def _consume_url(text: str, i: int, problems: list[str]) -> tuple[str, int]:
    """An unquoted url(…): `i` is at its first non-space character."""
    out = []
    n = len(text)
    start_line = _line_of(text, i)
    while i < n:
        ch = text[i]
        if ch == ")":
            return "".join(out), i + 1
        if ch in _WHITESPACE:
            while i < n and text[i] in _WHITESPACE:
                i += 1
            if i < n and text[i] == ")":
                return "".join(out), i + 1
            break
        if ch in "\"'(" or _CONTROL.match(ch):
            break
        if ch == "\\":
            if not _valid_escape(text, i):
                break
            decoded, i = _consume_escape(text, i + 1)
            out.append(decoded)
            continue
        out.append(ch)
        i += 1
    problems.append(f"Line {start_line}: a url(…) is malformed or never closed.")
    # Skip to the closing parenthesis the way browsers recover from a bad URL.
    close = text.find(")", i)
    return "".join(out), n if close == -1 else close + 1


# ---------- Checks ----------

_CLOSERS = {"}": "{", ")": "(", "]": "["}


def _url_problem(url: str) -> str | None:
    url = url.strip(_WHITESPACE)
    if _CONTROL.search(url) or any(ch in url for ch in "\t\n\r\f\\"):
        return "URLs may not contain control characters or backslashes."
    lowered = url.lower()
    if lowered.startswith("https://") and _HTTPS.fullmatch(url):
        return None
    if lowered.startswith("data:") and _DATA_IMAGE.fullmatch(lowered):
        return None
    if _FRAGMENT.fullmatch(url):
        return None
    if lowered.startswith("data:"):
        return "only PNG, GIF, JPEG or WebP data: images are allowed."
    if lowered.startswith("//"):
        return "protocol-relative URLs are not allowed; write the full https:// address."
    if ":" in lowered.split("/", 1)[0]:
        return f"the {lowered.split(':', 1)[0][:20]!r} scheme is not allowed; use https://."
    return "relative URLs are not allowed; write the full https:// address."


def _check_tokens(tokens: list[_Token], problems: list[str]) -> None:
    stack: list[tuple[str, str, int]] = []  # (opener, function name, line)
    for token in tokens:
        if token.kind == "function":
            if token.value in FORBIDDEN_FUNCTIONS:
                problems.append(f"Line {token.line}: {token.value}() is not allowed.")
            stack.append(("(", token.value, token.line))
        elif token.kind == "punct" and token.value in "{([":
            stack.append((token.value, "", token.line))
        elif token.kind == "punct" and token.value in "})]":
            if not stack or stack[-1][0] != _CLOSERS[token.value]:
                problems.append(f"Line {token.line}: '{token.value}' closes nothing.")
                return  # the structure is lost: anything more would be noise
            stack.pop()
        elif token.kind == "at-keyword" and token.value not in ALLOWED_AT_RULES:
            problems.append(f"Line {token.line}: @{token.value} is not allowed here.")
        elif token.kind == "ident" and token.value in FORBIDDEN_IDENTS:
            problems.append(f"Line {token.line}: {token.value} is not allowed: it loads code.")
        elif token.kind == "url" or (
            token.kind == "string" and any(name in URL_FUNCTIONS for _, name, _ in stack[-1:])
        ):
            problem = _url_problem(token.value)
            if problem:
                problems.append(f"Line {token.line}: {problem}")
        if token.kind in ("string", "url", "ident", "hash") and "<" in token.value:
            problems.append(f"Line {token.line}: '<' is not allowed, even escaped.")
        if len(stack) > MAX_NESTING:
            problems.append(f"Line {token.line}: blocks are nested too deeply.")
            return
    for opener, _, line in stack[:1]:
        closer = {"{": "}", "(": ")", "[": "]"}[opener]
        problems.append(f"Line {line}: '{opener}' is never closed ('{closer}' missing).")


def _check_hidden_words(tokens: list[_Token], problems: list[str]) -> None:
    """Read the CSS again as a naive engine would: comments deleted outright, escapes
    decoded, case folded. A refused word that appears only this way was being hidden."""
    flat = "".join(
        "" if t.kind == "comment"
        else f"@{t.value}" if t.kind == "at-keyword"
        else f"{t.value}(" if t.kind == "function"
        else f"url({t.value})" if t.kind == "url"
        else t.value
        for t in tokens
    ).lower()  # fmt: skip
    squeezed = re.sub(r"\s+", "", flat)
    for word, message in FORBIDDEN_WORDS:
        already_reported = any(word.strip("@:(") in problem for problem in problems)
        if (word in flat or word in squeezed) and not already_reported:
            problems.append(message)


def _without_comments(text: str, tokens: list[_Token]) -> str:
    parts = []
    for token in tokens:
        if token.kind == "comment":
            parts.append(" ")
        else:
            parts.append(text[token.start : token.end])
    return "".join(parts)
