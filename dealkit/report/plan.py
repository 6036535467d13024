"""Which notebooks run, with which parameters, in which order.

:func:`discover` finds the notebooks, :func:`plan_parameters` sends each ``-p`` value to the
notebooks that declare it (refusing an undeclared name before anything runs), and
:func:`longest_first` orders them for a pool of workers by their :func:`expected_seconds`.
"""

from __future__ import annotations

from pathlib import Path

from dealkit.deal.resources import notebook_dir
from dealkit.errors import ParameterError, ReportError
from dealkit.params import _shown

__all__ = [
    "NOTEBOOK_DIR",
    "RUNNER_PARAMETERS",
    "discover",
    "declared_parameters",
    "plan_parameters",
    "expected_seconds",
    "longest_first",
]

#: The report notebooks shipped with the package (``dealkit/notebooks``).
NOTEBOOK_DIR = notebook_dir()
#: Parameters the runner fills in itself: the deal file (every notebook declares it) and the
#: report folder (for notebooks that write files beside their HTML, e.g. CSV and .ics exports).
RUNNER_PARAMETERS = ("deal_path", "output_dir")


def discover(names: list[str] | None = None, notebook_dir: Path = NOTEBOOK_DIR) -> list[Path]:
    """The notebooks to run, in name order; ``names`` may be stems (``00_overview``) or file names.

    Examples
    --------
    >>> [p.name for p in discover(["03_option", "01_notes.ipynb"])]
    ['03_option.ipynb', '01_notes.ipynb']
    >>> discover(["99_none"])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    dealkit.errors.ReportError: no notebook named '99_none' in ...
    """
    if not notebook_dir.is_dir():
        raise ReportError(f"{notebook_dir}: no such notebook folder")
    available = sorted(p for p in notebook_dir.glob("*.ipynb") if not p.name.startswith("."))
    if not names:
        return available
    by_stem = {p.stem: p for p in available}
    chosen = []
    for name in names:
        stem = Path(name).stem
        if stem not in by_stem:
            raise ReportError(
                f"no notebook named {name!r} in {notebook_dir}; available: {', '.join(by_stem) or 'none'}"
            )
        chosen.append(by_stem[stem])
    return chosen


def declared_parameters(path: Path) -> dict[str, dict]:
    """The names the notebook's ``parameters`` cell declares (papermill's own inference)."""
    import papermill

    try:
        params = papermill.inspect_notebook(str(path))
    except Exception as exc:  # noqa: BLE001 - a hostile or broken .ipynb: one line, no traceback
        raise ReportError(f"{path.name}: not a readable notebook ({type(exc).__name__})") from None
    if not params:
        raise ReportError(f"{path.name}: no cell tagged 'parameters'")
    return params


def plan_parameters(
    notebooks: list[Path], params: dict[str, str], runner: dict[str, str] | None = None
) -> dict[Path, dict[str, str]]:
    """Which parameters go to which notebook. Each name goes to every notebook that declares it;
    a name that none of the chosen notebooks declares is refused before anything runs. The
    ``runner`` values (deal_path, output_dir) go to the notebooks that declare them."""
    declared = {nb: declared_parameters(nb) for nb in notebooks}
    for name, value in params.items():
        if name in RUNNER_PARAMETERS:
            raise ParameterError(
                f"parameter {name}: set by the runner (--deal, --out); not a -p parameter (got {_shown(value)})"
            )
        if not any(name in d for d in declared.values()):
            known = sorted({n for d in declared.values() for n in d} - set(RUNNER_PARAMETERS))
            raise ParameterError(
                f"parameter {name}: not declared by any of "
                f"{', '.join(nb.name for nb in notebooks)} (got {_shown(value)}); "
                f"declared: {', '.join(known)}"
            )
    merged = {**params, **(runner or {})}
    return {nb: {k: v for k, v in merged.items() if k in d} for nb, d in declared.items()}


#: The largest executed notebook of an earlier run read for its cell timings (bytes).
_TIMINGS_MAX_BYTES = 20_000_000


def expected_seconds(path: Path, out_dir: Path | None = None) -> float:
    """What a notebook is expected to cost, to start the longest first: the sum of its cells'
    times in the earlier run's executed notebook (``out_dir/ipynb/NAME.ipynb``, papermill's
    ``metadata.papermill.duration`` of each cell: the kernel's start is not in them), else the
    ``metadata.dealkit.expected_seconds`` of the notebook itself, else 0. Anything unreadable
    counts as unknown (0): the order only decides which notebook starts first."""
    import json
    import math

    def read(file: Path) -> dict | None:
        try:
            if file.is_symlink() or not file.is_file() or file.stat().st_size > _TIMINGS_MAX_BYTES:
                return None
            data = json.loads(file.read_text(encoding="utf-8"))
            return data if isinstance(data, dict) else None
        except (OSError, ValueError):
            return None

    def number(value) -> float:  # a duration: a finite number of seconds, not negative
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0
        return float(value) if ok else 0.0

    earlier = read(out_dir / "ipynb" / f"{path.stem}.ipynb") if out_dir is not None else None
    if earlier is not None and isinstance(earlier.get("cells"), list):
        cells = [c.get("metadata", {}).get("papermill", {}) for c in earlier["cells"] if isinstance(c, dict)]
        timed = [number(c.get("duration")) for c in cells if isinstance(c, dict) and c.get("duration") is not None]
        if timed and all(isinstance(c, dict) and not c.get("exception") for c in cells):
            return sum(timed)
    source = read(path)
    hint = (source or {}).get("metadata", {}).get("dealkit", {}) if source else {}
    return number(hint.get("expected_seconds")) if isinstance(hint, dict) else 0.0


def longest_first(paths: list[Path], out_dir: Path | None = None) -> list[Path]:
    """``paths`` in the order to start them on a pool of workers: the longest expected first
    (:func:`expected_seconds`; ties keep name order), so the last notebook to finish is a short
    one and no core waits on a long notebook started last (longest processing time first).

    Examples
    --------
    >>> [p.stem for p in longest_first(discover())][:2]  # 05_risk declares expected_seconds
    ['05_risk', '00_overview']
    """
    cost = {p: expected_seconds(p, out_dir) for p in paths}
    return sorted(paths, key=lambda p: -cost[p])
