"""Every exported page opened in headless Debian chromium with the network blocked: every chart
draws, no console error, and no request leaves the file (the combined report included)."""

import pytest
from conftest import run_cli  # noqa: F401 (the report_run fixture lives in conftest)

pytestmark = pytest.mark.slow


def _open(browser, path):
    page = browser.new_page()
    blocked, errors = [], []

    def route(r):
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on(
        "requestfailed", lambda r: errors.append(f"request failed: {r.url}") if r.url.startswith("file://") else None
    )
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, blocked, errors


def _pages(out):
    return sorted(out.glob("*.html"))


def test_every_page_renders_offline(report_run, browser):
    proc, out = report_run
    assert proc.returncode == 0, proc.stdout + proc.stderr
    pages = _pages(out)
    assert {p.name for p in pages} >= {"index.html", "deal-report.html", "00_overview.html"}
    for path in pages:
        expected = path.read_text(encoding="utf-8").count('class="plotly-graph-div"')
        page, blocked, errors = _open(browser, path)
        if expected:
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {expected}", timeout=15000
            )
            plots = page.locator(".js-plotly-plot")
            assert plots.count() == expected, path.name
            for i in range(expected):  # every chart drew an SVG with its data
                assert plots.nth(i).locator(".main-svg").count() >= 1, f"{path.name}: chart {i}"
                assert (
                    plots.nth(i).locator(".scatterlayer .trace, .barlayer .trace, .heatmaplayer, .sankey").count() >= 1
                ), f"{path.name}: chart {i} has no traces"
        page.wait_for_timeout(200)
        assert blocked == [], f"{path.name} tried the network: {blocked}"
        assert errors == [], f"{path.name}: {errors}"
        page.close()


def test_combined_report_toc_links_work(report_run, browser):
    _, out = report_run
    page, blocked, errors = _open(browser, out / "deal-report.html")
    links = page.locator(".dealkit-toc a")
    assert links.count() >= 1
    for i in range(links.count()):
        target = links.nth(i).get_attribute("href")
        # heading ids hold ':', ',', quotes and percent-encoded characters: look them up as a browser does
        found = page.evaluate(
            "t => document.querySelectorAll('[id]').length && [...document.querySelectorAll('[id]')]"
            ".filter(e => e.id === t || e.id === decodeURIComponent(t)).length",
            target[1:],
        )
        assert found == 1, target
    assert blocked == [] and errors == []
    page.close()
