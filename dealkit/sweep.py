"""``dealkit sweep GRID.yaml --out DIR``: moved to :mod:`dealkit.engines.sweep` (the runs, local or
on Dask) and :mod:`dealkit.present.sweep_files` (``sweep.csv``, ``sweep.html``); this module
re-exports their public names."""

from dealkit.engines.sweep import Grid, load_grid, run_scenario, run_sweep
from dealkit.present.sweep_files import sweep_html

__all__ = ["Grid", "load_grid", "run_scenario", "run_sweep", "sweep_html"]
