"""Loading the deal and the prime-rate history, with clear errors.

Any problem with a data file raises :class:`dealkit.DealDataError` whose message names the file,
the field path and the bad value; no other exception type escapes for a bad file.
"""

from __future__ import annotations

import bisect
import csv
import io
import datetime as dt
import os
import re
import stat
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from dealkit.errors import DealDataError
from dealkit.core import parse
from dealkit.deal.model import Deal, Source, iter_cited
from dealkit.deal.resources import data_dir

__all__ = ["DATA_DIR", "DEFAULT_DEAL", "DEFAULT_PRIME", "load_deal", "load_prime", "PrimeSeries"]

#: The embedded deal: the package's ``data/`` (``dealkit/data``, read through
#: :func:`dealkit.deal.resources.resource_path`; override with ``DEALKIT_DATA``).
DATA_DIR = data_dir()
DEFAULT_DEAL = DATA_DIR / "deal.yaml"
DEFAULT_PRIME = DATA_DIR / "prime_rate.csv"

_MAX_ERRORS_SHOWN = 5


#: The largest deal (or events, or prime-rate) file read: the embedded deal is about 40 KB.
MAX_FILE_BYTES = 1 << 20
#: The deepest nesting of mappings and sequences a deal file may have (the deal needs 6).
MAX_DEPTH = 50
#: The most YAML nodes a file may expand to, aliases counted at every use (an alias bomb of a
#: few hundred bytes would otherwise expand to billions).
MAX_NODES = 200_000


def _printable(text: str, limit: int = 120) -> str:
    """``text`` cut to ``limit`` characters with control characters escaped (a file name or a
    key may hold a newline or a terminal escape)."""
    cut = text if len(text) <= limit else text[: limit - 3] + "..."
    return "".join(c if c.isprintable() else ascii(c)[1:-1] for c in cut)


def _display_path(path: Path) -> str:
    try:
        shown = str(Path(os.path.abspath(path)).relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    return _printable(shown, 200)


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union", "function-after", "function-before")):
            continue  # validator wrappers pydantic puts in the location
        else:
            text = _printable(str(part), 40)
            out += f".{text}" if out else text
    return out or "(top level)"


def _clean_msg(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            msg = msg[len(prefix):]
            break
    return _printable(msg, 200)


def _short(value: Any) -> str:
    """A short, printable rendering of a bad value: never the ``repr`` of a huge one."""
    if isinstance(value, (str, bytes)):
        text = repr(value[:80])
        return text if len(value) <= 80 else text + f"... ({len(value):,} characters)"
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(value) if value.bit_length() <= 200 else f"an integer of about {int(value.bit_length() * 0.30103)} digits"
    if isinstance(value, dict) and len(value) <= 6 and all(
            isinstance(v, (str, int, Decimal, dt.date, type(None))) for v in value.values()):
        inner = ", ".join(f"{_printable(str(k), 30)}: {_short(v) if not isinstance(v, str) else repr(_printable(v, 40))}"
                          for k, v in value.items())
        return _printable("{" + inner + "}", 200)
    if isinstance(value, dict):
        keys = ", ".join(_printable(str(k), 30) for k in list(value)[:6])
        return f"a mapping of {len(value)} keys: {keys}{', ...' if len(value) > 6 else ''}"
    if isinstance(value, (list, tuple, set)):
        return f"a {type(value).__name__} of {len(value)} items"
    if isinstance(value, (Decimal, float, dt.date)):
        return _printable(repr(value), 80)
    return f"a {type(value).__name__}"


def _format_validation(file: str, exc: ValidationError) -> DealDataError:
    """One line: the first error (file, field path, message, value cut short), and how many more."""
    errors = exc.errors(include_url=False, include_context=False)
    first = errors[0]
    line = f"{file}: {_loc(first['loc'])}: {_clean_msg(first['msg'])} (got {_short(first.get('input'))})"
    if len(errors) > 1:
        line += f" (and {len(errors) - 1} more errors)"
    return DealDataError(line, file=file, field=_loc(first["loc"]), value=first.get("input"))


def read_text_file(path: str | os.PathLike[str], what: str = "deal file",
                   limit: int = MAX_FILE_BYTES) -> str:
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
    """
    shown = _display_path(Path(path))
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise DealDataError(f"{shown}: no such {what}", file=shown) from None
    except IsADirectoryError:
        raise DealDataError(f"{shown}: is a directory, not a {what}", file=shown) from None
    except PermissionError:
        raise DealDataError(f"{shown}: cannot read the {what} (permission denied)", file=shown) from None
    except (OSError, ValueError) as exc:
        raise DealDataError(f"{shown}: cannot open the {what} ({getattr(exc, 'strerror', None) or type(exc).__name__})",
                            file=shown) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise DealDataError(f"{shown}: is a directory, not a {what}", file=shown)
        if not stat.S_ISREG(info.st_mode):
            raise DealDataError(f"{shown}: not a regular file (a device, pipe or socket), not a {what}", file=shown)
        if info.st_size > limit:
            raise DealDataError(f"{shown}: {info.st_size:,} bytes; a {what} may not exceed {limit:,} bytes", file=shown)
        os.set_blocking(fd, True)
        chunks, total = [], 0
        while total <= limit:
            chunk = os.read(fd, min(1 << 16, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise DealDataError(f"{shown}: more than {limit:,} bytes; a {what} may not exceed {limit:,} bytes", file=shown)
    except OSError as exc:
        raise DealDataError(f"{shown}: cannot read the {what} ({exc.strerror or type(exc).__name__})", file=shown) from None
    finally:
        os.close(fd)
    data = b"".join(chunks)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DealDataError(f"{shown}: not UTF-8 text (byte {exc.start}), not a {what}", file=shown) from None
    if "\x00" in text:
        raise DealDataError(f"{shown}: holds NUL bytes (a binary file), not a {what}", file=shown)
    return text


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's C parser when present: ~8x faster on the deal file) refusing
    duplicate and unhashable keys, which YAML would silently resolve to the last one (or fail on
    with a raw TypeError); an impossible date (2005-02-30) or an integer too long to convert is
    kept as its text, so that the model refuses it naming the field."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, f"a {type(key).__name__} used as a mapping key (keys must be plain text)",
                key_node.start_mark) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {_short(key)} (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


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
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_node_graph(root: yaml.Node) -> None:
    """Refuse a node graph that nests deeper than :data:`MAX_DEPTH`, that refers to itself, or
    that expands (aliases counted at every use) to more than :data:`MAX_NODES` nodes. Iterative:
    a tree (no alias) is counted in one pass over its collections; a graph with aliases has the
    size of each shared node computed once, nothing is expanded."""
    scalar = yaml.ScalarNode
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
            raise _YamlLimit(f"expands to more than {MAX_NODES:,} values (aliases counted at each use)",
                             node.start_mark)
        stack.extend((c, depth + 1) for c in children if type(c) is not scalar)
    return None


def _check_shared_graph(root: yaml.Node) -> None:
    size: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, bool, int]] = [(root, False, 1)]
    while stack:
        node, done, depth = stack.pop()
        key = id(node)
        if done:
            on_path.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            if total > MAX_NODES:
                raise _YamlLimit(f"expands to more than {MAX_NODES:,} values (aliases counted at each use)",
                                 node.start_mark)
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
        stack.extend((c, False, depth + 1) for c in _children(node) if id(c) not in size)


class _YamlLimit(Exception):
    def __init__(self, problem: str, mark: Any) -> None:
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


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


#: Nesting libyaml's (recursive, C) composer survives with room to spare: it crashes the process
#: (a segmentation fault, not an exception) somewhere past 20,000 levels.
_SAFE_COMPOSE_DEPTH = 5_000


def _may_nest_deep(text: str) -> bool:
    """Whether ``text`` could nest deeper than :data:`_SAFE_COMPOSE_DEPTH`. Each level needs a
    ``[``, ``{``, ``-`` or ``?``, or more indentation than the level above (which a file of
    :data:`MAX_FILE_BYTES` affords about 1,450 times): a cheap bound that spares the deal file the
    event pass."""
    bound = sum(text.count(c) for c in "[{-?") + int((2 * MAX_FILE_BYTES) ** 0.5) + 1
    return bound > _SAFE_COMPOSE_DEPTH


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
    """
    try:
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
    except (yaml.YAMLError, _YamlLimit) as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}:" if mark else ""
        problem = str(getattr(exc, "problem", None) or type(exc).__name__)
        if not isinstance(exc, yaml.constructor.ConstructorError):
            # libyaml quotes what it found (an alias name, a character): keep a character, never
            # a word of a file that may not be a deal at all
            problem = re.sub(r"'[^']{5,}'", "'...'", problem)
        raise DealDataError(f"{shown}:{where} malformed YAML: {_printable(problem, 160)}", file=shown) from None
    except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as exc:
        raise DealDataError(f"{shown}: malformed YAML ({type(exc).__name__})", file=shown) from None


def _read_yaml(path: Path, shown: str) -> Any:
    return parse_yaml(read_text_file(path, "deal file"), shown)


def _check_references(deal: Deal, shown: str) -> None:
    """Cross-field rules that a single field cannot check: keys that must exist, date order."""

    def fail(field: str, value: Any, why: str) -> None:
        raise DealDataError(f"{shown}: {field}: {why} (got {_short(value)})", file=shown, field=field, value=value)

    docs, parties, notes = deal.documents, deal.parties, deal.notes
    for path, cited in iter_cited(deal):
        src: Source = cited.source
        if src.kind == "documented" and src.document not in docs:
            fail(f"{path}.doc", src.document, f"unknown document; known: {', '.join(docs)}")
    for key, note in notes.items():
        if note.maturity.value <= note.issue_date.value:
            fail(f"notes.{key}.maturity.value", note.maturity.value.isoformat(),
                 f"maturity is not after the issue date {note.issue_date.value.isoformat()}")
        if note.within is not None:
            if note.within not in notes or note.within == key:
                fail(f"notes.{key}.within", note.within, f"must name another note; known: {', '.join(notes)}")
            outer = notes[note.within]
            if note.face.value > outer.face.value:
                fail(f"notes.{key}.face.value", str(note.face.value),
                     f"a note inside {note.within} cannot exceed its face {outer.face.value}")
    party_refs = {
        "option.issuer": deal.option.issuer, "option.holder.value": deal.option.holder.value,
        "warrant.issuer": deal.warrant.issuer, "warrant.holder.value": deal.warrant.holder.value,
        "escrow.agent": deal.escrow.agent,
        "escrow.closing_payment_payee.value": deal.escrow.closing_payment_payee.value,
        "escrow.schedule_a.warrant_recipient.value": deal.escrow.schedule_a.warrant_recipient.value,
        "escrow.schedule_a.option_recipient.value": deal.escrow.schedule_a.option_recipient.value,
        "ip_collateral.secured_party": deal.ip_collateral.secured_party,
    }
    party_refs.update({f"ip_collateral.grantors[{i}]": g for i, g in enumerate(deal.ip_collateral.grantors)})
    for field, key in party_refs.items():
        if key not in parties:
            fail(field, key, f"unknown party; known: {', '.join(parties)}")
    for i, line in enumerate(deal.escrow.schedule_a.notes):
        if line.note not in notes:
            fail(f"escrow.schedule_a.notes[{i}].note", line.note, f"unknown note; known: {', '.join(notes)}")
    if deal.escrow.closing_payment.value > deal.escrow.escrowed_payment.value:
        fail("escrow.closing_payment.value", str(deal.escrow.closing_payment.value),
             "the Closing Payment exceeds the Escrowed Payment")
    groups = {"grantors", "companies", "parties_to_escrow", "escrow_agent", "company", "holder"}
    seen: set[str] = set()
    for i, ob in enumerate(deal.obligations):
        if ob.id in seen:
            fail(f"obligations[{i}].id", ob.id, "duplicate obligation id")
        seen.add(ob.id)
        for role in ("obligor", "obligee"):
            who = getattr(ob, role)
            if who not in parties and who not in groups:
                fail(f"obligations[{i}].{role}", who, f"unknown party or group; groups: {', '.join(sorted(groups))}")
    # dates out of order are an error, never silence
    closing = deal.deal.closing_date.value
    for key, note in notes.items():
        if note.maturity.value <= closing:
            fail(f"notes.{key}.maturity.value", note.maturity.value.isoformat(),
                 f"maturity is not after the closing date {closing.isoformat()}")
    first_amortization = deal.note_terms.term_a_first_amortization.value
    funded = notes["term_a"].issue_date.value if "term_a" in notes else closing
    if first_amortization <= funded:
        fail("note_terms.term_a_first_amortization.value", first_amortization.isoformat(),
             f"the first amortization is not after the funding date {funded.isoformat()}")
    demand = deal.default_demand
    if demand.notice_date.value <= closing:
        fail("default_demand.notice_date.value", demand.notice_date.value.isoformat(),
             f"the notice of default is not after the closing date {closing.isoformat()}")
    if demand.due_date.value < demand.notice_date.value:
        fail("default_demand.due_date.value", demand.due_date.value.isoformat(),
             f"the demand falls before the notice of default {demand.notice_date.value.isoformat()}")
    expiry = deal.option.expiration_date.value
    if expiry is not None and expiry <= deal.option.issue_date.value:
        fail("option.expiration_date.value", expiry.isoformat(),
             f"the Option expires before it is issued ({deal.option.issue_date.value.isoformat()})")
    if deal.option.issue_date.value < dt.date(1990, 1, 1):
        fail("option.issue_date.value", deal.option.issue_date.value.isoformat(), "implausible issue date")


def load_deal(path: str | os.PathLike[str] | None = None) -> Deal:
    """Load and validate a deal file.

    Parameters
    ----------
    path
        A YAML deal file; ``None`` or ``""`` loads the embedded deal (``data/deal.yaml``).

    Returns
    -------
    Deal
        The typed, immutable model.

    Raises
    ------
    DealDataError
        For any bad file: missing, unreadable, malformed YAML, wrong types, negative money, a
        rate above 100%, an unknown key, a maturity before its issue date, a dangling reference.
    """
    file = Path(path) if path else DEFAULT_DEAL
    shown = _display_path(file)
    raw = _read_yaml(file, shown)
    if not isinstance(raw, dict) or "schema_version" not in raw:
        # not a deal file at all (e.g. /etc/passwd): say so, and echo nothing of it
        got = type(raw).__name__ if not isinstance(raw, dict) else "a mapping without schema_version"
        raise DealDataError(f"{shown}: (top level): not a dealkit deal file: expected a mapping of deal "
                            f"sections starting with `schema_version: 1` (got {got})", file=shown)
    try:
        deal = Deal.model_validate(raw)
    except ValidationError as exc:
        raise _format_validation(shown, exc) from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as exc:  # a validator's own fault
        raise DealDataError(f"{shown}: invalid deal ({type(exc).__name__})", file=shown) from None
    _check_references(deal, shown)
    return deal


# ---------------------------------------------------------------- prime rate --------------
@dataclass(frozen=True)
class PrimeSeries:
    """The Wall Street Journal prime rate as a step function of the date.

    ``rate_on(day)`` is the rate whose effective date is the latest on or before ``day``.
    """

    dates: tuple[dt.date, ...]
    rates: tuple[Decimal, ...]
    source: str

    def rate_on(self, day: dt.date) -> Decimal:
        i = bisect.bisect_right(self.dates, day) - 1
        if i < 0:
            raise ValueError(f"no prime rate known on {day.isoformat()}: the series starts "
                             f"{self.dates[0].isoformat()} ({self.source})")
        return self.rates[i]

    def changes_between(self, start: dt.date, end: dt.date) -> list[tuple[dt.date, Decimal]]:
        """The (effective date, rate) pairs with start < date < end."""
        return [(d, r) for d, r in zip(self.dates, self.rates) if start < d < end]


def load_prime(path: str | os.PathLike[str] | None = None) -> PrimeSeries:
    """Load ``prime_rate.csv`` (columns ``effective_date,rate,source``; rate a fraction).

    Raises :class:`DealDataError` naming the file, the line, the column and the bad value, for a
    missing file or column, a bad date or rate, a rate outside [0, 1], or dates not increasing.
    """
    file = Path(path) if path else DEFAULT_PRIME
    shown = _display_path(file)
    text = read_text_file(file, "prime-rate file")
    try:
        return _read_prime(csv.DictReader(io.StringIO(text, newline="")), shown)
    except csv.Error as exc:
        raise DealDataError(f"{shown}: not a readable CSV file ({_printable(str(exc), 120)})", file=shown) from None


def _read_prime(reader: csv.DictReader, shown: str) -> PrimeSeries:
    need = {"effective_date", "rate", "source"}
    have = set(reader.fieldnames or [])
    if not need <= have:
        raise DealDataError(f"{shown}: header: missing column(s) {sorted(need - have)} "
                            f"(got {reader.fieldnames})", file=shown, field="header")
    dates: list[dt.date] = []
    rates: list[Decimal] = []
    sources: set[str] = set()
    for row in reader:
        line = reader.line_num
        raw_date, raw_rate = row["effective_date"], row["rate"]
        try:
            day = parse.iso_date(raw_date or "", "effective_date")
        except ValueError:
            raise DealDataError(f"{shown}: line {line}: effective_date: not an ISO date "
                                f"(got {_short(raw_date)})", file=shown, field="effective_date", value=raw_date) from None
        try:
            rate = parse.decimal(raw_rate or "", "rate")
        except ValueError:
            raise DealDataError(f"{shown}: line {line}: rate: not a decimal fraction "
                                f"(got {_short(raw_rate)})", file=shown, field="rate", value=raw_rate) from None
        try:
            rate = parse.fraction(rate, "rate")
        except ValueError:
            raise DealDataError(f"{shown}: line {line}: rate: a fraction between 0 and 1 "
                                f"(0.0650 = 6.50%) (got {_short(raw_rate)})", file=shown, field="rate", value=raw_rate) from None
        if dates and day <= dates[-1]:
            raise DealDataError(f"{shown}: line {line}: effective_date: dates must increase "
                                f"(got {_short(raw_date)} after {dates[-1].isoformat()})",
                                file=shown, field="effective_date", value=raw_date)
        dates.append(day)
        rates.append(rate)
        sources.add((row["source"] or "").strip())
    if not dates:
        raise DealDataError(f"{shown}: no rows", file=shown)
    return PrimeSeries(tuple(dates), tuple(rates), "; ".join(sorted(s for s in sources if s)))
