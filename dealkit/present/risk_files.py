"""The 05_risk notebook's file: ``NAME.metrics.json`` (:func:`write_metrics`), read by ``dealkit
sweep``'s comparison and the executive summary's ranges."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from dealkit.core.files import write_atomic
from dealkit.engines.risk.scenarios import Scenario
from dealkit.present.risk_tables import metric_percentiles

__all__ = ["write_metrics"]


def write_metrics(s: Scenario, out_dir: str | Path, name: str = "05_risk") -> Path:
    """``NAME.metrics.json`` in ``out_dir``: the mean of each metric (IRR: the median of those that
    exist; ``defaulted``: the default probability), their percentiles (:func:`metric_percentiles`),
    the path count and the paths' provenance, for ``dealkit sweep``'s comparison and the executive
    summary's ranges. Written atomically."""
    out: dict[str, object] = {}
    for k, v in s.metrics.items():
        v = np.asarray(v, dtype=np.float64)
        v = v[np.isfinite(v)]
        out[k if k != "lender_xirr" else "lender_xirr_median"] = (
            None if not v.size else float(np.median(v) if k == "lender_xirr" else v.mean())
        )
    out["percentiles"] = metric_percentiles(s)
    out["n_paths"] = int(np.asarray(s.metrics["lender_xirr"]).size)
    out["provenance"] = s.short_provenance()
    path = Path(out_dir) / f"{name}.metrics.json"
    write_atomic(path, json.dumps(out, indent=1))
    return path
