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
import re
import threading
from pathlib import Path

import nbformat

from dealkit.present.sanitize import safe_plotly_text, sanitize_figure

__all__ = [
    "PLOTLY_MIME",
    "CSP",
    "csp_meta",
    "safe_plotly_text",
    "sanitize_figure",
    "inline_plotly_outputs",
    "notebook_to_html",
    "plotlyjs_banner",
    "accessible",
]

PLOTLY_MIME = "application/vnd.plotly.v1+json"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"

#: The Content-Security-Policy every page carries (a ``<meta>`` at the top of its head): nothing
#: loads from the network or from other files. Scripts and styles are inline (plotly.js is
#: inlined once; plotly builds its styles at run time and needs 'unsafe-eval' for its
#: number-format and template code); images and fonts only as ``data:``/``blob:`` (plotly's
#: own); no fetch/XHR/WebSocket, frames, plugins, forms or ``<base>``.
CSP = (
    "default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval'; style-src 'unsafe-inline'; "
    "img-src data: blob:; font-src data:; connect-src 'none'; media-src 'none'; object-src 'none'; "
    "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'"
)


def csp_meta() -> str:
    """The ``<meta>`` elements that put :data:`CSP` (and a no-referrer policy) on a page."""
    return (
        f'<meta http-equiv="Content-Security-Policy" content="{html.escape(CSP, quote=False)}">'
        '<meta name="referrer" content="no-referrer">'
    )


@functools.lru_cache(maxsize=1)
def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def plotlyjs_banner() -> str:
    """The first line of the inlined plotly.js bundle (used to count copies in a page)."""
    return _plotlyjs().lstrip()[:40]


_EXPORTER_LOCK = threading.Lock()
_EXPORTER = None


def _exporter():
    """The HTML exporter, built once per process (thread-safe: :func:`warm_up` may be building
    it in the background while a kernel runs)."""
    global _EXPORTER
    with _EXPORTER_LOCK:
        if _EXPORTER is None:
            exporter = _exporter_class()(template_name="dealkit", extra_template_basedirs=[str(TEMPLATE_DIR)])
            exporter.exclude_input = True
            exporter.exclude_input_prompt = True
            exporter.exclude_output_prompt = True
            # validate the notebook once, after the preprocessors, not after each of them (the
            # same check, the same page; nbformat.validate is most of a small page's export)
            exporter.optimistic_validation = True
            # the first export compiles the templates and the pygments styles (~0.5 s)
            from nbformat.v4 import new_code_cell, new_notebook

            exporter.from_notebook_node(new_notebook(cells=[new_code_cell("1")]))
            _EXPORTER = exporter
        return _EXPORTER


def _exporter_class():
    """nbconvert's HTMLExporter (7.x) without the BeautifulSoup pass it makes over every page it
    renders: a full parse and re-serialization of the page (about 40% of a report page's export)
    to add ``tabindex="0"`` to the cells' input and output areas and an ``alt`` text to images,
    which :func:`accessible` adds to the rendered text instead."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class DealkitHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):  # HTMLExporter's, less the soup
            langinfo = nb.metadata.get("language_info", {})
            lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
            highlight_code = self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            resources = self._init_resources(resources)
            filter_data_type = WidgetsDataTypeFilter(
                notebook_metadata=self._nb_metadata, parent=self, resources=resources
            )
            self.register_filter("highlight_code", highlight_code)
            self.register_filter("filter_data_type", filter_data_type)
            body, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
            return accessible(body), resources

    return DealkitHTMLExporter


#: The opening tag of a cell's input or output area (nbconvert's lab template), without a tabindex.
_FOCUSABLE = re.compile(
    r'<div\b(?![^>]*\btabindex=)([^>]*\bclass="[^"]*\b(?:jp-Cell-inputWrapper|jp-OutputArea-output)\b[^"]*"[^>]*)>'
)
#: An image without an ``alt`` attribute.
_IMG_WITHOUT_ALT = re.compile(r"<img\b(?![^>]*\balt=)")


def accessible(page: str) -> str:
    """What nbconvert's HTMLExporter adds to a rendered page: keyboard focus on every cell's input
    and output area (``tabindex="0"``) and an ``alt`` text on every image without one.

    Examples
    --------
    >>> accessible('<div class="jp-OutputArea-output jp-RenderedHTML"><img src="data:,"></div>')
    '<div class="jp-OutputArea-output jp-RenderedHTML" tabindex="0"><img alt="No description has been provided for this image" src="data:,"></div>'
    """
    page = _FOCUSABLE.sub(r'<div\1 tabindex="0">', page)
    return _IMG_WITHOUT_ALT.sub('<img alt="No description has been provided for this image"', page)


def warm_up() -> None:
    """Build the exporter and load plotly.js, e.g. in a thread while a kernel executes (the
    runner mostly waits on the kernel then), and export a page with a figure and an entity once:
    the first such page pays for plotly's HTML writer and BeautifulSoup's entity tables (~0.5 s)."""
    _exporter()
    _plotlyjs()
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    out = new_output(
        "display_data",
        data={PLOTLY_MIME: {"data": [{"type": "bar", "y": [1]}], "layout": {}}, "text/html": "<p>&amp;</p>"},
    )
    notebook_to_html(new_notebook(cells=[new_code_cell("1", outputs=[out])]))


def inline_plotly_outputs(nb: nbformat.NotebookNode) -> tuple[nbformat.NotebookNode, int]:
    """A copy of ``nb`` where every plotly figure output is an HTML ``<div>`` and widget views
    (dead without a kernel) are dropped. Returns the copy and the number of figures."""
    import plotly.io as pio

    # the figures are not copied here: sanitize_figure builds a new dict from each
    figures_as_is = {
        id(out["data"][PLOTLY_MIME]): out["data"][PLOTLY_MIME]
        for cell in nb.cells
        for out in cell.get("outputs", ())
        if isinstance(out.get("data"), dict) and PLOTLY_MIME in out["data"]
    }
    nb = copy.deepcopy(nb, figures_as_is)
    nb.metadata.pop("widgets", None)
    figures = 0
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for out in cell.get("outputs", []):
            data = out.get("data")
            if data and PLOTLY_MIME in data:
                div = pio.to_html(
                    sanitize_figure(data[PLOTLY_MIME]),
                    include_plotlyjs=False,
                    full_html=False,
                    validate=False,
                    config={"displaylogo": False, "responsive": True},
                )
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
    """Export an executed notebook to one self-contained HTML page (inputs hidden), carrying the
    :data:`CSP` meta; ``banner`` is text (escaped)."""
    nb, figures = inline_plotly_outputs(nb)
    # plotly.js (4.6 MB) goes in after the export: nbconvert re-parses the page it renders with
    # BeautifulSoup, which would otherwise scan the bundle on every page. The mark is in the
    # page's head, before any output, so the first occurrence is the template's.
    resources = {
        "plotlyjs": _PLOTLYJS_MARK if figures else "",
        "dealkit_banner": banner,
        "dealkit_csp": csp_meta(),
        "metadata": {"name": nb.metadata.get("title", "dealkit report")},
    }
    body, _ = _exporter().from_notebook_node(nb, resources=resources)
    return body.replace(_PLOTLYJS_MARK, _plotlyjs(), 1) if figures else body


#: Where the template puts plotly.js, replaced by the bundle once the page is rendered.
_PLOTLYJS_MARK = "/* dealkit: plotly.js is inlined here */"


CONTENT_START = "<!-- dealkit:content:start -->"
CONTENT_END = "<!-- dealkit:content:end -->"
