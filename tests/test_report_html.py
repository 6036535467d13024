"""The page exporter (dealkit.report.html): nbconvert's HTMLExporter without its BeautifulSoup pass
gives the same page, as BeautifulSoup reads it, as nbconvert itself."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from dealkit.report import html as page_html


def _notebook():
    outputs = [
        new_output("stream", name="stdout", text="a & b < c\n"),
        new_output("display_data", data={"text/html": '<table><tr><td class="num">$1,000</td></tr></table>'}),
        new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}),
        new_output("execute_result", data={"text/plain": "42"}, execution_count=1),
        new_output("display_data", data={"text/markdown": "**bold** &amp; <i>x</i>"}),
    ]
    cells = [
        new_markdown_cell("# Title\n\nText with an image ![](data:image/png;base64,iVBORw0KGgo=) and &nbsp; entity."),
        new_code_cell("print('x')", outputs=outputs),
        new_markdown_cell('<img src="data:," alt="kept">\n\n| a | b |\n|---|--:|\n| 1 | 2 |'),
    ]
    return new_notebook(cells=cells, metadata={"language_info": {"name": "python"}})


def test_export_equals_nbconvert_as_parsed():
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = _notebook()
    ours = page_html._exporter()
    theirs = HTMLExporter(template_name="dealkit", extra_template_basedirs=[str(page_html.TEMPLATE_DIR)])
    theirs.exclude_input = theirs.exclude_input_prompt = theirs.exclude_output_prompt = True
    resources = {"plotlyjs": "", "dealkit_banner": "b", "dealkit_csp": page_html.csp_meta(), "metadata": {"name": "t"}}
    fast, _ = ours.from_notebook_node(nb, resources=dict(resources))
    slow, _ = theirs.from_notebook_node(nb, resources=dict(resources))
    assert str(BeautifulSoup(fast, features="html.parser")) == slow
    assert fast.count('tabindex="0"') == slow.count('tabindex="0"') >= 6
    assert 'alt="No description has been provided for this image"' in fast
    assert 'alt="kept"' in fast


def test_accessible_leaves_a_tabindex_and_an_alt_alone():
    page = '<div class="jp-OutputArea-output" tabindex="-1"><img alt="x" src="data:,"></div><div class="other">'
    assert page_html.accessible(page) == page


def test_the_combined_report_reads_only_the_content_of_all_pages_but_one(tmp_path):
    """deal-report.html decodes one page whole, the first whose head carries plotly.js (a page
    without a chart has none), and only the content of the others: the same combined report as
    from every page whole, plotly.js in it once. A page without the content markers is read
    whole, and the combined report refuses it."""
    import pytest
    from nbformat.v4 import new_output

    from dealkit.report.finish import _pages_to_combine
    from dealkit.report.landing import combined_report

    chart = new_output(
        "display_data", data={page_html.PLOTLY_MIME: {"data": [{"type": "bar", "y": [1]}], "layout": {}}}
    )
    with_chart = _notebook()
    with_chart.cells.append(new_code_cell("chart", outputs=[chart]))
    paths = []
    for name, nb in (("a", _notebook()), ("b", with_chart), ("c", with_chart)):
        path = tmp_path / f"{name}.html"
        path.write_text(page_html.notebook_to_html(nb, banner=f"run {name} é"), encoding="utf-8")
        paths.append(path)
    banner = page_html.plotlyjs_banner()
    whole = [(p.stem, p.stem.upper(), p.read_text(encoding="utf-8")) for p in paths]
    assert banner not in whole[0][2] and banner in whole[1][2]
    texts = _pages_to_combine(paths)
    assert texts[1] == whole[1][2]  # the frame: the first page with plotly.js, whole
    assert texts[0].startswith(page_html.CONTENT_START) and texts[2].startswith(page_html.CONTENT_START)
    assert len(texts[2]) < len(whole[2][2]) / 2
    parts = [(n, t, text) for (n, t, _), text in zip(whole, texts, strict=True)]
    combined = combined_report(parts, "Deal", None)
    assert combined == combined_report(whole, "Deal", None) and combined.count(banner) == 1
    bare = tmp_path / "bare.html"
    bare.write_text("<html><body>no markers</body></html>", encoding="utf-8")
    assert _pages_to_combine([paths[1], bare])[1] == bare.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="not exported with the dealkit template"):
        combined_report([*parts, ("bare", "Bare", "<html><body>no markers</body></html>")], "Deal", None)
