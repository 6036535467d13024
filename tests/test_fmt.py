"""The formatting layer (dealkit.fmt): every figure formatted reads back to the exact value."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pandas as pd
from conftest import full_or
from hypothesis import given, settings
from hypothesis import strategies as st

from dealkit import fmt


def _money_back(text: str) -> Decimal:
    neg = text.startswith("-")
    d = Decimal(text.lstrip("-").lstrip("$").replace(",", ""))
    return -d if neg else d


@settings(max_examples=full_or(50, 2000))
@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=2, allow_nan=False))
def test_money_reads_back_exactly(amount):
    text = fmt.money(amount)
    assert text.lstrip("-").startswith("$")
    assert _money_back(text) == amount


@settings(max_examples=full_or(50, 2000))
@given(st.decimals(min_value=Decimal("0"), max_value=Decimal("1"), places=6, allow_nan=False))
def test_percent_of_a_fraction_is_exact(rate):
    text = fmt.pct(rate, None)
    assert text.endswith("%")
    assert Decimal(text[:-1].replace(",", "")) / 100 == rate


def test_fixed_formats():
    assert fmt.money(Decimal("0.00001")) == "$0.00001"  # the Option's price, every digit
    assert fmt.money(Decimal("1350000")) == "$1,350,000.00"
    assert fmt.money(Decimal("10071386.12"), cents=False) == "$10,071,386"
    assert fmt.money(None) == "—"
    assert fmt.pct(Decimal("0.0499"), None) == "4.99%"
    assert fmt.pct(Decimal("0.02"), None) == "2.00%"
    assert fmt.shares(140_250_000) == "140,250,000"
    assert fmt.yes_no(True) == "Yes" and fmt.yes_no(False) == "No"
    assert (
        fmt.date(dt.date(2005, 9, 7)) == "7 Sep 2005" == fmt.date("2005-09-07") == fmt.date(pd.Timestamp("2005-09-07"))
    )
    assert fmt.header("principal_cash") == "Principal cash"
    assert fmt.header("series_d_equivalent") == "Series D equivalent"
    assert fmt.header("fmv") == "FMV"


def test_escape_dollars_once():
    assert fmt.escape_dollars("from $1 to $2") == r"from \$1 to \$2"
    assert fmt.escape_dollars(r"already \$1") == r"already \$1"


def test_table_is_a_finished_model():
    frame = pd.DataFrame(
        {
            "payee": ["A <b>", "B"],
            "amount": [Decimal("1000.10"), Decimal("2.05")],
            "rate": [Decimal("0.0499"), Decimal("0.08")],
            "shares": [1_000_000, 5],
            "convertible": [True, False],
            "date": [dt.date(2005, 9, 7), dt.date(2008, 2, 1)],
        },
        dtype=object,
    )
    html = fmt.table_html(frame, totals=["amount", "shares"])
    assert "tex2jax_ignore" in html and "mathjax_ignore" in html  # JupyterLab's MathJax leaves $ alone
    assert "A &lt;b&gt;" in html  # escaped
    for text in ("$1,000.10", "4.99%", "8.00%", "1,000,000", "Yes", "No", "7 Sep 2005", "1 Feb 2008"):
        assert text in html, text
    assert "True" not in html and "False" not in html and "2005-09-07" not in html
    assert '<th class="num" scope="col">Amount</th>' in html and '<th class="txt" scope="col">Payee</th>' in html
    assert '<td class="num">$1,000.10</td>' in html
    # the totals row: exact sums
    foot = html.split("<tfoot>")[1]
    assert "Total" in foot and "$1,002.15" in foot and "1,000,005" in foot


def test_totals_given_and_words_in_a_number_column():
    frame = pd.DataFrame(
        {
            "security": ["a", "b", "c"],
            "shares": [3, "unspecified", 1],
            "ownership": [Decimal("0.6667"), None, Decimal("0.3333")],
        },
        dtype=object,
    )
    html = fmt.table_html(frame, totals={"shares": 4, "ownership": 1})
    foot = html.split("<tfoot>")[1]
    assert ">4<" in foot and "100.00%" in foot
    assert "unspecified" in html and '<td class="num">3</td>' in html


def test_empty_table_says_so_and_formatted_numbers_align_right():
    assert "None." in fmt.table_html(pd.DataFrame(columns=["date", "event"]))
    html = fmt.table_html(pd.DataFrame({"closing": ["2,000,000.00", "0.00"], "what": ["x", "y"]}))
    assert '<td class="num">2,000,000.00</td>' in html


def test_exact_inputs_stay_exact():
    assert fmt.shares(Fraction(3, 2)) == "1.5"
    assert fmt.totals_row(pd.DataFrame({"x": [Decimal("0.1")] * 3}, dtype=object), ["x"])["x"] == Decimal("0.3")


def test_a_column_already_in_percent():
    html = fmt.table_html(pd.DataFrame({"ownership after %": [4.7528]}))
    assert "4.75%" in html and "475" not in html


def test_percent_to_places_rounds_half_up():
    assert fmt.pct(Decimal("0.000125"), 2) == "0.01%"  # 0.0125% half-up, not half-even
    assert fmt.pct(Decimal("0.038"), 1) == "3.8%" and fmt.pct(0.2358, 1) == "23.6%"


def test_fmt_gathers_the_scalar_formats_and_the_tables():
    """Issue 11 split fmt (formats, fmt_tables): the one name every caller uses re-exports both."""
    from dealkit.present import fmt_tables, formats

    for name in fmt.__all__:
        source = formats if name in formats.__all__ else fmt_tables
        assert getattr(fmt, name) is getattr(source, name), name


def test_table_html_totals_mapping_overrides_the_sum():
    frame = pd.DataFrame({"holder": ["a", "b", "c"], "share": [Fraction(1, 3)] * 3})
    html_text = fmt.table_html(frame, kinds={"share": "pct"}, totals={"share": Decimal(1)})
    assert "<tfoot>" in html_text and "100.00%" in html_text.split("<tfoot>")[1]
