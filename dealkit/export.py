"""Executed notebook → self-contained HTML: code hidden, plotly.js inlined once, no network.

Each ``application/vnd.plotly.v1+json`` output becomes a ``<div>`` drawn by
``plotly.io.to_html(..., include_plotlyjs=False)``; the page's head carries plotly.js once. The
template (``templates/dealkit``) extends nbconvert's lab template and drops require.js, MathJax,
mermaid and the widget manager, which would load from a CDN.
"""

from __future__ import annotations

import copy
import functools
import html
import os
import tempfile
from pathlib import Path

import nbformat

__all__ = ["PLOTLY_MIME", "inline_plotly_outputs", "notebook_to_html", "combined_notebook",
           "write_atomic", "plotlyjs_banner"]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotlyjs_banner() -> str:
    """The first line of the inlined plotly.js bundle (used to count copies in a page)."""
    return _plotlyjs().lstrip()[:40]


@functools.lru_cache(maxsize=1)
def _exporter():
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="dealkit", extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    return exporter


def inline_plotly_outputs(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` where every plotly figure output is an HTML ``<div>`` and widget views
    (dead without a kernel) are dropped. Returns the copy and the number of figures."""
    import plotly.io as pio

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and PLOTLY_MIME in data:
                div = pio.to_html(data[PLOTLY_MIME], include_plotlyjs=False, full_html=False,
                                  validate=False, config={"displaylogo": False, "responsive": True})
                out["data"] = {"text/html": div}
                figures += 1
            elif data and WIDGET_MIME in data:
                data.pop(WIDGET_MIME)
                if not data:
                    continue
            kept.append(out)
        cell["outputs"] = kept
    return nb, figures


def notebook_to_html(nb: nbformat.NotebookNode, banner: str = "") -> str:
    """Export an executed notebook to one self-contained HTML page (inputs hidden)."""
    nb, figures = inline_plotly_outputs(nb)
    resources = {"plotlyjs": _plotlyjs() if figures else "", "dealkit_banner": banner,
                 "metadata": {"name": nb.metadata.get("title", "dealkit report")}}
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body


def combined_notebook(sections: list[tuple[str, str, nbformat.NotebookNode]], title: str,
                      preface: str = "") -> nbformat.NotebookNode:
    """One notebook of all sections, each under an anchored heading, after a table of contents.

    ``sections`` is ``[(anchor, heading, executed notebook), ...]``; only code outputs and
    markdown are kept (inputs are hidden at export anyway).
    """
    from nbformat.v4 import new_markdown_cell, new_notebook

    toc = "\n".join(f'<li><a href="#{html.escape(a)}">{html.escape(h)}</a></li>' for a, h, _ in sections)
    cells = [new_markdown_cell(f"# {html.escape(title)}\n\n{preface}\n\n"
                               f'<ol class="dealkit-toc">{toc}</ol>')]
    for anchor, heading, nb in sections:
        cells.append(new_markdown_cell(f'<a id="{html.escape(anchor)}"></a>\n\n---\n\n'
                                       f"<p><b>Section: {html.escape(heading)}</b></p>"))
        cells.extend(copy.deepcopy(c) for c in nb.cells if c.cell_type in ("markdown", "code"))
    out = new_notebook(cells=cells, metadata={"title": title,
                                              "kernelspec": {"name": "python3", "display_name": "Python 3",
                                                             "language": "python"}})
    return out


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder and ``os.replace``:
    a reader sees the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
