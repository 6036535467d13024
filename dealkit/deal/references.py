"""Cross-field checks of a loaded deal: what no single field can check on its own.

Keys that must exist (documents, parties, notes), unique obligation ids, and dates in their order
(a maturity after its issue and after the closing, a demand after its notice). Each refusal is one
:class:`~dealkit.errors.DealDataError` line naming the file, the field path and the value.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NoReturn

from dealkit.deal.messages import short_value
from dealkit.deal.model import Deal, iter_cited
from dealkit.errors import DealDataError

__all__ = ["check_references", "PARTY_GROUPS", "EARLIEST_ISSUE"]

#: Groups an obligation may name instead of one party (dealkit.obligations expands them).
PARTY_GROUPS = frozenset({"grantors", "companies", "parties_to_escrow", "escrow_agent", "company", "holder"})
#: An Option issue date before this is implausible (a typo of the year).
EARLIEST_ISSUE = dt.date(1990, 1, 1)


class _Checker:
    """The deal and the file it came from, with :meth:`fail` raising the one-line error."""

    def __init__(self, deal: Deal, shown: str) -> None:
        self.deal, self.shown = deal, shown

    def fail(self, field: str, value: Any, why: str) -> NoReturn:
        raise DealDataError(
            f"{self.shown}: {field}: {why} (got {short_value(value)})", file=self.shown, field=field, value=value
        )


def _check_citations(check: _Checker) -> None:
    """Every documented value cites a document of ``documents``."""
    documents = check.deal.documents
    for path, cited in iter_cited(check.deal):
        source = cited.source
        if source.kind == "documented" and source.document not in documents:
            check.fail(f"{path}.doc", source.document, f"unknown document; known: {', '.join(documents)}")


def _check_notes(check: _Checker) -> None:
    """Each note matures after its issue; a note ``within`` another names it and fits in its face."""
    notes = check.deal.notes
    for key, note in notes.items():
        if note.maturity.value <= note.issue_date.value:
            check.fail(
                f"notes.{key}.maturity.value",
                note.maturity.value.isoformat(),
                f"maturity is not after the issue date {note.issue_date.value.isoformat()}",
            )
        if note.within is None:
            continue
        if note.within not in notes or note.within == key:
            check.fail(f"notes.{key}.within", note.within, f"must name another note; known: {', '.join(notes)}")
        outer = notes[note.within]
        if note.face.value > outer.face.value:
            check.fail(
                f"notes.{key}.face.value",
                str(note.face.value),
                f"a note inside {note.within} cannot exceed its face {outer.face.value}",
            )


def _party_references(deal: Deal) -> dict[str, str]:
    """Field path → the party key it names, for every field that names one party."""
    escrow, schedule_a = deal.escrow, deal.escrow.schedule_a
    references = {
        "option.issuer": deal.option.issuer,
        "option.holder.value": deal.option.holder.value,
        "warrant.issuer": deal.warrant.issuer,
        "warrant.holder.value": deal.warrant.holder.value,
        "escrow.agent": escrow.agent,
        "escrow.closing_payment_payee.value": escrow.closing_payment_payee.value,
        "escrow.schedule_a.warrant_recipient.value": schedule_a.warrant_recipient.value,
        "escrow.schedule_a.option_recipient.value": schedule_a.option_recipient.value,
        "ip_collateral.secured_party": deal.ip_collateral.secured_party,
    }
    references.update({f"ip_collateral.grantors[{i}]": key for i, key in enumerate(deal.ip_collateral.grantors)})
    return references


def _check_parties_and_escrow(check: _Checker) -> None:
    """Party keys exist; Schedule A names known notes; the Closing Payment fits the escrow."""
    deal = check.deal
    for field, key in _party_references(deal).items():
        if key not in deal.parties:
            check.fail(field, key, f"unknown party; known: {', '.join(deal.parties)}")
    for i, line in enumerate(deal.escrow.schedule_a.notes):
        if line.note not in deal.notes:
            check.fail(f"escrow.schedule_a.notes[{i}].note", line.note, f"unknown note; known: {', '.join(deal.notes)}")
    if deal.escrow.closing_payment.value > deal.escrow.escrowed_payment.value:
        check.fail(
            "escrow.closing_payment.value",
            str(deal.escrow.closing_payment.value),
            "the Closing Payment exceeds the Escrowed Payment",
        )


def _check_obligations(check: _Checker) -> None:
    """Obligation ids are unique; obligor and obligee name a party or a group."""
    seen: set[str] = set()
    for i, obligation in enumerate(check.deal.obligations):
        if obligation.id in seen:
            check.fail(f"obligations[{i}].id", obligation.id, "duplicate obligation id")
        seen.add(obligation.id)
        for role in ("obligor", "obligee"):
            who = getattr(obligation, role)
            if who not in check.deal.parties and who not in PARTY_GROUPS:
                check.fail(
                    f"obligations[{i}].{role}",
                    who,
                    f"unknown party or group; groups: {', '.join(sorted(PARTY_GROUPS))}",
                )


def _check_note_dates(check: _Checker) -> None:
    """Maturities after the closing; the first amortization after Term A's funding."""
    deal = check.deal
    closing = deal.deal.closing_date.value
    for key, note in deal.notes.items():
        if note.maturity.value <= closing:
            check.fail(
                f"notes.{key}.maturity.value",
                note.maturity.value.isoformat(),
                f"maturity is not after the closing date {closing.isoformat()}",
            )
    first_amortization = deal.note_terms.term_a_first_amortization.value
    funded = deal.notes["term_a"].issue_date.value if "term_a" in deal.notes else closing
    if first_amortization <= funded:
        check.fail(
            "note_terms.term_a_first_amortization.value",
            first_amortization.isoformat(),
            f"the first amortization is not after the funding date {funded.isoformat()}",
        )


def _check_demand_and_option_dates(check: _Checker) -> None:
    """Notice of default after the closing, demand on or after the notice; the Option's dates."""
    deal = check.deal
    closing = deal.deal.closing_date.value
    notice, due = deal.default_demand.notice_date.value, deal.default_demand.due_date.value
    if notice <= closing:
        check.fail(
            "default_demand.notice_date.value",
            notice.isoformat(),
            f"the notice of default is not after the closing date {closing.isoformat()}",
        )
    if due < notice:
        check.fail(
            "default_demand.due_date.value",
            due.isoformat(),
            f"the demand falls before the notice of default {notice.isoformat()}",
        )
    issued, expiry = deal.option.issue_date.value, deal.option.expiration_date.value
    if expiry is not None and expiry <= issued:
        check.fail(
            "option.expiration_date.value",
            expiry.isoformat(),
            f"the Option expires before it is issued ({issued.isoformat()})",
        )
    if issued < EARLIEST_ISSUE:
        check.fail("option.issue_date.value", issued.isoformat(), "implausible issue date")


def check_references(deal: Deal, shown: str) -> None:
    """Cross-field rules that a single field cannot check: keys that must exist, date order.

    Run in this order, the first failure raising: citations name known documents; notes (issue
    before maturity, ``within`` a larger note); party references and Schedule A; obligations;
    maturities and the first amortization against the closing; the default demand's and the
    Option's dates.

    Raises
    ------
    DealDataError
        ``"{file}: {field}: {why} (got {value})"``.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> check_references(load_deal(), "deal.yaml") is None
    True
    """
    check = _Checker(deal, shown)
    for step in (
        _check_citations,
        _check_notes,
        _check_parties_and_escrow,
        _check_obligations,
        _check_note_dates,
        _check_demand_and_option_dates,
    ):
        step(check)
