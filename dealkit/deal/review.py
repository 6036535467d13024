"""Review findings: what the documents say about the same thing, compared.

Every finding is computed from the loaded :class:`~dealkit.deal.model.Deal`, so editing the data
changes the findings. Each carries the citations on each side. Checks that pass are listed too,
so a reader sees what was compared, not only what failed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Literal

from dealkit.deal.model import Cited, Deal, iter_cited
from dealkit.core.money import format_money

__all__ = ["Finding", "Review", "review", "SEVERITIES"]

Severity = Literal["high", "medium", "low", "info"]
SEVERITIES: tuple[Severity, ...] = ("high", "medium", "low", "info")


@dataclass(frozen=True)
class Finding:
    """One discrepancy, blank or assumption: what differs and where each side says so."""

    kind: str
    severity: Severity
    title: str
    detail: str
    citations: tuple[str, ...]
    fields: tuple[str, ...] = ()


@dataclass(frozen=True)
class Review:
    findings: tuple[Finding, ...]
    passed: tuple[str, ...] = field(default=())

    def by_kind(self, kind: str) -> list[Finding]:
        return [f for f in self.findings if f.kind == kind]

    def counts(self) -> dict[str, int]:
        out = {s: 0 for s in SEVERITIES}
        for f in self.findings:
            out[f.severity] += 1
        return out

    def to_json(self) -> str:
        return json.dumps({"findings": [asdict(f) for f in self.findings], "passed": list(self.passed),
                           "counts": self.counts()}, indent=2, default=str)

    def to_frame(self):  # pandas is imported lazily: the CLI does not need it
        import pandas as pd

        rows = [{"severity": f.severity, "kind": f.kind, "finding": f.title, "detail": f.detail,
                 "citations": "; ".join(f.citations)} for f in self.findings]
        return pd.DataFrame(rows, columns=["severity", "kind", "finding", "detail", "citations"])


def _c(deal: Deal, cited: Cited) -> str:
    return deal.cite(cited.source)


def _jurisdictions(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    for key, party in deal.parties.items():
        values = {j.value for j in party.jurisdiction}
        if len(values) > 1:
            by_value: dict[str, list[str]] = defaultdict(list)
            for j in party.jurisdiction:
                by_value[j.value].append(_c(deal, j))
            detail = " vs ".join(f"{v} ({', '.join(c)})" for v, c in by_value.items())
            out.append(Finding("jurisdiction", "high", f"{party.short}'s jurisdiction differs across documents",
                               detail, tuple(_c(deal, j) for j in party.jurisdiction),
                               (f"parties.{key}.jurisdiction",)))
        elif len(party.jurisdiction) > 1:
            passed.append(f"{party.short}: jurisdiction {next(iter(values))} in every document that states it")
    return out, passed


def _holders(deal: Deal) -> tuple[list[Finding], list[str]]:
    opt_holder = deal.option.holder
    recipient = deal.escrow.schedule_a.option_recipient
    if opt_holder.value != recipient.value:
        return [Finding(
            "holder", "high", "The Option's holder is not the escrow's option recipient",
            f"The Option names {deal.party_name(opt_holder.value)} as Holder; Schedule A of the escrow lists "
            f"{deal.party_name(recipient.value)} as the option recipient.",
            (_c(deal, opt_holder), _c(deal, recipient)), ("option.holder", "escrow.schedule_a.option_recipient"))], []
    return [], [f"option holder = escrow option recipient ({deal.party_name(opt_holder.value)})"]


def _option_economics(deal: Deal) -> tuple[list[Finding], list[str]]:
    """Whose economics the Option's value belongs in (issue 10, item 4): the Option's Holder
    (Option, preamble) against the escrow's option recipient (Schedule A) and the parallel-lender
    record (``parallel_lender``: deal-facts.md "Parallel lender"). Medium: the discrepancy itself
    is the ``holder`` finding (high); this one is its consequence for the economics, which take an
    explicit choice, ``option_holder`` ∈ {laurus, gssf, excluded} (:mod:`dealkit.notes`)."""
    holder = deal.option.holder
    recipient = deal.escrow.schedule_a.option_recipient
    parallel = deal.parallel_lender
    if parallel is None:
        return [], ["no parallel-lender record: the Option's economics follow its Holder"]
    side = parallel.secured_party
    if side.value not in deal.parties:
        return [Finding("option_holder", "medium", "The parallel lender's secured party is not a party of the deal file",
                        f"parallel_lender.secured_party names {side.value!r}, which is not in parties.",
                        (_c(deal, side),), ("parallel_lender.secured_party",))], []
    if holder.value == side.value and holder.value != recipient.value:
        name = deal.party_name(holder.value)
        return [Finding(
            "option_holder", "medium", "The Option may belong to the parallel lender, not to Laurus",
            f"The Option names {name} as Holder; {name} is the affiliate of the parallel lender "
            f"({parallel.name.value}) named as a separate secured party, while the escrow's Schedule A sends the "
            f"Option to {deal.party_name(recipient.value)}; whose economics include the Option's value is a "
            f"choice: option_holder = laurus (Schedule A), {holder.value} (the Option's own words; the default) "
            "or excluded. Neither reading is certain.",
            (_c(deal, holder), _c(deal, recipient), _c(deal, side), _c(deal, parallel.name)),
            ("option.holder", "escrow.schedule_a.option_recipient", "parallel_lender.secured_party"))], []
    return [], [f"the Option's Holder ({deal.party_name(holder.value)}) is not the parallel lender's secured party "
                f"({deal.party_name(side.value)}), or is also the escrow's option recipient"]


def _totals(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    sched = deal.escrow.schedule_a
    lines_sum = sum((line.amount.value for line in sched.notes), Decimal("0.00"))
    facility = deal.facility_total()
    escrowed = deal.escrow.escrowed_payment
    compare = [
        ("Schedule A lines", lines_sum, "Schedule A total", sched.total.value, _c(deal, sched.total)),
        ("Schedule A total", sched.total.value, "the notes' faces (MBN inside the revolver)", facility,
         "; ".join(_c(deal, n.face) for n in deal.facility_notes().values())),
        ("the Escrowed Payment", escrowed.value, "the notes' faces (MBN inside the revolver)", facility,
         _c(deal, escrowed)),
    ]
    for a_name, a, b_name, b, cite in compare:
        if a != b:
            out.append(Finding("totals", "high", f"{a_name} ≠ {b_name}",
                               f"{a_name} {format_money(a)} vs {b_name} {format_money(b)} "
                               f"(difference {format_money(abs(a - b))})", (cite, _c(deal, sched.total))))
        else:
            passed.append(f"{a_name} = {b_name} = {format_money(a)}")
    for i, line in enumerate(sched.notes):
        face = deal.notes[line.note].face
        if line.amount.value != face.value:
            out.append(Finding("totals", "high", f"Schedule A amount of {line.note} ≠ the note's face",
                               f"{format_money(line.amount.value)} vs {format_money(face.value)}",
                               (_c(deal, line.amount), _c(deal, face)), (f"escrow.schedule_a.notes[{i}]",)))
        else:
            passed.append(f"Schedule A {line.note} = note face {format_money(face.value)}")
    if deal.escrow.closing_payment.value >= escrowed.value:
        out.append(Finding("totals", "high", "Closing Payment is not less than the Escrowed Payment",
                           f"{format_money(deal.escrow.closing_payment.value)} vs {format_money(escrowed.value)}",
                           (_c(deal, deal.escrow.closing_payment), _c(deal, escrowed))))
    return out, passed


def _dates(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    closing = deal.deal.closing_date.value
    for key, note in deal.notes.items():
        if note.maturity.value > note.issue_date.value:
            passed.append(f"{note.title.value}: maturity {note.maturity.value} after issue {note.issue_date.value}")
        if note.issue_date.value != closing:
            out.append(Finding("dates", "medium", f"{note.title.value} is not dated at the closing",
                               f"issue {note.issue_date.value} vs closing {closing}",
                               (_c(deal, note.issue_date), _c(deal, deal.deal.closing_date)), (f"notes.{key}.issue_date",)))
        extended = [h for h in deal.history if h.kind == "waiver" and h.date >= note.maturity.value
                    and _short_title(note.title.value) in h.event.value]
        if extended:
            out.append(Finding(
                "dates", "medium", f"{note.title.value}: stated maturity superseded",
                f"Stated maturity {note.maturity.value}; extended by waiver(s) on "
                f"{', '.join(str(h.date) for h in extended)}; the new maturity is not known, so schedules "
                "use the stated date unless told otherwise.",
                (_c(deal, note.maturity), *(_c(deal, h.event) for h in extended)), (f"notes.{key}.maturity",)))
    if deal.option.issue_date.value != closing:
        out.append(Finding("dates", "medium", "The Option is not dated at the closing",
                           f"{deal.option.issue_date.value} vs {closing}",
                           (_c(deal, deal.option.issue_date), _c(deal, deal.deal.closing_date))))
    else:
        passed.append(f"Option issue date = closing date = {closing}")
    return out, passed


def _short_title(title: str) -> str:
    """'Secured Convertible Term Note B' -> 'Term Note B' (how the history names a note)."""
    words = title.split()
    return " ".join(words[-3:]) if len(words) >= 3 else title


_HIGH_BLANKS = ("expiration_date",)
_LOW_BLANKS = ("fax", "number", "notice_address")


def _blanks(deal: Deal) -> list[Finding]:
    out = []
    for path, cited in iter_cited(deal):
        if not cited.is_blank:
            continue
        leaf = path.split(".")[-1]
        severity: Severity = "high" if leaf in _HIGH_BLANKS else "low" if leaf in _LOW_BLANKS else "medium"
        written = f" — as written: “{cited.as_written}”" if cited.as_written else ""
        out.append(Finding("blank", severity, f"Blank in an executed document: {path}",
                           f"{deal.cite(cited.source)} leaves this blank{written}", (deal.cite(cited.source),), (path,)))
    blank_parts: dict[str, list[tuple[int, str, Cited]]] = defaultdict(list)
    for i, sched in enumerate(deal.ip_collateral.schedules):
        if not sched.entries and sched.as_written.value.lower() == "blank":
            blank_parts[sched.schedule].append((i, sched.part, sched.as_written))
    for schedule, parts in blank_parts.items():
        out.append(Finding(
            "blank", "medium", f"IP Schedule {schedule} left blank ({', '.join(p for _, p, _ in parts)})",
            "The tables are empty and do not say “None” (as Schedule III does), while §3 represents that the "
            "schedules list every Patent, Trademark and Copyright: either nothing is owned or the schedule is "
            "incomplete, and nothing can be recorded with the USPTO.",
            (*(_c(deal, c) for _, _, c in parts), "Intellectual Property Security Agreement §3"),
            tuple(f"ip_collateral.schedules[{i}]" for i, _, _ in parts)))
    return out


def _assumptions(deal: Deal) -> list[Finding]:
    out = []
    for path, cited in iter_cited(deal):
        if cited.source.kind != "assumed":
            continue
        value = "unknown" if cited.value is None else str(cited.value)
        rng = f"; range seen [{cited.range[0]}, {cited.range[1]}]" if cited.range else ""
        out.append(Finding("assumption", "info", f"Assumed: {path} = {value}",
                           f"{cited.source.reason}{rng}", (f"assumed ({path})",), (path,)))
    return out


def _governing_agreement(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    names = {k: d.governing_agreement for k, d in deal.documents.items()}
    if len({c.value for c in names.values()}) > 1:
        out.append(Finding("naming", "medium", "The governing loan agreement is named differently",
                           "; ".join(f"{deal.document_title(k)}: “{c.value}”" for k, c in names.items()),
                           tuple(_c(deal, c) for c in names.values())))
    else:
        passed.append("governing agreement named alike in every document")
    parties = {k: d.governing_agreement_parties for k, d in deal.documents.items()}
    if len({c.value for c in parties.values()}) > 1:
        out.append(Finding("naming", "medium", "The governing agreement's parties are described differently",
                           "; ".join(f"{deal.document_title(k)}: {c.value}" for k, c in parties.items()),
                           tuple(_c(deal, c) for c in parties.values())))
    return out, passed


def _instrument_names(deal: Deal) -> list[Finding]:
    out = []
    for attr in ("cashless_formula_instrument", "subscription_form_instrument"):
        cited = getattr(deal.option, attr)
        if cited.value.lower() != "option":
            out.append(Finding("naming", "medium", f"The Option calls itself “{cited.value}” ({cited.source.section})",
                               f"As written: “{cited.as_written or cited.value}”. A drafting slip from a warrant form; "
                               "read it as “this Option”.", (_c(deal, cited),), (f"option.{attr}",)))
    return out


def _contradictions(deal: Deal) -> list[Finding]:
    """Escrow §5.3 contradicts itself; the finding names the two readings that
    :func:`dealkit.escrow.interest_readings` implements, ``no_interest_payable`` and
    ``interest_follows_funds``."""
    e = deal.escrow
    if e.interest_bearing_account.value and not e.interest_payable.value:
        return [Finding("contradiction", "medium", "Escrow §5.3 both requires interest and denies it",
                        f"As written: “{e.interest_bearing_account.as_written}” Two named readings "
                        "(dealkit.escrow.INTEREST_READINGS): `no_interest_payable` (the default) — the "
                        "operative words “nor will interest be payable in connection therewith”: no interest "
                        "is paid to anyone, and the “nor” marks a dropped “not” (“held in a non-interest "
                        "bearing account”, the likely intent); `interest_follows_funds` — the first half "
                        "alone, “shall be held in an interest bearing account”, the interest following the "
                        "funds to their recipients, against the second half.",
                        (_c(deal, e.interest_bearing_account), _c(deal, e.interest_payable)),
                        ("escrow.interest_bearing_account", "escrow.interest_payable"))]
    return []


def _cross_references(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    for i, ref in enumerate(deal.cross_references):
        if ref.keyword.lower() not in ref.target_text.value.lower():
            out.append(Finding("cross_reference", "medium", f"{ref.at.source.section} refers to {ref.refers_to}, which "
                               f"does not deal with it", f"{ref.at.value}; {ref.refers_to} reads: "
                               f"“{ref.target_text.value[:120]}…”", (_c(deal, ref.at), _c(deal, ref.target_text)),
                               (f"cross_references[{i}]",)))
        else:
            passed.append(f"{ref.at.source.document} {ref.at.source.section} → {ref.refers_to} ({ref.keyword}…) found")
    return out, passed


def review(deal: Deal) -> Review:
    """Compare what the documents say and list the findings, most severe first.

    Kinds: ``jurisdiction``, ``holder``, ``option_holder`` (whose economics the Option belongs in),
    ``totals``, ``dates``, ``blank``, ``naming``,
    ``contradiction``, ``cross_reference`` and ``assumption`` (every assumed term a report uses).
    """
    findings: list[Finding] = []
    passed: list[str] = []
    for check in (_jurisdictions, _holders, _option_economics, _totals, _dates, _governing_agreement, _cross_references):
        f, p = check(deal)
        findings += f
        passed += p
    findings += _instrument_names(deal) + _contradictions(deal) + _blanks(deal) + _assumptions(deal)
    order = {s: i for i, s in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: order[f.severity])  # stable: the check order stays within a severity
    return Review(tuple(findings), tuple(passed))
