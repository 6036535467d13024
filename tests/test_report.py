"""``dealkit report``: real papermill runs on the python3 kernel, real HTML files.

The default-deal run is shared with the browser test (conftest.report_run)."""

import json
import re
from pathlib import Path

import nbformat
import pytest
from conftest import ROOT, run_cli
from nbformat.v4 import new_code_cell, new_notebook

from dealkit.report.html import plotlyjs_banner
from dealkit.report.runner import discover

pytestmark = pytest.mark.slow
MB = 1024 * 1024
NOTEBOOKS = [p.stem for p in discover()]


def _plotlyjs_size() -> int:
    from plotly.offline import get_plotlyjs

    return len(get_plotlyjs().encode("utf-8"))


def test_report_writes_every_page(report_run):
    proc, out = report_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in NOTEBOOKS:
        assert (out / f"{name}.html").is_file(), name
        assert (out / "ipynb" / f"{name}.ipynb").is_file(), name
    assert (out / "index.html").is_file()
    assert (out / "deal-report.html").is_file()
    assert f"{len(NOTEBOOKS)} of {len(NOTEBOOKS)} notebooks ok" in proc.stdout
    assert not list(out.glob(".*.tmp")), "temporary files left behind"


def test_pages_are_self_contained(report_run):
    _, out = report_run
    banner = plotlyjs_banner()
    limit = _plotlyjs_size()
    for page in [*(out / f"{n}.html" for n in NOTEBOOKS), out / "deal-report.html"]:
        text = page.read_text(encoding="utf-8")
        assert text.count(banner) == 1, f"{page.name}: plotly.js must be inlined exactly once"
        assert text.count('class="plotly-graph-div"') >= 1, page.name
        assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']?(https?:)?//""", text), page.name
        assert "require.min.js" not in text and "MathJax.js" not in text and "mermaid" not in text.lower()
        assert "application/vnd.jupyter.widget" not in text
        extra = 2 * MB if page.name == "deal-report.html" else 1 * MB
        assert page.stat().st_size <= limit + extra, f"{page.name}: {page.stat().st_size} bytes"


def test_code_is_hidden_and_figures_traceable(report_run):
    _, out = report_run
    text = (out / "00_overview.html").read_text(encoding="utf-8")
    body = text.split("<body", 1)[1]
    assert "dealkit.load_deal" not in body  # inputs excluded
    assert "jp-InputArea-editor" not in body  # no code cell's input is rendered
    assert "Funds Escrow Agreement §1.1(d)" in text  # the Escrowed Payment's clause
    assert "ATG&#x27;s jurisdiction differs" in text or "ATG's jurisdiction differs" in text
    assert "note_terms.prime_margin" in text  # the assumptions table


def test_index_links_every_report_with_parameters_and_time(report_run):
    _, out = report_run
    text = (out / "index.html").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        assert f'href="{name}.html"' in text
    assert 'href="deal-report.html"' in text
    assert "Run started" in text and "UTC" in text
    assert "deal.yaml" in text
    assert 'href="obligations.ics"' in text and 'href="obligations.csv"' in text


def test_notebooks_write_their_data_files_beside_the_html(report_run):
    _, out = report_run
    from icalendar import Calendar

    cal = Calendar.from_ical((out / "obligations.ics").read_bytes())
    assert [c for c in cal.walk() if c.name == "VEVENT"]
    assert (out / "obligations.csv").read_text(encoding="utf-8").startswith("id,obligor,obligee,duty")


def test_combined_report_has_every_section_and_a_toc(report_run):
    _, out = report_run
    text = (out / "deal-report.html").read_text(encoding="utf-8")
    for name in NOTEBOOKS:
        assert f'href="#sec-{name}"' in text
        assert f'id="sec-{name}"' in text


def test_executed_notebooks_record_parameters(report_run):
    _, out = report_run
    nb = nbformat.read(out / "ipynb" / "00_overview.ipynb", as_version=4)
    injected = [c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert injected and "deal_path" in injected[0].source


def test_interactive_parameter_runs_under_papermill(tmp_path):
    """Edge parameter: the widget path runs headless (no Output widgets) within the timeout."""
    proc = run_cli(
        "report", "--notebook", "00_overview", "-p", "interactive=true", "--out", str(tmp_path), "--timeout", "120"
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    html = (tmp_path / "00_overview.html").read_text(encoding="utf-8")
    assert "interactive" in html  # the parameter is shown in the injected-parameters record


def test_bad_parameter_value_is_refused_before_running(tmp_path):
    out = tmp_path / "out"
    proc = run_cli("report", "--notebook", "00_overview", "-p", "interactive=maybe", "--out", str(out))
    assert proc.returncode == 2
    assert proc.stderr.strip() == "dealkit report: parameter interactive: expected true or false (got 'maybe')"
    assert not out.exists()  # nothing ran, nothing was written


def _write_nb(path: Path, source: str) -> None:
    params = new_code_cell('deal_path: str = ""  # deal file\nlabel: str = "x"  # a label')
    params.metadata["tags"] = ["parameters"]
    nb = new_notebook(
        cells=[params, new_code_cell(source)],
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
    )
    nbformat.write(nb, path)


def test_failing_notebook_does_not_stop_the_others(tmp_path):
    nbdir, out = tmp_path / "nbs", tmp_path / "out"
    nbdir.mkdir()
    _write_nb(
        nbdir / "a_good.ipynb",
        "import plotly.graph_objects as go\nfrom dealkit.present.charts import use_notebook_renderer\n"
        "use_notebook_renderer()\ngo.Figure(go.Bar(x=[1, 2], y=[3, 4]))",
    )
    _write_nb(nbdir / "b_bad.ipynb", "print('before')\nraise RuntimeError('boom in cell 2')")
    _write_nb(nbdir / "c_good.ipynb", "print(label)")
    out.mkdir()
    (out / "b_bad.html").write_text("stale page of an earlier run")
    proc = run_cli("report", "--notebook-dir", str(nbdir), "--out", str(out), "--jobs", "2", "-p", "label=hello")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "2 of 3 notebooks ok" in proc.stdout
    assert "FAILED b_bad: RuntimeError: boom in cell 2" in proc.stdout
    assert (out / "a_good.html").is_file() and (out / "c_good.html").is_file()
    assert not (out / "b_bad.html").exists(), "a stale page must not pass for this run's"
    partial = nbformat.read(out / "ipynb" / "b_bad.ipynb", as_version=4)
    outputs = [o for c in partial.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert any(o.get("ename") == "RuntimeError" for o in outputs)
    assert any("before" in o.get("text", "") for o in outputs)
    combined = (out / "deal-report.html").read_text(encoding="utf-8")
    assert "failed in this run" in combined and "hello" in combined
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "FAILED" in index and "ipynb/b_bad.ipynb" in index
    assert "label" in index and "hello" in index


def test_notebook_dir_without_parameters_cell_is_refused(tmp_path):
    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    nbformat.write(new_notebook(cells=[new_code_cell("1")]), nbdir / "x.ipynb")
    proc = run_cli("report", "--notebook-dir", str(nbdir), "--out", str(tmp_path / "out"))
    assert proc.returncode == 2 and "x.ipynb: no cell tagged 'parameters'" in proc.stderr


def test_summary_json_free_of_absolute_temp_names(report_run):
    # the executed notebooks are plain nbformat files a user can open in JupyterLab
    _, out = report_run
    for name in NOTEBOOKS:
        data = json.loads((out / "ipynb" / f"{name}.ipynb").read_text(encoding="utf-8"))
        assert data["metadata"]["kernelspec"]["name"] == "python3"
        assert data["metadata"]["papermill"]["exception"] in (None, False)
    assert ROOT.exists()


def test_warm_kernel_gives_each_notebook_an_empty_namespace(tmp_path):
    """One worker (--jobs 1) runs three notebooks on one warm kernel: the second does not see
    what the first defined, execution counts start at 1, and a failure gets the next one a fresh
    kernel. --fresh-kernels runs the same set on a kernel each."""
    nbdir, out = tmp_path / "nbs", tmp_path / "out"
    nbdir.mkdir()
    _write_nb(nbdir / "a_define.ipynb", "import os\nleak = 42\nprint(os.getpid())")
    _write_nb(
        nbdir / "b_check.ipynb", "import os\nassert 'leak' not in globals(), 'namespace leaked'\nprint(os.getpid())"
    )
    _write_nb(nbdir / "c_fail.ipynb", "raise ValueError('planned failure')")
    _write_nb(nbdir / "d_after.ipynb", "import os\nprint(os.getpid())")
    for flags in ([], ["--fresh-kernels"]):
        proc = run_cli("report", "--notebook-dir", str(nbdir), "--out", str(out), "--jobs", "1", *flags)
        assert proc.returncode == 1, proc.stdout + proc.stderr
        assert "3 of 4 notebooks ok" in proc.stdout and "FAILED c_fail: ValueError: planned failure" in proc.stdout
        pids = {}
        for name in ("a_define", "b_check", "d_after"):
            nb = nbformat.read(out / "ipynb" / f"{name}.ipynb", as_version=4)
            code = [c for c in nb.cells if c.cell_type == "code"]
            assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), name
            pids[name] = int(code[-1].outputs[0]["text"].strip())
        if not flags:
            assert pids["a_define"] == pids["b_check"] != pids["d_after"]  # reused, then fresh after the failure
        else:
            assert len(set(pids.values())) == 3


def test_executed_notebooks_carry_no_kernel_noise(report_run):
    """Six notebooks on three warm kernels: the second notebook of a kernel starts again at
    execution count 1, which IPython's SQLite history refused ("ERROR! Session/line number was not
    unique in database. History logging moved to new session"), printed into the notebook and its
    page. The report kernels keep no history: no stream output of any notebook mentions it."""
    _, out = report_run
    for name in NOTEBOOKS:
        nb = nbformat.read(out / "ipynb" / f"{name}.ipynb", as_version=4)
        streams = [
            o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "stream"
        ]
        assert not [s for s in streams if "History logging" in s or "not unique in database" in s], name
        assert "History logging" not in (out / f"{name}.html").read_text(encoding="utf-8"), name


def _timed_nb(path: Path, durations, hint=None, exception=None) -> None:
    """A notebook as papermill leaves it: each cell's ``metadata.papermill.duration``."""
    cells = [new_code_cell(f"x = {i}") for i, _ in enumerate(durations)]
    for cell, d in zip(cells, durations):
        cell.metadata["papermill"] = {"duration": d, "exception": exception}
    meta = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    if hint is not None:
        meta["dealkit"] = {"expected_seconds": hint}
    nbformat.write(new_notebook(cells=cells, metadata=meta), path)


def test_longest_notebook_starts_first(tmp_path):
    """The order notebooks are handed to the workers: the earlier run's cell times (exact sums),
    else the notebook's own ``expected_seconds``, else 0; ties keep name order; anything
    unreadable, hostile or from a failed run is unknown, never an error."""
    from dealkit.report.runner import expected_seconds, longest_first

    nbdir, out = tmp_path / "nbs", tmp_path / "out"
    (out / "ipynb").mkdir(parents=True)
    nbdir.mkdir()
    names = ["a_short", "b_long", "c_hinted", "d_plain", "e_failed", "f_garbage", "g_link", "h_hostile"]
    for name in names:
        _timed_nb(nbdir / f"{name}.ipynb", [0.0], hint={"c_hinted": 1.5, "e_failed": 0.25}.get(name))
    _timed_nb(out / "ipynb" / "a_short.ipynb", [0.125, 0.25])
    _timed_nb(out / "ipynb" / "b_long.ipynb", [1.0, 2.5, 0.5])
    _timed_nb(out / "ipynb" / "e_failed.ipynb", [9.0], exception=True)  # a failed run: its hint counts
    (out / "ipynb" / "f_garbage.ipynb").write_text("{not json", encoding="utf-8")
    (out / "ipynb" / "g_link.ipynb").symlink_to(out / "ipynb" / "b_long.ipynb")  # never followed
    _timed_nb(out / "ipynb" / "h_hostile.ipynb", [True, -5, "9", 1e308 * 10])  # none is a duration
    paths = [nbdir / f"{n}.ipynb" for n in names]
    got = {p.stem: expected_seconds(p, out) for p in paths}
    assert got == {
        "a_short": 0.375,
        "b_long": 4.0,
        "c_hinted": 1.5,
        "d_plain": 0.0,
        "e_failed": 0.25,
        "f_garbage": 0.0,
        "g_link": 0.0,
        "h_hostile": 0.0,
    }
    assert [p.stem for p in longest_first(paths, out)] == [
        "b_long",
        "c_hinted",
        "a_short",
        "e_failed",
        "d_plain",
        "f_garbage",
        "g_link",
        "h_hostile",
    ]
    # a first run (no earlier notebooks): the hints, then name order
    assert [p.stem for p in longest_first(paths)][:3] == ["c_hinted", "e_failed", "a_short"]
    # the shipped notebooks: the risk notebook (10,000 paths) is hinted as the longest
    assert longest_first(discover())[0].stem == "05_risk"


def test_plotlyjs_goes_in_once_even_when_a_page_quotes_its_mark(tmp_path):
    """plotly.js is put in after nbconvert's HTML pass, at a mark in the page's head: an output
    that prints the mark's text keeps it as text, and the page still carries plotly.js once."""
    from nbformat.v4 import new_output

    from dealkit.report.html import _PLOTLYJS_MARK, PLOTLY_MIME, notebook_to_html

    fig = {"data": [{"type": "bar", "y": [1, 2]}], "layout": {"title": {"text": "a & b"}}}
    cell = new_code_cell(
        "x",
        outputs=[
            new_output("stream", name="stdout", text=_PLOTLYJS_MARK),
            new_output("display_data", data={PLOTLY_MIME: fig}),
        ],
    )
    page = notebook_to_html(new_notebook(cells=[cell]), banner="b")
    assert page.count(plotlyjs_banner()) == 1
    head, body = page.split("<body", 1)
    assert plotlyjs_banner() in head and _PLOTLYJS_MARK not in head
    assert _PLOTLYJS_MARK in body and 'class="plotly-graph-div"' in body
    # a page without figures carries no plotly.js and no mark
    bare = notebook_to_html(
        new_notebook(cells=[new_code_cell("y", outputs=[new_output("stream", name="stdout", text="plain")])])
    )
    assert plotlyjs_banner() not in bare and _PLOTLYJS_MARK not in bare


def test_summary_computed_early_gets_this_runs_risk_ranges_after():
    """The runner computes the executive summary while the notebooks run and adds 05_risk's ranges
    at the end: the same summary as computing it with the metrics in hand."""
    import dealkit
    from dealkit.summary import executive_summary, with_risk

    deal = dealkit.load_deal()
    metrics = {
        "defaulted": 0.5,
        "n_paths": 10,
        "provenance": "gbm",
        "percentiles": {
            "lender_xirr": {"p5": 0.01, "p50": 0.1, "p95": 0.3},
            "dilution": {"p5": 0.0, "p50": 0.02, "p95": 0.05},
        },
    }
    early = executive_summary(deal)
    assert with_risk(early, None) is early and with_risk(early, {"percentiles": {}}) is early
    late, direct = with_risk(early, metrics), executive_summary(deal, risk=metrics)
    assert late.figures == direct.figures and late.exact == direct.exact and late.to_html() == direct.to_html()
    assert len(late.figures) == len(early.figures) + 2 and early.figures == [*late.figures[:2], *late.figures[4:]]


def test_no_notebook_drops_a_table_or_a_chart():
    """IPython shows only a cell's *last* top-level expression: a ``table(...)`` or a chart built
    anywhere else (inside an ``if``, or before another statement) is computed and never shown.
    Every such call is the cell's last expression or goes through ``display``. (01_notes built
    its default reconciliation table inside ``if stop:`` and dropped it.)"""
    import ast

    shown_by_name = ("table",)
    dropped = []
    for path in sorted((ROOT / "notebooks").glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            tree = ast.parse(cell.source)
            last = tree.body[-1] if tree.body else None
            for node in ast.walk(tree):
                if node is last or not isinstance(node, ast.Expr) or not isinstance(node.value, ast.Call):
                    continue
                name = ast.unparse(node.value.func)
                if name in shown_by_name or name.endswith("_figure") or name.startswith(("charts.", "risk_charts.")):
                    if not name.endswith("use_notebook_renderer"):
                        dropped.append(f"{path.name} cell {index}: {ast.unparse(node)[:80]}")
    assert dropped == []


def test_a_worker_yielding_the_cpu_lowers_its_priority_once():
    """run_in_worker(yield_cpu=True) raises the worker's nice value by YIELD_NICENESS (its kernel's
    too, when it has one), once; the worker running the run's longest notebook keeps its own."""
    import subprocess
    import sys

    code = """
import os
from dealkit.report import pool
start = os.getpriority(os.PRIO_PROCESS, 0)
pool._yield_cpu(); pool._yield_cpu()
print(start, os.getpriority(os.PRIO_PROCESS, 0))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    start, after = map(int, out.stdout.split())
    from dealkit.report.pool import YIELD_NICENESS

    assert after == min(19, start + YIELD_NICENESS)


def test_the_page_is_made_from_the_notebook_papermill_wrote(tmp_path):
    """The page is exported from the notebook papermill returns, not read back from the file it
    wrote: the two are the same notebook (outputs, a chart and execution metadata included)."""
    from dealkit.report.notebook import _execute_with

    nbdir = tmp_path / "nbs"
    nbdir.mkdir()
    _write_nb(
        nbdir / "a.ipynb",
        "import plotly.graph_objects as go\nprint('text')\ngo.Figure(go.Bar(y=[1, 2]))",
    )
    executed = _execute_with(None, nbdir / "a.ipynb", tmp_path / "stage.ipynb", tmp_path / "a.ipynb", {}, 60, 60)
    written = nbformat.read(tmp_path / "a.ipynb", as_version=4)
    assert executed == written
    outputs = [o for c in executed.cells if c.cell_type == "code" for o in c.outputs]
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)
    assert not (tmp_path / "stage.ipynb").exists()
