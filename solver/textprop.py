"""X-RUNCAL-* property values as RFC 5545 TEXT: the one place that escapes and unescapes them.

An X- property's value type is TEXT unless it says otherwise (RFC 5545 §3.8.8.2), so `,` `;`
`\\` and newlines inside it are escaped (§3.3.11). icalendar 7 writes and returns X- values as
they stand (vUnknown), and vobject — hence Radicale, which stores vobject's rewrite — cuts such a
value at its first unescaped comma: the embedded profile JSON came back as `{"all_day_busy":…`.
The writer (solver/ics.py) goes through `add`/`put`, readers (solver/planfile.py, and
solver/calsync.py for server objects) through `get`/`get_all`.

Our own escaping rather than icalendar's vText: vText turns a literal `\\N` into a newline
before escaping, which would corrupt JSON holding a backslash; this pair is exact both ways.
"""

from __future__ import annotations

import json
import re

_SPECIAL = re.compile(r"[\\;,\n]")
_ESCAPED = re.compile(r"\\([\\;,nN])")


def escape(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return _SPECIAL.sub(lambda m: "\\n" if m[0] == "\n" else "\\" + m[0], text)


def unescape(text: str) -> str:
    return _ESCAPED.sub(lambda m: "\n" if m[1] in "nN" else m[1], text)


def add(component, name: str, value: str) -> None:
    """Add an X- property with `value` escaped (icalendar writes an X- value as it is given)."""
    component.add(name, escape(str(value)))


def put(component, name: str, value: str) -> None:
    """Replace an X- property's value(s) by `value`."""
    if name in component:
        del component[name]
    add(component, name, value)


def get_all(component, name: str) -> list[str]:
    values = component.get(name, [])
    return [unescape(str(v)) for v in (values if isinstance(values, list) else [values])]


def get(component, name: str, default: str | None = None) -> str | None:
    """The property's unescaped text (the first one, if it occurs more than once)."""
    values = get_all(component, name)
    return values[0] if values else default


def get_json(component, name: str) -> str | None:
    """A JSON value (X-RUNCAL-PROFILE) written escaped, or raw by runcal before this module: raw
    JSON that parses is taken as it is (unescaping it would turn its own `\\\\` into `\\`)."""
    values = component.get(name, [])
    raw = values[0] if isinstance(values, list) and values else values
    if raw is None or raw == []:
        return None
    try:
        json.loads(str(raw))
        return str(raw)
    except (ValueError, RecursionError):  # RecursionError: nested too deeply to be runcal's own
        return unescape(str(raw))
