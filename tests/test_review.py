"""Review findings are computed from the data: the embedded deal's known discrepancies are
found with the citations on each side, and editing the data changes the findings."""

import json

from dealkit import load_deal, review


def _titles(result, kind):
    return [f.title for f in result.by_kind(kind)]


def test_atg_jurisdiction_conflict_cites_each_side():
    result = review(load_deal())
    (finding,) = result.by_kind("jurisdiction")
    assert finding.severity == "high"
    assert "Nevada" in finding.detail and "Delaware" in finding.detail
    assert "Funds Escrow Agreement preamble" in finding.citations
    assert "Intellectual Property Security Agreement preamble" in finding.citations
    assert "Option preamble" in finding.citations


def test_option_holder_versus_escrow_recipient():
    (finding,) = review(load_deal()).by_kind("holder")
    assert "GSSF Master Fund, L.P." in finding.detail
    assert "Laurus Master Fund, Ltd." in finding.detail
    assert finding.citations == ("Option preamble", "Funds Escrow Agreement Schedule A")


def test_totals_agree_on_the_embedded_deal():
    result = review(load_deal())
    assert result.by_kind("totals") == []
    assert "Schedule A total = the notes' faces (MBN inside the revolver) = $12,000,000.00" in result.passed
    assert "the Escrowed Payment = the notes' faces (MBN inside the revolver) = $12,000,000.00" in result.passed


def test_blanks_in_executed_documents():
    result = review(load_deal())
    fields = {f for finding in result.by_kind("blank") for f in finding.fields}
    for expected in (
        "option.expiration_date",
        "documents.ip_security.date",
        "documents.funds_escrow.date",
        "escrow.schedule_a.warrants",
        "escrow.schedule_a.options",
        "parties.atg.fax",
        "documents.option.number",
    ):
        assert expected in fields
    schedules = [t for t in _titles(result, "blank") if t.startswith("IP Schedule")]
    assert len(schedules) == 2  # Schedules I and II are blank tables; III says "None"


def test_drafting_slips_are_found():
    result = review(load_deal())
    naming = _titles(result, "naming")
    assert "The Option calls itself “Warrant” (§2.2(b))" in naming
    assert "The governing loan agreement is named differently" in naming
    assert _titles(result, "contradiction") == ["Escrow §5.3 both requires interest and denies it"]
    (xref,) = result.by_kind("cross_reference")
    assert xref.title.startswith("§3.3 refers to §4")
    dates = _titles(result, "dates")
    assert dates == ["Secured Convertible Term Note B: stated maturity superseded"]


def test_every_assumption_is_listed():
    result = review(load_deal())
    fields = {f.fields[0] for f in result.by_kind("assumption")}
    assert {
        "note_terms.prime_margin",
        "note_terms.rate_floor",
        "notes.mbn.maturity",
        "warrant.exercise_price",
    } <= fields
    assert all(f.severity == "info" for f in result.by_kind("assumption"))


def test_findings_sorted_by_severity_and_serialisable():
    result = review(load_deal())
    order = ["high", "medium", "low", "info"]
    ranks = [order.index(f.severity) for f in result.findings]
    assert ranks == sorted(ranks)
    data = json.loads(result.to_json())
    assert data["counts"]["high"] == 3
    assert len(data["findings"]) == len(result.findings)
    assert list(result.to_frame().columns) == ["severity", "kind", "finding", "detail", "citations"]


# ---------------------------------------------------------------- edits change findings ----
def test_consistent_jurisdiction_removes_the_finding(write_deal):
    def edit(d):
        d["parties"]["atg"]["jurisdiction"][1]["value"] = "Nevada"

    result = review(load_deal(write_deal(edit)))
    assert result.by_kind("jurisdiction") == []
    assert "ATG: jurisdiction Nevada in every document that states it" in result.passed


def test_same_holder_removes_the_finding(write_deal):
    result = review(load_deal(write_deal(lambda d: d["option"]["holder"].update(value="laurus"))))
    assert result.by_kind("holder") == []


def test_changed_face_breaks_totals(write_deal):
    result = review(load_deal(write_deal(lambda d: d["notes"]["term_b"]["face"].update(value="2500000.00"))))
    titles = _titles(result, "totals")
    assert "Schedule A total ≠ the notes' faces (MBN inside the revolver)" in titles
    assert "Schedule A amount of term_b ≠ the note's face" in titles
    detail = next(f.detail for f in result.by_kind("totals") if f.title.startswith("the Escrowed"))
    assert "difference $500,000.00" in detail


def test_filled_blank_disappears(write_deal):
    def edit(d):
        d["option"]["expiration_date"]["value"] = "2025-09-07"

    result = review(load_deal(write_deal(edit)))
    assert "option.expiration_date" not in {f for x in result.by_kind("blank") for f in x.fields}


def test_documented_value_replacing_an_assumption_is_no_longer_listed(write_deal):
    def edit(d):
        d["note_terms"]["prime_margin"] = {"value": "0.02", "url": "https://example.org/term-note-a"}

    result = review(load_deal(write_deal(edit)))
    assert "note_terms.prime_margin" not in {f.fields[0] for f in result.by_kind("assumption")}


# ---------------------------------------------------------------- whose Option (issue 10, item 4)
def test_option_economics_finding_from_the_parallel_lender_record():
    (finding,) = review(load_deal()).by_kind("option_holder")
    assert (
        finding.severity == "medium" and finding.title == "The Option may belong to the parallel lender, not to Laurus"
    )
    assert "GSSF Master Fund, L.P." in finding.detail and "Gryphon Master Fund" in finding.detail
    assert "option_holder = laurus" in finding.detail and "gssf (the Option's own words; the default)" in finding.detail
    assert finding.citations[:2] == ("Option preamble", "Funds Escrow Agreement Schedule A")
    assert any("Exhibit 4.21" in c for c in finding.citations)
    assert finding.fields == ("option.holder", "escrow.schedule_a.option_recipient", "parallel_lender.secured_party")


def test_option_economics_follow_the_data(write_deal):
    def to_laurus(d):  # the Option names Laurus: nothing to choose
        d["option"]["holder"]["value"] = "laurus"

    result = review(load_deal(write_deal(to_laurus)))
    assert result.by_kind("option_holder") == []

    def no_record(d):
        del d["parallel_lender"]

    result = review(load_deal(write_deal(no_record)))
    assert result.by_kind("option_holder") == []
    assert "no parallel-lender record: the Option's economics follow its Holder" in result.passed

    def stranger(d):
        d["parallel_lender"]["secured_party"]["value"] = "martians"

    (finding,) = review(load_deal(write_deal(stranger))).by_kind("option_holder")
    assert finding.severity == "medium" and "'martians'" in finding.detail


def test_parallel_lender_record_refuses_unknown_keys(write_deal):
    import pytest

    from dealkit import DealDataError

    def extra(d):
        d["parallel_lender"]["rate"] = {"value": "0.12", "assumed": "x"}

    with pytest.raises(DealDataError, match="parallel_lender"):
        load_deal(write_deal(extra))


def test_escrow_5_3_finding_names_the_implemented_readings():
    """The §5.3 finding speaks of the readings dealkit.escrow implements, by their names."""
    from dealkit.escrow import INTEREST_READINGS

    (finding,) = review(load_deal()).by_kind("contradiction")
    for name in INTEREST_READINGS:
        assert f"`{name}`" in finding.detail
    assert "reading a" not in finding.detail.lower() and "reading b" not in finding.detail.lower()
    assert "nor will interest be payable in connection therewith" in finding.detail
