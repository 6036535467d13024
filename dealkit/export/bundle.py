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
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from dealkit.export.writer import ExportError, prepare_folder, write_files

if TYPE_CHECKING:
    from dealkit.deal.loader import PrimeSeries
    from dealkit.deal.model import Deal
    from dealkit.rules.captable import CapTable

__all__ = [
    "FORMATS",
    "ExportError",
    "ExportInputs",
    "Figures",
    "compute",
    "parse_formats",
    "render",
    "export",
    "write_files",
    "inputs_from_parameters",
    "report_exports",
    "REPORT_FORMATS",
]

#: The export formats and what each writes (relative to the output folder).
FORMATS = {
    "xlsx": "deal.xlsx: one sheet per schedule, the Assumptions sheet, live formulas",
    "ocf": "ocf/: Open Cap Format JSON (manifest, stakeholders, stock classes, transactions)",
    "csv": "notes-*.csv, escrow-disbursement.csv, captable.csv, obligations*.csv",
    "ics": "obligations.ics: the triggered obligations' due dates",
}


@dataclass(frozen=True, slots=True)
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
    #: Where the notes' interest is rounded to the cent: once a ``"period"`` or each ``"daily"``
    #: amount (``01_notes``'s parameter ``rounding``; not a rounding mode).
    interest_rounding_point: Literal["period", "daily"] = "period"
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

    def default_day(self, deal: Deal) -> dt.date | None:
        """The default date in force: ``"deal"`` is the deal's notice of default of record.

        Examples
        --------
        >>> from dealkit.deal.loader import load_deal
        >>> ExportInputs().default_day(load_deal()) == load_deal().default_demand.notice_date.value
        True
        """
        if self.default_date == "deal":
            return deal.default_demand.notice_date.value
        if isinstance(self.default_date, str):
            raise ExportError(f"default_date: expected a date or 'deal' (got {self.default_date[:40]!r})")
        return self.default_date


@dataclass(frozen=True, slots=True)
class Figures:
    """Everything the exports show, as dealkit computed it."""

    deal: Deal
    inputs: ExportInputs
    assumptions: Any  # notes.NoteAssumptions
    market: Any  # notes.Market
    schedules: dict[str, Any]  # "term_a", "term_b", "revolver" -> notes.Schedule
    disbursement: list[Any]  # escrow.Disbursement rows
    scenarios: Any  # option_engine.ScenarioGrid
    cash_exercise: dict[tuple[int, int], Decimal]  # (outstanding j, reading r) -> aggregate Exercise Price of Y shares
    triggered: list[Any]  # obligations.Triggered
    captable: CapTable


def compute(deal: Deal, inputs: ExportInputs = ExportInputs(), prime: PrimeSeries | None = None) -> Figures:  # noqa: B008 - a frozen default
    """Run the dealkit functions the exports need, on ``deal`` and ``inputs``.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> figures = compute(load_deal())
    >>> sorted(figures.schedules), figures.captable.series_d_route
    (['revolver', 'term_a', 'term_b'], True)
    """
    from dealkit.params import as_money, as_price
    from dealkit.present.obligations_files import load_events
    from dealkit.rules import captable
    from dealkit.rules.escrow.disbursement import disburse_deal
    from dealkit.rules.escrow.instructions import parse_instructions
    from dealkit.rules.notes.conversion import Market
    from dealkit.rules.notes.revolver import build_schedules
    from dealkit.rules.notes.terms import assumptions_from_deal
    from dealkit.rules.obligations import trigger

    assumptions = assumptions_from_deal(deal)
    market = Market.for_deal(
        deal,
        as_price(inputs.stock_price, "stock_price"),
        inputs.daily_volume,
        shock=as_price(inputs.price_shock, "price_shock"),
    )
    stop = inputs.default_day(deal)
    schedules = build_schedules(
        deal,
        assumptions,
        market,
        term_b_maturity=inputs.term_b_maturity,
        stop=stop,
        prime=prime,
        rounding=inputs.interest_rounding_point,
    )
    joint = parse_instructions(inputs.instructions, deal)
    rows = disburse_deal(deal, joint, as_money(inputs.agent_fee, "agent_fee"))
    grid, cash = _option_scenarios(deal, inputs)
    stream = load_events(inputs.events, deal)
    triggered = trigger(deal, stream, inputs.as_of, inputs.promptly_days)
    table = captable.cap_table(deal, assumptions.fixed_conversion_price)
    return Figures(deal, inputs, assumptions, market, schedules, rows, grid, cash, triggered, table)


def _option_scenarios(deal: Deal, inputs: ExportInputs) -> tuple[Any, dict[tuple[int, int], Decimal]]:
    """The Option's scenario grid over the FMVs and outstanding counts of ``inputs`` (default: the
    deal file's assumed range of shares outstanding, its double low end and its value), and the
    aggregate Exercise Price of each cell's exercisable shares (Option §2.2(a)(i))."""
    from dealkit.engines.option import scenario_grid
    from dealkit.params import as_price
    from dealkit.rules.option.exercise import cash_exercise

    cap_base = deal.capitalization.outstanding_at_closing
    low, high = cap_base.range or (cap_base.value, cap_base.value)
    outstanding = inputs.scenario_outstanding or tuple(sorted({low, 2 * low, cap_base.value, high}))
    grid = scenario_grid(
        [as_price(fmv, "scenario_fmv") for fmv in inputs.scenario_fmv],
        list(outstanding),
        [inputs.holdings],
        exercise_price=deal.option.exercise_price.value,
        option_shares=deal.option.shares.value,
        cap=deal.option.max_exercise_cap.value,
    )
    cash = {}
    for j in range(len(grid.outstanding)):
        for r in range(len(grid.readings)):
            exercisable = int(grid.exercisable[0, j, 0, r])
            cash[(j, r)] = cash_exercise(exercisable, deal.option.exercise_price.value)
    return grid, cash


def parse_formats(values: Iterable[str]) -> list[str]:
    """``["xlsx,csv", "ics"]`` -> ``["xlsx", "csv", "ics"]``; an unknown name is an
    :class:`ExportError` naming it.

    Examples
    --------
    >>> parse_formats(["xlsx,CSV", "ics", "csv"])
    ['xlsx', 'csv', 'ics']
    >>> parse_formats(["pdf"])
    Traceback (most recent call last):
    dealkit.export.writer.ExportError: --format: unknown format 'pdf' (choose from xlsx, ocf, csv, ics)
    """
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
    from dealkit.present import obligations_tables as obligations
    from dealkit.present.captable_tables import captable_frame
    from dealkit.present.notes_tables import schedule_frame
    from dealkit.rules.obligations import note_payments

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
            for name, schedule in figures.schedules.items():
                files[f"notes-{name.replace('_', '-')}.csv"] = schedule_frame(schedule).to_csv(index=False).encode()
            from dealkit.present.escrow_tables import disbursement_frame

            files["escrow-disbursement.csv"] = (
                disbursement_frame(figures.disbursement).drop(columns=["shown"]).to_csv(index=False).encode()
            )
            files["captable.csv"] = captable_frame(figures.captable).to_csv(index=False).encode()
            files["obligations.csv"] = obligations.register_frame(deal).to_csv(index=False).encode()
            calendar = obligations.calendar_frame(deal, figures.triggered)
            if _sample_label(figures):
                calendar.insert(0, "label", _sample_label(figures))
            files["obligations-calendar.csv"] = calendar.to_csv(index=False).encode()
        elif fmt == "ics":
            files["obligations.ics"] = obligations.to_ics(
                deal, figures.triggered, payments=note_payments(deal), label=_sample_label(figures)
            )
        else:
            raise ExportError(f"--format: unknown format {str(fmt)[:40]!r} (choose from {', '.join(FORMATS)})")
    return files


def _sample_label(figures: Figures) -> str | None:
    """The fictional sample events are labelled illustrative wherever they appear (as the report's
    ``04_obligations`` labels them): the calendar's rows and the .ics events carry the label."""
    from dealkit.present.obligations_tables import ILLUSTRATIVE

    return ILLUSTRATIVE if figures.inputs.events == "sample" else None


def export(
    deal: Deal,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str],
    inputs: ExportInputs = ExportInputs(),
    prime: PrimeSeries | None = None,
) -> list[Path]:  # noqa: B008
    """Compute, render in memory, then write: the files of ``formats`` in ``out_dir``."""
    chosen = parse_formats(formats)
    prepare_folder(Path(out_dir))  # a bad target fails before any work
    files = render(compute(deal, inputs, prime), chosen)
    return write_files(out_dir, files)


def inputs_from_parameters(parameters: Mapping[str, str]) -> tuple[ExportInputs, list[str]]:
    """The report's ``-p NAME=VALUE`` parameters that are export inputs too (same names as the
    notebooks': stock_price, daily_volume, ...), parsed by :mod:`dealkit.params`; returns the
    inputs and the names of the parameters the exports do not follow (e.g. ``margin``: the
    workbook shows the deal file's terms)."""
    from dealkit.params import as_date, as_date_or_deal, as_int, as_money, as_price

    def as_text(value: str, name: str) -> str:
        return str(value)

    parsers: dict[str, Callable[[str, str], Any]] = {
        "stock_price": lambda value, name: str(as_price(value, name)),
        "daily_volume": lambda value, name: as_int(value, name, minimum=0),
        "price_shock": lambda value, name: str(as_price(value, name)),
        "term_b_maturity": lambda value, name: as_date_or_deal(value, name) if str(value).strip() else None,
        "default_date": lambda value, name: (as_date_or_deal(value, name) or "deal") if str(value).strip() else None,
        "rounding": as_text,
        "agent_fee": lambda value, name: str(as_money(value, name)),
        "instructions": as_text,
        "fmv": lambda value, name: str(as_price(value, name)),
        "holdings": lambda value, name: as_int(value, name, minimum=0),
        "reading": as_text,
        "as_of": as_date,
        "events": as_text,
        "promptly_days": lambda value, name: as_int(value, name, minimum=0),
    }
    changes: dict[str, Any] = {}
    ignored: list[str] = []
    for name, value in parameters.items():
        if name in parsers:
            changes[PARAMETER_FIELDS.get(name, name)] = parsers[name](value, name)
        elif name not in ("interactive",):
            ignored.append(name)
    return dataclasses.replace(ExportInputs(), **changes), ignored


#: Notebook parameters whose :class:`ExportInputs` field has another name.
PARAMETER_FIELDS = {"rounding": "interest_rounding_point"}

#: What the report run adds beside the notebooks' own CSV and .ics files.
REPORT_FORMATS = ("xlsx", "ocf")


def report_exports(
    deal: Deal, out_dir: str | os.PathLike[str], parameters: Mapping[str, str]
) -> tuple[list[Path], str]:
    """The report run's exports: the workbook and the OCF folder in ``out_dir`` (the notebooks
    write the CSV and iCalendar files with the run's parameters themselves). Returns the files and
    a note for the index (what failed, or which parameters the exports do not follow); never
    raises for a bad export: the notebooks' reports stand on their own."""
    try:
        inputs, ignored = inputs_from_parameters(parameters)
        written = export(deal, out_dir, REPORT_FORMATS, inputs)
    except Exception as exc:  # reported on the index page, one line
        return [], f"exports not written: {str(exc)[:300]}"
    note = (
        f"The workbook and the OCF files use the deal file's terms; parameters not applied to them: "
        f"{', '.join(ignored)}."
        if ignored
        else ""
    )
    return written, note
