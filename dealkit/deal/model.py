"""The deal as a typed, immutable model (pydantic v2, frozen, unknown keys refused).

Every term is a :class:`~dealkit.deal.values.Cited` value: the value plus its
:class:`~dealkit.deal.values.Source` — *documented* (document key + section), *public_record*
(URL) or *assumed* (a reason and, where known, the range seen in comparable deals). The value
types and the provenance live in :mod:`dealkit.deal.values` and stay importable from here. The
YAML form is compact (``{value: ..., doc: ..., sec: ...}``, ``{value: ..., url: ...}`` or
``{value: ..., assumed: ..., range: [lo, hi]}``); see ``data/deal.yaml``.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StrictBool, model_validator

from dealkit.deal.values import (
    MAX_SHARES,
    Cited,
    Date,
    FrozenMap,
    FrozenModel,
    Money,
    Multiple,
    Price,
    Rate,
    Shares,
    Source,
    Text,
    _strict_decimal,  # noqa: F401  (dealkit.market imports the deal file's decimal syntax from here)
)

__all__ = [
    "Money",
    "Price",
    "Rate",
    "Multiple",
    "Shares",
    "Date",
    "Source",
    "Cited",
    "Document",
    "Party",
    "Note",
    "NoteTerms",
    "OptionTerms",
    "WarrantTerms",
    "Escrow",
    "IPCollateral",
    "Deal",
    "iter_cited",
    "ParallelLender",
    "MAX_SHARES",
    "Text",
    "FrozenMap",
]


# ---------------------------------------------------------------- the deal ----------------
class Document(FrozenModel):
    title: Cited[Text]
    exhibit: Cited[Text]
    seed: Text
    date: Cited[Date | None]
    number: Cited[Text | None] | None = None
    governing_agreement: Cited[Text]
    governing_agreement_parties: Cited[Text]
    governing_law: Cited[Text | None]


class Party(FrozenModel):
    name: Cited[Text]
    short: Text
    roles: tuple[Text, ...]
    jurisdiction: tuple[Cited[Text], ...]
    notice_address: Cited[Text | None]
    fax: Cited[Text | None] | None = None


class Note(FrozenModel):
    title: Cited[Text]
    kind: Literal["revolving", "minimum_borrowing", "term_amortizing", "term_bullet"]
    face: Cited[Money]
    within: str | None = None
    convertible: StrictBool
    issue_date: Cited[Date]
    maturity: Cited[Date]


class NoteTerms(FrozenModel):
    prime_margin: Cited[Rate]
    rate_floor: Cited[Rate]
    day_count: Cited[Literal["ACT/360"]]
    interest_payment: Cited[Text]
    term_a_monthly_amount: Cited[Money]
    term_a_first_amortization: Cited[Date]
    fixed_conversion_price: Cited[Price]
    amortization_share_test: Cited[Multiple]
    amortization_volume_cap: Cited[Rate]
    cash_payment_premium: Cited[Multiple]
    maturity_conversion_test: Cited[Multiple]
    maturity_volume_cap: Cited[Rate]
    conversion_cap: Cited[Rate]
    default_payment_multiple: Cited[Multiple]
    default_interest_monthly: Cited[Rate]
    optional_prepayment_multiple: Cited[Multiple]
    overadvance_monthly: Cited[Rate]
    advance_rate_receivables: Cited[Rate]
    advance_rate_inventory: Cited[Rate]
    #: The borrowing base reported at closing (assumed: not in the sources), the revolver's
    #: default report (dealkit.notes.default_reports).
    borrowing_base_receivables: Cited[Money]
    borrowing_base_inventory: Cited[Money]
    #: How a payment or maturity date that is not a business day moves (dealkit.core.calendar.adjust).
    business_day_convention: Cited[Literal["following", "modified_following", "preceding", "unadjusted"]]


class OptionTerms(FrozenModel):
    issuer: str
    holder: Cited[str]
    issue_date: Cited[Date]
    shares: Cited[Shares]
    exercise_price: Cited[Price]
    par_value: Cited[Price]
    expiration_date: Cited[Date | None]
    max_exercise_cap: Cited[Rate]
    cap_release_notice_days: Cited[Shares]
    certificate_delivery_business_days: Cited[Shares]
    cashless_formula_instrument: Cited[Text]
    subscription_form_instrument: Cited[Text]


class WarrantTerms(FrozenModel):
    issuer: str
    holder: Cited[str]
    shares: Cited[Shares | None]
    exercise_price: Cited[Price | None]
    term_years: Cited[Shares | None]


class ReleaseCondition(FrozenModel):
    id: Text
    text: Cited[Text]


class ScheduleANote(FrozenModel):
    note: str
    amount: Cited[Money]


class ScheduleA(FrozenModel):
    notes: tuple[ScheduleANote, ...]
    total: Cited[Money]
    purchaser_fax: Cited[Text]
    warrant_recipient: Cited[str]
    warrants: Cited[Shares | None]
    option_recipient: Cited[str]
    options: Cited[Shares | None]


class KnownUse(FrozenModel):
    payee: Text
    amount: Cited[Money]


class Escrow(FrozenModel):
    agent: str
    escrowed_payment: Cited[Money]
    closing_payment: Cited[Money]
    closing_payment_payee: Cited[str]
    agent_fee: Cited[Money | None]
    expense_cap: Cited[Money]
    release_conditions: tuple[ReleaseCondition, ...] = Field(min_length=1)
    court_order_release: Cited[Text]
    resignation_notice_business_days: Cited[Shares]
    notice_deemed_given_days: Cited[Shares]
    interest_bearing_account: Cited[StrictBool]
    interest_payable: Cited[StrictBool]
    schedule_a: ScheduleA
    known_uses: tuple[KnownUse, ...] = ()


class CollateralClass(FrozenModel):
    id: Literal["a", "b", "c", "d", "e", "f"]
    text: Cited[Text]


class ScheduleEntry(FrozenModel):
    item: Text
    number: str | None = None
    date: Date | None = None
    country: str | None = None


class IPSchedule(FrozenModel):
    schedule: Literal["I", "II", "III"]
    part: Text
    entries: tuple[ScheduleEntry, ...]
    as_written: Cited[Text]


class IPCollateral(FrozenModel):
    grantors: tuple[str, ...] = Field(min_length=1)
    secured_party: str
    nature: Cited[Text]
    classes: tuple[CollateralClass, ...]
    perfection: Cited[Text]
    termination: Cited[Text]
    schedules: tuple[IPSchedule, ...]


class CrossReference(FrozenModel):
    at: Cited[Text]
    refers_to: Text
    keyword: Text
    target_text: Cited[Text]


class SharesOutstanding(FrozenModel):
    date: Date
    shares: Cited[Shares]


class Capitalization(FrozenModel):
    series_d_until_authorized: Cited[Shares]
    series_d_ratio: Cited[Shares]
    series_d_designated: Cited[Shares]
    shares_outstanding: tuple[SharesOutstanding, ...]
    reverse_split_ratio: Cited[Shares | None]
    outstanding_at_closing: Cited[Shares]
    authorized_at_closing: Cited[Shares]


class HistoryEvent(FrozenModel):
    date: Date
    kind: Literal["closing", "registration", "waiver", "amendment", "maturity", "default", "sale"]
    event: Cited[Text]


class ParallelLender(FrozenModel):
    """A parallel financing closed with the deal (deal-facts.md, "Parallel lender"): who lent,
    which party of this deal's documents belongs to that side, and on what terms."""

    name: Cited[Text]
    #: The key (in ``parties``) of the affiliate named as a separate secured party.
    secured_party: Cited[str]
    terms: Cited[Text]


class DefaultDemand(FrozenModel):
    amount: Cited[Money]
    notice_date: Cited[Date]
    due_date: Cited[Date]


class DeadlineRule(FrozenModel):
    kind: Literal["immediately", "promptly", "business_days", "calendar_days", "before_act", "none_stated"]
    n: Annotated[int, Field(ge=0)] | None = None
    from_: Literal["event", "deemed_notice"] = Field("event", alias="from")

    @model_validator(mode="after")
    def _n(self) -> DeadlineRule:
        if self.kind in ("business_days", "calendar_days") and self.n is None:
            raise ValueError(f"a {self.kind} rule needs n")
        if self.kind not in ("business_days", "calendar_days") and self.n is not None:
            raise ValueError(f"a {self.kind} rule takes no n")
        return self


class Obligation(FrozenModel):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    obligor: str
    obligee: str
    trigger: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    rule: DeadlineRule
    duty: Cited[Text]
    #: ``duty``: something a party must do by the due date; ``effect``: something that happens
    #: on that date (a notice deemed given, the cap becoming void): it is never "overdue".
    nature: Literal["duty", "effect"] = "duty"


class DealInfo(FrozenModel):
    name: Cited[Text]
    closing_date: Cited[Date]
    sources_index: Cited[Text]


class Deal(FrozenModel):
    """The whole deal. Built by :func:`dealkit.load_deal`, which also checks cross-references."""

    schema_version: Literal[1]
    deal: DealInfo
    documents: FrozenMap[Document]
    parties: FrozenMap[Party]
    notes: FrozenMap[Note]
    note_terms: NoteTerms
    option: OptionTerms
    warrant: WarrantTerms
    escrow: Escrow
    ip_collateral: IPCollateral
    cross_references: tuple[CrossReference, ...] = ()
    capitalization: Capitalization
    history: tuple[HistoryEvent, ...]
    default_demand: DefaultDemand
    parallel_lender: ParallelLender | None = None
    obligations: tuple[Obligation, ...] = ()

    def facility_notes(self) -> dict[str, Note]:
        """The notes whose faces add up to the facility (those not inside another note)."""
        return {k: n for k, n in self.notes.items() if n.within is None}

    def facility_total(self) -> Decimal:
        """Sum of the faces of the notes that are not inside another (the MBN sits inside the
        revolving line: Secured Revolving Note non-duplication, deal-facts.md).

        .. math:: F = \\sum_{n:\\ within(n) = \\varnothing} face_n

        Examples
        --------
        >>> from dealkit.deal.loader import load_deal
        >>> load_deal().facility_total()
        Decimal('12000000.00')
        """
        return sum((n.face.value for n in self.facility_notes().values()), Decimal("0.00"))

    def party_name(self, key: str) -> str:
        """The party's name as the documents give it; an unknown key is returned as is."""
        party = self.parties.get(key)
        return party.name.value if party else key

    def document_title(self, key: str | None) -> str:
        """The document's title; an unknown key is returned as text."""
        doc = self.documents.get(key or "")
        return doc.title.value if doc else str(key)

    def cite(self, source: Source) -> str:
        """Human citation: ``Funds Escrow Agreement §1.1(d)``, a URL, or the assumption.

        Examples
        --------
        >>> from dealkit.deal.loader import load_deal
        >>> deal = load_deal()
        >>> deal.cite(deal.escrow.escrowed_payment.source)
        'Funds Escrow Agreement §1.1(d)'
        """
        if source.kind == "documented":
            return f"{self.document_title(source.document)} {source.section}"
        return source.short()


def iter_cited(obj: Any, path: str = "") -> Iterator[tuple[str, Cited[Any]]]:
    """Every :class:`Cited` value inside ``obj``, depth first, with its dotted field path.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> paths = dict(iter_cited(load_deal()))
    >>> paths["notes.term_a.face"].value
    Decimal('3000000.00')
    """
    if isinstance(obj, Cited):
        yield path, obj
        return
    if isinstance(obj, BaseModel):
        for name in type(obj).model_fields:
            yield from iter_cited(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, (dict, MappingProxyType)):
        for key, val in obj.items():
            yield from iter_cited(val, f"{path}.{key}" if path else str(key))
    elif isinstance(obj, (tuple, list)):
        for i, val in enumerate(obj):
            yield from iter_cited(val, f"{path}[{i}]")
