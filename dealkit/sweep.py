"""``dealkit sweep GRID.yaml --out DIR``: every combination of the listed parameters, each run as
its own report of the chosen notebooks, in parallel, then ``DIR/sweep.csv`` (one row per scenario:
its parameters, its status, its metrics) and ``DIR/sweep.html`` (a self-contained comparison page).

GRID.yaml::

    notebooks: [01_notes, 05_risk]
    parameters: {margin: ["0.01", "0.02"], floor: ["0.06"]}

Names are checked before anything runs: an unknown key, notebook or parameter (one no chosen
notebook declares) is one clear line. Scenarios run in local worker processes by default
(``--jobs``), or on a Dask distributed cluster (``--scheduler ADDRESS``). A failed scenario is
reported with its parameters and its error; the others complete.

Metrics: a notebook that declares ``output_dir`` may write ``NAME.metrics.json`` there (a flat
mapping of metric → number; 05_risk does); the sweep collects them as ``NAME.metric`` columns.
"""

from __future__ import annotations

import concurrent.futures as cf
import html
import itertools
import json
import math
import os
import sys
import time
from pathlib import Path
from typing import Mapping, Sequence

from .errors import ParameterError, ReportError
from .export import write_atomic

__all__ = ["Grid", "load_grid", "run_scenario", "run_sweep", "sweep_html"]

_KEYS = {"notebooks", "parameters"}


class Grid:
    """A validated grid: notebook paths and, per parameter name, its list of values (strings)."""

    def __init__(self, notebooks: list[Path], parameters: dict[str, list[str]], source: str):
        self.notebooks, self.parameters, self.source = notebooks, parameters, source

    def combinations(self) -> list[dict[str, str]]:
        names = list(self.parameters)
        return [dict(zip(names, combo)) for combo in itertools.product(*(self.parameters[n] for n in names))]


def _short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def load_grid(path: str | os.PathLike[str], notebook_dir: Path | None = None) -> Grid:
    """Read and check GRID.yaml; a :class:`ParameterError` naming the file and the field."""
    import yaml

    from .report import NOTEBOOK_DIR, RUNNER_PARAMETERS, declared_parameters, discover

    p = Path(path)
    name = p.name
    try:
        data = yaml.safe_load(p.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{name}: no such grid file ({p})") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{name}: cannot be read ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{name}: not valid YAML{where}") from None
    if not isinstance(data, dict):
        raise ParameterError(f"{name}: expected a mapping with notebooks and parameters (got {_short(data)!r})")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise ParameterError(f"{name}: {unknown[0]}: unknown key; expected notebooks, parameters (got {unknown[0]!r})")
    nbs = data.get("notebooks")
    if not isinstance(nbs, list) or not nbs or not all(isinstance(n, str) for n in nbs):
        raise ParameterError(f"{name}: notebooks: expected a non-empty list of notebook names (got {_short(nbs)!r})")
    try:
        paths = discover(nbs, notebook_dir or NOTEBOOK_DIR)
    except ReportError as exc:
        raise ParameterError(f"{name}: notebooks: {exc}") from None
    params = data.get("parameters") or {}
    if not isinstance(params, dict):
        raise ParameterError(f"{name}: parameters: expected a mapping of name to a list of values (got {_short(params)!r})")
    declared = {n for nb in paths for n in declared_parameters(nb)}
    grid: dict[str, list[str]] = {}
    for key, values in params.items():
        key = str(key)
        if key in RUNNER_PARAMETERS:
            raise ParameterError(f"{name}: parameters.{key}: set by the sweep itself (got {_short(values)!r})")
        if key not in declared:
            raise ParameterError(f"{name}: parameters.{key}: not declared by any of {', '.join(p.stem for p in paths)} "
                                 f"(got {_short(values)!r}); declared: {', '.join(sorted(declared - set(RUNNER_PARAMETERS)))}")
        if not isinstance(values, list):
            values = [values]
        if not values:
            raise ParameterError(f"{name}: parameters.{key}: expected at least one value (got [])")
        for v in values:
            if isinstance(v, (dict, list)) or v is None:
                raise ParameterError(f"{name}: parameters.{key}: expected a scalar value (got {_short(v)!r})")
        grid[key] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    return Grid(paths, grid, name)


#: This worker process's warm kernel (local pool: started by :func:`_init_worker`; on a Dask
#: worker: at its first scenario). Each scenario's notebooks run on it, reset in between.
_KERNEL = None


def _kernel():
    """The process's warm kernel, made on first use; shut down when the process exits."""
    global _KERNEL
    if _KERNEL is None:
        import atexit

        from .kernels import WarmKernel

        _KERNEL = WarmKernel(None)
        atexit.register(_KERNEL.close)
    return _KERNEL


def _init_worker() -> None:
    """A local worker: start its kernel at once (it boots while the worker waits), warm the HTML
    exporter in a thread, and close the kernel when the worker exits (multiprocessing runs
    Finalize callbacks, not atexit, in its children)."""
    from multiprocessing.util import Finalize

    from .report import _warm_in_background

    k = _kernel()
    k.start(Path.cwd())
    Finalize(k, k.close, exitpriority=10)
    _warm_in_background()


def run_scenario(index: int, params: Mapping[str, str], notebooks: Sequence[str], out_root: str,
                 deal_path: str | None = None, timeout: int = 300) -> dict:
    """Run one scenario: its notebooks (on the process's warm kernel, reset between notebooks and
    discarded after a failure; :mod:`dealkit.kernels`) into ``out_root/scenario-NNN``; returns
    its row: ``scenario``, the parameters, ``status`` (``ok`` or ``failed``), ``error``,
    ``seconds`` and the metrics the notebooks wrote. Never raises for a notebook's failure."""
    from .loader import DEFAULT_DEAL
    from .report import plan_parameters, run_notebook

    t0 = time.perf_counter()
    out = Path(out_root) / f"scenario-{index:03d}"
    out.mkdir(parents=True, exist_ok=True)
    row: dict = {"scenario": index, **params}
    errors = []
    try:
        paths = [Path(n) for n in notebooks]
        runner = {"deal_path": str(Path(deal_path).resolve()) if deal_path else str(DEFAULT_DEAL),
                  "output_dir": str(out.resolve())}
        plan = plan_parameters(paths, dict(params), runner)
        for nb in paths:
            res = run_notebook(nb, out, plan[nb], execution_timeout=timeout, kernel=_kernel())
            if not res.ok:
                errors.append(f"{nb.stem}: {res.error}")
            metrics = out / f"{nb.stem}.metrics.json"
            if res.ok and metrics.exists():
                for k, v in json.loads(metrics.read_text(encoding="utf-8")).items():
                    row[f"{nb.stem}.{k}"] = v
    except Exception as exc:  # noqa: BLE001 - one scenario's failure must not stop the sweep
        errors.append(f"{type(exc).__name__}: {exc}")
    row["status"] = "failed" if errors else "ok"
    row["error"] = "; ".join(errors)[:500]
    row["seconds"] = round(time.perf_counter() - t0, 2)
    return row


def run_sweep(grid: Grid, out_dir: str | os.PathLike[str], *, scheduler: str | None = None, jobs: int | None = None,
              deal_path: str | None = None, timeout: int = 300, progress: bool | None = None,
              client=None) -> list[dict]:
    """Every combination of ``grid``; ``scheduler`` (an address) or ``client`` (a
    ``distributed.Client``) runs them on a Dask cluster, otherwise ``jobs`` local processes
    (default: the number of cores). Writes ``sweep.csv`` and ``sweep.html`` into ``out_dir``."""
    from tqdm import tqdm

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    combos = grid.combinations()
    nbs = [str(p) for p in grid.notebooks]
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(combos), desc="scenarios", unit="sc", disable=not show, file=sys.stderr)
    rows: list[dict] = []
    if scheduler or client is not None:
        from distributed import Client, as_completed

        own = client is None
        if own:
            try:
                client = Client(scheduler, timeout="10s")
            except (OSError, TimeoutError, ValueError) as exc:
                bar.close()
                raise ReportError(f"--scheduler {_short(scheduler)}: cannot reach the Dask scheduler "
                                  f"({type(exc).__name__}: {_short(exc)})") from None
        try:
            futures = [client.submit(run_scenario, i, c, nbs, str(out.resolve()), deal_path, timeout, pure=False)
                       for i, c in enumerate(combos)]
            for fut in as_completed(futures):
                rows.append(fut.result())
                bar.update()
        finally:
            if own:
                client.close()
    else:
        jobs = jobs or os.cpu_count() or 1
        with cf.ProcessPoolExecutor(max_workers=min(jobs, len(combos)), initializer=_init_worker) as pool:
            futures = {pool.submit(run_scenario, i, c, nbs, str(out.resolve()), deal_path, timeout): i
                       for i, c in enumerate(combos)}
            for fut in cf.as_completed(futures):
                try:
                    rows.append(fut.result())
                except Exception as exc:  # noqa: BLE001 - a worker that died
                    i = futures[fut]
                    rows.append({"scenario": i, **combos[i], "status": "failed",
                                 "error": f"{type(exc).__name__}: {exc}"[:500], "seconds": math.nan})
                bar.update()
    bar.close()
    rows.sort(key=lambda r: r["scenario"])
    _write(rows, list(grid.parameters), out, grid)
    return rows


def _columns(rows: list[dict], names: list[str]) -> list[str]:
    metrics = sorted({k for r in rows for k in r} - {"scenario", "status", "error", "seconds", *names})
    return ["scenario", *names, "status", "error", "seconds", *metrics]


def _write(rows: list[dict], names: list[str], out: Path, grid: Grid) -> None:
    import csv
    import io

    cols = _columns(rows, names)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, lineterminator="\n")
    w.writeheader()
    for r in rows:
        w.writerow({c: r.get(c, "") for c in cols})
    write_atomic(out / "sweep.csv", buf.getvalue())
    write_atomic(out / "sweep.html", sweep_html(rows, names, grid))


def sweep_html(rows: list[dict], names: list[str], grid: Grid | None = None) -> str:
    """A self-contained page: the table of scenarios and one bar chart per metric (plotly.js
    inlined once; nothing loaded from the network). Every text is escaped."""
    import pandas as pd
    import plotly.graph_objects as go
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    cols = _columns(rows, names)
    frame = pd.DataFrame([{c: r.get(c, "") for c in cols} for r in rows], columns=cols)
    label = [", ".join(f"{n}={r.get(n, '')}" for n in names) or f"scenario {r['scenario']}" for r in rows]
    metrics = [c for c in cols if "." in c and any(isinstance(r.get(c), (int, float)) for r in rows)]
    charts = []
    for m in metrics:
        y = [r.get(m) if isinstance(r.get(m), (int, float)) else None for r in rows]
        fig = go.Figure(go.Bar(x=label, y=y, marker_color=["#1f77b4" if r["status"] == "ok" else "#d62728" for r in rows]))
        fig.update_layout(title=m, height=320, margin=dict(t=40, b=120), template="plotly_white")
        charts.append(pio.to_html(fig, include_plotlyjs=False, full_html=False))
    ok = sum(r["status"] == "ok" for r in rows)
    failed = "".join(f"<li>scenario {r['scenario']} ({html.escape(lab)}): {html.escape(str(r.get('error', '')))}</li>"
                     for r, lab in zip(rows, label) if r["status"] != "ok")
    src = html.escape(grid.source if grid else "")
    nbs = html.escape(", ".join(p.stem for p in grid.notebooks)) if grid else ""
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>dealkit sweep</title>"
            f"<script type='text/javascript'>{get_plotlyjs()}</script>"
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}</style></head><body>"
            f"<h1>Sweep {src}</h1><p>Notebooks: {nbs}. {ok} of {len(rows)} scenarios ok.</p>"
            + (f"<h2>Failed</h2><ul>{failed}</ul>" if failed else "")
            + "<h2>Scenarios</h2>" + frame.to_html(index=False, escape=True, na_rep="")
            + "<h2>Metrics by scenario</h2>" + "".join(charts) + "</body></html>")
