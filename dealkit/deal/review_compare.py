"""Review checks that compare what two documents say about the same thing: jurisdictions, holders,
whose economics the Option belongs in, totals, dates."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from dealkit.core.money import format_money
from dealkit.deal.findings import Finding
from dealkit.deal.findings import citation as _cite
from dealkit.deal.findings import short_title as _short_title
from dealkit.deal.model import Deal

__all__ = ["COMPARISONS"]


def _jurisdictions(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    for key, party in deal.parties.items():
        values = {j.value for j in party.jurisdiction}
        if len(values) > 1:
            by_value: dict[str, list[str]] = defaultdict(list)
            for j in party.jurisdiction:
                by_value[j.value].append(_cite(deal, j))
            detail = " vs ".join(f"{v} ({', '.join(c)})" for v, c in by_value.items())
            out.append(
                Finding(
                    "jurisdiction",
                    "high",
                    f"{party.short}'s jurisdiction differs across documents",
                    detail,
                    tuple(_cite(deal, j) for j in party.jurisdiction),
                    (f"parties.{key}.jurisdiction",),
                )
            )
        elif len(party.jurisdiction) > 1:
            passed.append(f"{party.short}: jurisdiction {next(iter(values))} in every document that states it")
    return out, passed


def _holders(deal: Deal) -> tuple[list[Finding], list[str]]:
    opt_holder = deal.option.holder
    recipient = deal.escrow.schedule_a.option_recipient
    if opt_holder.value != recipient.value:
        return [
            Finding(
                "holder",
                "high",
                "The Option's holder is not the escrow's option recipient",
                f"The Option names {deal.party_name(opt_holder.value)} as Holder; Schedule A of the escrow lists "
                f"{deal.party_name(recipient.value)} as the option recipient.",
                (_cite(deal, opt_holder), _cite(deal, recipient)),
                ("option.holder", "escrow.schedule_a.option_recipient"),
            )
        ], []
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
        return [
            Finding(
                "option_holder",
                "medium",
                "The parallel lender's secured party is not a party of the deal file",
                f"parallel_lender.secured_party names {side.value!r}, which is not in parties.",
                (_cite(deal, side),),
                ("parallel_lender.secured_party",),
            )
        ], []
    if holder.value == side.value and holder.value != recipient.value:
        name = deal.party_name(holder.value)
        return [
            Finding(
                "option_holder",
                "medium",
                "The Option may belong to the parallel lender, not to Laurus",
                f"The Option names {name} as Holder; {name} is the affiliate of the parallel lender "
                f"({parallel.name.value}) named as a separate secured party, while the escrow's Schedule A sends the "
                f"Option to {deal.party_name(recipient.value)}; whose economics include the Option's value is a "
                f"choice: option_holder = laurus (Schedule A), {holder.value} (the Option's own words; the default) "
                "or excluded. Neither reading is certain.",
                (_cite(deal, holder), _cite(deal, recipient), _cite(deal, side), _cite(deal, parallel.name)),
                ("option.holder", "escrow.schedule_a.option_recipient", "parallel_lender.secured_party"),
            )
        ], []
    return [], [
        f"the Option's Holder ({deal.party_name(holder.value)}) is not the parallel lender's secured party "
        f"({deal.party_name(side.value)}), or is also the escrow's option recipient"
    ]


def _totals(deal: Deal) -> tuple[list[Finding], list[str]]:
    """Schedule A's lines, its total, the notes' faces and the Escrowed Payment agree (FEA Schedule A)."""
    out, passed = [], []
    sched = deal.escrow.schedule_a
    lines_sum = sum((line.amount.value for line in sched.notes), Decimal("0.00"))
    facility = deal.facility_total()
    escrowed = deal.escrow.escrowed_payment
    compare = [
        ("Schedule A lines", lines_sum, "Schedule A total", sched.total.value, _cite(deal, sched.total)),
        (
            "Schedule A total",
            sched.total.value,
            "the notes' faces (MBN inside the revolver)",
            facility,
            "; ".join(_cite(deal, n.face) for n in deal.facility_notes().values()),
        ),
        (
            "the Escrowed Payment",
            escrowed.value,
            "the notes' faces (MBN inside the revolver)",
            facility,
            _cite(deal, escrowed),
        ),
    ]
    for left_name, left, right_name, right, cite in compare:
        if left != right:
            out.append(
                Finding(
                    "totals",
                    "high",
                    f"{left_name} ≠ {right_name}",
                    f"{left_name} {format_money(left)} vs {right_name} {format_money(right)} "
                    f"(difference {format_money(abs(left - right))})",
                    (cite, _cite(deal, sched.total)),
                )
            )
        else:
            passed.append(f"{left_name} = {right_name} = {format_money(left)}")
    return out, passed


def _schedule_lines(deal: Deal) -> tuple[list[Finding], list[str]]:
    """Each Schedule A line equals its note's face; the Closing Payment is below the Escrowed Payment."""
    out, passed = [], []
    sched, escrowed = deal.escrow.schedule_a, deal.escrow.escrowed_payment
    for i, line in enumerate(sched.notes):
        face = deal.notes[line.note].face
        if line.amount.value != face.value:
            out.append(
                Finding(
                    "totals",
                    "high",
                    f"Schedule A amount of {line.note} ≠ the note's face",
                    f"{format_money(line.amount.value)} vs {format_money(face.value)}",
                    (_cite(deal, line.amount), _cite(deal, face)),
                    (f"escrow.schedule_a.notes[{i}]",),
                )
            )
        else:
            passed.append(f"Schedule A {line.note} = note face {format_money(face.value)}")
    if deal.escrow.closing_payment.value >= escrowed.value:
        out.append(
            Finding(
                "totals",
                "high",
                "Closing Payment is not less than the Escrowed Payment",
                f"{format_money(deal.escrow.closing_payment.value)} vs {format_money(escrowed.value)}",
                (_cite(deal, deal.escrow.closing_payment), _cite(deal, escrowed)),
            )
        )
    return out, passed


def _dates(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    closing = deal.deal.closing_date.value
    for key, note in deal.notes.items():
        if note.maturity.value > note.issue_date.value:
            passed.append(f"{note.title.value}: maturity {note.maturity.value} after issue {note.issue_date.value}")
        if note.issue_date.value != closing:
            out.append(
                Finding(
                    "dates",
                    "medium",
                    f"{note.title.value} is not dated at the closing",
                    f"issue {note.issue_date.value} vs closing {closing}",
                    (_cite(deal, note.issue_date), _cite(deal, deal.deal.closing_date)),
                    (f"notes.{key}.issue_date",),
                )
            )
        extended = [
            h
            for h in deal.history
            if h.kind == "waiver" and h.date >= note.maturity.value and _short_title(note.title.value) in h.event.value
        ]
        if extended:
            out.append(
                Finding(
                    "dates",
                    "medium",
                    f"{note.title.value}: stated maturity superseded",
                    f"Stated maturity {note.maturity.value}; extended by waiver(s) on "
                    f"{', '.join(str(h.date) for h in extended)}; the new maturity is not known, so schedules "
                    "use the stated date unless told otherwise.",
                    (_cite(deal, note.maturity), *(_cite(deal, h.event) for h in extended)),
                    (f"notes.{key}.maturity",),
                )
            )
    if deal.option.issue_date.value != closing:
        out.append(
            Finding(
                "dates",
                "medium",
                "The Option is not dated at the closing",
                f"{deal.option.issue_date.value} vs {closing}",
                (_cite(deal, deal.option.issue_date), _cite(deal, deal.deal.closing_date)),
            )
        )
    else:
        passed.append(f"Option issue date = closing date = {closing}")
    return out, passed


#: The comparisons, in the order the review runs them.
COMPARISONS = (_jurisdictions, _holders, _option_economics, _totals, _schedule_lines, _dates)
