"""Report-run benchmark: wall time against the floor, and the size of every page.

    .venv/bin/python benchmarks/report_bench.py [--repeat N]

Prints:
- the report run's wall time (``dealkit report`` as a user runs it, a fresh process each time),
- the floor: the same pipeline on the same number of *empty* notebooks (a parameters cell only:
  kernel start, papermill, export), and their ratio (goal <= 1.3, both cores used); the floor's
  warm kernels preload the modules the notebooks import, as the report's do, so the script also
  prints the floor with --fresh-kernels (a cold kernel per notebook, nothing preloaded),
- one notebook end to end (goal <= 2.5 s),
- the CPU seconds of each run's whole process tree (report, floor and their ratio: on a machine
  shared with other work the wall times mostly measure the others), and each notebook's cell time,
- each HTML's size against plotly.js (goal: page <= plotly.js + 1 MB, combined <= plotly.js + 2 MB)
  and its number of plotly.js copies (goal: 1).
Best of N runs (default 3) for the times, the kinds of run interleaved.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_notebook

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from dealkit.report.html import plotlyjs_banner  # noqa: E402
from dealkit.report.runner import discover  # noqa: E402

MB = 1024 * 1024


#: CPU seconds (user + system) of each run's whole process tree, by label (see :func:`_cli`).
CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _cli(*args: str, label: str = "") -> float:
    """Wall seconds of one ``dealkit report`` in a fresh process; its CPU seconds go to
    ``CPU[label]``: every process of the run (runner, workers, kernels) is waited for by its
    parent, so the tree's CPU time reaches this process's RUSAGE_CHILDREN. CPU time is what a
    loaded machine changes least (wall time there mostly measures the other users)."""
    c0, t0 = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "dealkit.cli", "report", *args], cwd=ROOT, capture_output=True, text=True
    )
    seconds = time.perf_counter() - t0
    CPU.setdefault(label, []).append(_children_cpu() - c0)
    if proc.returncode != 0:
        sys.exit(f"report run failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds


def _cell_seconds(out: Path) -> dict[str, float]:
    """Each executed notebook's cells, summed (papermill's per-cell durations: the kernel's start
    and the export are not in them)."""
    import json

    sums = {}
    for nb in sorted((out / "ipynb").glob("*.ipynb")):
        cells = json.loads(nb.read_text(encoding="utf-8"))["cells"]
        sums[nb.stem] = round(sum(c.get("metadata", {}).get("papermill", {}).get("duration") or 0 for c in cells), 3)
    return sums


def _empty_notebooks(folder: Path, count: int) -> None:
    for i in range(count):
        cell = new_code_cell('deal_path: str = ""  # deal file\ninteractive: bool = False  # widgets')
        cell.metadata["tags"] = ["parameters"]
        nb = new_notebook(
            cells=[cell], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
        )
        nbformat.write(nb, folder / f"{i:02d}_empty.ipynb")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    notebooks = discover()
    n = len(notebooks)
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        out, floor_out, one_out, empty = tmp / "out", tmp / "floor", tmp / "one", tmp / "empty"
        empty.mkdir()
        _empty_notebooks(empty, n)
        runs = {
            "report": lambda: _cli("--out", str(out), label="report"),
            "floor": lambda: _cli("--out", str(floor_out), "--notebook-dir", str(empty), label="floor"),
            # the same empty notebooks with a fresh kernel each (no warm kernels, no preloaded modules)
            "cold": lambda: _cli(
                "--out", str(floor_out), "--notebook-dir", str(empty), "--fresh-kernels", label="cold"
            ),
            "one": lambda: _cli("--out", str(one_out), "--notebook", notebooks[0].stem, label="one"),
        }
        # interleaved (report, floor, cold, one; report, floor, ...): a shared machine's slow spell
        # then slows every kind of run alike instead of all the runs of one kind
        times: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.repeat):
            for kind, run in runs.items():
                times[kind].append(run())
        (report, report_all), (floor, floor_all), (cold, cold_all), (one, one_all) = (
            (min(times[k]), times[k]) for k in ("report", "floor", "cold", "one")
        )
        cells = _cell_seconds(out)

        from plotly.offline import get_plotlyjs

        pjs = len(get_plotlyjs().encode())
        banner = plotlyjs_banner()
        print(f"machine: {cores} cores; {n} notebooks; best of {args.repeat} runs (fresh process each)")
        print(
            f"report run (dealkit report, {n} notebooks): {report:6.2f} s   runs: "
            + ", ".join(f"{t:.2f}" for t in report_all)
        )
        print(
            f"floor ({n} empty notebooks, same pipeline): {floor:6.2f} s   runs: "
            + ", ".join(f"{t:.2f}" for t in floor_all)
        )
        print(f"ratio report / floor:                      {report / floor:6.2f}   (goal <= 1.3)")
        print(
            f"floor with --fresh-kernels (cold kernels): {cold:6.2f} s   runs: "
            + ", ".join(f"{t:.2f}" for t in cold_all)
        )
        print(f"ratio report / cold floor:                 {report / cold:6.2f}")
        print(
            f"one notebook end to end ({notebooks[0].stem}):  {one:6.2f} s   (goal <= 2.5 s)   runs: "
            + ", ".join(f"{t:.2f}" for t in one_all)
        )
        cpu = {k: min(v) for k, v in CPU.items()}
        print(
            f"CPU seconds (whole process tree, least of the runs): report {cpu['report']:.2f}, floor "
            f"{cpu['floor']:.2f} (ratio {cpu['report'] / cpu['floor']:.2f}), cold floor {cpu['cold']:.2f}, "
            f"one notebook {cpu['one']:.2f}"
        )
        print("cells of each notebook (s, last report run): " + ", ".join(f"{k} {v:.2f}" for k, v in cells.items()))
        print(f"\nplotly.js inlined: {pjs / MB:.2f} MB")
        print(f"{'page':<22}{'size MB':>9}{'over plotly.js':>16}{'limit':>8}{'plotly.js copies':>18}")
        for page in sorted(out.glob("*.html")):
            text = page.read_text(encoding="utf-8")
            size = page.stat().st_size
            copies = text.count(banner)
            limit = "" if page.name == "index.html" else ("+2 MB" if page.name == "deal-report.html" else "+1 MB")
            over = (size - pjs) / MB if copies else 0.0
            print(f"{page.name:<22}{size / MB:9.2f}{over:16.3f}{limit:>8}{copies:>18}")
        print(f"\nmedian report run {statistics.median(report_all):.2f} s, floor {statistics.median(floor_all):.2f} s")
        import json

        print(
            json.dumps(
                {
                    "figures": {
                        "report_ratio_to_floor": round(report / floor, 3),
                        "one_notebook_s": round(one, 3),
                        "report_s": round(report, 3),
                        "floor_s": round(floor, 3),
                        "report_cpu_s": round(cpu["report"], 3),
                        "floor_cpu_s": round(cpu["floor"], 3),
                        "cpu_ratio_to_floor": round(cpu["report"] / cpu["floor"], 3),
                        "notebooks": n,
                    }
                }
            )
        )


if __name__ == "__main__":
    main()
