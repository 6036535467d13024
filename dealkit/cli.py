"""``dealkit`` command line: ``dealkit check``, ``report``, ``sweep``, ``export`` and ``app``.

Exit codes: 0 success; 1 a notebook failed (the others still ran); 2 bad input (deal file,
parameter, notebook name), with a one-paragraph message on stderr and no traceback.
"""

from __future__ import annotations

import argparse
import sys

from dealkit.errors import DealDataError, ParameterError, ReportError

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dealkit", description="The Laurus / ATG financing of September 2005.")
    sub = parser.add_subparsers(dest="command", required=True)

    check = sub.add_parser("check", help="validate a deal file and print the review findings")
    check.add_argument("--deal", metavar="PATH", help="deal YAML (default: the embedded data/deal.yaml)")
    check.add_argument("--json", action="store_true", help="print the findings as JSON")

    _add_report(sub)
    _add_sweep(sub)
    _add_export(sub)
    app = sub.add_parser("app", help="serve the explorers as a Voila app on localhost")
    app.add_argument("--port", type=int, default=8866, help="port (default: 8866)")
    app.add_argument("--deal", metavar="PATH", help="deal YAML (default: the embedded data/deal.yaml)")
    return parser


def _add_report(sub) -> None:
    """``dealkit report``: run the notebooks and write the HTML reports."""
    report = sub.add_parser("report", help="run the notebooks and write HTML reports")
    report.add_argument("--deal", metavar="PATH", help="deal YAML (default: the embedded data/deal.yaml)")
    report.add_argument("--out", metavar="DIR", default="reports", help="output folder (default: reports)")
    report.add_argument(
        "-p",
        "--param",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a notebook parameter, passed as a string (repeatable)",
    )
    report.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="notebooks run at once (default: the number of cores)"
    )
    report.add_argument(
        "--notebook",
        metavar="NAME",
        action="append",
        default=None,
        help="run only this notebook (repeatable; e.g. 00_overview)",
    )
    report.add_argument(
        "--notebook-dir",
        metavar="DIR",
        default=None,
        help="run the notebooks of this folder instead of the project's notebooks/",
    )
    report.add_argument(
        "--fresh-kernels",
        action="store_true",
        help="a new kernel for every notebook (default: each worker keeps one warm kernel and "
        "clears its namespace between notebooks)",
    )
    report.add_argument(
        "--timeout", type=int, default=None, metavar="SECONDS", help="execution timeout per cell (default: 300)"
    )


def _add_sweep(sub) -> None:
    """``dealkit sweep``: every combination of a grid of parameters."""
    sweep = sub.add_parser("sweep", help="run every combination of a grid of parameters and compare the scenarios")
    sweep.add_argument("grid", metavar="GRID.yaml", help="notebooks: [...], parameters: {name: [values, ...]}")
    sweep.add_argument("--out", metavar="DIR", default="sweep", help="output folder (default: sweep)")
    sweep.add_argument("--deal", metavar="PATH", help="deal YAML (default: the embedded data/deal.yaml)")
    sweep.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        default=None,
        help="run on this Dask distributed scheduler (e.g. tcp://host:8786); default: local processes",
    )
    sweep.add_argument(
        "--jobs", type=int, default=None, metavar="N", help="local processes (default: the number of cores)"
    )
    sweep.add_argument(
        "--timeout", type=int, default=None, metavar="SECONDS", help="execution timeout per cell (default: 300)"
    )


def _add_export(sub) -> None:
    """``dealkit export``: the workbook, Open Cap Format, CSV or iCalendar files."""
    export = sub.add_parser(
        "export", help="write the workbook, Open Cap Format, CSV or iCalendar files (no notebook runs)"
    )
    export.add_argument("--deal", metavar="PATH", help="deal YAML (default: the embedded data/deal.yaml)")
    export.add_argument(
        "--format",
        metavar="FORMAT",
        action="append",
        default=[],
        help="xlsx, ocf, csv or ics; comma-separated or repeated (e.g. --format xlsx,ocf)",
    )
    export.add_argument("--out", metavar="DIR", default="exports", help="output folder (default: exports)")


def _sweep(args: argparse.Namespace) -> int:
    from dealkit.deal.loader import load_deal
    from dealkit.report.sweep import load_grid, run_sweep

    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs: must be at least 1 (got {args.jobs})")
    if args.deal:
        load_deal(args.deal)  # a bad deal file is refused before anything runs
    grid = load_grid(args.grid)
    rows = run_sweep(
        grid, args.out, scheduler=args.scheduler, jobs=args.jobs, deal_path=args.deal, timeout=args.timeout or 300
    )
    ok = sum(r["status"] == "ok" for r in rows)
    for r in rows:
        if r["status"] != "ok":
            params = ", ".join(f"{k}={r[k]}" for k in grid.parameters)
            print(f"scenario {r['scenario']} failed ({params}): {r['error']}")
    print(f"{ok} of {len(rows)} scenarios ok; {args.out}/sweep.html, {args.out}/sweep.csv")
    return 0 if ok == len(rows) else 1


def _export(args: argparse.Namespace) -> int:
    from dealkit.deal.loader import load_deal
    from dealkit.export.bundle import export, parse_formats

    formats = parse_formats(args.format)  # an unknown format fails before the deal is read
    written = export(load_deal(args.deal), args.out, formats)
    for path in written:
        print(path)
    return 0


def _app(args: argparse.Namespace) -> int:
    from dealkit.app import serve

    return serve(port=args.port, deal_path=args.deal)


def _check(args: argparse.Namespace) -> int:
    from dealkit.deal.loader import load_deal
    from dealkit.deal.review import review

    deal = load_deal(args.deal)
    result = review(deal)
    if args.json:
        print(result.to_json())
        return 0
    counts = result.counts()
    print(f"{args.deal or 'embedded deal'}: valid. Findings: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    for f in result.findings:
        print(f"[{f.severity}] {f.kind}: {f.title}\n    {f.detail}\n    cites: {'; '.join(f.citations)}")
    print(f"Checks passed ({len(result.passed)}):")
    for p in result.passed:
        print(f"  ✓ {p}")
    return 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from dealkit.params import parse_assignments
    from dealkit.report.runner import EXECUTION_TIMEOUT, NOTEBOOK_DIR, run_report

    if args.jobs is not None and args.jobs < 1:
        raise ParameterError(f"--jobs: must be at least 1 (got {args.jobs})")
    if args.timeout is not None and args.timeout < 1:
        raise ParameterError(f"--timeout: must be at least 1 second (got {args.timeout})")
    summary = run_report(
        deal_path=args.deal,
        out_dir=args.out,
        parameters=parse_assignments(args.param),
        jobs=args.jobs,
        notebooks=args.notebook,
        execution_timeout=args.timeout or EXECUTION_TIMEOUT,
        notebook_dir=Path(args.notebook_dir) if args.notebook_dir else NOTEBOOK_DIR,
        fresh_kernels=args.fresh_kernels,
    )
    print(summary.text())
    return 0 if summary.ok else 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"check": _check, "report": _report, "sweep": _sweep, "export": _export, "app": _app}[args.command](args)
    except (DealDataError, ParameterError, ReportError) as exc:
        print(f"dealkit {args.command}: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `dealkit check | head`
        sys.stderr.close()
        return 0
    except OSError as exc:  # e.g. an output folder that cannot be written
        print(f"dealkit {args.command}: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM/SIGHUP (report.Terminated)
        print("dealkit: interrupted; workers and kernels stopped, temporary files removed", file=sys.stderr)
        return 143 if type(exc).__name__ == "Terminated" else 130


if __name__ == "__main__":
    sys.exit(main())
