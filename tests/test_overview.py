"""The overview's tables and figures: built from the deal, every row with its citation."""

import datetime as dt
from decimal import Decimal

from dealkit import load_deal, load_prime
from dealkit.present import charts, overview
from dealkit.present.display import table


def test_instruments_carry_amounts_and_sources():
    deal = load_deal()
    frame = overview.instruments_table(deal)
    assert frame["source"].str.len().min() > 5
    row = frame[frame["instrument"].str.startswith("Option for 140,250,000 shares")].iloc[0]
    assert row["amount"] == Decimal("1402.50")  # 140,250,000 x $0.00001, exact
    assert "Option §1.1" in row["source"]
    mbn = frame[frame["instrument"].str.contains("Minimum Borrowing")].iloc[0]
    assert "not additive" in mbn["instrument"]


def test_option_aggregate_exercise_price_decimal_twin():
    deal = load_deal()
    assert overview.option_aggregate_exercise_price(deal) == Decimal(140_250_000) * Decimal("0.00001")


def test_timeline_has_every_kind_of_event():
    deal, prime = load_deal(), load_prime()
    events = overview.timeline_events(deal, prime)
    assert set(events["category"]) == {
        "Closing",
        "Maturity",
        "Prime change",
        "Registration",
        "Amendment",
        "Waiver",
        "Default",
        "Sale",
    }
    assert list(events["date"]) == sorted(events["date"])
    default = events[events["category"] == "Default"].iloc[0]
    assert default["date"] == dt.date(2008, 1, 31) and "$13,580,810" in default["event"]
    # Term B's stated maturity appears once (from the note), not twice (note + history)
    assert (events["date"] == dt.date(2007, 3, 6)).sum() == 1
    fig = charts.timeline_figure(events)
    assert sum(len(t.x) for t in fig.data) == len(events)


def test_prime_figure_contract_rate_applies_the_floor():
    prime = load_prime()
    fig = charts.prime_figure(
        prime, dt.date(2005, 9, 7), dt.date(2008, 9, 6), margin=Decimal("0.02"), floor=Decimal("0.08")
    )
    prime_y, contract_y = fig.data[0].y, fig.data[1].y
    assert prime_y[0] == 6.5 and contract_y[0] == 8.5  # 6.50% + 2% above the 8% floor
    assert min(contract_y) == 8.0  # from 2008-01-30 (6.00%) prime + 2% = 8%, at the floor


def test_assumptions_table_lists_each_with_reason():
    frame = overview.assumptions_table(load_deal())
    assert "note_terms.prime_margin" in set(frame["field"])
    assert frame["why assumed"].str.len().min() > 10


def test_table_shows_missing_values_as_dash():
    html = table(overview.instruments_table(load_deal())).data
    assert "None" not in html and "—" in html


def test_cap_table_refusals_and_pure_rows():
    """The cap table raises dealkit's errors (never a bare ValueError); its display rows are plain
    data, the frame only wraps them."""
    import pytest

    from dealkit.errors import DealDataError, ParameterError
    from dealkit.rules.captable import cap_table, lender_key

    deal = load_deal()
    with pytest.raises(ParameterError, match="fixed_conversion_price: must be positive"):
        cap_table(deal, Decimal("-0.01"))
    no_lender = deal.model_copy(
        update={"parties": {k: p.model_copy(update={"roles": ()}) for k, p in deal.parties.items()}}
    )
    with pytest.raises(DealDataError, match="no party has the role 'lender'"):
        lender_key(no_lender)
    table = cap_table(deal)
    from dealkit.present.captable_tables import captable_frame

    assert captable_frame(table).to_dict("records") == table.display_rows()
    assert {row["security"] for row in table.display_rows() if row["added"] == "unspecified"} == {"Warrant"}
