"""Notebook and report parameters arrive as strings; dealkit parses them or names the problem."""

import datetime as dt
from decimal import Decimal

import pytest

from dealkit import ParameterError
from dealkit.params import as_bool, as_date, as_int, as_money, as_rate, parse_assignments


@pytest.mark.parametrize(
    "raw, expected",
    [("True", True), ("false", False), ("1", True), ("no", False), (True, True), ("", False), (" ON ", True)],
)
def test_as_bool(raw, expected):
    assert as_bool(raw, "interactive") is expected


def test_as_bool_refuses_other_text():
    with pytest.raises(ParameterError, match=r"parameter interactive: expected true or false \(got 'maybe'\)"):
        as_bool("maybe", "interactive")


def test_as_money():
    assert as_money("1,350,000.00", "amount") == Decimal("1350000.00")
    assert as_money(2500, "cap") == Decimal("2500")
    with pytest.raises(ParameterError, match=r"parameter fee: must not be negative \(got '-1'\)"):
        as_money("-1", "fee")
    with pytest.raises(ParameterError, match="float"):
        as_money(2000000.0, "principal")  # what papermill's own -p would deliver
    with pytest.raises(ParameterError, match="cents"):
        as_money("0.001", "fee")


def test_as_rate():
    assert as_rate("0.0499", "cap") == Decimal("0.0499")
    assert as_rate("4.99%", "cap") == Decimal("0.0499")
    with pytest.raises(ParameterError, match="between 0 and 1"):
        as_rate("150%", "margin")
    with pytest.raises(ParameterError, match="margin"):
        as_rate("two", "margin")


def test_as_date_and_int():
    assert as_date("2008-02-01", "as_of") == dt.date(2008, 2, 1)
    assert as_date(dt.datetime(2008, 2, 1, 12), "as_of") == dt.date(2008, 2, 1)
    with pytest.raises(ParameterError, match="as_of: expected an ISO date"):
        as_date("02/01/2008", "as_of")
    assert as_int("140,250,000", "shares") == 140_250_000
    with pytest.raises(ParameterError, match="at least 1"):
        as_int("0", "shares", minimum=1)
    with pytest.raises(ParameterError):
        as_int(True, "shares")


def test_parse_assignments():
    assert parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_assignments(["novalue"])
    with pytest.raises(ParameterError, match="NAME=VALUE"):
        parse_assignments(["1bad=2"])
    with pytest.raises(ParameterError, match="given twice"):
        parse_assignments(["a=1", "a=2"])


# ------------------------------------------------------------------ before a report runs -----
def test_validate_parameters_before_a_run():
    from dealkit.loader import load_deal
    from dealkit.report.parameters import validate_parameters

    deal = load_deal()
    validate_parameters(
        {
            "margin": "deal",
            "default_date": "",
            "events": "history",
            "party": "<anything>",
            "reading": "literal",
            "instructions": "default",
            "outstanding": "deal",
        },
        deal,
    )
    cases = [
        ({"demand_date": "2008-01-01", "default_date": "2008-01-31"}, "parameter demand_date: the demand falls before"),
        ({"term_b_maturity": "2005-01-01"}, "parameter term_b_maturity: not after the closing date"),
        ({"first_amortization": "2005-02-30"}, "parameter first_amortization: not a date of the calendar"),
        ({"rounding": "sometimes"}, "parameter rounding: expected one of period, daily"),
        ({"scenario": "<script>"}, "parameter scenario: expected one of"),
        ({"agent_fee": "1e400"}, "parameter agent_fee:"),
        ({"instructions": "[" * 5000}, "parameter instructions:"),
        ({"instructions": "not json"}, "parameter instructions:"),
        ({"events": "/dev/zero"}, "parameter events: /dev/zero: not a regular file"),
        ({"party": "x" * 100_000}, "parameter party: longer than"),
    ]
    for values, expected in cases:
        with pytest.raises(ParameterError) as info:
            validate_parameters(values, deal)
        message = str(info.value)
        assert message.startswith(expected), message
        assert len(message) < 400 and "\n" not in message, message


def _hostile_values():
    from hypothesis import strategies as st

    return st.one_of(
        st.text(max_size=40),
        st.sampled_from(
            [
                "1e400",
                "9" * 40,
                "١٢٣",
                "²",
                "2005-02-30",
                "-0",
                "nan",
                "inf",
                "deal",
                "",
                " ",
                "%",
                "150%",
                "1,000",
                "[" * 2000,
                '[{"payee": "A", "amount": "1e9"}]',
                '{"a": 1}',
                "/dev/zero",
                "/",
                "history",
                "\x00",
                "\n",
            ]
        ),
    )


def test_validate_parameters_fuzz_only_parameter_errors():
    """Any name and any value: accepted, or one ParameterError line naming the parameter."""
    from conftest import full_or
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from dealkit.loader import load_deal
    from dealkit.report.parameters import _parsers, validate_parameters

    deal = load_deal()
    names = st.sampled_from(sorted(_parsers()) + ["instructions", "events", "party"])

    @settings(max_examples=full_or(300, 5000), deadline=None)
    @given(values=st.dictionaries(names, _hostile_values(), min_size=1, max_size=4))
    def run(values):
        try:
            validate_parameters(values, deal)
        except ParameterError as exc:
            message = str(exc)
            assert message.startswith("parameter ") and "\n" not in message and len(message) < 600, message

    run()
