"""Loading the deal and the prime-rate history, with clear errors.

Any problem with a data file raises :class:`dealkit.DealDataError` whose message names the file,
the field path and the bad value; no other exception type escapes for a bad file.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from .errors import DealDataError
from .model import Deal, Source, iter_cited
from .money import to_decimal

__all__ = ["DATA_DIR", "DEFAULT_DEAL", "DEFAULT_PRIME", "load_deal", "load_prime", "PrimeSeries"]

#: The embedded deal: ``data/`` at the project root (override with ``DEALKIT_DATA``).
DATA_DIR = Path(os.environ.get("DEALKIT_DATA", Path(__file__).resolve().parent.parent / "data"))
DEFAULT_DEAL = DATA_DIR / "deal.yaml"
DEFAULT_PRIME = DATA_DIR / "prime_rate.csv"

_MAX_ERRORS_SHOWN = 5


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _loc(loc: Iterable[Any]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif str(part).startswith(("function-", "tagged-union", "function-after", "function-before")):
            continue  # validator wrappers pydantic puts in the location
        else:
            out += f".{part}" if out else str(part)
    return out or "(top level)"


def _clean_msg(msg: str) -> str:
    for prefix in ("Value error, ", "Assertion failed, "):
        if msg.startswith(prefix):
            return msg[len(prefix):]
    return msg


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _format_validation(file: str, exc: ValidationError) -> DealDataError:
    errors = exc.errors(include_url=False)
    lines = []
    for err in errors[:_MAX_ERRORS_SHOWN]:
        lines.append(f"{file}: {_loc(err['loc'])}: {_clean_msg(err['msg'])} (got {_short(err.get('input'))})")
    if len(errors) > _MAX_ERRORS_SHOWN:
        lines.append(f"... and {len(errors) - _MAX_ERRORS_SHOWN} more errors")
    first = errors[0]
    return DealDataError("\n".join(lines), file=file, field=_loc(first["loc"]), value=first.get("input"))


class _UniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The safe loader (libyaml's C parser when present: ~8x faster on the deal file) refusing
    duplicate keys, which YAML would silently resolve to the last one."""


def _construct_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (first on line {seen[key] + 1})", key_node.start_mark)
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path, shown: str) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DealDataError(f"{shown}: no such deal file", file=shown) from None
    except IsADirectoryError:
        raise DealDataError(f"{shown}: is a directory, not a deal file", file=shown) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DealDataError(f"{shown}: cannot read the file ({exc})", file=shown) from None
    try:
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise DealDataError(f"{shown}:{where}: malformed YAML: {problem}", file=shown) from None


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
    if not isinstance(raw, dict):
        raise DealDataError(f"{shown}: (top level): expected a mapping of deal sections "
                            f"(got {type(raw).__name__})", file=shown)
    try:
        deal = Deal.model_validate(raw)
    except ValidationError as exc:
        raise _format_validation(shown, exc) from None
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
    try:
        handle = file.open(newline="", encoding="utf-8")
    except OSError as exc:
        raise DealDataError(f"{shown}: cannot read the prime-rate file ({exc.strerror})", file=shown) from None
    try:
        with handle:
            return _read_prime(csv.DictReader(handle), shown)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DealDataError(f"{shown}: not a readable CSV file ({exc})", file=shown) from None


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
            day = dt.date.fromisoformat((raw_date or "").strip())
        except ValueError:
            raise DealDataError(f"{shown}: line {line}: effective_date: not an ISO date "
                                f"(got {raw_date!r})", file=shown, field="effective_date", value=raw_date) from None
        try:
            rate = to_decimal(raw_rate or "", "rate")
        except ValueError:
            raise DealDataError(f"{shown}: line {line}: rate: not a decimal fraction "
                                f"(got {raw_rate!r})", file=shown, field="rate", value=raw_rate) from None
        if not (Decimal(0) <= rate <= Decimal(1)):
            raise DealDataError(f"{shown}: line {line}: rate: a fraction between 0 and 1 "
                                f"(0.0650 = 6.50%) (got {raw_rate!r})", file=shown, field="rate", value=raw_rate)
        if dates and day <= dates[-1]:
            raise DealDataError(f"{shown}: line {line}: effective_date: dates must increase "
                                f"(got {raw_date!r} after {dates[-1].isoformat()})",
                                file=shown, field="effective_date", value=raw_date)
        dates.append(day)
        rates.append(rate)
        sources.add((row["source"] or "").strip())
    if not dates:
        raise DealDataError(f"{shown}: no rows", file=shown)
    return PrimeSeries(tuple(dates), tuple(rates), "; ".join(sorted(s for s in sources if s)))
