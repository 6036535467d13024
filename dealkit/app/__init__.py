"""The live app: the explorers (notes, escrow, option, ...) served by Voilà as widgets and charts
with no code, for people who will not start JupyterLab.

``make app`` (or ``dealkit app --port N``) serves ``explorers.ipynb`` of this folder; the notebook
is thin and only calls :func:`app_widget`. The explorers are a list, :data:`EXPLORERS`: to add one
(e.g. risk), append an :class:`Explorer` whose ``build(deal, inputs)`` returns an ipywidget, or
call :func:`register`. Every explorer starts from the same inputs as the exports and the
notebooks (:class:`dealkit.export.bundle.ExportInputs`); the figures are dealkit's own functions.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from dealkit.export.bundle import ExportInputs

__all__ = ["Explorer", "EXPLORERS", "register", "app_widget", "serve", "NOTEBOOK", "voila_command", "app_env"]

#: The notebook Voilà serves (thin: it calls :func:`app_widget`).
NOTEBOOK = Path(__file__).resolve().parent / "explorers.ipynb"
#: dealkit's Voilà template (Voilà's lab template without its CDN links), found through JUPYTER_PATH.
SHARE = Path(__file__).resolve().parent / "share"
#: The environment variable that carries ``--deal`` to the app's kernel.
DEAL_ENV = "DEALKIT_APP_DEAL"


@dataclass(frozen=True)
class Explorer:
    """One section of the app: ``key`` (its CSS class is ``dealkit-KEY``), a title, a one-line
    description, and ``build(deal, inputs) -> ipywidgets.Widget``."""

    key: str
    title: str
    description: str
    build: Callable


def _notes(deal, inputs: ExportInputs):
    from dealkit.params import as_price
    from dealkit.present.explorers import notes_explorer
    from dealkit.rules.notes.conversion import Market
    from dealkit.rules.notes.terms import assumptions_from_deal

    a = assumptions_from_deal(deal)
    market = Market.for_deal(
        deal,
        as_price(inputs.stock_price, "stock_price"),
        inputs.daily_volume,
        shock=as_price(inputs.price_shock, "price_shock"),
    )
    return notes_explorer(deal, a, market, inputs.term_b_maturity, inputs.default_day(deal))


def _escrow(deal, inputs: ExportInputs):
    from dealkit.present.explorers import escrow_editor
    from dealkit.rules.escrow.instructions import parse_instructions

    return escrow_editor(deal, parse_instructions(inputs.instructions, deal), inputs.agent_fee)


def _option(deal, inputs: ExportInputs):
    from dealkit.present.explorers import option_explorer

    return option_explorer(
        deal, inputs.fmv, deal.capitalization.outstanding_at_closing.value, inputs.holdings, inputs.reading
    )


#: Paths the app's risk explorer simulates: fewer than 05_risk's default, so that the first page
#: comes up quickly; every figure it shows says how many paths and which (assumed) model.
APP_RISK_PATHS = "2000"


def _risk(deal, inputs: ExportInputs):
    from dealkit.engines.risk.parameters import from_parameters
    from dealkit.present.risk_widgets import risk_explorer

    scenario, term_b = from_parameters(deal, n_paths=APP_RISK_PATHS)
    return risk_explorer(scenario, deal, "atg_cost", term_b_maturity=term_b)


#: The app's sections, in order. Extend with :func:`register` (or append here).
EXPLORERS: list[Explorer] = [
    Explorer(
        "notes",
        "The notes",
        "Margin, floor, Fixed Conversion Price and a price shock: the schedules' totals and the debt service redraw.",
        _notes,
    ),
    Explorer(
        "escrow",
        "The escrow",
        "Edit the Joint Instructions or the agent's fee: the disbursement to the cent "
        "and the Sankey chart redraw (FEA §3.1(a)).",
        _escrow,
    ),
    Explorer(
        "option",
        "The Option",
        "FMV, shares outstanding, the Holder's shares and the §10 reading: what may "
        "be exercised now, cash against cashless (Option §2.2, §10).",
        _option,
    ),
    Explorer(
        "risk",
        "Risk across price paths (illustrative)",
        "Simulated ATG price paths (an assumed model, "
        "stated under the chart): move the Fixed Conversion Price, the volume cap or ATG's cash capacity and "
        "the distribution of ATG's cost redraws on the same paths.",
        _risk,
    ),
]


def register(explorer: Explorer) -> None:
    """Add an explorer to the app (a key already present is replaced, keeping its place)."""
    for i, e in enumerate(EXPLORERS):
        if e.key == explorer.key:
            EXPLORERS[i] = explorer
            return
    EXPLORERS.append(explorer)


#: The inputs the app starts from unless told otherwise: the exports' and the notebooks' defaults.
_DEFAULT_INPUTS = ExportInputs()


def app_widget(deal, inputs: ExportInputs = _DEFAULT_INPUTS, explorers: list[Explorer] | None = None):
    """Every explorer, one section each, under a heading; a section that fails to build shows its
    error (escaped) instead of taking the others down."""
    import html

    import ipywidgets as w

    sections = [
        w.HTML(
            f"<h1>{html.escape(deal.deal.name.value)}</h1><p>Live explorers: move a control and "
            "the figures and charts are recomputed by dealkit.</p>"
        )
    ]
    for e in explorers if explorers is not None else EXPLORERS:
        head = w.HTML(f"<h2>{html.escape(e.title)}</h2><p>{html.escape(e.description)}</p>")
        try:
            body = e.build(deal, inputs)
        except Exception as exc:  # one broken section must not hide the others
            body = w.HTML(f'<p style="color:#b00">Could not build this explorer: {html.escape(str(exc)[:300])}</p>')
        box = w.VBox([head, body])
        box.add_class(f"dealkit-{e.key}")
        sections.append(box)
    return w.VBox(sections)


def voila_command(port: int, notebook: Path = NOTEBOOK) -> list[str]:
    """The Voilà command line: loopback only, no browser, code hidden, no tracebacks shown.

    Examples
    --------
    >>> command = voila_command(8866)
    >>> command[1:3], command[4:6]
    (['-m', 'voila'], ['--port=8866', '--Voila.ip=127.0.0.1'])
    """
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--template=dealkit",
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--Voila.port_retries=0",
    ]


def app_env(base: dict[str, str] | None = None, deal_path: str | None = None) -> dict[str, str]:
    """The environment of the Voilà process: ``base`` (default: this process's) with dealkit's
    template folder first on ``JUPYTER_PATH`` and the deal file for the kernel."""
    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(
        [str(SHARE)] + [p for p in env.get("JUPYTER_PATH", "").split(os.pathsep) if p]
    )
    env[DEAL_ENV] = str(Path(deal_path).resolve()) if deal_path else ""
    return env


def serve(port: int = 8866, deal_path: str | None = None) -> int:
    """Run the app in the foreground until interrupted (Ctrl-C); returns Voilà's exit code."""
    from dealkit.deal.loader import load_deal
    from dealkit.errors import ParameterError

    if not (0 < port < 65536):
        raise ParameterError(f"--port: a port between 1 and 65535 (got {port})")
    if deal_path:
        load_deal(deal_path)  # a bad deal file fails here, with its one-line message
    import socket

    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise ParameterError(f"--port: {port} is in use on 127.0.0.1 (choose another: PORT=N make app)") from None
    env = app_env(deal_path=deal_path)
    print(f"dealkit app: http://127.0.0.1:{port}/ (Ctrl-C stops it)", file=sys.stderr)
    proc = subprocess.Popen(voila_command(port), env=env)
    try:
        return proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        return 130
