"""Exports: the workbook, the Open Cap Format folder, CSV and .ics, written all or nothing."""

from __future__ import annotations


def __getattr__(name: str):
    # ``dealkit.export`` was the HTML-export module before issue 11's move: its names still resolve
    if name in ("write_atomic", "current_umask"):
        import importlib

        files = importlib.import_module("dealkit.core.files")

        return getattr(files, name)
    import importlib

    html = importlib.import_module("dealkit.report.html")

    try:
        return getattr(html, name)
    except AttributeError:
        raise AttributeError(f"module 'dealkit.export' has no attribute {name!r}") from None
