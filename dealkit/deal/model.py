"""The deal as a typed, immutable model (pydantic v2, frozen, unknown keys refused).

Every term is a :class:`Cited` value: the value plus its :class:`Source` — *documented*
(document key + section), *public_record* (URL) or *assumed* (a reason and, where known, the
range seen in comparable deals). The YAML form is compact (``{value: ..., doc: ..., sec: ...}``,
``{value: ..., url: ...}`` or ``{value: ..., assumed: ..., range: [lo, hi]}``); see
``data/deal.yaml``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Generic, Iterator, Literal, TypeVar

from types import MappingProxyType

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, StrictBool,
                      model_validator)

from dealkit.core import parse
from dealkit.errors import ParseError

__all__ = [
    "Money", "Price", "Rate", "Multiple", "Shares", "Date", "Source", "Cited", "Document",
    "Party", "Note", "NoteTerms", "OptionTerms", "WarrantTerms", "Escrow", "IPCollateral",
    "Deal", "iter_cited", "ParallelLender",
]


# ---------------------------------------------------------------- value types -------------
#: The largest share count accepted (10^15; ATG's authorized common was 15,000,000,000).
MAX_SHARES = 10**15


def _strict_decimal(v: object, what: str) -> Decimal:
    """The deal file's decimals, read by the one parser (:func:`dealkit.core.parse.decimal`)."""
    return parse.decimal(v, what)


def _bare_number(v: object) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _money(v: object) -> Decimal:
    if _bare_number(v):
        raise ValueError("money must be a quoted decimal string like \"1000.00\", not a bare number")
    return parse.money(v, "money")


def _price(v: object) -> Decimal:
    if _bare_number(v):
        raise ValueError("a price must be a quoted decimal string, not a bare number")
    return parse.price(v, "a price")


def _rate(v: object) -> Decimal:
    if _bare_number(v):
        raise ValueError("a rate must be a quoted decimal fraction like \"0.0499\" (4.99%)")
    return parse.fraction(v, "a rate")


def _multiple(v: object) -> Decimal:
    if isinstance(v, int) and not isinstance(v, bool):
        raise ValueError("a multiple must be a quoted decimal string like \"1.30\"")
    d = _strict_decimal(v, "multiple")
    if d <= 0:
        raise ValueError("a multiple must be positive")
    if d > 100:
        raise ValueError("a multiple above 100x is not plausible")
    return d


def _date(v: object) -> dt.date:
    try:
        return parse.iso_date(v, "date")
    except ParseError as exc:
        raise ValueError(exc.reason) from None


def _shares(v: object) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise ValueError(f"a share count must be a whole number, got {type(v).__name__}")
    if v < 0:
        raise ValueError("a share count must not be negative")
    if v > MAX_SHARES:
        raise ValueError(f"a share count above {MAX_SHARES:.0e} is not plausible")
    return v


Money = Annotated[Decimal, BeforeValidator(_money)]
Price = Annotated[Decimal, BeforeValidator(_price)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
Multiple = Annotated[Decimal, BeforeValidator(_multiple)]
Shares = Annotated[int, BeforeValidator(_shares)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Text = Annotated[str, Field(min_length=1)]
K = TypeVar("K")
#: A read-only mapping (the model is immutable all the way down).
FrozenMap = Annotated[dict[str, K], AfterValidator(MappingProxyType)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


# ---------------------------------------------------------------- provenance --------------
class Source(_Model):
    """Where a value comes from: exactly one of a document section, a URL or an assumption."""

    kind: Literal["documented", "public_record", "assumed"]
    document: str | None = None
    section: str | None = None
    url: str | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> "Source":
        if self.kind == "documented" and not (self.document and self.section):
            raise ValueError("a documented value needs both `doc` and `sec`")
        if self.kind == "public_record" and not (self.url and self.url.startswith(("http://", "https://"))):
            raise ValueError("a public-record value needs an http(s) `url`")
        if self.kind == "assumed" and not self.reason:
            raise ValueError("an assumed value needs a reason in `assumed`")
        return self

    def short(self) -> str:
        """A one-line citation: ``funds_escrow §1.1(d)``, the URL, or ``assumed: reason``."""
        if self.kind == "documented":
            return f"{self.document} {self.section}"
        if self.kind == "public_record":
            return str(self.url)
        return f"assumed: {self.reason}"


T = TypeVar("T")
_SOURCE_KEYS = ("doc", "url", "assumed")


class Cited(_Model, Generic[T]):
    """A value with its provenance (and, for assumptions, the range seen elsewhere)."""

    value: T
    source: Source
    range: tuple[T, T] | None = None
    as_written: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _compact(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("expected a mapping {value: ..., doc/url/assumed: ...} giving the value "
                             "and its source")
        if "source" in data:
            return data
        data = dict(data)
        present = [k for k in _SOURCE_KEYS if k in data]
        if len(present) != 1:
            raise ValueError("give exactly one source: `doc` + `sec` (documented), `url` (public "
                             f"record) or `assumed` (a reason); found {present or 'none'}")
        if "value" not in data:
            raise ValueError("missing `value`")
        kind = present[0]
        if kind == "doc":
            source = {"kind": "documented", "document": data.pop("doc"), "section": data.pop("sec", None)}
        elif kind == "url":
            source = {"kind": "public_record", "url": data.pop("url")}
        else:
            source = {"kind": "assumed", "reason": data.pop("assumed")}
        if "sec" in data:
            raise ValueError("`sec` goes with `doc` only")
        if "range" in data and kind != "assumed":
            raise ValueError("`range` is given for assumed values only")
        data["source"] = source
        return data

    @model_validator(mode="after")
    def _in_range(self) -> "Cited[T]":
        if self.range is not None:
            lo, hi = self.range
            if lo > hi:  # type: ignore[operator]
                raise ValueError(f"range low {lo} is above range high {hi}")
            if self.value is not None and not (lo <= self.value <= hi):  # type: ignore[operator]
                raise ValueError(f"value {self.value} lies outside its own range [{lo}, {hi}]")
        return self

    @property
    def is_blank(self) -> bool:
        """A documented value left blank in the document (``value: null``)."""
        return self.value is None and self.source.kind == "documented"


# ---------------------------------------------------------------- the deal ----------------
class Document(_Model):
    title: Cited[Text]
    exhibit: Cited[Text]
    seed: Text
    date: Cited[Date | None]
    number: Cited[Text | None] | None = None
    governing_agreement: Cited[Text]
    governing_agreement_parties: Cited[Text]
    governing_law: Cited[Text | None]


class Party(_Model):
    name: Cited[Text]
    short: Text
    roles: tuple[Text, ...]
    jurisdiction: tuple[Cited[Text], ...]
    notice_address: Cited[Text | None]
    fax: Cited[Text | None] | None = None


class Note(_Model):
    title: Cited[Text]
    kind: Literal["revolving", "minimum_borrowing", "term_amortizing", "term_bullet"]
    face: Cited[Money]
    within: str | None = None
    convertible: StrictBool
    issue_date: Cited[Date]
    maturity: Cited[Date]


class NoteTerms(_Model):
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


class OptionTerms(_Model):
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


class WarrantTerms(_Model):
    issuer: str
    holder: Cited[str]
    shares: Cited[Shares | None]
    exercise_price: Cited[Price | None]
    term_years: Cited[Shares | None]


class ReleaseCondition(_Model):
    id: Text
    text: Cited[Text]


class ScheduleANote(_Model):
    note: str
    amount: Cited[Money]


class ScheduleA(_Model):
    notes: tuple[ScheduleANote, ...]
    total: Cited[Money]
    purchaser_fax: Cited[Text]
    warrant_recipient: Cited[str]
    warrants: Cited[Shares | None]
    option_recipient: Cited[str]
    options: Cited[Shares | None]


class KnownUse(_Model):
    payee: Text
    amount: Cited[Money]


class Escrow(_Model):
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


class CollateralClass(_Model):
    id: Literal["a", "b", "c", "d", "e", "f"]
    text: Cited[Text]


class ScheduleEntry(_Model):
    item: Text
    number: str | None = None
    date: Date | None = None
    country: str | None = None


class IPSchedule(_Model):
    schedule: Literal["I", "II", "III"]
    part: Text
    entries: tuple[ScheduleEntry, ...]
    as_written: Cited[Text]


class IPCollateral(_Model):
    grantors: tuple[str, ...] = Field(min_length=1)
    secured_party: str
    nature: Cited[Text]
    classes: tuple[CollateralClass, ...]
    perfection: Cited[Text]
    termination: Cited[Text]
    schedules: tuple[IPSchedule, ...]


class CrossReference(_Model):
    at: Cited[Text]
    refers_to: Text
    keyword: Text
    target_text: Cited[Text]


class SharesOutstanding(_Model):
    date: Date
    shares: Cited[Shares]


class Capitalization(_Model):
    series_d_until_authorized: Cited[Shares]
    series_d_ratio: Cited[Shares]
    series_d_designated: Cited[Shares]
    shares_outstanding: tuple[SharesOutstanding, ...]
    reverse_split_ratio: Cited[Shares | None]
    outstanding_at_closing: Cited[Shares]
    authorized_at_closing: Cited[Shares]


class HistoryEvent(_Model):
    date: Date
    kind: Literal["closing", "registration", "waiver", "amendment", "maturity", "default", "sale"]
    event: Cited[Text]


class ParallelLender(_Model):
    """A parallel financing closed with the deal (deal-facts.md, "Parallel lender"): who lent,
    which party of this deal's documents belongs to that side, and on what terms."""

    name: Cited[Text]
    #: The key (in ``parties``) of the affiliate named as a separate secured party.
    secured_party: Cited[str]
    terms: Cited[Text]


class DefaultDemand(_Model):
    amount: Cited[Money]
    notice_date: Cited[Date]
    due_date: Cited[Date]


class DeadlineRule(_Model):
    kind: Literal["immediately", "promptly", "business_days", "calendar_days", "before_act", "none_stated"]
    n: Annotated[int, Field(ge=0)] | None = None
    from_: Literal["event", "deemed_notice"] = Field("event", alias="from")

    @model_validator(mode="after")
    def _n(self) -> "DeadlineRule":
        if self.kind in ("business_days", "calendar_days") and self.n is None:
            raise ValueError(f"a {self.kind} rule needs n")
        if self.kind not in ("business_days", "calendar_days") and self.n is not None:
            raise ValueError(f"a {self.kind} rule takes no n")
        return self


class Obligation(_Model):
    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    obligor: str
    obligee: str
    trigger: Annotated[str, Field(pattern=r"^[a-z_]+$")]
    rule: DeadlineRule
    duty: Cited[Text]
    #: ``duty``: something a party must do by the due date; ``effect``: something that happens
    #: on that date (a notice deemed given, the cap becoming void): it is never "overdue".
    nature: Literal["duty", "effect"] = "duty"


class DealInfo(_Model):
    name: Cited[Text]
    closing_date: Cited[Date]
    sources_index: Cited[Text]


class Deal(_Model):
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
        revolving line: Secured Revolving Note non-duplication, deal-facts.md)."""
        return sum((n.face.value for n in self.facility_notes().values()), Decimal("0.00"))

    def party_name(self, key: str) -> str:
        party = self.parties.get(key)
        return party.name.value if party else key

    def document_title(self, key: str | None) -> str:
        doc = self.documents.get(key or "")
        return doc.title.value if doc else str(key)

    def cite(self, source: Source) -> str:
        """Human citation: ``Funds Escrow Agreement §1.1(d)``, a URL, or the assumption."""
        if source.kind == "documented":
            return f"{self.document_title(source.document)} {source.section}"
        return source.short()


def iter_cited(obj: Any, path: str = "") -> Iterator[tuple[str, Cited[Any]]]:
    """Every :class:`Cited` value inside ``obj``, depth first, with its dotted field path."""
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
