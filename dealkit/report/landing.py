"""The landing page (``index.html``) and the combined report (``deal-report.html``).

The index is a landing page, not a run log: the executive summary first, then a link to each
report with what it answers, every data file the run wrote (CSV, ICS, XLSX, ...), and the run's
details (status, time, parameters) last. The combined report opens with the same summary and a
nested table of contents (sections and their headings) that stays in view while reading.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path

from dealkit.present import fmt
from dealkit.present.obligations_tables import ILLUSTRATIVE
from dealkit.report.summary import SUMMARY_CSS, Summary

__all__ = ["index_html", "combined_report", "nested_toc"]


_HEADING = re.compile(r'<h([23])\b[^>]*\bid="([^"]+)"[^>]*>(.*?)</h\1>', re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(fragment: str) -> str:
    text = html.unescape(_TAG.sub("", fragment)).replace("¶", "").strip()
    return re.sub(r"\s+", " ", text)


def nested_toc(sections: list[tuple[str, str, str]]) -> str:
    """``<nav class="dealkit-toc">``: one entry per section (``(anchor, title, content)``), and
    under it the section's ``h2``/``h3`` headings (with the ids nbconvert gave them).

    Examples
    --------
    >>> toc = nested_toc([("sec-01", "The notes", '<h2 id="Schedules">Schedules</h2><h3 id="Term-A">Term A</h3>')])
    >>> '<li><a href="#sec-01">The notes</a><ol><li><a href="#Schedules">Schedules</a><ol>' in toc
    True
    >>> '<a href="#Term-A">Term A</a>' in toc
    True
    """
    esc = html.escape
    items = []
    for anchor, title, content in sections:
        groups: list[tuple[str, str, list[tuple[str, str]]]] = []  # (id, text, [(id, text) of h3])
        for level, hid, inner in _HEADING.findall(content):
            if level == "2" or not groups:
                groups.append((hid, _text(inner), []))
            else:
                groups[-1][2].append((hid, _text(inner)))
        parts = []
        for hid, text, kids in groups:
            kid_items = "".join(f'<li><a href="#{esc(h)}">{esc(t)}</a></li>' for h, t in kids)
            parts.append(
                f'<li><a href="#{esc(hid)}">{esc(text)}</a>' + (f"<ol>{kid_items}</ol>" if kids else "") + "</li>"
            )
        subs = "".join(parts)
        items.append(f'<li><a href="#{esc(anchor)}">{esc(title)}</a>' + (f"<ol>{subs}</ol>" if subs else "") + "</li>")
    return (
        f'<nav class="dealkit-toc" aria-label="Contents"><b>Contents</b><ol>'
        f'<li><a href="#executive-summary">Executive summary</a></li>{"".join(items)}</ol></nav>'
    )


def _dedupe_ids(sections: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """Heading ids repeated across sections get the section's anchor as a prefix (the first
    keeps its id, so links into the first section still land)."""
    seen: set[str] = set()
    out = []
    for anchor, title, content in sections:

        def fix(m, anchor=anchor):
            hid = m.group(2)
            if hid in seen:
                new = f"{anchor}-{hid}"
                return m.group(0).replace(f'id="{hid}"', f'id="{new}"', 1).replace(f'href="#{hid}"', f'href="#{new}"')
            seen.add(hid)
            return m.group(0)

        out.append((anchor, title, _HEADING.sub(fix, content)))
    return out


_PAGE_SUMMARY = re.compile(r'<section class="dealkit-summary[^"]*" id="executive-summary">.*?</section>', re.S)


def _local_links(content: str, names: list[str]) -> str:
    """Links between pages (``01_notes.html#x``) become links within the one file (``#x``); a
    page's own copy of the executive summary is dropped (the report opens with it)."""
    content = _PAGE_SUMMARY.sub("", content)
    for name in names:
        content = content.replace(f'href="{name}.html#', 'href="#').replace(
            f'href="{name}.html"', f'href="#sec-{name}"'
        )
    return content


def combined_report(
    pages: list[tuple[str, str, str]], title: str, summary: Summary | None, missing: Sequence[tuple[str, str]] = ()
) -> str:
    """The combined report from exported pages ``[(name, title, page html), ...]``: the head of a
    page carrying plotly.js (inlined once), the executive summary, a nested sticky table of
    contents, then each section under ``sec-NAME``. ``missing``: ``(title, error)`` of failed
    sections, said at the top."""
    from dealkit.report.html import CONTENT_END, CONTENT_START, plotlyjs_banner

    if not pages:
        raise ValueError("no sections to combine")
    for _, heading, page in pages:
        if CONTENT_START not in page or CONTENT_END not in page:
            raise ValueError(f"section {heading!r} was not exported with the dealkit template")
    esc = html.escape
    banner = plotlyjs_banner()
    frame = next((page for _, _, page in pages if banner in page.split(CONTENT_START)[0]), pages[0][2])
    head, rest = frame.split(CONTENT_START, 1)
    tail = rest.split(CONTENT_END, 1)[1]
    head = re.sub(r"<title>.*?</title>", f"<title>{esc(title)}</title>", head, count=1, flags=re.S)
    names = [n for n, _, _ in pages]
    sections = [
        (f"sec-{n}", t, _local_links(p.split(CONTENT_START, 1)[1].split(CONTENT_END, 1)[0], names)) for n, t, p in pages
    ]
    sections = _dedupe_ids(sections)
    failed = "".join(f"<li>{esc(t)}: failed in this run ({esc(e)})</li>" for t, e in missing)
    preface = (
        f'<div class="jp-RenderedHTMLCommon"><h1>{esc(title)}</h1>'
        "<p>The whole deal report in one self-contained file: open it in any browser, offline, or print it.</p>"
        + (f"<p><b>Sections missing from this run:</b></p><ul>{failed}</ul>" if failed else "")
        + (SUMMARY_CSS + summary.to_html("combined") if summary else "")
        + "</div>"
    )
    body = "".join(
        f'<section id="{esc(a)}" class="dealkit-section"><p class="dealkit-banner">Section: {esc(t)}</p>{c}</section>'
        for a, t, c in sections
    )
    return "".join(
        [
            head,
            CONTENT_START,
            '<div class="dk-layout">',
            nested_toc(sections),
            f"<main>{preface}{body}</main></div>",
            CONTENT_END,
            tail,
        ]
    )


_DESCRIPTIONS = {
    "00_overview": "parties, instruments, timeline, the fully diluted cap table, review findings, assumptions",
    "01_notes": "interest on the real prime path, the schedules, stock vs cash, the default demand, XIRR",
    "02_escrow": "release conditions, the disbursement to the cent, disputes and resignation, §5.3",
    "03_option": "cash vs cashless, the 4.99% cap under both readings, the exercise plan, §3-§4 events",
    "04_obligations": "IP collateral, every party's duties and deadlines, overdue as of a date",
    "05_risk": "simulated price paths: the lender's XIRR, ATG's cost, dilution and default across paths",
}

_INDEX_CSS = """<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:1100px;margin:1.5em auto;padding:0 1em;color:#1f2328}
h1{font-size:26px;margin-bottom:.2em} h2{font-size:19px;margin-top:1.4em;border-bottom:1px solid #d0d7de;padding-bottom:.2em}
.dk-sub{color:#57606a;margin-top:0}
.dk-reports{display:grid;grid-template-columns:repeat(auto-fill,minmax(240px,1fr));gap:.6em;padding:0;list-style:none}
.dk-reports li{border:1px solid #d0d7de;border-radius:6px;padding:.6em .8em}
.dk-reports a{font-weight:600} .dk-reports small{display:block;color:#57606a}
.dk-failed{border-color:#b00 !important}
table{border-collapse:collapse;font-size:13px} td,th{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
td.num{text-align:right;font-variant-numeric:tabular-nums}
details{margin-top:1.5em;color:#57606a}
.dk-illustrative{background:#fff3cd;border:1px solid #e0c36c;color:#5c4400;padding:0 .4em;border-radius:3px;font-size:12px}
@media print{a[href^="http"]::after{content:" <" attr(href) ">"}details{display:block}}
</style>"""


def _report_cards(report) -> str:
    """One card per notebook: a link to its page, or FAILED with its error (local paths cut)."""
    from dealkit.report.redact import strip_paths

    esc = html.escape
    cards = []
    for r in report.results:
        about = _DESCRIPTIONS.get(r.name, "")
        if r.ok:
            cards.append(f'<li><a href="{esc(r.html.name)}">{esc(r.title)}</a><small>{esc(about)}</small></li>')
        else:
            rel = os.path.relpath(r.ipynb, report.out_dir) if r.ipynb else "—"
            cards.append(
                f'<li class="dk-failed"><b>{esc(r.title)}</b> — <b style="color:#b00">FAILED</b>: '
                f"{esc(strip_paths(r.error or ''))}<small>partial notebook: {esc(rel)}</small></li>"
            )
    return "".join(cards)


def _data_files(report) -> str:
    """The run's data files (this run's only: a stale file of an earlier run is never offered), then
    the exports, the sample events' files labelled illustrative; and the exports' note."""
    esc = html.escape
    sample = report.parameters.get("events", "sample") == "sample"  # 04_obligations' default stream
    names = sorted({n for r in report.results if r.ok for n in getattr(r, "files", [])})
    names += [os.path.relpath(p, report.out_dir) for p in getattr(report, "exports", [])]
    file_items = "".join(
        f'<li><a href="{esc(n)}">{esc(n)}</a>'
        + (
            f' <span class="dk-illustrative">{esc(ILLUSTRATIVE)}</span>'
            if sample and (n.startswith("obligations-calendar") or n.endswith(".ics"))
            else ""
        )
        + "</li>"
        for n in names
    )
    note = getattr(report, "exports_note", "")
    return (f"<h2>Data files</h2><ul>{file_items}</ul>" if names else "") + (f"<p>{esc(note)}</p>" if note else "")


def _run_details(report) -> str:
    """ "About this run": when, how long, the deal file's name, each notebook's status, time and
    charts, and the parameters (a file's name, never its local path)."""
    from dealkit.report.redact import no_path

    esc = html.escape
    rows = "".join(
        f"<tr><td>{esc(r.name)}</td><td>{'ok' if r.ok else 'FAILED'}</td>"
        f'<td class="num">{r.seconds:.1f} s</td><td class="num">{fmt.shares(r.figures)}</td></tr>'
        for r in report.results
    )
    params = (
        "".join(
            f"<tr><td>{esc(k)}</td><td><code>{esc(no_path(v))}</code></td></tr>" for k, v in report.parameters.items()
        )
        or "<tr><td colspan=2>defaults</td></tr>"
    )
    started = report.started
    return f"""<details><summary>About this run</summary>
<p>Run started {esc(fmt.date(started))} {esc(started.strftime("%H:%M:%S"))} UTC, {report.seconds:.1f} s.
Deal file: <code>{esc(Path(report.deal_path).name)}</code>.</p>
<table><tr><th>Notebook</th><th>Status</th><th>Time</th><th>Charts</th></tr>{rows}</table>
<h3>Parameters</h3><table><tr><th>Name</th><th>Value</th></tr>{params}</table>
</details>"""


def index_html(report, summary: Summary | None, title: str) -> str:
    """The landing page of a report run (``report``: a :class:`dealkit.report.ReportSummary`):
    the executive summary, the reports (:func:`_report_cards`), the data files
    (:func:`_data_files`), and the run's details last (:func:`_run_details`)."""
    from dealkit.report.html import csp_meta

    esc = html.escape
    combined = (
        f'<p><a href="{esc(report.combined.name)}"><b>The whole report in one file</b></a> '
        f"({esc(report.combined.name)}: every section, self-contained, for e-mail and print).</p>"
        if report.combined
        else ""
    )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">{csp_meta()}<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>{_INDEX_CSS}{SUMMARY_CSS}
</head><body>
<h1>{esc(title)}</h1>
<p class="dk-sub">Analysis of the financing as written, every figure traced to its clause, public record or assumption.</p>
{summary.to_html("pages") if summary else ""}
<h2>Reports</h2>
{combined}
<ul class="dk-reports">{_report_cards(report)}</ul>
{_data_files(report)}
{_run_details(report)}
</body></html>
"""
