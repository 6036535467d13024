"""Collateral register and obligations: deadlines worked by hand (weekends, U.S. holidays),
statuses, the .ics round trip, and bad event streams refused."""

import datetime as dt

import pytest
from icalendar import Calendar

from dealkit import DealDataError, collateral, load_deal
from dealkit import obligations as ob

DEAL = load_deal()
BY_ID = {o.id: o for o in DEAL.obligations}


def _due(oid, day, **kw):
    return ob.deadline(BY_ID[oid], day, **kw)


def test_register_covers_the_three_documents():
    frame = ob.register_frame(DEAL)
    sections = set(frame["section"])
    for expected in (
        "Intellectual Property Security Agreement §4(a)",
        "Intellectual Property Security Agreement §4(b)",
        "Intellectual Property Security Agreement §4(c)",
        "Intellectual Property Security Agreement §4(d)",
        "Funds Escrow Agreement §4.1(c)",
        "Funds Escrow Agreement §4.1(d)",
        "Funds Escrow Agreement §4.2(a)(iii)",
        "Funds Escrow Agreement §5.2",
        "Option §2.1",
        "Option §5",
        "Option §10",
        "Option §13",
    ):
        assert expected in sections, expected
    laurus = ob.register_frame(DEAL, party="laurus")
    assert len(laurus) and all(
        "Laurus" in a or "Laurus" in b for a, b in zip(laurus["obligor"], laurus["obligee"], strict=True)
    )


def test_s2_1_certificates_three_business_days_over_thanksgiving():
    # exercise Tue 2005-11-22: 11-23 (1), 11-24 Thanksgiving, 11-25 (2), weekend, Mon 11-28 (3)
    assert _due("opt_2_1_certificates", dt.date(2005, 11, 22)) == dt.date(2005, 11, 28)


def test_promptly_over_christmas_observed():
    # Fri 2005-12-23; Mon 12-26 is Christmas (observed): 12-27 (1), 12-28 (2)
    assert _due("ip_4d_notify", dt.date(2005, 12, 23)) == dt.date(2005, 12, 28)
    assert _due("ip_4d_notify", dt.date(2005, 12, 23), promptly=0) == dt.date(2005, 12, 23)


def test_fea_4_1d_five_business_days_from_deemed_notice_over_mlk_day():
    # telecopy Fri 2006-01-13, deemed given Sat 01-14 (§5.2); Mon 01-16 is MLK Day:
    # 01-17 (1), 18 (2), 19 (3), 20 (4), Mon 01-23 (5)
    assert _due("fea_4_1d_successor", dt.date(2006, 1, 13)) == dt.date(2006, 1, 23)
    assert _due("fea_5_2_notice", dt.date(2006, 1, 13)) == dt.date(2006, 1, 14)


def test_before_act_is_the_last_business_day_before_it():
    # filing Wed 2006-07-05; Tue 07-04 is Independence Day: notice by Mon 07-03
    assert _due("ip_4b_prior_notice", dt.date(2006, 6, 30), act_date=dt.date(2006, 7, 5)) == dt.date(2006, 7, 3)
    assert _due("ip_4b_prior_notice", dt.date(2006, 6, 30)) is None


def test_s10_seventy_five_days_and_immediately():
    assert _due("opt_10_notice", dt.date(2006, 9, 1)) == dt.date(2006, 11, 15)
    assert _due("opt_10_default", dt.date(2008, 1, 31)) == dt.date(2008, 1, 31)


def test_statuses_as_of_a_date():
    events = ob.load_events("sample", DEAL)
    triggered = {t.obligation.id: t for t in ob.trigger(DEAL, events, dt.date(2006, 7, 1))}
    assert triggered["opt_2_1_certificates"].status == "performed"
    assert triggered["ip_4d_notify"].status == "overdue"
    assert triggered["fea_5_2_notice"].status == "in effect"
    assert triggered["ip_4b_prior_notice"].status == "not yet due"
    assert "opt_10_notice" not in triggered  # its event (2006-09-01) has not happened by 2006-07-01
    later = {t.obligation.id: t for t in ob.trigger(DEAL, events, dt.date(2006, 11, 14))}
    assert later["opt_10_notice"].status == "takes effect later"
    on = {t.obligation.id: t for t in ob.trigger(DEAL, events, dt.date(2006, 7, 3))}
    assert on["ip_4b_prior_notice"].status == "due today"


def test_performed_late():
    events = ob.parse_events(
        [
            {"date": "2005-11-22", "kind": "exercise_notice"},
            {
                "date": "2005-12-01",
                "kind": "performed",
                "obligation": "opt_2_1_certificates",
                "trigger_date": "2005-11-22",
            },
        ],
        DEAL,
    )
    (t,) = ob.trigger(DEAL, events, dt.date(2006, 1, 1))
    assert t.status == "performed late" and t.performed_on == dt.date(2005, 12, 1)


def test_history_worked_example():
    events = ob.load_events("history", DEAL)
    triggered = {t.obligation.id: t for t in ob.trigger(DEAL, events, dt.date(2008, 6, 30))}
    assert triggered["fea_3_1a_disburse"].status == "performed"
    assert triggered["opt_10_default"].status == "in effect"
    assert triggered["opt_3_1_provision"].status == "act date not known"
    outside = ob.unmatched_events(DEAL, events)
    assert set(outside["event"]) == {"closing", "registration_filed_late", "waiver", "amendment", "maturity"}


@pytest.mark.parametrize(
    "raw, message",
    [
        ([{"date": "2006-01-01", "kind": "alien_invasion"}], "[0].kind: unknown event kind (got 'alien_invasion')"),
        (
            [{"date": "2005-01-01", "kind": "exercise_notice"}],
            "[0].date: 2005-01-01 precedes the deal (closing 2005-09-07)",
        ),
        (
            [{"date": "01/02/2006", "kind": "exercise_notice"}],
            "[0].date: expected an ISO date YYYY-MM-DD (got '01/02/2006')",
        ),
        (
            [{"date": "2006-01-02", "kind": "performed", "obligation": "nope", "trigger_date": "2006-01-01"}],
            "[0].obligation",
        ),
        ([{"date": "2006-01-02", "kind": "exercise_notice", "when": "x"}], "unknown key(s) ['when']"),
        (
            [{"date": "2006-01-02", "kind": "ip_application_planned", "act_date": "2006-01-01"}],
            "act_date: 2006-01-01 is before",
        ),
        ({"date": "2006-01-02"}, "expected a list of events"),
    ],
)
def test_bad_event_streams_refused(raw, message):
    with pytest.raises(DealDataError) as info:
        ob.parse_events(raw, DEAL, "stream.yaml")
    assert message in str(info.value) and "stream.yaml" in str(info.value)


def test_bad_event_files(tmp_path):
    with pytest.raises(DealDataError, match="no such events file"):
        ob.load_events(tmp_path / "none.yaml", DEAL)
    bad = tmp_path / "bad.yaml"
    bad.write_text("- {date: 2006-01-02, kind: [", encoding="utf-8")
    with pytest.raises(DealDataError, match="malformed YAML"):
        ob.load_events(bad, DEAL)


def test_ics_round_trip(tmp_path):
    events = ob.load_events("sample", DEAL)
    triggered = ob.trigger(DEAL, events, dt.date(2008, 6, 30))
    paths = ob.write_exports(DEAL, triggered, tmp_path)
    assert [p.name for p in paths] == ["obligations.csv", "obligations-calendar.csv", "obligations.ics"]
    cal = Calendar.from_ical(paths[2].read_bytes())
    vevents = [c for c in cal.walk() if c.name == "VEVENT" and "[maturity]" not in str(c["summary"])]
    maturities = [c for c in cal.walk() if c.name == "VEVENT" and "[maturity]" in str(c["summary"])]
    assert len(maturities) == len(DEAL.notes)  # each note's maturity on the date it is paid
    dated = [t for t in triggered if t.due]
    assert len(vevents) == len(dated)
    got = sorted((str(v["summary"]).split("] ", 1)[1].split(":")[0], v.decoded("dtstart")) for v in vevents)
    assert got == sorted((t.obligation.id, t.due) for t in dated)
    assert len({str(v["uid"]) for v in vevents}) == len(vevents)
    assert all("Source: " in str(v["description"]) for v in vevents)
    import csv

    rows = list(csv.DictReader(paths[0].open(encoding="utf-8")))
    assert len(rows) == len(DEAL.obligations)


def test_collateral_register_calls_out_blank_schedules():
    frame = collateral.schedules_frame(DEAL)
    blank = frame[frame["meaning"].str.startswith("FINDING")]
    assert set(blank["schedule"]) == {"I", "II"} and len(blank) == 6
    assert set(frame[frame["schedule"] == "III"]["meaning"]) == {"states there are none"}
    assert len(collateral.collateral_frame(DEAL)) == 6
    assert "first priority" in collateral.security_interest_frame(DEAL)["terms"].str.cat()


def test_loader_refuses_bad_obligations(write_deal):
    def dup(d):
        d["obligations"].append(dict(d["obligations"][0]))

    with pytest.raises(DealDataError, match=r"obligations\[19\].id: duplicate obligation id"):
        load_deal(write_deal(dup))

    def unknown_party(d):
        d["obligations"][0]["obligor"] = "martians"

    with pytest.raises(DealDataError, match=r"obligations\[0\].obligor: unknown party or group"):
        load_deal(write_deal(unknown_party))

    def bad_rule(d):
        d["obligations"][0]["rule"] = {"kind": "business_days"}

    with pytest.raises(DealDataError, match="a business_days rule needs n"):
        load_deal(write_deal(bad_rule))


def test_sample_exports_are_labelled_illustrative(tmp_path):
    from dealkit import load_deal, obligations

    deal = load_deal()
    stream = obligations.load_events("sample", deal)
    triggered = obligations.trigger(deal, stream, dt.date(2006, 7, 1), 2)
    csv_path, calendar_path, ics_path = obligations.write_exports(
        deal, triggered, tmp_path, label=obligations.ILLUSTRATIVE
    )
    ics = ics_path.read_text(encoding="utf-8")
    due = sum(t.due is not None for t in triggered)
    assert ics.count("SUMMARY:[Illustrative") == due > 0
    import csv

    rows = list(csv.DictReader(calendar_path.open(encoding="utf-8")))
    assert rows and all(r["label"] == obligations.ILLUSTRATIVE for r in rows)
    plain = obligations.write_exports(deal, triggered, tmp_path / "plain")[2].read_text(encoding="utf-8")
    assert "Illustrative" not in plain


# ================================================================== issue 11: the layers ====
import ast  # noqa: E402
import dataclasses  # noqa: E402
import doctest  # noqa: E402
import importlib  # noqa: E402
from pathlib import Path  # noqa: E402

from dealkit.rules import collateral as collateral_rules  # noqa: E402
from dealkit.rules import obligations as rules  # noqa: E402

#: Every public name dealkit.obligations and dealkit.collateral had before the move.
OBLIGATIONS_NAMES = [
    "event_kinds",
    "unmatched_events",
    "OUTSIDE_DOCUMENTS",
    "ObligationEvent",
    "Triggered",
    "party_label",
    "register_frame",
    "load_events",
    "parse_events",
    "trigger",
    "calendar_frame",
    "to_ics",
    "write_exports",
    "PROMPTLY_BUSINESS_DAYS",
    "SCENARIOS",
    "ILLUSTRATIVE",
    "scenario_path",
    "deadline",
    "NoteDue",
    "note_payments",
    "note_payments_frame",
]
MODULES = [
    "dealkit.rules.obligations",
    "dealkit.rules.collateral",
    "dealkit.present.obligations_tables",
    "dealkit.present.collateral_tables",
    "dealkit.present.obligations_files",
]


def test_issue11_facades_keep_every_public_name():
    from dealkit.present import collateral_tables, obligations_files, obligations_tables

    assert sorted(ob.__all__) == sorted(OBLIGATIONS_NAMES)
    homes = (rules, obligations_tables, obligations_files)
    for name in OBLIGATIONS_NAMES:
        assert any(getattr(home, name, None) is getattr(ob, name) for home in homes), name
    assert ob.SCENARIOS_DIR.is_dir() and ob.EVENTS_MAX_BYTES > 0  # kept outside __all__ too
    for name in collateral.__all__:
        assert getattr(collateral, name) is getattr(collateral_tables, name)


def test_issue11_rows_are_frozen_dataclasses_with_slots():
    for cls in (
        rules.ObligationEvent,
        rules.Triggered,
        rules.NoteDue,
        collateral_rules.CollateralClass,
        collateral_rules.ScheduleReading,
        collateral_rules.SecurityTerm,
    ):
        assert dataclasses.is_dataclass(cls) and cls.__dataclass_params__.frozen and "__slots__" in vars(cls), cls


@pytest.mark.parametrize("module", MODULES)
def test_issue11_examples_run_and_limits_hold(module):
    loaded = importlib.import_module(module)
    assert doctest.testmod(loaded).failed == 0
    text = Path(loaded.__file__).read_text(encoding="utf-8")
    assert len(text.splitlines()) <= 400 and "__all__" in text
    long = [
        n.name
        for n in ast.walk(ast.parse(text))
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.end_lineno - n.lineno + 1 > 50
    ]
    assert not long


@pytest.mark.parametrize(
    "nature, kind, due, done, as_of, status",
    [
        ("duty", "promptly", dt.date(2006, 1, 5), None, dt.date(2006, 1, 4), "not yet due"),
        ("duty", "promptly", dt.date(2006, 1, 5), None, dt.date(2006, 1, 5), "due today"),
        ("duty", "promptly", dt.date(2006, 1, 5), None, dt.date(2006, 1, 6), "overdue"),
        ("duty", "promptly", dt.date(2006, 1, 5), dt.date(2006, 1, 5), dt.date(2006, 2, 1), "performed"),
        ("duty", "promptly", dt.date(2006, 1, 5), dt.date(2006, 1, 6), dt.date(2006, 2, 1), "performed late"),
        ("duty", "before_act", None, None, dt.date(2006, 2, 1), "act date not known"),
        ("duty", "none", None, None, dt.date(2006, 2, 1), "no time stated"),
        ("effect", "calendar_days", dt.date(2006, 1, 5), None, dt.date(2006, 1, 5), "in effect"),
        ("effect", "calendar_days", dt.date(2006, 1, 5), None, dt.date(2006, 1, 4), "takes effect later"),
        ("effect", "calendar_days", None, None, dt.date(2006, 1, 4), "no date"),
    ],
)
def test_issue11_obligation_status_every_branch(nature, kind, due, done, as_of, status):
    base = BY_ID["ip_4d_notify"]
    obligation = base.model_copy(update={"nature": nature, "rule": base.rule.model_copy(update={"kind": kind})})
    assert rules.obligation_status(obligation, due, done, as_of) == status


def test_issue11_outside_documents_and_payment_reasons():
    events = ob.load_events("history", DEAL)
    outside = rules.outside_documents(DEAL, events)
    assert {event.kind for event, _ in outside} == {
        "closing",
        "registration_filed_late",
        "waiver",
        "amendment",
        "maturity",
    }
    assert all(why == rules.OUTSIDE_DOCUMENTS[event.kind] for event, why in outside)
    moved = [p for p in rules.note_payments(DEAL) if p.due != p.stated]
    assert [(p.stated, p.due) for p in moved] == [(dt.date(2008, 9, 6), dt.date(2008, 9, 8))] * len(moved) and moved
    assert rules.payment_reason(moved[0]) == "2008-09-06 is a Saturday: paid Monday (following)"


def test_issue11_collateral_rules_are_rows():
    classes = collateral_rules.collateral_classes(DEAL)
    assert [c.clause for c in classes] == [f"§2({letter})" for letter in "abcdef"]
    readings = collateral_rules.schedule_readings(DEAL)
    assert sum(r.meaning.startswith("FINDING") for r in readings) == 6
    assert collateral_rules.schedule_meaning("Patent 1", 2) == "2 item(s) listed"
    assert [t.item for t in collateral_rules.security_interest_terms(DEAL)] == [
        "Grantors",
        "Secured party",
        "Nature",
        "Perfection",
        "Termination",
    ]


def test_issue11_ics_is_the_same_bytes_for_the_same_stamp():
    """The iCalendar writer is deterministic given its stamp (UIDs hash the obligation and event)."""
    triggered = ob.trigger(DEAL, ob.load_events("sample", DEAL), dt.date(2008, 6, 30))
    stamp = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    first = ob.to_ics(DEAL, triggered, stamp=stamp, payments=ob.note_payments(DEAL), label=ob.ILLUSTRATIVE)
    assert first == ob.to_ics(DEAL, triggered, stamp=stamp, payments=ob.note_payments(DEAL), label=ob.ILLUSTRATIVE)
    cal = Calendar.from_ical(first)
    assert all(v.decoded("dtend") - v.decoded("dtstart") == dt.timedelta(days=1) for v in cal.walk("VEVENT"))
