"""Hostile input (issue 10, item 17): every malformed deal file, events file or parameter is
refused with exit 2 and ONE line naming the file, the field path and the value (cut short), never
a traceback; a file that is not a deal is never echoed. A fuzz test sends mutated deal files
through ``dealkit check`` (a sample here; ``DEALKIT_FULL=1`` runs 2,000)."""

from __future__ import annotations

import copy
import os
import stat
import tempfile

import pytest
import yaml
from conftest import DEAL, DEALKIT, ROOT, full_or, run_cli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dealkit import cli
from dealkit.errors import DealDataError, ParameterError
from dealkit.loader import MAX_FILE_BYTES, load_deal
from dealkit.obligations import load_events
from dealkit.params import as_date, as_int, as_money, as_rate

TEXT = DEAL.read_text(encoding="utf-8")


def check(path) -> tuple[int, str, str]:
    """``dealkit check --deal PATH`` in this process: (exit code, stdout, stderr)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["check", "--deal", str(path)])
    return code, out.getvalue(), err.getvalue()


def refused(path, *fragments: str) -> str:
    code, out, err = check(path)
    assert code == 2, (out, err)
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert "Traceback" not in err and len(err) < 600, err
    for fragment in fragments:
        assert fragment in err, err
    return err


def swap(old: str, new: str, count: int = 1) -> str:
    assert old in TEXT, old
    return TEXT.replace(old, new, count)


@pytest.fixture
def deal_text(tmp_path):
    def _write(text: str, name: str = "deal.yaml"):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.mark.parametrize(
    "old, new, field, shown",
    [
        ("maturity: {value: 2008-09-06", "maturity: {value: 2005-02-30", "maturity.value", "2005-02-30"),
        ('value: "12000000.00"', 'value: "1' + "0" * 30 + '.00"', "escrowed_payment.value", "more than 28 digits"),
        ('value: "12000000.00"', 'value: "1e400"', "escrowed_payment.value", "1e400"),
        ('value: "12000000.00"', 'value: "١٢٠٠٠٠٠٠.٠٠"', "escrowed_payment.value", "ASCII digits"),
        ('value: "12000000.00"', "value: 1.0e+400", "escrowed_payment.value", "inf"),
        ("maturity: {value: 2008-09-06", 'maturity: {value: "２００８-09-06"', "maturity.value", "ASCII digits"),
    ],
)
def test_bad_values_name_file_field_and_value(deal_text, old, new, field, shown):
    err = refused(deal_text(swap(old, new)), "deal.yaml", field, shown)
    assert "Traceback" not in err


def test_huge_integer_is_cut_short(deal_text):
    text = TEXT.replace("shares: {value: 140250000", "shares: {value: " + "9" * 5000, 1)
    assert text != TEXT
    err = refused(deal_text(text), "option.shares.value")
    assert "9" * 100 not in err


def test_share_count_beyond_plausible(deal_text):
    text = TEXT.replace("shares: {value: 140250000", "shares: {value: 99999999999999999999", 1)
    refused(deal_text(text), "option.shares.value", "not plausible")


@pytest.mark.parametrize(
    "text, fragment",
    [
        ("schema_version: 1\n? [a, b]\n: 1\n", "used as a mapping key"),
        ("schema_version: 1\n? {a: 1}\n: 1\n", "used as a mapping key"),
        ("schema_version: 1\ndeal: 1\ndeal: 2\n", "duplicate key 'deal'"),
        ("schema_version: 1\nx: " + "[" * 1000 + "]" * 1000 + "\n", "nested deeper than"),
        ("schema_version: 1\nx:\n" + "".join("  " * i + "- \n" for i in range(1, 200)), "nested deeper than"),
        ("schema_version: 1\na: &a [*a]\n", "recursive"),
        (
            "schema_version: 1\n"
            + "\n".join(
                ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
                + [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8)]
            )
            + "\n",
            "expands to more than",
        ),
        ("schema_version: 1\n\tx: 1\n", "malformed YAML"),
    ],
)
def test_hostile_yaml_is_one_line(deal_text, text, fragment):
    refused(deal_text(text), "deal.yaml", fragment)


@pytest.mark.parametrize(
    "text",
    [
        "schema_version: 1\nx: " + "[" * 200_000 + "]" * 200_000 + "\n",
        "schema_version: 1\nx: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n",
        "schema_version: 1\nx:\n" + "- " * 200_000 + "1\n",
    ],
)
def test_very_deep_nesting_does_not_crash_the_parser(deal_text, text):
    """libyaml's composer is recursive C: 100,000 levels crash a plain ``yaml.load`` with a
    segmentation fault. Through the real command (a crash would show as a signal)."""
    proc = run_cli("check", "--deal", str(deal_text(text)))
    assert proc.returncode == 2, (proc.returncode, proc.stderr[-300:])
    assert "nested deeper than" in proc.stderr and "Traceback" not in proc.stderr


def test_file_size_cap(deal_text):
    big = TEXT + "# " + "x" * (MAX_FILE_BYTES + 10) + "\n"
    refused(deal_text(big), "deal.yaml", "may not exceed")


def test_devices_directories_fifos(tmp_path):
    refused("/dev/zero", "not a regular file")
    refused("/dev/null", "not a regular file")
    refused(tmp_path, "is a directory")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    refused(fifo, "not a regular file")  # and it did not block waiting for a writer
    refused(tmp_path / "missing.yaml", "no such deal file")


def test_unreadable_file(deal_text, tmp_path):
    if os.geteuid() != 0:
        path = deal_text(TEXT)
        path.chmod(0)
        refused(path, "permission denied")
        return
    # root reads any file: run the real command as nobody on a file only root may read
    import shutil
    import subprocess

    setpriv = shutil.which("setpriv")
    if not setpriv:
        pytest.skip("root reads any file, and setpriv is not here to drop privileges")
    folder = tempfile.mkdtemp(prefix="dk-unreadable-", dir="/tmp")
    try:
        os.chmod(folder, 0o755)
        path = os.path.join(folder, "deal.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(TEXT)
        os.chmod(path, 0o600)
        proc = subprocess.run(
            [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", *DEALKIT, "check", "--deal", path],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=ROOT,
        )
        assert proc.returncode == 2 and proc.stdout == "", proc.stderr
        assert proc.stderr.strip() == f"dealkit check: {path}: cannot read the deal file (permission denied)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(
    "content",
    [
        "root:$6$saltsalt$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n",
        "secret_key: hunter2-very-secret\npassword: correct-horse\n",
        "- hunter2-very-secret\n- another\n",
        "hunter2-very-secret\n",
        'a: *hunter2\nb: "correct-horse\\q"\n',
        "[secret_key, hunter2\n",
    ],
)
def test_a_file_that_is_not_a_deal_is_never_echoed(deal_text, content):
    err = refused(deal_text(content, "secrets"))
    err = err.split("secrets", 1)[1]  # what follows the file's name
    for word in ("hunter2", "saltsalt", "correct-horse", "root", "secret_key", "another"):
        assert word not in err, err


def test_etc_shadow_is_not_echoed():
    if not os.path.exists("/etc/shadow"):
        pytest.skip("no /etc/shadow here")
    proc = run_cli("check", "--deal", "/etc/shadow")
    assert proc.returncode == 2 and proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    with open("/etc/shadow", encoding="utf-8", errors="replace") as handle:
        for line in handle:
            for part in line.strip().split(":"):
                if len(part) >= 4:
                    assert part not in proc.stderr, "a line of /etc/shadow was echoed"


def test_binary_and_control_characters(write_deal, tmp_path):
    path = tmp_path / "bin.yaml"
    path.write_bytes(b"schema_version: 1\n\x00\x01\x02")
    refused(path, "NUL bytes")
    path.write_bytes(b"\xff\xfe garbage")
    refused(path, "not UTF-8")
    # a key with a terminal escape is shown escaped
    err = refused(write_deal(lambda d: d["escrow"].update({"\x1b[31mred\nline": 1})), "escrow.")
    assert "\x1b" not in err


@pytest.mark.parametrize(
    "edit, field, why",
    [
        (
            lambda d: d["notes"]["term_b"]["maturity"].update(value="2005-09-01"),
            "notes.term_b.maturity.value",
            "not after the",
        ),
        (
            lambda d: d["note_terms"]["term_a_first_amortization"].update(
                value="2005-08-01", range=["2005-01-01", "2006-09-01"]
            ),
            "note_terms.term_a_first_amortization.value",
            "not after the funding date",
        ),
        (
            lambda d: d["default_demand"]["due_date"].update(value="2008-01-01"),
            "default_demand.due_date.value",
            "before the notice of default",
        ),
        (
            lambda d: d["default_demand"]["notice_date"].update(value="2005-01-01"),
            "default_demand.notice_date.value",
            "not after the closing date",
        ),
    ],
)
def test_dates_out_of_order_are_errors(write_deal, edit, field, why):
    refused(write_deal(edit), field, why)


def test_dates_out_of_order_real_cli_exit_2(write_deal):
    path = write_deal(lambda d: d["default_demand"]["due_date"].update(value="2008-01-01"))
    proc = run_cli("check", "--deal", str(path))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "default_demand.due_date.value" in proc.stderr and "2008-01-01" in proc.stderr


# ------------------------------------------------------------------ parameters and events --
@pytest.mark.parametrize(
    "parse, value, fragment",
    [
        (as_money, "1e400", "plain decimal"),
        (as_money, "9" * 40, "more than 28 digits"),
        (as_money, "١٢.٠٠", "ASCII"),
        (as_rate, "1e-3", "plain decimal"),
        (as_int, "²", "whole number"),
        (as_int, "9" * 5000, "whole number"),
        (as_date, "2005-02-30", "not a date of the calendar"),
        (as_date, "２００５-01-01", "ISO date"),
    ],
)
def test_parameter_errors_name_the_parameter(parse, value, fragment):
    with pytest.raises(ParameterError) as info:
        parse(value, "the_param")
    message = str(info.value)
    assert message.startswith("parameter the_param: ") and fragment in message, message
    assert len(message) < 300


def test_events_file_must_be_a_small_regular_file(tmp_path):
    deal = load_deal()
    with pytest.raises(DealDataError, match="not a regular file"):
        load_events("/dev/zero", deal)
    with pytest.raises(DealDataError, match="is a directory"):
        load_events(str(tmp_path), deal)
    big = tmp_path / "big.yaml"
    big.write_text("- " + "x" * 300_000 + "\n", encoding="utf-8")
    with pytest.raises(DealDataError, match="may not exceed"):
        load_events(str(big), deal)
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(
        "a: &a ["
        + ",".join(["x"] * 9)
        + "]\n"
        + "\n".join(f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]" for i in range(8))
        + "\n"
    )
    with pytest.raises(DealDataError, match="expands to more than"):
        load_events(str(bomb), deal)


# ------------------------------------------------------------------ the fuzz test -------------
RAW = yaml.safe_load(TEXT)
HOSTILE = st.sampled_from(
    [
        None,
        True,
        0,
        -1,
        10**30,
        1.5,
        float("inf"),
        "",
        " ",
        "2005-02-30",
        "1e400",
        "9" * 40,
        "١٢٣",
        "-0.00",
        "<script>alert(1)</script>",
        "x" * 5000,
        [],
        {},
        [1, [2, [3]]],
        {"value": None},
        {"value": "1.00"},
        {"value": "1.00", "doc": "nope", "sec": "§1"},
        "2099-12-31",
        "1900-01-01",
        "0.99999",
        "NaN",
        "\x00",
    ]
)


def _paths(node, prefix=()):
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _paths(v, (*prefix, i))


PATHS = [p for p in _paths(RAW) if p]


def _mutate(data, path, value, action):
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    if action == "delete" and isinstance(parent, dict):
        del parent[last]
    elif action == "rename" and isinstance(parent, dict):
        parent[f"{last}_x"] = parent.pop(last)
    else:
        parent[last] = value


@settings(
    max_examples=full_or(100, 2000), suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(
    edits=st.lists(
        st.tuples(st.sampled_from(PATHS), HOSTILE, st.sampled_from(["set", "set", "delete", "rename"])),
        min_size=1,
        max_size=4,
    ),
    text_cut=st.one_of(st.none(), st.integers(0, len(TEXT))),
    garbage=st.one_of(st.none(), st.binary(min_size=1, max_size=8)),
)
def test_fuzz_mutated_deal_files_exit_0_or_2(tmp_path_factory, edits, text_cut, garbage):
    data = copy.deepcopy(RAW)
    for path, value, action in edits:
        try:
            _mutate(data, path, copy.deepcopy(value), action)
        except (KeyError, IndexError, TypeError):
            pass  # an earlier edit removed or replaced the parent
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True).encode("utf-8")
    if text_cut is not None:
        body = body[:text_cut]
    if garbage is not None:
        at = len(body) // 2
        body = body[:at] + garbage + body[at:]
    path = tmp_path_factory.mktemp("fuzz") / "deal.yaml"
    path.write_bytes(body)
    code, out, err = check(path)  # any exception escaping main() fails the test
    assert code in (0, 2), err
    assert "Traceback" not in err
    if code == 2:
        assert out == "" and len(err.strip().splitlines()) == 1 and len(err) < 800, err


def test_fuzz_sample_through_the_real_cli(tmp_path):
    """A few mutated files through the installed command, as a user runs it."""
    for i, (old, new) in enumerate(
        [
            ("schema_version: 1", "schema_version: [1]"),
            ("value: 2005-09-07", "value: 2005-09-31"),
            ("escrow:", "escrow: &e\n  x: *e\nold_escrow:"),
        ]
    ):
        path = tmp_path / f"m{i}.yaml"
        path.write_text(TEXT.replace(old, new, 1), encoding="utf-8")
        proc = run_cli("check", "--deal", str(path))
        assert proc.returncode in (0, 2) and "Traceback" not in proc.stderr, proc.stderr
        assert stat.S_ISREG(path.stat().st_mode)


@settings(max_examples=full_or(50, 2000), deadline=None)
@given(
    st.one_of(
        st.text(max_size=500),
        st.binary(max_size=300),
        st.integers(),
        st.lists(st.integers(), max_size=50),
        st.dictionaries(st.text(max_size=50), st.text(max_size=200), max_size=10),
    )
)
def test_a_bad_value_is_shown_short_and_printable(value):
    """Whatever a file holds, the value a message echoes is at most ~300 printable characters."""
    from dealkit.deal.messages import printable, short_value

    shown = short_value(value)
    assert len(shown) <= 300 and shown.isprintable()
    assert printable(str(value), 40).isprintable() and len(printable(str(value), 40)) <= 40 * 10
