"""The Option's vectorized scenario engine — a facade over :mod:`dealkit.engines.option`
(FMV × outstanding × holdings × reading, exact in integers, an exact path beyond int64)."""

from __future__ import annotations

from dealkit.engines.option import INT64_SAFE, MAX_DECIMALS, ScenarioGrid, ScenarioInputError, scenario_grid

__all__ = ["ScenarioGrid", "scenario_grid", "ScenarioInputError", "INT64_SAFE", "MAX_DECIMALS"]
