"""The figures every export carries (workbook, Open Cap Format, CSV, iCalendar), computed once by
the existing dealkit functions, and the all-or-nothing writer of the export files.

``dealkit export --format xlsx,ocf,csv,ics --out DIR`` and the report run both call
:func:`export`. No figure is derived here: the schedules come from
:func:`dealkit.notes.build_schedules`, the disbursement from :func:`dealkit.escrow.disburse_deal`,
the Option's scenarios from :func:`dealkit.option_engine.scenario_grid`, the obligations from
:func:`dealkit.obligations.trigger`, the capitalization table from
:func:`dealkit.rules.captable.cap_table`.

The market inputs (stock price, volume, FMV, ...) are not deal terms: :class:`ExportInputs`
holds them, with the same defaults as the notebooks' parameters (a test keeps them in step).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Mapping

from dealkit.core.files import current_umask
from dealkit.errors import ReportError

__all__ = ["FORMATS", "ExportError", "ExportInputs", "Figures", "compute", "parse_formats", "render", "export",
           "write_files", "inputs_from_parameters", "report_exports", "REPORT_FORMATS"]

#: The export formats and what each writes (relative to the output folder).
FORMATS = {
    "xlsx": "deal.xlsx: one sheet per schedule, the Assumptions sheet, live formulas",
    "ocf": "ocf/: Open Cap Format JSON (manifest, stakeholders, stock classes, transactions)",
    "csv": "notes-*.csv, escrow-disbursement.csv, captable.csv, obligations*.csv",
    "ics": "obligations.ics: the triggered obligations' due dates",
}


class ExportError(ReportError):
    """An export that cannot be written (unknown format, unwritable or wrong target): one line
    naming the target or the format and the value."""


@dataclass(frozen=True)
class ExportInputs:
    """Inputs of the exports that are not deal terms, with the notebooks' defaults.

    Notes (``01_notes``): a constant close ``stock_price`` and ``daily_volume`` (market data, no
    2005-2008 prices in the sources), Term B's maturity as extended (stated 2007-03-06; the new
    dates are not known), the default date (schedules stop there). Escrow (``02_escrow``): the
    agent's fee (not stated, FEA §3.1(a)) and the Joint Instructions (``"default"``: the
    public-record seed). Option (``03_option``): the FMV and the Holder's holdings, the §10
    reading. Obligations (``04_obligations``): the as-of date, the event stream, "promptly".
    """

    stock_price: str = "0.06"
    daily_volume: int = 5_000_000
    price_shock: str = "1"
    term_b_maturity: dt.date | None = dt.date(2008, 1, 31)
    #: ``"deal"``: the notice of default of record (``default_demand.notice_date``), as in 01_notes;
    #: ``None``: no default.
    default_date: dt.date | str | None = "deal"
    rounding: str = "period"
    agent_fee: str = "0.00"
    instructions: str = "default"
    fmv: str = "0.02"
    holdings: int = 0
    reading: str = "literal"
    as_of: dt.date = dt.date(2006, 7, 1)
    events: str = "sample"
    promptly_days: int = 2

    #: FMVs and outstanding counts of the option-scenario sheet (both §10 readings).
    scenario_fmv: tuple[str, ...] = ("0.00001", "0.0002", "0.002", "0.02", "0.2")
    #: ``None``: the deal file's assumed range of shares outstanding at closing, its double low end
    #: and its value (500,000,000, 1,000,000,000, 2,000,000,000 and 5,000,000,000 on the deal file).
    scenario_outstanding: tuple[int, ...] | None = None

    def default_day(self, deal) -> dt.date | None:
        """The default date in force: ``"deal"`` is the deal's notice of default of record."""
        return deal.default_demand.notice_date.value if self.default_date == "deal" else self.default_date


@dataclass(frozen=True)
class Figures:
    """Everything the exports show, as dealkit computed it."""

    deal: Any
    inputs: ExportInputs
    assumptions: Any             # notes.NoteAssumptions
    market: Any                  # notes.Market
    schedules: dict              # "term_a", "term_b", "revolver" -> notes.Schedule
    disbursement: list           # escrow.Disbursement rows
    scenarios: Any               # option_engine.ScenarioGrid
    cash_exercise: dict          # (i, j, k, r) -> Decimal aggregate Exercise Price of Y shares
    triggered: list              # obligations.Triggered
    captable: Any                # captable.CapTable


def compute(deal, inputs: ExportInputs = ExportInputs(), prime=None) -> Figures:
    """Run the dealkit functions the exports need, on ``deal`` and ``inputs``."""
    from dealkit import escrow, notes, obligations, option
    from dealkit.rules import captable
    from dealkit.option_engine import scenario_grid
    from dealkit.params import as_money, as_price

    a = notes.assumptions_from_deal(deal)
    market = notes.Market.for_deal(deal, as_price(inputs.stock_price, "stock_price"), inputs.daily_volume,
                                   shock=as_price(inputs.price_shock, "price_shock"))
    stop = inputs.default_day(deal)
    schedules = notes.build_schedules(deal, a, market, term_b_maturity=inputs.term_b_maturity,
                                      stop=stop, prime=prime, rounding=inputs.rounding)
    cap_base = deal.capitalization.outstanding_at_closing
    low, high = cap_base.range or (cap_base.value, cap_base.value)
    outstanding = inputs.scenario_outstanding or tuple(sorted({low, 2 * low, cap_base.value, high}))
    joint = escrow.parse_instructions(inputs.instructions, deal)
    rows = escrow.disburse_deal(deal, joint, as_money(inputs.agent_fee, "agent_fee"))
    grid = scenario_grid([as_price(f, "scenario_fmv") for f in inputs.scenario_fmv], list(outstanding),
                         [inputs.holdings], exercise_price=deal.option.exercise_price.value,
                         option_shares=deal.option.shares.value, cap=deal.option.max_exercise_cap.value)
    cash = {}
    for j in range(len(grid.outstanding)):
        for r in range(len(grid.readings)):
            y = int(grid.exercisable[0, j, 0, r])
            cash[(j, r)] = option.cash_exercise(y, deal.option.exercise_price.value)
    stream = obligations.load_events(inputs.events, deal)
    triggered = obligations.trigger(deal, stream, inputs.as_of, inputs.promptly_days)
    table = captable.cap_table(deal, a.fixed_conversion_price)
    return Figures(deal, inputs, a, market, schedules, rows, grid, cash, triggered, table)


def parse_formats(values: Iterable[str]) -> list[str]:
    """``["xlsx,csv", "ics"]`` -> ``["xlsx", "csv", "ics"]``; an unknown name is an
    :class:`ExportError` naming it."""
    out: list[str] = []
    for value in values:
        for name in str(value).split(","):
            name = name.strip().lower()
            if not name:
                continue
            if name not in FORMATS:
                raise ExportError(f"--format: unknown format {name[:40]!r} (choose from {', '.join(FORMATS)})")
            if name not in out:
                out.append(name)
    if not out:
        raise ExportError(f"--format: no format given (choose from {', '.join(FORMATS)})")
    return out


def render(figures: Figures, formats: Iterable[str]) -> dict[str, bytes]:
    """Every file of the chosen formats, in memory: relative path -> bytes. Nothing is written,
    so a failure here leaves the output folder untouched."""
    from dealkit import obligations

    deal = figures.deal
    files: dict[str, bytes] = {}
    for fmt in formats:
        if fmt == "xlsx":
            from dealkit.export.xlsx import workbook_bytes

            files["deal.xlsx"] = workbook_bytes(figures)
        elif fmt == "ocf":
            from dealkit.export.ocf import ocf_files

            files.update({f"ocf/{name}": data for name, data in ocf_files(figures).items()})
        elif fmt == "csv":
            for name, s in figures.schedules.items():
                files[f"notes-{name.replace('_', '-')}.csv"] = s.frame().to_csv(index=False).encode()
            from dealkit.escrow import disbursement_frame

            files["escrow-disbursement.csv"] = (disbursement_frame(figures.disbursement).drop(columns=["shown"])
                                                .to_csv(index=False).encode())
            files["captable.csv"] = figures.captable.frame().to_csv(index=False).encode()
            files["obligations.csv"] = obligations.register_frame(deal).to_csv(index=False).encode()
            calendar = obligations.calendar_frame(deal, figures.triggered)
            if _sample_label(figures):
                calendar.insert(0, "label", _sample_label(figures))
            files["obligations-calendar.csv"] = calendar.to_csv(index=False).encode()
        elif fmt == "ics":
            files["obligations.ics"] = obligations.to_ics(deal, figures.triggered, payments=obligations.note_payments(deal),
                                                          label=_sample_label(figures))
        else:
            raise ExportError(f"--format: unknown format {str(fmt)[:40]!r} (choose from {', '.join(FORMATS)})")
    return files


def _sample_label(figures: Figures) -> str | None:
    """The fictional sample events are labelled illustrative wherever they appear (as the report's
    ``04_obligations`` labels them): the calendar's rows and the .ics events carry the label."""
    from dealkit.obligations import ILLUSTRATIVE

    return ILLUSTRATIVE if figures.inputs.events == "sample" else None


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out: {out}: exists and is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ExportError(f"--out: {out}: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise ExportError(f"--out: {out}: cannot create the folder ({exc.strerror or exc})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportError(f"--out: {out}: the folder is not writable")


def write_files(out_dir: str | os.PathLike[str], files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` into ``out_dir``: every file first to a temporary name beside its target,
    then all renamed (``os.replace``, atomic per file). An existing file is replaced only by a
    whole new one; if any temporary file cannot be written, none is renamed and every temporary
    file is removed: the folder is left as it was."""
    out = Path(out_dir)
    _prepare(out)
    staged: list[tuple[str, Path]] = []
    try:
        for rel, data in files.items():
            target = out / rel
            if target.exists() and target.is_dir():
                raise ExportError(f"--out: {target}: a folder is in the way of the file {rel}")
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            except OSError as exc:
                raise ExportError(f"--out: {target.parent}: cannot write ({exc.strerror or exc})") from None
            staged.append((rel, Path(tmp)))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.chmod(tmp, 0o666 & ~current_umask())
        written = []
        for rel, tmp in staged:
            os.replace(tmp, out / rel)
            written.append(out / rel)
        return written
    except BaseException:
        for _, tmp in staged:
            tmp.unlink(missing_ok=True)
        raise


def export(deal, out_dir: str | os.PathLike[str], formats: Iterable[str], inputs: ExportInputs = ExportInputs(),
           prime=None) -> list[Path]:
    """Compute, render in memory, then write: the files of ``formats`` in ``out_dir``."""
    formats = parse_formats(formats)
    _prepare(Path(out_dir))  # a bad target fails before any work
    files = render(compute(deal, inputs, prime), formats)
    return write_files(out_dir, files)


def inputs_from_parameters(parameters: Mapping[str, str]) -> tuple[ExportInputs, list[str]]:
    """The report's ``-p NAME=VALUE`` parameters that are export inputs too (same names as the
    notebooks': stock_price, daily_volume, ...), parsed by :mod:`dealkit.params`; returns the
    inputs and the names of the parameters the exports do not follow (e.g. ``margin``: the
    workbook shows the deal file's terms)."""
    from dealkit.params import as_date, as_date_or_deal, as_int, as_money, as_price

    parsers = {
        "stock_price": lambda v, n: str(as_price(v, n)), "daily_volume": lambda v, n: as_int(v, n, minimum=0),
        "price_shock": lambda v, n: str(as_price(v, n)),
        "term_b_maturity": lambda v, n: as_date_or_deal(v, n) if str(v).strip() else None,
        "default_date": lambda v, n: (as_date_or_deal(v, n) or "deal") if str(v).strip() else None,
        "rounding": lambda v, n: str(v), "agent_fee": lambda v, n: str(as_money(v, n)),
        "instructions": lambda v, n: str(v), "fmv": lambda v, n: str(as_price(v, n)),
        "holdings": lambda v, n: as_int(v, n, minimum=0), "reading": lambda v, n: str(v),
        "as_of": lambda v, n: as_date(v, n), "events": lambda v, n: str(v),
        "promptly_days": lambda v, n: as_int(v, n, minimum=0),
    }
    changes, ignored = {}, []
    for name, value in parameters.items():
        if name in parsers:
            changes[name] = parsers[name](value, name)
        elif name not in ("interactive",):
            ignored.append(name)
    return dataclasses.replace(ExportInputs(), **changes), ignored


#: What the report run adds beside the notebooks' own CSV and .ics files.
REPORT_FORMATS = ("xlsx", "ocf")


def report_exports(deal, out_dir: str | os.PathLike[str], parameters: Mapping[str, str]) -> tuple[list[Path], str]:
    """The report run's exports: the workbook and the OCF folder in ``out_dir`` (the notebooks
    write the CSV and iCalendar files with the run's parameters themselves). Returns the files and
    a note for the index (what failed, or which parameters the exports do not follow); never
    raises for a bad export: the notebooks' reports stand on their own."""
    try:
        inputs, ignored = inputs_from_parameters(parameters)
        written = export(deal, out_dir, REPORT_FORMATS, inputs)
    except Exception as exc:  # reported on the index page, one line
        return [], f"exports not written: {str(exc)[:300]}"
    note = (f"The workbook and the OCF files use the deal file's terms; parameters not applied to them: "
            f"{', '.join(ignored)}." if ignored else "")
    return written, note


