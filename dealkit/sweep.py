"""``dealkit sweep GRID.yaml --out DIR``: moved to :mod:`dealkit.report.sweep` (the grid and each
scenario's notebooks), :mod:`dealkit.engines.sweep` (the parallel runs, local or on Dask) and
:mod:`dealkit.present.sweep_files` (``sweep.csv``, ``sweep.html``); this module re-exports their
public names."""

from dealkit.present.sweep_files import sweep_html
from dealkit.report.sweep import Grid, load_grid, run_scenario, run_sweep

__all__ = ["Grid", "load_grid", "run_scenario", "run_sweep", "sweep_html"]
