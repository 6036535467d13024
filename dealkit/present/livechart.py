"""``LiveChart``: a plotly ``FigureWidget`` that redraws in place, every edit acknowledged by the
browser or the chart rebuilt (the explorers of :mod:`dealkit.present.explorers` draw through it).

plotly's widget bundle (``widgetbundle.js``) is sent to the page once and shared by every chart
(:func:`_figure_class`); an edit carries only the properties that changed (:func:`_changes`).
"""

from __future__ import annotations

from typing import Any

import ipywidgets as w
from traitlets import Unicode

__all__ = ["LiveChart"]


def _plain(value):
    """A plotly property value as plain JSON-comparable Python (arrays become lists)."""
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))


def _changes(old: dict, new: dict, prefix: str = "") -> dict:
    """The property paths (``"link.value"``) whose values differ from ``old`` to ``new``: nested
    objects (a Sankey's ``link``/``node``, a ``marker``) are diffed key by key, never replaced whole;
    a property ``old`` has and ``new`` lacks is reset to ``None``."""
    out = {}
    for key in set(old) | set(new):
        if key in ("type", "uid"):
            continue
        a, b = old.get(key), new.get(key)
        if isinstance(a, dict) and isinstance(b, dict):
            out.update(_changes(a, b, f"{prefix}{key}."))
        elif a != b:
            out[f"{prefix}{key}"] = b
    return out


#: The front end of :class:`_Figure`: plotly's own FigureWidget code (``widgetbundle.js``, ~5 MB,
#: plotly.js included), imported ONCE per page from :func:`_plotly_bundle`'s model and shared by
#: every chart. plotly's FigureWidget ships the bundle as each widget's ``_esm``, which anywidget
#: imports from a fresh blob URL per widget: every chart (and every rebuilt chart) compiles plotly.js
#: again, which on a loaded machine takes longer than the 2 s anywidget allows a model to initialize.
_FIGURE_ESM = r"""
const KEY = "__dealkit_plotly_widget";
async function bundleModel(model) {
  const ref = String(model.get("_dk_bundle") || "").replace(/^IPY_MODEL_/, "");
  for (let i = 0; ; i++) {  // the bundle's model is opened before any chart's, but may still be registering
    try { return await model.widget_manager.get_model(ref); }
    catch (e) { if (i > 200) throw e; await new Promise(r => setTimeout(r, 50)); }
  }
}
function load(model) {
  if (!globalThis[KEY]) {
    globalThis[KEY] = bundleModel(model).then(async (bundle) => {
      const url = URL.createObjectURL(new Blob([bundle.get("source")], {type: "text/javascript"}));
      try { return await import(/* webpackIgnore: true */ url); } finally { URL.revokeObjectURL(url); }
    });
    globalThis[KEY].catch(() => { delete globalThis[KEY]; });  // a failed load is retried by the next chart
  }
  return globalThis[KEY];
}
export default () => {
  let inner;
  return {
    async initialize(ctx) { inner = (await load(ctx.model)).default(); return inner.initialize(ctx); },
    render(ctx) { return inner.render(ctx); },
  };
};
"""


class _PlotlyBundle(w.Widget):
    """A model with no view whose ``source`` is plotly's widget bundle, sent to the front end once."""

    source = Unicode().tag(sync=True)


_BUNDLE: list = []


def _plotly_bundle() -> _PlotlyBundle:
    """The kernel's one :class:`_PlotlyBundle` (re-opened if it was closed)."""
    import pathlib

    import plotly

    if not _BUNDLE or _BUNDLE[0].comm is None:
        path = pathlib.Path(plotly.__file__).parent / "package_data" / "widgetbundle.js"
        _BUNDLE[:] = [_PlotlyBundle(source=path.read_text(encoding="utf-8"))]
    return _BUNDLE[0]


def _figure_class():
    """:class:`plotly.graph_objects.FigureWidget` whose front end imports plotly's bundle once per page
    (:data:`_FIGURE_ESM`) instead of once per chart; created on first use (plotly imports lazily)."""
    if not _FIGURE:
        import plotly.graph_objects as go
        from ipywidgets import widget_serialization
        from traitlets import Instance, default

        class _Figure(go.FigureWidget):
            _esm = _FIGURE_ESM
            _dk_bundle = Instance(_PlotlyBundle).tag(sync=True, **widget_serialization)

            @default("_dk_bundle")
            def _default_bundle(self):
                return _plotly_bundle()

            def _send_update_msg(self, restyle_data, relayout_data, trace_indexes=None, source_view_id=None):
                """plotly's ``Plotly.update`` message in two comm messages instead of four: the new
                edit ids travel with the edit (one state update), then the edit is cleared; plotly
                sends each id apart (``basewidget.BaseFigureWidget._send_update_msg``)."""
                trace_indexes = self._normalize_trace_indexes(trace_indexes)
                with self.hold_sync():
                    self._last_trace_edit_id += 1
                    self._trace_edit_in_process = True
                    self._last_layout_edit_id += 1
                    self._layout_edit_in_process = True
                    self._py2js_update = {
                        "style_data": restyle_data,
                        "layout_data": relayout_data,
                        "style_traces": trace_indexes,
                        "trace_edit_id": self._last_trace_edit_id,
                        "layout_edit_id": self._last_layout_edit_id,
                        "source_view_id": source_view_id,
                    }
                self._py2js_update = None

        _FIGURE.append(_Figure)
    return _FIGURE[0]


_FIGURE: list = []


class LiveChart(w.Box):
    """A plotly ``FigureWidget`` that redraws in place, and proves it: :meth:`show` sends only the
    properties that changed, in one ``batch_update`` (one ``Plotly.update`` message), with the trace
    count fixed (a figure with fewer traces hides the rest: ``visible=False`` and empty data; more
    traces than ever shown are appended once, outside the batch). Measured 65-72 ms median in the
    browser under load (benchmarks/explorer_bench.py), against 0.13-0.2 s for a new widget (~1.2 s
    when every widget carried plotly's whole bundle: see :func:`_figure_class`).

    **Every edit is acknowledged, or the chart is rebuilt.** plotly's front end answers each edit it
    applies with ``_js2py_traceDeltas`` carrying the edit's ``trace_edit_id`` (and, when a view first
    draws, the last id its model knows). anywidget awaits its model's ``ready`` promise before it
    handles any message from the kernel, and rejects that promise when the model takes over 2 s to
    initialize ("[anywidget] Failed to initialize model": plotly's ~5 MB bundle on a loaded
    machine); from then on the model silently drops every message, so a view keeps drawing its first
    state. So: an edit not acknowledged within :attr:`ACK_TIMEOUT` seconds of the view's drawing
    (checked on the kernel's event loop) replaces the widget with a new one carrying the latest figure
    in its first state, which needs no message after the widget's creation (a chart edited but never
    drawn for :attr:`DRAW_TIMEOUT` seconds is rebuilt on the next move); once a view
    has drawn, an empty edit probes the model at once, so a dead model is rebuilt before the first
    move (at most :attr:`PROBE_REBUILDS` times a chart). The new widget is checked the same way.

    Why in-place edits were lost before this, too: ``chart.data = []`` followed by ``add_trace``
    inside one ``batch_update`` sends a delete and adds that plotly's front end applies out of order
    ("indices must be valid indices for gd.data"), and assigning a whole ``link``/``node`` dict to a
    Sankey replaces nested objects the front end then redraws from stale state. Neither happens here:
    traces are never deleted, and nested properties are set path by path (``link.value``)."""

    #: Seconds a drawn chart may leave its latest edit unacknowledged before it is rebuilt.
    ACK_TIMEOUT = 2.0
    #: Seconds an edited chart may wait for a view to draw it at all before the next :meth:`show`
    #: rebuilds it (checked on a move, not by a timer: a kernel with no view at all, e.g. a papermill
    #: run with ``interactive=true``, must not rebuild charts behind the next notebook's back).
    DRAW_TIMEOUT = 20.0
    #: Rebuilds a chart may make on its own (an unanswered probe, no edit pending).
    PROBE_REBUILDS = 3
    #: ``ipywidgets.Box``'s traitlet (declared for the type checker only: no class attribute is made).
    children: Any

    def __init__(self, figure):
        import plotly.graph_objects as go

        self._go = go
        super().__init__([])
        self._retired = []
        self._timer: Any = None  # the deadline check scheduled on the kernel's event loop
        self._probe_rebuilds = 0
        #: Times the widget was replaced by a new one (an edit or a probe left unacknowledged).
        self.rebuilds = 0
        self._start(figure)

    def _start(self, figure) -> None:
        """Show a new FigureWidget carrying ``figure`` in its first state."""
        import time

        self._cancel()
        if self.children:  # closing a widget whose front end still initializes makes anywidget throw
            self._retired = [(t, wd) for t, wd in self._retired if time.monotonic() - t < 30 or wd.close()]
            self._retired.append((time.monotonic(), self.children[0]))
            self.children[0].unobserve(self._ack, names="_js2py_traceDeltas")
        fig = _figure_class()(figure)
        self.children = [fig]
        self._latest = figure
        self._shown = [_plain(t.to_plotly_json()) for t in fig.data]
        self._shown_layout = self._layout_json(fig.layout)
        self._sent = fig._last_trace_edit_id  # the last edit sent: its state travels with the widget
        self._acked: int | None = None  # the last edit a view reported applied; None: no view has drawn yet
        self._probing = False
        self._pending_since: float | None = None  # when the oldest edit not yet acknowledged was sent
        fig.observe(self._ack, names="_js2py_traceDeltas")

    @staticmethod
    def in_place() -> bool:
        """In-place redraws are the default; ``DEALKIT_LIVECHART_IN_PLACE=0`` replaces the widget on
        every redraw instead (0.13-0.2 s a redraw: the behaviour before edits were acknowledged)."""
        import os

        return os.environ.get("DEALKIT_LIVECHART_IN_PLACE", "1") != "0" or not LiveChart._front_end()

    @staticmethod
    def _front_end() -> bool:
        """Whether a front end can draw this chart (a kernel runs): outside one there is nothing to lose."""
        try:
            from IPython import get_ipython
        except ImportError:
            return False
        return getattr(get_ipython(), "kernel", None) is not None

    # -- acknowledgements -------------------------------------------------------------------------

    def _ack(self, change) -> None:
        """A view reported the edits it applied (``trace_edit_id``): the first report is its drawing."""
        msg = change["new"]
        if not msg or change["owner"] is not self.children[0]:
            return
        edit = msg.get("trace_edit_id")
        if not isinstance(edit, int):
            return
        before = self._acked
        acked = self._acked = edit if before is None else max(before, edit)
        if acked >= self._sent:
            self._cancel()
            self._probing = False
            self._pending_since = None
            if before is None and self._probe_rebuilds < self.PROBE_REBUILDS and self._front_end():
                self._probe()
        elif before is None or acked > before:  # drawn, or alive and catching up: the rest within ACK_TIMEOUT
            self._arm(self.ACK_TIMEOUT)

    def _probe(self) -> None:
        """Send an empty edit: a live model answers it within ACK_TIMEOUT, a dead one never does."""
        fig = self.children[0]
        fig._send_update_msg({}, {})
        self._sent = fig._last_trace_edit_id
        self._probing = True
        self._arm(self.ACK_TIMEOUT * 2**self._probe_rebuilds)  # a slow page is given longer each time

    def _arm(self, seconds: float) -> None:
        """Check the acknowledgement in ``seconds`` on the kernel's event loop (replacing any check)."""
        self._cancel()
        loop = _event_loop()
        if loop is not None:
            self._timer = loop.call_later(seconds, self._check)

    def _cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _check(self) -> None:
        """The deadline passed: rebuild unless the latest edit was acknowledged."""
        self._timer = None
        if self._acked is not None and self._acked >= self._sent:
            return
        if self._probing:
            self._probe_rebuilds += 1
        self.rebuild()

    def rebuild(self) -> None:
        """Replace the widget by a new one carrying the latest figure (what :meth:`show` last drew)."""
        self.rebuilds += 1
        self._start(self._latest)

    @staticmethod
    def _layout_json(layout) -> dict:
        d = dict(layout if isinstance(layout, dict) else layout.to_plotly_json())
        d.pop("template", None)  # the same theme on every redraw; never re-sent
        return _plain(d)

    @property
    def figure(self):
        """The FigureWidget shown (the same one unless an edit went unacknowledged: :attr:`rebuilds`)."""
        return self.children[0]

    @property
    def data(self):
        return self.children[0].data

    @property
    def layout(self):
        return self.children[0].layout

    @property
    def shown(self) -> list:
        """The visible traces (hidden padding left out)."""
        return [t for t in self.children[0].data if t.visible is not False]

    def show(self, figure) -> None:
        """Redraw as ``figure`` (a plotly figure or its dict) by editing the displayed traces and
        layout in place; in a kernel, the edit must then be acknowledged (see the class)."""
        fig = self.children[0]
        if not isinstance(figure, dict):
            figure = {"data": [t.to_plotly_json() for t in figure.data], "layout": figure.layout.to_plotly_json()}
        import time

        if (
            self._acked is None
            and self._pending_since is not None
            and self._front_end()
            and time.monotonic() - self._pending_since > self.DRAW_TIMEOUT
        ):
            self.rebuilds += 1  # edited long ago and still never drawn: the view failed; a new widget
            self._start(figure)
            return
        if not self.in_place():
            self._start(figure)
            return
        self._latest = figure
        want = [_plain(t) for t in figure.get("data", [])]
        extra = want[len(fig.data) :]
        for t in extra:  # rare: more traces than ever shown; appended once, outside any batch
            fig.add_trace(self._go.Figure({"data": [t]}).data[0])
            self._shown.append(_plain(fig.data[-1].to_plotly_json()))
        layout = self._layout_json(figure.get("layout", {}))
        with fig.batch_update():
            for i, trace in enumerate(fig.data):
                old = self._shown[i]
                if i < len(want) and want[i].get("type", "scatter") == old.get("type", "scatter"):
                    target = {"visible": None, **want[i]}
                else:  # padding: the same trace type, hidden and emptied
                    target = {"type": old.get("type"), "visible": False}
                    target.update({k: [] for k in ("x", "y") if k in old})
                    if "link" in old:
                        target["link"] = {**{k: v for k, v in old["link"].items()}, "value": []}
                for path, value in _changes(old, target).items():
                    trace[path] = value
                self._shown[i] = {**{k: v for k, v in old.items() if k in ("type", "uid")}, **target}
            for path, value in _changes(self._shown_layout, layout).items():
                fig.layout[path] = value
            self._shown_layout = layout
        if fig._last_trace_edit_id != self._sent:  # something was sent: it must be acknowledged
            if self._pending_since is None:
                self._pending_since = time.monotonic()
            self._sent = fig._last_trace_edit_id
            self._probing = False
            if self._acked is not None and self._timer is None and self._front_end():
                self._arm(self.ACK_TIMEOUT)
            # not drawn yet: no timer (a kernel with no view, e.g. papermill, never draws); the view's
            # first report arms one if it missed an edit, and a show() DRAW_TIMEOUT later rebuilds


def _event_loop():
    """The kernel's running event loop (edits are checked on it), or None outside a kernel."""
    import asyncio

    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        pass
    try:
        from IPython import get_ipython

        loop = getattr(getattr(get_ipython(), "kernel", None), "io_loop", None)
    except ImportError:
        return None
    return getattr(loop, "asyncio_loop", loop)  # tornado's IOLoop wraps an asyncio loop
