"""Explorer redraw time measured in the browser: a real JupyterLab, the notes and escrow
notebooks run with interactive=true, a slider (or the fee box) moved, the time from the key press
until plotly finished redrawing the chart in place with new data (its plotly_restyle/update/
relayout/afterplot event, performance.now()); a move that never redraws counts as NaN and is reported. Prints as its LAST line one
JSON object {"figures": {...}}. Run on demand: .venv/bin/python benchmarks/explorer_bench.py"""

from __future__ import annotations

import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _interactive_copy(name: str, dest: Path) -> None:
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    for c in nb.cells:
        if "parameters" in c.metadata.get("tags", []):
            c.source = c.source.replace("interactive: bool = False", "interactive: bool = True")
    nbformat.write(nb, dest / f"{name}.ipynb")


TYPE = """async ([n]) => {
  const plots = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot')];
  // the chart is redrawn in place (LiveChart edits one FigureWidget): done when plotly has
  // finished a restyle/update/relayout of that plot after the move AND its data differ from before
  const gd = plots[plots.length - 1];
  const snap = () => JSON.stringify((gd.data || []).map(t => [t.x, t.y, t.visible, t.link && t.link.value]));
  const input = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden) .widget-text input');
  const times = [];
  for (let i = 0; i < n; i++) {
    const done = new Promise(res => { const t0 = performance.now(); const before = snap(); let over = false;
      const evs = ['plotly_restyle', 'plotly_update', 'plotly_relayout', 'plotly_afterplot'];
      const stop = (t) => { over = true; for (const ev of evs) gd.removeListener(ev, fin); res(t); };
      const fin = () => { if (!over && snap() !== before) stop(performance.now() - t0); };
      for (const ev of evs) gd.on(ev, fin);
      input.value = String(1000 * (i + 1)) + '.00';
      input.dispatchEvent(new Event('input', {bubbles: true}));
      input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
      setTimeout(() => { if (!over) stop(NaN); }, 5000); });
    times.push(await done);
    await new Promise(r => setTimeout(r, 300));
  }
  return times;
}"""

MEASURE = """async ([sel, key, n]) => {
  const plots = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .js-plotly-plot')];
  // the chart is redrawn in place (LiveChart edits one FigureWidget): done when plotly has
  // finished a restyle/update/relayout of that plot after the move AND its data differ from before
  const gd = plots[plots.length - 1];
  const snap = () => JSON.stringify((gd.data || []).map(t => [t.x, t.y, t.visible, t.link && t.link.value]));
  const control = document.querySelectorAll(sel)[0];
  const times = [];
  for (let i = 0; i < n; i++) {
    const done = new Promise(res => { const t0 = performance.now(); const before = snap(); let over = false;
      const evs = ['plotly_restyle', 'plotly_update', 'plotly_relayout', 'plotly_afterplot'];
      const stop = (t) => { over = true; for (const ev of evs) gd.removeListener(ev, fin); res(t); };
      const fin = () => { if (!over && snap() !== before) stop(performance.now() - t0); };
      for (const ev of evs) gd.on(ev, fin);
      control.focus(); control.dispatchEvent(new KeyboardEvent('keydown', {key: i % 2 ? 'ArrowLeft' : 'ArrowRight', bubbles: true}));
      setTimeout(() => { if (!over) stop(NaN); }, 5000); });
    times.push(await done);
    await new Promise(r => setTimeout(r, 300));
  }
  return times;
}"""


def main() -> None:
    from playwright.sync_api import sync_playwright

    figures = {}
    with tempfile.TemporaryDirectory(prefix="dealkit-bench-") as tmp:
        tmp = Path(tmp)
        root = tmp / "nb"
        root.mkdir()
        for name in ("01_notes", "02_escrow"):
            _interactive_copy(name, root)
        port, token = _free_port(), "bench"
        (tmp / "settings" / "@jupyterlab" / "notebook-extension").mkdir(parents=True)
        (tmp / "settings" / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings").write_text(
            json.dumps({"windowingMode": "none"}))
        env = {**os.environ, "HOME": str(tmp), "JUPYTER_CONFIG_DIR": str(tmp / "cfg"),
               "JUPYTERLAB_SETTINGS_DIR": str(tmp / "settings"), "JUPYTER_DATA_DIR": str(tmp / "data"),
               "DEALKIT_LIVECHART_IN_PLACE": os.environ.get("DEALKIT_LIVECHART_IN_PLACE", "1")}
        cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
               "--LabApp.expose_app_in_browser=True"] + (["--allow-root"] if os.geteuid() == 0 else [])
        server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/api?token={token}", timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"{base}/lab/tree/01_notes.ipynb?reset&token={token}")
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60000)
                page.wait_for_function("window.jupyterapp && window.jupyterapp.commands.hasCommand('notebook:run-all-cells')")
                page.wait_for_timeout(3000)  # the kernel starts
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_selector(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle, .widget-hslider [role=slider]",
                                       timeout=180000)
                page.wait_for_timeout(3000)
                handle = ".jp-NotebookPanel:not(.lm-mod-hidden) .widget-hslider [role=slider], .jp-NotebookPanel:not(.lm-mod-hidden) .noUi-handle"
                times = page.evaluate(MEASURE, [handle, "ArrowRight", 8])
                ok = [t for t in times if t == t]
                figures["notes_slider_redraw_ms_median"] = round(statistics.median(ok), 1) if ok else None
                figures["notes_slider_redraw_ms_max"] = round(max(ok), 1) if ok else None
                figures["notes_slider_moves_measured"] = len(ok)
                figures["notes_slider_moves_lost"] = len(times) - len(ok)  # never redrew within 5 s
                every = list(ok)
                print(f"notes explorer, margin slider: {['%.0f' % t for t in times]} ms (goal <= 100 ms)")
                page.goto(f"{base}/lab/tree/02_escrow.ipynb?reset&token={token}")
                page.wait_for_function("window.jupyterapp && window.jupyterapp.commands.hasCommand('notebook:run-all-cells')")
                page.wait_for_selector(".jp-NotebookPanel .jp-Cell", timeout=60000)
                page.wait_for_timeout(3000)
                page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
                page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .widget-text input", timeout=180000)
                page.wait_for_timeout(3000)
                times = page.evaluate(TYPE, [6])
                ok = [t for t in times if t == t]
                figures["escrow_fee_redraw_ms_median"] = round(statistics.median(ok), 1) if ok else None
                figures["escrow_fee_redraw_ms_max"] = round(max(ok), 1) if ok else None
                figures["escrow_fee_edits_measured"] = len(ok)
                figures["escrow_fee_edits_lost"] = len(times) - len(ok)
                every += ok
                figures["redraw_ms_median"] = round(statistics.median(every), 1) if every else None
                figures["redraw_goal_ms"] = 100
                print(f"escrow editor, agent's fee: {['%.0f' % t for t in times]} ms (goal <= 100 ms)")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=15)
    print(json.dumps({"figures": figures}))


if __name__ == "__main__":
    main()
