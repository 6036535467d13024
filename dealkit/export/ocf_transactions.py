"""The deal's securities as OCF transactions: the convertible notes as convertible issuances, the
Option and the Warrant as warrant issuances (every value from the deal file, every gap said so)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from dealkit.deal.model import Deal, Note
from dealkit.export.ocf_common import conversion_right as _conversion_right
from dealkit.export.ocf_common import custom_conversion as _custom
from dealkit.export.ocf_common import ocf_money as _money
from dealkit.export.ocf_common import ocf_number as _num
from dealkit.export.ocf_common import percent_text as _pct
from dealkit.export.ocf_common import unknown_comment as _unknown

if TYPE_CHECKING:
    from dealkit.export.bundle import Figures

__all__ = ["note_transactions", "option_transaction", "warrant_transaction"]


def _not_expressible(deal: Deal) -> list[str]:
    """The notes' terms OCF cannot express (floating rate with a floor, caps, Default Payment)."""
    terms, cite = deal.note_terms, deal.cite
    return [
        f"Interest (assumed, not in the sources): WSJ prime + {_pct(terms.prime_margin.value)} with a floor of "
        f"{_pct(terms.rate_floor.value)}, {terms.day_count.value}, {terms.interest_payment.value}. OCF has no "
        "floating rate with a floor on a convertible; no interest_rates are given.",
        f"{_pct(terms.conversion_cap.value)} conversion cap ({cite(terms.conversion_cap.source)}): "
        "not expressible in OCF.",
        f"Default Payment {_pct(terms.default_payment_multiple.value)} of principal plus interest and fees "
        f"({cite(terms.default_payment_multiple.source)}).",
    ]


def _note_triggers(key: str, note: Note, assumptions: Any, target: str, mechanism: str) -> list[dict[str, Any]]:
    """Optional conversion, and the automatic conversions of the amortizing and bullet notes."""
    right = _conversion_right(target, _custom(mechanism))
    triggers = [
        {
            "trigger_id": f"{key}-optional",
            "nickname": "optional conversion",
            "type": "ELECTIVE_AT_WILL",
            "conversion_right": right,
        }
    ]
    if note.kind == "term_amortizing":
        triggers.append(
            {
                "trigger_id": f"{key}-amortization",
                "nickname": "Monthly Amount in shares",
                "type": "AUTOMATIC_ON_CONDITION",
                "trigger_condition": f"From {assumptions.first_amortization} each Monthly Amount "
                f"(${assumptions.monthly_amount:,}, assumed) is paid in shares when the "
                f"5-day average close is at least {_pct(assumptions.amortization_share_test)} "
                f"of the Fixed Conversion Price, within "
                f"{_pct(assumptions.amortization_volume_cap)} of 22-day dollar volume; "
                f"otherwise in cash at {_pct(assumptions.cash_premium)} (Laurus form, assumed)",
                "conversion_right": _conversion_right(target, _custom(mechanism)),
            }
        )
    if note.kind == "term_bullet":
        triggers.append(
            {
                "trigger_id": f"{key}-maturity",
                "nickname": "maturity conversion",
                "type": "AUTOMATIC_ON_CONDITION",
                "trigger_condition": f"At maturity the holder converts what is due when the 5-day average "
                f"close is at least {_pct(assumptions.maturity_conversion_test)} of the Fixed "
                f"Conversion Price, within {_pct(assumptions.maturity_volume_cap)} of 22-day "
                "dollar volume; the rest is paid in cash (Laurus form, assumed)",
                "conversion_right": _conversion_right(target, _custom(mechanism)),
            }
        )
    return triggers


def note_transactions(figures: Figures, lender: str, target: str) -> list[dict[str, Any]]:
    """Each convertible note as a convertible issuance; the revolving note has no OCF object."""
    deal, assumptions, cite = figures.deal, figures.assumptions, figures.deal.cite
    cap, terms = deal.capitalization, deal.note_terms
    route = (
        "on the Series D route (authorized common below the threshold), conversion shares come as Series D "
        f"preferred at ÷{cap.series_d_ratio.value:,}"
        if figures.captable.series_d_route
        else ""
    )
    transactions = []
    for key, note in deal.notes.items():
        if not note.convertible:
            continue
        mechanism = (
            f"Optional conversion of principal, interest and fees at the Fixed Conversion Price "
            f"${assumptions.fixed_conversion_price} ({cite(terms.fixed_conversion_price.source)}): shares = "
            f"amount ÷ Fixed Conversion Price, whole shares" + (f"; {route}" if route else "") + "."
        )
        comments = [
            f"{note.title.value}: face ${note.face.value:,} ({cite(note.face.source)}); issued "
            f"{note.issue_date.value} ({cite(note.issue_date.source)}); maturity {note.maturity.value} "
            f"({cite(note.maturity.source)})" + (f"; {note.maturity.note}" if note.maturity.note else "") + ".",
            *_not_expressible(deal),
            _unknown("notes", "seniority"),
            "security_law_exemptions: none recorded (the exemption relied on is not in the sources).",
        ]
        if note.within:
            comments.append(
                f"Inside the {deal.notes[note.within].title.value} (the revolving note does not duplicate "
                f"MBN amounts): {note.face.note or ''}".strip()
            )
        transactions.append(
            {
                "object_type": "TX_CONVERTIBLE_ISSUANCE",
                "id": f"tx-{key}",
                "security_id": f"security-{key}",
                "custom_id": key.upper().replace("_", "-"),
                "date": note.issue_date.value.isoformat(),
                "stakeholder_id": f"stakeholder-{lender}",
                "convertible_type": "NOTE",
                "investment_amount": _money(note.face.value),
                "conversion_triggers": _note_triggers(key, note, assumptions, target, mechanism),
                "seniority": 1,
                "security_law_exemptions": [],
                "comments": comments,
            }
        )
    return transactions


def option_transaction(deal: Deal, target: str) -> dict[str, Any]:
    """The Option as a warrant issuance: a fixed quantity at the Exercise Price (Option §1.1)."""
    option, cite, holder = deal.option, deal.cite, deal.option.holder.value
    mechanism = {"type": "FIXED_AMOUNT_CONVERSION", "converts_to_quantity": _num(option.shares.value)}
    return {
        "object_type": "TX_WARRANT_ISSUANCE",
        "id": "tx-option",
        "security_id": "security-option",
        "custom_id": "OPTION",
        "date": option.issue_date.value.isoformat(),
        "stakeholder_id": f"stakeholder-{holder}",
        "quantity": _num(option.shares.value),
        "quantity_source": "INSTRUMENT_FIXED",
        "exercise_price": _money(option.exercise_price.value),
        "purchase_price": _money(Decimal("0.00")),
        "exercise_triggers": [
            {
                "trigger_id": "option-exercise",
                "nickname": "exercise (cash or cashless)",
                "type": "ELECTIVE_AT_WILL",
                "conversion_right": _conversion_right(target, mechanism, "WARRANT_CONVERSION_RIGHT"),
            }
        ],
        "security_law_exemptions": [],
        "comments": [
            f"Option for {option.shares.value:,} shares at ${option.exercise_price.value} "
            f"({cite(option.shares.source)}; "
            f"{cite(option.exercise_price.source)}); cashless exercise X = Y(A − B)/A (§2.2(b)); fractions in cash "
            "at FMV (§2.1).",
            f"Expiration Date: never defined ({option.expiration_date.as_written}); left out.",
            f"{_pct(option.max_exercise_cap.value)} maximum exercise ({cite(option.max_exercise_cap.source)}), "
            "void on a default notice or "
            f"{option.cap_release_notice_days.value} days' notice: not expressible in OCF.",
            f"Holder as the Option names it: {deal.party_name(holder)}; the escrow's Schedule A lists "
            f"{deal.party_name(deal.escrow.schedule_a.option_recipient.value)} as option recipient (a review finding).",
            _unknown("option", "purchase_price"),
        ],
    }


def warrant_transaction(deal: Deal, target: str) -> dict[str, Any]:
    """The Warrant as a warrant issuance; quantity, price and term left out while unknown."""
    warrant, cite = deal.warrant, deal.cite
    mechanism = _custom("unspecified: the Warrant's share count, price and term are not known")
    transaction: dict[str, Any] = {
        "object_type": "TX_WARRANT_ISSUANCE",
        "id": "tx-warrant",
        "security_id": "security-warrant",
        "custom_id": "WARRANT",
        "date": deal.deal.closing_date.value.isoformat(),
        "stakeholder_id": f"stakeholder-{warrant.holder.value}",
        "quantity_source": "UNSPECIFIED",
        "purchase_price": _money(Decimal("0.00")),
        "exercise_triggers": [
            {
                "trigger_id": "warrant-exercise",
                "nickname": "exercise",
                "type": "UNSPECIFIED",
                "conversion_right": _conversion_right(target, mechanism, "WARRANT_CONVERSION_RIGHT"),
            }
        ],
        "security_law_exemptions": [],
        "comments": [
            f"Quantity unspecified: {warrant.shares.as_written} ({cite(warrant.shares.source)}); left out.",
            f"Exercise price unspecified ({cite(warrant.exercise_price.source)}); left out.",
            f"Term unspecified ({cite(warrant.term_years.source)}); no expiration date.",
            f"Issued at the closing ({cite(deal.deal.closing_date.source)}).",
            _unknown("warrant", "purchase_price"),
        ],
    }
    if warrant.shares.value is not None:
        transaction["quantity"], transaction["quantity_source"] = _num(warrant.shares.value), "INSTRUMENT_FIXED"
    if warrant.exercise_price.value is not None:
        transaction["exercise_price"] = _money(warrant.exercise_price.value)
    return transaction
