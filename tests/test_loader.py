"""The deal loader: the embedded deal, immutability, and every kind of bad file refused with a
DealDataError naming the file, the field path and the bad value."""

import datetime as dt
from decimal import Decimal

import pydantic
import pytest

import dealkit
from dealkit import DealDataError, load_deal, load_prime
from dealkit.deal.model import iter_cited


def test_embedded_deal_loads_with_documented_terms():
    deal = load_deal()
    assert deal.escrow.escrowed_payment.value == Decimal("12000000.00")
    assert deal.escrow.escrowed_payment.source.kind == "documented"
    assert deal.escrow.escrowed_payment.source.section == "§1.1(d)"
    assert deal.escrow.closing_payment.value == Decimal("450000.00")
    assert deal.escrow.expense_cap.value == Decimal("2500.00")
    assert deal.option.shares.value == 140_250_000
    assert deal.option.exercise_price.value == Decimal("0.00001")
    assert deal.option.max_exercise_cap.value == Decimal("0.0499")
    assert deal.notes["term_b"].maturity.value == dt.date(2007, 3, 6)
    assert deal.notes["mbn"].within == "revolving"
    assert deal.facility_total() == Decimal("12000000.00")
    assert [j.value for j in deal.parties["atg"].jurisdiction] == ["Nevada", "Delaware", "Nevada"]
    assert len(deal.ip_collateral.classes) == 6
    assert len(deal.escrow.release_conditions) == 4


def test_every_value_carries_provenance():
    deal = load_deal()
    kinds = {"documented": 0, "public_record": 0, "assumed": 0}
    for path, cited in iter_cited(deal):
        kinds[cited.source.kind] += 1
        if cited.source.kind == "documented":
            assert cited.source.document in deal.documents, path
        if cited.source.kind == "assumed":
            assert cited.source.reason, path
    assert all(n > 5 for n in kinds.values()), kinds


def test_money_is_decimal_and_shares_are_int():
    deal = load_deal()
    for key, note in deal.notes.items():
        assert isinstance(note.face.value, Decimal), key
    assert isinstance(deal.option.shares.value, int)
    assert isinstance(deal.note_terms.prime_margin.value, Decimal)


def test_model_is_immutable():
    deal = load_deal()
    with pytest.raises(pydantic.ValidationError):
        deal.option.shares = None  # type: ignore[misc]
    with pytest.raises(TypeError):
        deal.notes["term_a"] = deal.notes["term_b"]  # type: ignore[index]


def test_load_deal_accepts_an_explicit_path(write_deal):
    path = write_deal(lambda d: d["escrow"]["closing_payment"].update(value="500000.00"))
    assert load_deal(path).escrow.closing_payment.value == Decimal("500000.00")
    assert load_deal(str(path)).escrow.closing_payment.value == Decimal("500000.00")


def _set(path, value):
    def edit(data):
        node = data
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


BAD_EDITS = [
    # (what, edit, field path in the message, bad value in the message)
    (
        "negative money",
        _set(["notes", "term_a", "face", "value"], "-3000000.00"),
        "notes.term_a.face.value",
        "-3000000.00",
    ),
    ("money as a float", _set(["escrow", "expense_cap", "value"], 2500.5), "escrow.expense_cap.value", "2500.5"),
    ("money as a bare int", _set(["escrow", "expense_cap", "value"], 2500), "escrow.expense_cap.value", "2500"),
    (
        "money not a number",
        _set(["escrow", "closing_payment", "value"], "lots"),
        "escrow.closing_payment.value",
        "lots",
    ),
    (
        "money below the cent",
        _set(["escrow", "closing_payment", "value"], "450000.001"),
        "escrow.closing_payment.value",
        "450000.001",
    ),
    ("rate above 100%", _set(["note_terms", "prime_margin", "value"], "1.5"), "note_terms.prime_margin.value", "1.5"),
    ("rate out of its range", _set(["note_terms", "rate_floor", "value"], "0.20"), "note_terms.rate_floor", "0.20"),
    ("shares as a string", _set(["option", "shares", "value"], "many"), "option.shares.value", "many"),
    ("shares as a bool", _set(["option", "shares", "value"], True), "option.shares.value", "True"),
    ("negative shares", _set(["option", "shares", "value"], -1), "option.shares.value", "-1"),
    (
        "bad date",
        _set(["notes", "term_b", "maturity", "value"], "2007-02-30"),
        "notes.term_b.maturity.value",
        "2007-02-30",
    ),
    (
        "maturity before issue",
        _set(["notes", "term_b", "maturity", "value"], dt.date(2004, 1, 1)),
        "notes.term_b.maturity.value",
        "2004-01-01",
    ),
    ("unknown key", _set(["escrow", "interest_rate"], "0.05"), "escrow.interest_rate", "0.05"),
    ("unknown key in a value", _set(["option", "shares", "approx"], 1), "option.shares", "approx"),
    ("missing key", lambda d: d["escrow"].pop("escrowed_payment"), "escrow.escrowed_payment", "agent"),
    ("no source", _set(["option", "shares"], {"value": 5}), "option.shares", "5"),
    (
        "two sources",
        _set(["option", "shares"], {"value": 5, "doc": "option", "sec": "§1.1", "url": "https://x"}),
        "option.shares",
        "https://x",
    ),
    (
        "documented without section",
        _set(["option", "shares"], {"value": 5, "doc": "option"}),
        "option.shares",
        "option",
    ),
    (
        "unknown document",
        _set(["option", "shares"], {"value": 5, "doc": "side_letter", "sec": "§1"}),
        "option.shares.doc",
        "side_letter",
    ),
    ("unknown party", _set(["option", "holder", "value"], "acme"), "option.holder.value", "acme"),
    (
        "unknown note in Schedule A",
        lambda d: d["escrow"]["schedule_a"]["notes"][0].update(note="term_z"),
        "escrow.schedule_a.notes[0].note",
        "term_z",
    ),
    (
        "inner note larger than outer",
        _set(["notes", "mbn", "face", "value"], "8000000.00"),
        "notes.mbn.face.value",
        "8000000.00",
    ),
    ("bad note kind", _set(["notes", "term_a", "kind"], "perpetual"), "notes.term_a.kind", "perpetual"),
    (
        "public record without http",
        _set(["notes", "term_a", "maturity", "url"], "sec.gov/x"),
        "notes.term_a.maturity",
        "sec.gov/x",
    ),
    ("wrong schema version", _set(["schema_version"], 2), "schema_version", "2"),
]


@pytest.mark.parametrize("what, edit, field, value", BAD_EDITS, ids=[b[0] for b in BAD_EDITS])
def test_bad_deal_is_refused_with_file_field_and_value(write_deal, what, edit, field, value):
    path = write_deal(edit)
    with pytest.raises(DealDataError) as info:
        load_deal(path)
    message = str(info.value)
    assert "deal.yaml" in message, message
    assert field in message, message
    assert value in message, message
    assert "Traceback" not in message


@pytest.mark.parametrize(
    "text, expected",
    [
        ("notes: [\n", "malformed YAML"),
        ("a: 1\na: 2\n", "duplicate key 'a'"),
        ("", "expected a mapping"),
        ("- 1\n- 2\n", "expected a mapping"),
        ("\tfoo: bar", "malformed YAML"),
    ],
)
def test_malformed_files_are_refused(tmp_path, text, expected):
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DealDataError, match=expected) as info:
        load_deal(path)
    assert "broken.yaml" in str(info.value)


def test_yaml_error_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("schema_version: 1\ndeal: {name: [\n", encoding="utf-8")
    with pytest.raises(DealDataError, match=r"broken\.yaml: line \d+, column \d+"):
        load_deal(path)


def test_missing_file_directory_and_binary(tmp_path):
    with pytest.raises(DealDataError, match="no such deal file"):
        load_deal(tmp_path / "nope.yaml")
    with pytest.raises(DealDataError, match="is a directory"):
        load_deal(tmp_path)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(DealDataError, match="bin.yaml"):
        load_deal(binary)


def test_many_errors_are_summarised(write_deal):
    def edit(d):
        for key in ("revolving", "term_a", "term_b", "mbn"):
            d["notes"][key]["face"]["value"] = "-1.00"
        d["escrow"]["expense_cap"]["value"] = "-1.00"
        d["escrow"]["closing_payment"]["value"] = "-1.00"

    with pytest.raises(DealDataError, match=r"and 5 more errors") as info:
        load_deal(write_deal(edit))
    assert info.value.field == "notes.revolving.face.value"


def test_dealdataerror_is_a_valueerror_and_exported():
    assert issubclass(dealkit.DealDataError, ValueError)


# ------------------------------------------------------------------ prime rate --------------
def test_prime_series_steps():
    prime = load_prime()
    assert prime.rate_on(dt.date(2005, 9, 7)) == Decimal("0.0650")
    assert prime.rate_on(dt.date(2005, 9, 19)) == Decimal("0.0650")
    assert prime.rate_on(dt.date(2005, 9, 20)) == Decimal("0.0675")  # effective that day
    assert prime.rate_on(dt.date(2008, 2, 1)) == Decimal("0.0600")
    assert prime.rate_on(dt.date(2009, 1, 1)) == Decimal("0.0325")
    assert "jpmprivatebk.com" in prime.source
    assert len(prime.changes_between(dt.date(2005, 9, 7), dt.date(2008, 9, 6))) == 14  # 2005-09-20 ... 2008-04-30
    with pytest.raises(ValueError, match="no prime rate known on 2005-01-01"):
        prime.rate_on(dt.date(2005, 1, 1))


@pytest.mark.parametrize(
    "body, expected",
    [
        ("effective_date,rate,source\n2005-08-09,6.50,x\n", "line 2: rate: a fraction between 0 and 1"),
        ("effective_date,rate,source\n2005-08-09,abc,x\n", "line 2: rate: not a decimal fraction (got 'abc')"),
        (
            "effective_date,rate,source\n2005-13-09,0.065,x\n",
            "line 2: effective_date: not an ISO date (got '2005-13-09')",
        ),
        (
            "effective_date,rate,source\n2005-08-09,0.065,x\n2005-08-01,0.07,x\n",
            "line 3: effective_date: dates must increase",
        ),
        ("date,rate\n2005-08-09,0.065\n", "missing column(s) ['effective_date', 'source']"),
        ("effective_date,rate,source\n", "no rows"),
    ],
)
def test_bad_prime_file(tmp_path, body, expected):
    path = tmp_path / "prime.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(DealDataError) as info:
        load_prime(path)
    assert expected in str(info.value)
    assert "prime.csv" in str(info.value)


def test_missing_prime_file(tmp_path):
    with pytest.raises(DealDataError, match="no such prime-rate file"):
        load_prime(tmp_path / "none.csv")


def test_split_modules_keep_the_loader_names():
    """Issue 11 split the loader (guard, references, messages): every name stays importable from it."""
    from dealkit.deal import guard, loader, messages, references

    assert loader.read_text_file is guard.read_text_file and loader.parse_yaml is guard.parse_yaml
    assert (loader.MAX_FILE_BYTES, loader.MAX_DEPTH, loader.MAX_NODES) == (
        guard.MAX_FILE_BYTES,
        guard.MAX_DEPTH,
        guard.MAX_NODES,
    )
    assert loader._display_path is messages.display_path and loader._short is messages.short_value
    assert loader._check_references is references.check_references
    import dealkit.loader as old

    assert old is loader


def test_prime_before_its_series_is_a_deal_data_error():
    prime = load_prime()
    with pytest.raises(DealDataError, match="no prime rate known on 2005-01-01") as info:
        prime.rate_on(dt.date(2005, 1, 1))
    assert info.value.field == "effective_date"
