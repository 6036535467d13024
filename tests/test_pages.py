"""Every page as a reader sees it: screenshots in chromium at desktop and phone width, the
executive summary first with working links, the nested sticky table of contents, and the
combined report printed to PDF by chromium (every table column, every chart, not cut).

Screenshots go to ``$DEALKIT_SCREENSHOTS`` (default: the test's temporary folder)."""

import html as html_module
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import (
    CHROMIUM,  # noqa: E402
    run_cli,  # noqa: F401 (report_run lives in conftest)
)

pytestmark = pytest.mark.slow
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}


def _open(browser, path, size):
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
    page.goto(path.as_uri())
    n = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
    if n:
        page.wait_for_function(f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {n}", timeout=20000)
    return page


def test_screenshots_of_every_page(report_run, browser, tmp_path):
    proc, out = report_run
    assert proc.returncode == 0, proc.stderr
    shots = Path(os.environ.get("DEALKIT_SCREENSHOTS") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    pages = sorted(out.glob("*.html"))
    assert len(pages) >= 7
    for path in pages:
        for label, size in SIZES.items():
            page = _open(browser, path, size)
            file = shots / f"{path.stem}-{label}.png"
            page.screenshot(path=str(file), full_page=False)
            assert file.stat().st_size > 5000
            # nothing wider than the screen but what scrolls inside its own box (wide tables)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 1, f"{path.name} at {label}: page scrolls sideways by {overflow}px"
            # every chart lies within the page width
            for box in page.evaluate(
                "[...document.querySelectorAll('.js-plotly-plot')].map(e => e.getBoundingClientRect().right)"
            ):
                assert box <= size[0] + 1, f"{path.name} at {label}: a chart is cut at the right"
            page.close()


def test_summary_first_with_working_links(report_run, browser):
    _, out = report_run
    for name, mode in (("index.html", "pages"), ("deal-report.html", "combined"), ("00_overview.html", "pages")):
        page = _open(browser, out / name, SIZES["desktop"])
        summary = page.locator(".dealkit-summary")
        assert summary.count() >= 1, name
        assert "Executive summary" in summary.first.inner_text()
        # the summary comes before any report section
        first_h2 = page.evaluate("document.querySelector('h2').closest('.dealkit-summary') !== null")
        assert first_h2, f"{name}: the executive summary is not the first section"
        for href in summary.first.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))"):
            target_page, _, anchor = href.partition("#")
            doc = out / target_page if target_page else out / name
            assert doc.exists(), href
            if target_page and target_page != name:
                html = doc.read_text(encoding="utf-8")
                assert f'id="{anchor}"' in html, f"{name}: {href} lands nowhere"
            else:
                assert page.locator(f"[id='{anchor}']").count() == 1, f"{name}: {href} lands nowhere"
        page.close()
    page = _open(browser, out / "deal-report.html", SIZES["desktop"])
    assert page.locator("nav.dealkit-toc ol ol a").count() >= 10  # nested: the headings of each section
    assert page.evaluate("getComputedStyle(document.querySelector('nav.dealkit-toc')).position") == "sticky"
    page.mouse.wheel(0, 6000)
    page.wait_for_timeout(200)
    top = page.evaluate("document.querySelector('nav.dealkit-toc').getBoundingClientRect().top")
    assert abs(top) <= 2  # still in view after scrolling
    page.close()


def test_index_is_a_landing_page(report_run):
    _, out = report_run
    html = (out / "index.html").read_text(encoding="utf-8")
    for page in ("00_overview.html", "01_notes.html", "deal-report.html"):
        assert f'href="{page}"' in html
    for f in sorted(out.rglob("*")):
        if f.suffix in (".csv", ".ics", ".xlsx"):
            assert f'href="{f.relative_to(out).as_posix()}"' in html, f.name
    assert "Illustrative" in html  # the sample events' calendar is labelled
    assert html.index("Executive summary") < html.index("Reports")


def _tables_and_charts(html: str):
    # a header's text as the page shows it: tags dropped, entities (&#x27; for ') decoded
    headers = [
        html_module.unescape(re.sub(r"<[^>]+>", "", h))
        for h in re.findall(r'<th class="(?:num|txt)" scope="col">(.*?)</th>', html)
    ]
    titles = []
    for m in re.finditer(r'Plotly\.newPlot\(\s*"[^"]+",\s*(\[.*?\]),\s*(\{.*?\}),\s*\{"displaylogo"', html, re.S):
        layout = json.loads(m.group(2))
        title = layout.get("title")
        titles.append(title.get("text") if isinstance(title, dict) else title)
    return headers, titles


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\u00ad", ""))


@pytest.fixture(scope="module")
def printed(report_run, tmp_path_factory):
    if not shutil.which("pdftotext"):
        pytest.fail("pdftotext is missing: `make test` installs Debian's poppler-utils")
    _, out = report_run
    pdf = tmp_path_factory.mktemp("pdf") / "deal-report.pdf"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-pdf-header-footer",
            f"--print-to-pdf={pdf}",
            (out / "deal-report.html").as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out, pdf


def _pdf_text(out, pdf):
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    html = (out / "deal-report.html").read_text(encoding="utf-8")
    sections = html.count('class="dealkit-section"')
    assert sections + 1 <= pages <= 120, pages  # a page break between sections, not a page per row
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = _norm(text)
    assert "Executive summary" in text and "All-in annual cost to ATG" in text
    return html, text, flat


def test_combined_report_prints_to_pdf(printed):
    """The summary first, a page per section at least, every chart on paper with its title."""
    out, pdf = printed
    html, text, flat = _pdf_text(out, pdf)
    headers, titles = _tables_and_charts(html)
    assert len(titles) >= 10
    # a title's first line (a <br><sup> subtitle prints as its own line)
    cut = [t for t in titles if t and _norm(re.sub(r"<[^>]+>", "", t.split("<br>")[0]))[:60] not in flat]
    assert not cut, f"charts missing or cut in print: {cut}"
    first_page = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "2", str(pdf), "-"], capture_output=True, text=True
    ).stdout
    assert "Executive summary" in first_page


def test_pdf_keeps_every_table_column(printed):
    out, pdf = printed
    html, text, flat = _pdf_text(out, pdf)
    headers, _ = _tables_and_charts(html)
    assert len(headers) > 50
    words = set(re.findall(r"[^\s]+", text))
    # a header wraps over lines in print: every one of its words must be on paper
    missing = [h for h in set(headers) if not all(w in words or w in flat for w in h.split())]
    assert not missing, f"table columns lost in print: {missing}"


def test_heatmap_dropdown_keeps_the_title(report_run, browser):
    _, out = report_run
    page = _open(browser, out / "03_option.html", SIZES["desktop"])
    heat = page.locator(".js-plotly-plot").filter(has=page.locator(".updatemenu-container")).first
    before = heat.locator(".gtitle").text_content()
    assert before.startswith("Cashless exercise now")
    # what the dropdown's second entry does (method "update" with its args), in the page's plotly.js
    page.evaluate("""() => { const gd = [...document.querySelectorAll('.js-plotly-plot')].find(g => g.layout.updatemenus);
                             const b = gd.layout.updatemenus[0].buttons[1];
                             return Plotly.update(gd, b.args[0], b.args[1]); }""")
    page.wait_for_timeout(300)
    after = heat.locator(".gtitle").text_content()
    assert after.startswith("Cashless exercise now") and after != before, (before, after)
    page.close()
