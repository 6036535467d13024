"""One-line messages about bad input: file names, field paths and values, cut short and printable.

Every message dealkit writes about a data file goes through these helpers, so a hostile file name,
key or value (a newline, a terminal escape, a million characters) never reaches the terminal whole.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from dealkit.errors import DealDataError

__all__ = ["printable", "display_path", "field_path", "short_value", "validation_error"]

#: Validator wrappers pydantic puts in an error's location: not fields of the deal file.
_WRAPPERS = ("function-", "tagged-union", "function-after", "function-before")
#: Prefixes pydantic adds to a validator's own message.
_PREFIXES = ("Value error, ", "Assertion failed, ")


def printable(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters with control characters escaped (a file name or a key
    may hold a newline or a terminal escape).

    Examples
    --------
    >>> printable("line\\nbreak")
    'line\\\\nbreak'
    >>> printable("x" * 10, limit=6)
    'xxx...'
    """
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in cut)


def display_path(path: Path) -> str:
    """``path`` as a message shows it: relative to the working folder when inside it, printable.

    Examples
    --------
    >>> display_path(Path("data") / "deal.yaml")
    'data/deal.yaml'
    """
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return printable(shown, 200)


def field_path(location: Iterable[Any]) -> str:
    """A pydantic error location as the deal file's dotted field path (``notes.term_a.face``).

    Examples
    --------
    >>> field_path(("notes", "term_a", "face", "value"))
    'notes.term_a.face.value'
    >>> field_path(("obligations", 3, "id"))
    'obligations[3].id'
    """
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(_WRAPPERS):
            continue
        else:
            text = printable(str(part), 40)
            out += f".{text}" if out else text
    return out or "(top level)"


def _clean_message(message: str) -> str:
    for prefix in _PREFIXES:
        if message.startswith(prefix):
            message = message[len(prefix) :]
            break
    return printable(message, 200)


def _short_mapping(value: dict[Any, Any]) -> str:
    if len(value) <= 6 and all(isinstance(v, (str, int, Decimal, dt.date, type(None))) for v in value.values()):
        inner = ", ".join(
            f"{printable(str(k), 30)}: {repr(printable(v, 40)) if isinstance(v, str) else short_value(v)}"
            for k, v in value.items()
        )
        return printable("{" + inner + "}", 200)
    keys = ", ".join(printable(str(k), 30) for k in list(value)[:6])
    return f"a mapping of {len(value)} keys: {keys}{', ...' if len(value) > 6 else ''}"


def short_value(value: Any) -> str:
    """A short, printable rendering of a bad value: never the ``repr`` of a huge one.

    Examples
    --------
    >>> short_value("twelve")
    "'twelve'"
    >>> short_value(list(range(1000)))
    'a list of 1000 items'
    >>> short_value(10**300)
    'an integer of about 300 digits'
    """
    if isinstance(value, (str, bytes)):
        text = repr(value[:80])
        return text if len(value) <= 80 else text + f"... ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() <= 200:
            return repr(value)
        return f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, dict):
        return _short_mapping(value)
    if isinstance(value, (list, tuple, set)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, (Decimal, float, dt.date)):
        return printable(repr(value), 80)
    return f"a {type(value).__name__}"


def validation_error(file: str, exc: ValidationError) -> DealDataError:
    """One line for a failed validation: the first error (file, field path, message, value cut
    short), and how many more.

    Examples
    --------
    >>> from pydantic import BaseModel
    >>> class Face(BaseModel):
    ...     amount: int
    >>> try:
    ...     Face.model_validate({"amount": "twelve"})
    ... except ValidationError as exc:
    ...     print(validation_error("deal.yaml", exc))
    deal.yaml: amount: Input should be a valid integer, unable to parse string as an integer (got 'twelve')
    """
    errors = exc.errors(include_url=False, include_context=False)
    first = errors[0]
    where = field_path(first["loc"])
    line = f"{file}: {where}: {_clean_message(first['msg'])} (got {short_value(first.get('input'))})"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more errors)"
    return DealDataError(line, file=file, field=where, value=first.get("input"))
