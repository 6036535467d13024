"""Report: papermill runs of the notebooks, HTML export, the landing page and the combined report.

``dealkit.report.run_report`` and the runner's other names stay reachable here, as before the
move (``dealkit.report`` was one module)."""

from __future__ import annotations


def __getattr__(name: str):
    import importlib

    runner = importlib.import_module("dealkit.report.runner")

    try:
        return getattr(runner, name)
    except AttributeError:
        raise AttributeError(f"module 'dealkit.report' has no attribute {name!r}") from None
