"""One risk run end to end — paths, plan, engine, metrics — (:func:`scenario`), the same paths
under other terms (:func:`rerun`, common random numbers), and many paths in chunks
(:func:`run_chunked`)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from dealkit.engines.risk.default import Result, run
from dealkit.engines.risk.metrics import metrics
from dealkit.engines.risk.plan import Plan, build_plan
from dealkit.engines.risk.terms import RiskTerms
from dealkit.engines.risk.windows import Windows, windows
from dealkit.errors import ParameterError
from dealkit.market.assumptions import gbm_assumptions
from dealkit.market.gbm import gbm_chunk
from dealkit.market.paths import Assumption, PricePaths, covering, path_window, trading_days
from dealkit.market.price_csv import load_price_csv
from dealkit.market.simulate import CHUNK, simulate
from dealkit.rules import notes

__all__ = ["DEFAULT_PATHS", "Scenario", "scenario", "rerun", "run_chunked", "simulate_from"]

#: The number of simulated paths of a run unless told otherwise (market data, not a deal term).
DEFAULT_PATHS = 10_000
#: The paths' parameters a figure's subtitle names, when the model has them.
_SUBTITLE_KEYS = ("start_price", "volatility", "drift", "volume_level", "block", "file")


@dataclasses.dataclass(frozen=True, eq=False)
class Scenario:
    """One risk run: the paths, the plan, the engine's result and the metrics."""

    paths: PricePaths
    plan: Plan
    windows: Windows
    result: Result
    metrics: dict

    def provenance(self) -> str:
        """Where the paths and the risk model's assumptions come from (one paragraph)."""
        extra = "; ".join(a.line() for a in self.plan.terms.assumptions().values())
        return self.paths.provenance() + " Risk model: " + extra + "."

    def provenance_markdown(self) -> str:
        """:meth:`provenance` with HTML escaped (a file name is user input)."""
        return html.escape(self.provenance())

    def subtitle(self) -> str:
        """:meth:`short_provenance` as a figure's escaped subtitle (``<br><sup>…</sup>``)."""
        return f"<br><sup>{html.escape(self.short_provenance())}</sup>"

    def short_provenance(self) -> str:
        """One line for a figure's subtitle: the model and its main parameters."""
        p = self.paths
        bits = [f"{p.model}", f"{p.n:,} paths"] + ([f"seed {p.seed}"] if p.seed is not None else [])
        bits += [f"{k} {p.assumptions[k].value}" for k in _SUBTITLE_KEYS if k in p.assumptions]
        t = self.plan.terms
        bits.append(f"default rule {t.default_rule}")
        bits.append(f"revolver {t.revolver}")
        h = t.holder
        bits.append("holder converts at " + f"{h.trigger}× FCP" if h.rule == "convert" else "no optional conversion")
        if h.sell_fraction is not None or h.reading != "literal":
            bits.append(f"cap {h.reading}, holder sells {h.sell_fraction if h.sell_fraction is not None else 'all'}")
        return ", ".join(bits) + " (assumptions)"


def _paths_for(
    plan: Plan, model: str, n_paths: int, seed: int, assumptions: Mapping[str, Assumption] | None, price_csv: str | None
) -> PricePaths:
    """The CSV's one path (``model == "csv"``) cut to the plan's window, or simulated paths."""
    first, last = path_window(plan.grid)
    if model == "csv":
        if not price_csv:
            raise ParameterError("parameter price_csv: the csv model needs a price file")
        return covering(load_price_csv(price_csv), first, last, Path(price_csv).name)
    source = load_price_csv(price_csv) if price_csv else None
    return simulate(model, n_paths, seed, first, last, assumptions=assumptions, source=source)


def scenario(
    deal: Any,
    a: notes.NoteAssumptions,
    *,
    n_paths: int = DEFAULT_PATHS,
    seed: int = 7,
    model: str = "gbm",
    assumptions: Mapping[str, Assumption] | None = None,
    price_csv: str | None = None,
    terms: RiskTerms | None = None,
    term_b_maturity: dt.date | None = None,
    prime: Any = None,
    paths: PricePaths | None = None,
) -> Scenario:
    """Plan, paths (simulated, or the CSV's one path when ``model == "csv"``), engine, metrics.

    Examples
    --------
    >>> from dealkit.loader import load_deal
    >>> deal = load_deal()
    >>> s = scenario(deal, notes.assumptions_from_deal(deal), n_paths=5, seed=1)
    >>> s.paths.n, s.result.n, len(s.metrics["atg_cost"])
    (5, 5, 5)
    """
    plan = build_plan(deal, a, terms, term_b_maturity=term_b_maturity, prime=prime)
    if paths is None:
        paths = _paths_for(plan, model, n_paths, seed, assumptions, price_csv)
    w = windows(paths, plan.grid)
    res = run(plan, w)
    return Scenario(paths, plan, w, res, metrics(res))


def rerun(
    s: Scenario,
    deal: Any,
    a: notes.NoteAssumptions,
    terms: RiskTerms | None = None,
    term_b_maturity: dt.date | None = None,
    prime: Any = None,
    only: Sequence[str] | None = None,
) -> Scenario:
    """The same paths under other terms (common random numbers); ``only``: these metrics."""
    plan = build_plan(deal, a, terms or s.plan.terms, term_b_maturity=term_b_maturity, prime=prime)
    w = s.windows if plan.grid == s.windows.grid else windows(s.paths, plan.grid)
    res = run(plan, w)
    return Scenario(s.paths, plan, w, res, metrics(res, only))


def simulate_from(
    model: str, n: int, seed: int, start: int, first: dt.date, last: dt.date, assumptions: Mapping[str, Assumption]
) -> PricePaths:
    """Paths ``start`` … ``start + n`` of a simulation (``start`` a multiple of CHUNK): chunk
    ``c`` is drawn by ``default_rng([seed, c])`` as in :func:`dealkit.market.simulate`."""
    days = trading_days(first, last)
    closes = np.empty((n, len(days)), dtype=np.int64)
    volumes = np.empty((n, len(days)), dtype=np.int64)
    for offset in range(0, n, CHUNK):
        size = min(CHUNK, n - offset)
        rng = np.random.default_rng([seed, (start + offset) // CHUNK])
        if model != "gbm":
            raise ParameterError(f"parameter model: the chunked run simulates gbm only (got {model!r})")
        gbm_chunk(rng, size, len(days), assumptions, (closes[offset : offset + size], volumes[offset : offset + size]))
    return PricePaths(days, closes, volumes, model, dict(assumptions), seed)


def run_chunked(
    deal: Any,
    a: notes.NoteAssumptions,
    n_paths: int,
    *,
    seed: int = 7,
    model: str = "gbm",
    chunk: int = CHUNK,
    assumptions: Mapping[str, Assumption] | None = None,
    terms: RiskTerms | None = None,
    prime: Any = None,
    keep: Sequence[str] = ("lender_xirr",),
) -> tuple[dict[str, np.ndarray], int]:
    """Many paths in chunks of ``chunk`` (the paths of each chunk are simulated, run and dropped):
    memory stays that of one chunk. Returns the ``keep`` metrics for every path, plus the default
    count. Path *i* is the same as in a single run with the same seed."""
    if chunk % CHUNK:
        raise ParameterError(f"parameter chunk: must be a multiple of {CHUNK} (got {chunk})")
    plan = build_plan(deal, a, terms, prime=prime)
    first, last = path_window(plan.grid)
    out: dict[str, list[np.ndarray]] = {k: [] for k in keep}
    defaults = 0
    stated = dict(assumptions or gbm_assumptions())
    for start in range(0, n_paths, chunk):
        paths = simulate_from(model, min(chunk, n_paths - start), seed, start, first, last, stated)
        res = run(plan, windows(paths, plan.grid))
        defaults += int((res.default_k >= 0).sum())
        figures = metrics(res)
        for k in keep:
            out[k].append(figures[k])
        del paths, res, figures
    return {k: np.concatenate(v) for k, v in out.items()}, defaults
