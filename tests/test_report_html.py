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
    """deal-report.html decodes one page whole (its head carries plotly.js) and only the content
    of the others: the same combined report as from every page whole. A page without the
    content markers is read whole, and the combined report refuses it."""
    import pytest

    from dealkit.report.finish import _page_text
    from dealkit.report.landing import combined_report

    nb = _notebook()
    pages = []
    for name in ("a", "b", "c"):
        path = tmp_path / f"{name}.html"
        path.write_text(page_html.notebook_to_html(nb, banner=f"run {name} é"), encoding="utf-8")
        pages.append((name, name.upper(), path))
    whole = [(n, t, p.read_text(encoding="utf-8")) for n, t, p in pages]
    parts = [(n, t, _page_text(p, whole=i == 0)) for i, (n, t, p) in enumerate(pages)]
    assert len(parts[1][2]) < len(whole[1][2]) / 2 and parts[1][2].startswith(page_html.CONTENT_START)
    assert combined_report(parts, "Deal", None) == combined_report(whole, "Deal", None)
    bare = tmp_path / "bare.html"
    bare.write_text("<html><body>no markers</body></html>", encoding="utf-8")
    assert _page_text(bare, whole=False) == bare.read_text(encoding="utf-8")
    with pytest.raises(ValueError, match="not exported with the dealkit template"):
        combined_report([*parts, ("bare", "Bare", _page_text(bare, whole=False))], "Deal", None)
