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


def test_escrow_editor_updates_and_refuses_bad_edits():
    import json
    from decimal import Decimal

    from dealkit import escrow
    from dealkit.widgets import escrow_editor

    deal = load_deal()
    box = escrow_editor(deal, escrow.default_instructions(deal), "0.00")
    fee, text, status, table, chart = box.children
    assert "Paid out $12,000,000.00" in status.value
    assert "NTSCO pension plan account" in table.value
    text.value = json.dumps([{"payee": "Solo", "remainder": True}])
    assert "Solo" in table.value and "Paid out $12,000,000.00" in status.value
    assert any("Solo" in label for label in chart.data[0].node.label)
    assert sum(chart.data[0].link.value) == float(Decimal("12000000.00"))
    fee.value = "-3"
    assert "Not disbursed" in status.value and "agent_fee" in status.value
    assert "Solo" in table.value  # the last good table stays; no wrong sum is shown
