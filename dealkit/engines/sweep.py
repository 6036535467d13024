"""Run every combination of a grid in parallel: in local worker processes, or as tasks on a Dask
distributed cluster (``scheduler`` address or a ``distributed.Client``). The task is the caller's
(:func:`dealkit.report.sweep.run_scenario` runs a scenario's notebooks); a failed task is a row
with its error, and the others complete."""

from __future__ import annotations

import concurrent.futures as cf
import itertools
import math
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dealkit.errors import ReportError

__all__ = ["Grid", "run_on_dask", "run_local", "short"]


@dataclass(frozen=True)
class Grid:
    """A validated grid: notebook paths and, per parameter name, its list of values (strings)."""

    notebooks: list[Path]
    parameters: dict[str, list[str]]
    source: str

    def combinations(self) -> list[dict[str, str]]:
        """Every combination of the parameters' values, the first parameter varying slowest.

        Examples
        --------
        >>> Grid([], {"margin": ["0.01", "0.02"], "floor": ["0.06"]}, "grid.yaml").combinations()
        [{'margin': '0.01', 'floor': '0.06'}, {'margin': '0.02', 'floor': '0.06'}]
        """
        names = list(self.parameters)
        return [
            dict(zip(names, combo, strict=True)) for combo in itertools.product(*(self.parameters[n] for n in names))
        ]


def short(value: object) -> str:
    text = str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def run_on_dask(
    task: Callable[..., dict], combos: list[dict[str, str]], args: tuple, scheduler: str | None, client: Any, bar: Any
) -> list[dict]:
    """``task(i, combination, *args)`` for each combination on a Dask cluster (``client``, or one
    made for ``scheduler`` and closed after); rows as they complete."""
    from distributed import Client, as_completed

    own = client is None
    if own:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            bar.close()
            raise ReportError(
                f"--scheduler {short(scheduler)}: cannot reach the Dask scheduler ({type(exc).__name__}: {short(exc)})"
            ) from None
    rows = []
    try:
        futures = [client.submit(task, i, c, *args, pure=False) for i, c in enumerate(combos)]
        for fut in as_completed(futures):
            rows.append(fut.result())
            bar.update()
    finally:
        if own:
            client.close()
    return rows


def run_local(
    task: Callable[..., dict],
    combos: list[dict[str, str]],
    args: tuple,
    jobs: int | None,
    bar: Any,
    initializer: Callable[[], None] | None = None,
) -> list[dict]:
    """``task(i, combination, *args)`` for each combination in a pool of ``jobs`` local processes
    (each started by ``initializer``); a worker that died gives a failed row with its error."""
    jobs = jobs or os.cpu_count() or 1
    rows = []
    with cf.ProcessPoolExecutor(max_workers=min(jobs, len(combos)), initializer=initializer) as pool:
        futures = {pool.submit(task, i, c, *args): i for i, c in enumerate(combos)}
        for fut in cf.as_completed(futures):
            try:
                rows.append(fut.result())
            except Exception as exc:  # noqa: BLE001 - a worker that died
                i = futures[fut]
                rows.append(
                    {
                        "scenario": i,
                        **combos[i],
                        "status": "failed",
                        "error": f"{type(exc).__name__}: {exc}"[:500],
                        "seconds": math.nan,
                    }
                )
            bar.update()
    return rows
