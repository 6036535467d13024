"""Hostile text in the report (issue 10, items 15 and 18): a deal file, an events file and
parameters whose text holds ``<script>``, ``<img src=...>`` and ``javascript:`` links render as
inert text in every page; every page carries the Content-Security-Policy meta; headless chromium
with the network cut off records 0 requests; no page holds a local absolute path."""

from __future__ import annotations

import re

import pytest
import yaml
from conftest import DEAL, run_cli

from dealkit.report.html import CSP

pytestmark = pytest.mark.slow

PWN = "window.__pwned"
HOSTILE = {
    "name": f'<script>{PWN}=1</script>ATG <img src="http://127.0.0.1:9/name.png" onerror="{PWN}=2">',
    "party": f'<img src=x onerror="{PWN}=3"> [click me](javascript:{PWN}=4) American Technologies',
    "history": f'</script><script>{PWN}=5</script><a href="javascript:{PWN}=6">history link</a>',
    "sec": f"§1 <script>{PWN}=7</script>",
    "duty": '<img src="https://example.com/tracker.gif"> notify <iframe src="https://example.com/"></iframe>',
    "assumed": f'[x](javascript:{PWN}=8) ![pixel](http://127.0.0.1:9/pixel.png) <b onmouseover="{PWN}=9">b</b>',
    "event": f'<script>{PWN}=10</script><img src="http://127.0.0.1:9/event.png">',
}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("very-private-home-dir")
    data = yaml.safe_load(DEAL.read_text(encoding="utf-8"))
    data["deal"]["name"]["value"] = HOSTILE["name"]
    data["parties"]["atg"]["name"]["value"] = HOSTILE["party"]
    data["history"][0]["event"]["value"] = HOSTILE["history"]
    data["notes"]["term_a"]["face"]["sec"] = HOSTILE["sec"]
    data["obligations"][0]["duty"]["value"] = HOSTILE["duty"]
    data["note_terms"]["prime_margin"]["assumed"] = HOSTILE["assumed"]
    deal = base / "hostile-deal.yaml"
    deal.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    events = yaml.safe_load((DEAL.parent / "events" / "sample.yaml").read_text(encoding="utf-8"))
    events[0]["note"] = HOSTILE["event"]
    events_file = base / "hostile-events.yaml"
    events_file.write_text(yaml.safe_dump(events, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = base / "reports"
    proc = run_cli(
        "report",
        "--deal",
        str(deal),
        "--out",
        str(out),
        "-p",
        f"events={events_file}",
        "-p",
        "fmv=0.02",
        "-p",
        "scenario=clean_release",
    )
    return proc, out, base


def test_hostile_run_succeeds(hostile_run):
    proc, out, _ = hostile_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert (out / "index.html").is_file() and (out / "deal-report.html").is_file()


def _pages(out):
    return sorted(out.glob("*.html"))


def test_every_page_carries_the_csp_meta(hostile_run):
    _, out, _ = hostile_run
    for page in _pages(out):
        head = page.read_text(encoding="utf-8").split("</head>", 1)[0]
        metas = [m for m in re.findall(r"<meta[^>]*>", head) if 'http-equiv="Content-Security-Policy"' in m]
        assert len(metas) == 1, page.name
        assert "default-src 'none'" in metas[0] and "connect-src 'none'" in metas[0], page.name
        # the policy comes before any script of the page
        assert head.index(metas[0]) < (head.find("<script") % (len(head) + 1)), page.name


def test_hostile_text_is_escaped_in_the_source(hostile_run):
    _, out, _ = hostile_run
    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        for tag in ("<img src=", "<iframe", 'href="javascript:', "<b onmouseover"):
            assert tag not in text, f"{page.name}: {tag}"
        assert f"<script>{PWN}" not in text, page.name
        assert f"</script><script>{PWN}" not in text, page.name


def test_no_local_path_in_any_page(hostile_run):
    _, out, base = hostile_run
    for page in _pages(out):
        text = page.read_text(encoding="utf-8")
        assert str(base) not in text, page.name
        assert "very-private-home-dir" not in text, page.name
        for prefix in ("/root/", "/home/", "/work/", "/tmp/"):
            assert prefix not in text, f"{page.name}: {prefix}"
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "hostile-deal.yaml" in index  # the index names the deal file


def test_hostile_pages_are_inert_in_chromium_offline(hostile_run, browser):
    _, out, _ = hostile_run
    for path in _pages(out):
        context = browser.new_context(offline=True)  # the network is cut off
        page = context.new_page()
        requests, violations = [], []
        page.on(
            "request", lambda r: requests.append(r.url) if not r.url.startswith(("file://", "data:", "blob:")) else None
        )
        page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        # hover every chart point that carries hostile hover text
        for plot in page.locator(".js-plotly-plot").all()[:3]:
            plot.hover()
        assert page.evaluate(f"typeof {PWN}") == "undefined", path.name
        assert requests == [], f"{path.name} made network requests: {requests}"
        assert violations == [], f"{path.name}: {violations}"
        bad = page.evaluate("""() => [
            ...[...document.querySelectorAll('img')].filter(i => !/^(data|blob):/.test(i.getAttribute('src') || 'data:')).map(i => i.outerHTML),
            ...[...document.querySelectorAll('a[href]')].filter(a => /^\\s*javascript:/i.test(a.getAttribute('href'))).map(a => a.outerHTML),
            ...[...document.querySelectorAll('iframe, object, embed')].map(e => e.outerHTML)]""")
        assert bad == [], f"{path.name}: live hostile elements {bad}"
        # the policy in force forbids fetches: a script that tries one is refused before the network
        page.evaluate("() => fetch('http://127.0.0.1:9/probe').catch(() => null)")
        page.wait_for_timeout(200)
        assert requests == [], path.name
        if path.name in ("00_overview.html", "deal-report.html"):
            shown = page.inner_text("body")
            assert HOSTILE["name"].split("ATG")[0] in shown or "<script>window.__pwned=1</script>" in shown
            assert "[click me](javascript:" in shown or "click me" in shown
        context.close()


def test_markdown_and_charts_escape_unit():
    from dealkit.present.display import markdown
    from dealkit.report.html import safe_plotly_text, sanitize_figure

    md = markdown(f"- **name**: {HOSTILE['party']} costs $5 and `file.csv` \\$6").data
    assert "<img" not in md and "&lt;img src=x" in md
    assert "\\[click me\\](javascript:" in md  # no link can form
    assert "`file.csv`" in md and "\\$5" in md and "\\$6" in md and "**name**" in md
    # a backslash cannot un-escape a bracket: \[a\](x) stays text
    # (inside the MathJax-ignore wrapper that keeps money from becoming LaTeX in JupyterLab)
    assert (
        markdown("\\[a\\](javascript:x)").data
        == '<div class="tex2jax_ignore mathjax_ignore">\n\n\\\\\\[a\\\\\\](javascript:x)\n\n</div>'
    )
    assert (
        safe_plotly_text("a<br>b <b>c</b> <a href='javascript:x'>y</a> </script> & d")
        == "a<br>b <b>c</b> &lt;a href='javascript:x'&gt;y&lt;/a&gt; &lt;/script&gt; &amp; d"
    )
    fig = sanitize_figure(
        {
            "data": [{"customdata": [["<img src=x>", 1]], "hovertemplate": "%{x}<br><extra></extra>"}],
            "layout": {"annotations": [{"text": "<script>x</script>"}]},
        }
    )
    assert fig["data"][0]["customdata"][0] == ["&lt;img src=x&gt;", 1]
    assert fig["data"][0]["hovertemplate"] == "%{x}<br><extra></extra>"
    assert fig["layout"]["annotations"][0]["text"] == "&lt;script&gt;x&lt;/script&gt;"
    assert "default-src 'none'" in CSP and "connect-src 'none'" in CSP
    assert not re.search(r"https?:", CSP)


def test_error_text_in_pages_loses_local_paths():
    from dealkit.report.runner import _no_path, _strip_paths

    assert (
        _strip_paths("DealDataError: /home/me/cases/deal.yaml: notes.a: bad (got '/etc/passwd')")
        == "DealDataError: deal.yaml: notes.a: bad (got 'passwd')"
    )
    assert _strip_paths("see https://www.sec.gov/Archives/x.txt") == "see https://www.sec.gov/Archives/x.txt"
    assert _no_path("/home/me/events.yaml") == "events.yaml" and _no_path("0.02") == "0.02"


def test_widget_figures_escape_their_text():
    import plotly.graph_objects as go

    from dealkit.present.widgets import _safe

    fig = _safe(
        go.Figure(
            go.Scatter(
                x=[1],
                y=[1],
                text=["<img src=x onerror=alert(1)>"],
                name="<b>ok</b>",
                hovertemplate="%{text}<br><extra></extra>",
            )
        )
    )
    trace = go.Figure(fig).data[0]  # _safe hands LiveChart the sanitized figure as a dict
    assert tuple(trace.text) == ("&lt;img src=x onerror=alert(1)&gt;",)
    assert trace.name == "<b>ok</b>" and trace.hovertemplate == "%{text}<br><extra></extra>"
