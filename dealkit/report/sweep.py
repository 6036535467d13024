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

import json
import os
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from dealkit.engines.sweep import Grid, run_local, run_on_dask, short
from dealkit.errors import ParameterError, ReportError

__all__ = ["Grid", "load_grid", "run_scenario", "run_sweep"]

_KEYS = {"notebooks", "parameters"}


def _read_grid_file(p: Path) -> dict:
    """GRID.yaml's mapping; one :class:`ParameterError` naming the file when it cannot be read or
    is not a YAML mapping."""
    import yaml

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
        raise ParameterError(f"{name}: expected a mapping with notebooks and parameters (got {short(data)!r})")
    unknown = sorted(set(map(str, data)) - _KEYS)
    if unknown:
        raise ParameterError(f"{name}: {unknown[0]}: unknown key; expected notebooks, parameters (got {unknown[0]!r})")
    return data


def _grid_values(name: str, params: dict, paths: list[Path]) -> dict[str, list[str]]:
    """The parameters' values as strings, each name declared by a chosen notebook and not one the
    sweep sets itself; each value a scalar."""
    from dealkit.report.runner import RUNNER_PARAMETERS, declared_parameters

    declared = {n for nb in paths for n in declared_parameters(nb)}
    grid: dict[str, list[str]] = {}
    for raw_key, raw_values in params.items():
        key = str(raw_key)
        if key in RUNNER_PARAMETERS:
            raise ParameterError(f"{name}: parameters.{key}: set by the sweep itself (got {short(raw_values)!r})")
        if key not in declared:
            raise ParameterError(
                f"{name}: parameters.{key}: not declared by any of {', '.join(p.stem for p in paths)} "
                f"(got {short(raw_values)!r}); declared: "
                f"{', '.join(sorted(declared - set(RUNNER_PARAMETERS)))}"
            )
        values = raw_values if isinstance(raw_values, list) else [raw_values]
        if not values:
            raise ParameterError(f"{name}: parameters.{key}: expected at least one value (got [])")
        for v in values:
            if isinstance(v, (dict, list)) or v is None:
                raise ParameterError(f"{name}: parameters.{key}: expected a scalar value (got {short(v)!r})")
        grid[key] = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
    return grid


def load_grid(path: str | os.PathLike[str], notebook_dir: Path | None = None) -> Grid:
    """Read and check GRID.yaml; a :class:`ParameterError` naming the file and the field."""
    from dealkit.report.runner import NOTEBOOK_DIR, discover

    p = Path(path)
    name = p.name
    data = _read_grid_file(p)
    nbs = data.get("notebooks")
    if not isinstance(nbs, list) or not nbs or not all(isinstance(n, str) for n in nbs):
        raise ParameterError(f"{name}: notebooks: expected a non-empty list of notebook names (got {short(nbs)!r})")
    try:
        paths = discover(nbs, notebook_dir or NOTEBOOK_DIR)
    except ReportError as exc:
        raise ParameterError(f"{name}: notebooks: {exc}") from None
    params = data.get("parameters") or {}
    if not isinstance(params, dict):
        raise ParameterError(
            f"{name}: parameters: expected a mapping of name to a list of values (got {short(params)!r})"
        )
    return Grid(paths, _grid_values(name, params, paths), name)


#: This worker process's warm kernel (local pool: started by :func:`_init_worker`; on a Dask
#: worker: at its first scenario). Each scenario's notebooks run on it, reset in between.
_KERNEL = None


def _kernel():
    """The process's warm kernel, made on first use; shut down when the process exits."""
    global _KERNEL
    if _KERNEL is None:
        import atexit

        from dealkit.report.kernels import WarmKernel

        _KERNEL = WarmKernel(None)
        atexit.register(_KERNEL.close)
    return _KERNEL


def _init_worker() -> None:
    """A local worker: start its kernel at once (it boots while the worker waits), warm the HTML
    exporter in a thread, and close the kernel when the worker exits (multiprocessing runs
    Finalize callbacks, not atexit, in its children)."""
    from multiprocessing.util import Finalize

    from dealkit.report.runner import _warm_in_background

    k = _kernel()
    k.start(Path.cwd())
    Finalize(k, k.close, exitpriority=10)
    _warm_in_background()


def run_scenario(
    index: int,
    params: Mapping[str, str],
    notebooks: Sequence[str],
    out_root: str,
    deal_path: str | None = None,
    timeout: int = 300,
) -> dict:
    """Run one scenario: its notebooks (on the process's warm kernel, reset between notebooks and
    discarded after a failure; :mod:`dealkit.report.kernels`) into ``out_root/scenario-NNN``; returns
    its row: ``scenario``, the parameters, ``status`` (``ok`` or ``failed``), ``error``,
    ``seconds`` and the metrics the notebooks wrote. Never raises for a notebook's failure."""
    from dealkit.deal.loader import DEFAULT_DEAL
    from dealkit.report.runner import plan_parameters, run_notebook

    t0 = time.perf_counter()
    out = Path(out_root) / f"scenario-{index:03d}"
    out.mkdir(parents=True, exist_ok=True)
    row: dict = {"scenario": index, **params}
    errors = []
    try:
        paths = [Path(n) for n in notebooks]
        runner = {
            "deal_path": str(Path(deal_path).resolve()) if deal_path else str(DEFAULT_DEAL),
            "output_dir": str(out.resolve()),
        }
        plan = plan_parameters(paths, dict(params), runner)
        for nb in paths:
            res = run_notebook(nb, out, plan[nb], execution_timeout=timeout, kernel=_kernel())
            if not res.ok:
                errors.append(f"{nb.stem}: {res.error}")
            metrics = out / f"{nb.stem}.metrics.json"
            if res.ok and metrics.exists():
                row.update(_flatten(json.loads(metrics.read_text(encoding="utf-8")), nb.stem))
    except Exception as exc:  # noqa: BLE001 - one scenario's failure must not stop the sweep
        errors.append(f"{type(exc).__name__}: {exc}")
    row["status"] = "failed" if errors else "ok"
    row["error"] = "; ".join(errors)[:500]
    row["seconds"] = round(time.perf_counter() - t0, 2)  # not money: a duration
    return row


def _flatten(values: dict, prefix: str) -> dict:
    """``{"a": 1, "b": {"p5": 2}}`` → ``{"PREFIX.a": 1, "PREFIX.b.p5": 2}``: one CSV column each."""
    out: dict = {}
    for k, v in values.items():
        if isinstance(v, dict):
            out.update(_flatten(v, f"{prefix}.{k}"))
        else:
            out[f"{prefix}.{k}"] = v
    return out


def run_sweep(
    grid: Grid,
    out_dir: str | os.PathLike[str],
    *,
    scheduler: str | None = None,
    jobs: int | None = None,
    deal_path: str | None = None,
    timeout: int = 300,
    progress: bool | None = None,
    client: Any = None,
) -> list[dict]:
    """Every combination of ``grid``; ``scheduler`` (an address) or ``client`` (a
    ``distributed.Client``) runs them on a Dask cluster, otherwise ``jobs`` local processes
    (default: the number of cores). Writes ``sweep.csv`` and ``sweep.html`` into ``out_dir``
    (:func:`dealkit.present.sweep_files.write_sweep_files`)."""
    from tqdm import tqdm

    from dealkit.present.sweep_files import write_sweep_files

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    combos = grid.combinations()
    args = ([str(p) for p in grid.notebooks], str(out.resolve()), deal_path, timeout)
    show = sys.stderr.isatty() if progress is None else progress
    bar = tqdm(total=len(combos), desc="scenarios", unit="sc", disable=not show, file=sys.stderr)
    if scheduler or client is not None:
        rows = run_on_dask(run_scenario, combos, args, scheduler, client, bar)
    else:
        rows = run_local(run_scenario, combos, args, jobs, bar, _init_worker)
    bar.close()
    rows.sort(key=lambda r: r["scenario"])
    write_sweep_files(rows, list(grid.parameters), out, grid)
    return rows
