"""The JupyterLab explorer: built from the review, and its table follows the controls."""

from dealkit import load_deal, review
from dealkit.widgets import findings_explorer


def test_findings_explorer_filters():
    result = review(load_deal())
    box = findings_explorer(result)
    (severity, kind), table = box.children[0].children, box.children[1]
    shown = sum(1 for f in result.findings if f.severity != "info")
    assert f"<p>{shown} findings</p>" in table.value
    severity.value = ("high",)
    assert "<p>3 findings</p>" in table.value
    kind.value = ("holder",)
    assert "<p>1 findings</p>" in table.value
    assert "GSSF Master Fund" in table.value
