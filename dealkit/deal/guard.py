"""Guarded reading of untrusted data files: a size-capped regular UTF-8 file, and YAML with limits.

A deal file (or an events or prime-rate file) may be anything: ``/dev/zero``, a FIFO, a 4 GB file,
a binary, a YAML alias bomb, ``[[[[...`` a million deep. Each is refused in one
:class:`~dealkit.errors.DealDataError` line naming the file, never echoing its content, before it
can exhaust memory or crash the process.
"""

from __future__ import annotations

import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

from dealkit.deal.messages import display_path, printable, short_value
from dealkit.errors import DealDataError

__all__ = ["MAX_FILE_BYTES", "MAX_DEPTH", "MAX_NODES", "read_text_file", "parse_yaml"]

#: The largest deal (or events, or prime-rate) file read: the embedded deal is about 40 KB.
MAX_FILE_BYTES = 1 << 20
#: The deepest nesting of mappings and sequences a deal file may have (the deal needs 6).
MAX_DEPTH = 50
#: The most YAML nodes a file may expand to, aliases counted at every use (an alias bomb of a
#: few hundred bytes would otherwise expand to billions).
MAX_NODES = 200_000
#: Nesting libyaml's (recursive, C) composer survives with room to spare: it crashes the process
#: (a segmentation fault, not an exception) somewhere past 20,000 levels.
_SAFE_COMPOSE_DEPTH = 5_000
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


# ------------------------------------------------------------------------------ files -------
def _open_file(path: str | os.PathLike[str], shown: str, what: str) -> int:
    """A read-only descriptor of ``path``, opened non-blocking (a FIFO is never waited on)."""
    try:
        return os.open(path, _OPEN_FLAGS)
    except FileNotFoundError:
        raise DealDataError(f"{shown}: no such {what}", file=shown) from None
    except IsADirectoryError:
        raise DealDataError(f"{shown}: is a directory, not a {what}", file=shown) from None
    except PermissionError:
        raise DealDataError(f"{shown}: cannot read the {what} (permission denied)", file=shown) from None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or type(exc).__name__
        raise DealDataError(f"{shown}: cannot open the {what} ({why})", file=shown) from None


def _read_capped(descriptor: int, shown: str, what: str, limit: int) -> bytes:
    """The bytes of an open regular file, at most ``limit`` (``limit + 1`` read to tell)."""
    info = os.fstat(descriptor)
    if stat.S_ISDIR(info.st_mode):
        raise DealDataError(f"{shown}: is a directory, not a {what}", file=shown)
    if not stat.S_ISREG(info.st_mode):
        raise DealDataError(f"{shown}: not a regular file (a device, pipe or socket), not a {what}", file=shown)
    if info.st_size > limit:
        raise DealDataError(f"{shown}: {info.st_size:,} bytes; a {what} may not exceed {limit:,} bytes", file=shown)
    os.set_blocking(descriptor, True)
    chunks, total = [], 0
    while total <= limit:
        chunk = os.read(descriptor, min(1 << 16, limit + 1 - total))
        if not chunk:
            break
        chunks.append(chunk)
        total += len(chunk)
    if total > limit:
        raise DealDataError(f"{shown}: more than {limit:,} bytes; a {what} may not exceed {limit:,} bytes", file=shown)
    return b"".join(chunks)


def _decode(data: bytes, shown: str, what: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DealDataError(f"{shown}: not UTF-8 text (byte {exc.start}), not a {what}", file=shown) from None
    if "\x00" in text:
        raise DealDataError(f"{shown}: holds NUL bytes (a binary file), not a {what}", file=shown)
    return text


def read_text_file(path: str | os.PathLike[str], what: str = "deal file", limit: int = MAX_FILE_BYTES) -> str:
    """The text of a small regular UTF-8 file, or :class:`DealDataError` in one line.

    Refused, without echoing any content: a missing or unreadable file, a directory, anything
    that is not a regular file (``/dev/zero``, a FIFO: opened non-blocking, never read), a file
    over ``limit`` bytes (read at most ``limit + 1`` bytes, whatever the size claims), text that
    is not UTF-8 or holds NUL bytes.

    Parameters
    ----------
    path
        The file.
    what
        What the file should be, for the message (``"deal file"``, ``"events file"``).
    limit
        The most bytes accepted (:data:`MAX_FILE_BYTES` by default).

    Returns
    -------
    str
        The decoded text.

    Raises
    ------
    DealDataError
        ``"{file}: {why}"``, the file shown relative to the working folder when inside it.

    Examples
    --------
    >>> from dealkit.deal.resources import resource_path
    >>> read_text_file(resource_path("data", "deal.yaml")).startswith("#")
    True
    >>> read_text_file("/dev/zero")
    Traceback (most recent call last):
    dealkit.errors.DealDataError: /dev/zero: not a regular file (a device, pipe or socket), not a deal file
    """
    shown = display_path(Path(path))
    descriptor = _open_file(path, shown, what)
    try:
        data = _read_capped(descriptor, shown, what, limit)
    except OSError as exc:
        why = exc.strerror or type(exc).__name__
        raise DealDataError(f"{shown}: cannot read the {what} ({why})", file=shown) from None
    finally:
        os.close(descriptor)
    return _decode(data, shown, what)


# ------------------------------------------------------------------------------ YAML --------
class _YamlLimit(Exception):
    """A limit of this module exceeded, carrying the mark (line, column) where it was."""

    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # base chosen at run time
    """The safe loader (libyaml's C parser when present: ~8x faster on the deal file) refusing
    duplicate and unhashable keys, which YAML would silently resolve to the last one (or fail on
    with a raw TypeError); an impossible date (2005-02-30) or an integer too long to convert is
    kept as its text, so that the model refuses it naming the field."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"a {type(key).__name__} used as a mapping key (keys must be plain text)",
                key_node.start_mark,
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {short_value(key)} (first on line {seen[key] + 1})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    mapping: dict[Any, Any] = loader.construct_mapping(node, deep=deep)
    return mapping


def _construct_timestamp(loader: Any, node: yaml.ScalarNode) -> Any:
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError, TypeError):
        return loader.construct_scalar(node)


def _construct_int(loader: Any, node: yaml.ScalarNode) -> Any:
    text = loader.construct_scalar(node)
    if len(text) > 40:  # far beyond any share count; int() of 4,300+ digits would raise
        return text
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_int(loader, node)
    except (ValueError, OverflowError):
        return text


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
_UniqueKeyLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _too_many(node: yaml.Node) -> _YamlLimit:
    return _YamlLimit(f"expands to more than {MAX_NODES:,} values (aliases counted at each use)", node.start_mark)


def _check_node_graph(root: yaml.Node) -> None:
    """Refuse a node graph that nests deeper than :data:`MAX_DEPTH`, that refers to itself, or
    that expands (aliases counted at every use) to more than :data:`MAX_NODES` nodes. Iterative:
    a tree (no alias) is counted in one pass over its collections; a graph with aliases has the
    size of each shared node computed once, nothing is expanded."""
    seen: set[int] = set()
    total = 0
    stack: list[tuple[yaml.Node, int]] = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        if id(node) in seen:
            return _check_shared_graph(root)  # an alias: count with sharing
        seen.add(id(node))
        if depth > MAX_DEPTH:
            raise _YamlLimit(f"nested deeper than {MAX_DEPTH} levels", node.start_mark)
        children = _children(node)
        total += 1 + len(children)
        if total > MAX_NODES:
            raise _too_many(node)
        stack.extend((child, depth + 1) for child in children if type(child) is not yaml.ScalarNode)
    return None


def _check_shared_graph(root: yaml.Node) -> None:
    """:func:`_check_node_graph` for a graph with aliases: each shared node's expanded size is
    computed once (post-order), a node met again on its own path is a recursive alias."""
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, 1)]
    while stack:
        node, done, depth = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(size[id(child)] for child in _children(node))
            if total > MAX_NODES:
                raise _too_many(node)
            size[key] = total
            continue
        if key in size:
            continue
        if key in on_path:
            raise _YamlLimit("an alias refers to the value that contains it (a recursive structure)", node.start_mark)
        if depth > MAX_DEPTH:
            raise _YamlLimit(f"nested deeper than {MAX_DEPTH} levels", node.start_mark)
        on_path.add(key)
        stack.append((node, True, depth))
        stack.extend((child, False, depth + 1) for child in _children(node) if id(child) not in size)


def _check_event_depth(text: str) -> None:
    """Refuse deep nesting from the event stream (libyaml's parser is iterative), before any
    node tree is built: ``[[[[...`` a million deep must not reach a recursive composer."""
    depth = 0
    for event in yaml.parse(text, Loader=_UniqueKeyLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise _YamlLimit(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


def _may_nest_deep(text: str) -> bool:
    """Whether ``text`` could nest deeper than :data:`_SAFE_COMPOSE_DEPTH`. Each level needs a
    ``[``, ``{``, ``-`` or ``?``, or more indentation than the level above (which a file of
    :data:`MAX_FILE_BYTES` affords about 1,450 times, :math:`\\lfloor\\sqrt{2 \\cdot bytes}\\rfloor`):
    a cheap bound that spares the deal file the event pass."""
    bound = sum(text.count(c) for c in "[{-?") + math.isqrt(2 * MAX_FILE_BYTES) + 1
    return bound > _SAFE_COMPOSE_DEPTH


def _compose_and_construct(text: str) -> Any:
    if _may_nest_deep(text):
        _check_event_depth(text)  # before the composer can crash on it
    loader = _UniqueKeyLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_node_graph(node)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _yaml_problem(exc: yaml.YAMLError | _YamlLimit, shown: str) -> DealDataError:
    mark = getattr(exc, "problem_mark", None)
    where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
    problem = str(getattr(exc, "problem", None) or type(exc).__name__)
    if not isinstance(exc, yaml.constructor.ConstructorError):
        # libyaml quotes what it found (an alias name, a character): keep a character, never
        # a word of a file that may not be a deal at all
        problem = re.sub(r"'[^']{5,}'", "'...'", problem)
    return DealDataError(f"{shown}:{where} malformed YAML: {printable(problem, 160)}", file=shown)


def parse_yaml(text: str, shown: str) -> Any:
    """YAML text → Python data with the limits above; every problem is one
    :class:`DealDataError` line naming the file and the line, never echoing the content.

    Parameters
    ----------
    text
        The YAML text (already size-capped by :func:`read_text_file`).
    shown
        The file's name as messages show it.

    Returns
    -------
    Any
        Plain data (``dict``, ``list``, ``str``, ``int``, ``date``...); an impossible date or an
        integer of more than 40 digits is kept as its text, for the model to refuse by field.

    Raises
    ------
    DealDataError
        Malformed YAML; nesting deeper than :data:`MAX_DEPTH`; more than :data:`MAX_NODES` values
        once aliases are counted at each use; a recursive alias; a duplicate or unhashable key.

    Examples
    --------
    >>> parse_yaml("face: {value: '100.00'}", "deal.yaml")
    {'face': {'value': '100.00'}}
    >>> parse_yaml("a: 1\\na: 2", "deal.yaml")
    Traceback (most recent call last):
    dealkit.errors.DealDataError: deal.yaml: line 2, column 1: malformed YAML: duplicate key 'a' (first on line 1)
    """
    try:
        return _compose_and_construct(text)
    except (yaml.YAMLError, _YamlLimit) as exc:
        raise _yaml_problem(exc, shown) from None
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        raise DealDataError(f"{shown}: malformed YAML ({type(exc).__name__})", file=shown) from None
