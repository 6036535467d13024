"""The deal file's value types: validated scalars (money, prices, rates, multiples, share counts,
dates) and the provenance every term carries (:class:`Source`, :class:`Cited`).

Each scalar type is read by the one parser, :mod:`dealkit.core.parse`, and refuses bare numbers
where a quoted decimal is expected (a YAML float has already lost the cents). The compact YAML
form of a cited value is ``{value: ..., doc: ..., sec: ...}``, ``{value: ..., url: ...}`` or
``{value: ..., assumed: ..., range: [lo, hi]}``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import MappingProxyType
from typing import Annotated, Any, Generic, Literal, TypeVar, cast

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from dealkit.core import parse
from dealkit.errors import ParseError

__all__ = [
    "MAX_SHARES",
    "Money",
    "Price",
    "Rate",
    "Multiple",
    "Shares",
    "Date",
    "Text",
    "FrozenMap",
    "FrozenModel",
    "Source",
    "Cited",
]

# ---------------------------------------------------------------- value types -------------
#: The largest share count accepted (10^15; ATG's authorized common was 15,000,000,000).
MAX_SHARES = 10**15


def _strict_decimal(value: object, what: str) -> Decimal:
    """The deal file's decimals, read by the one parser (:func:`dealkit.core.parse.decimal`)."""
    return parse.decimal(value, what)


def _bare_number(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _money(value: object) -> Decimal:
    if _bare_number(value):
        raise ValueError('money must be a quoted decimal string like "1000.00", not a bare number')
    return parse.money(value, "money")


def _price(value: object) -> Decimal:
    if _bare_number(value):
        raise ValueError("a price must be a quoted decimal string, not a bare number")
    return parse.price(value, "a price")


def _rate(value: object) -> Decimal:
    if _bare_number(value):
        raise ValueError('a rate must be a quoted decimal fraction like "0.0499" (4.99%)')
    return parse.fraction(value, "a rate")


def _multiple(value: object) -> Decimal:
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError('a multiple must be a quoted decimal string like "1.30"')
    multiple = _strict_decimal(value, "multiple")
    if multiple <= 0:
        raise ValueError("a multiple must be positive")
    if multiple > 100:
        raise ValueError("a multiple above 100x is not plausible")
    return multiple


def _date(value: object) -> dt.date:
    try:
        return parse.iso_date(value, "date")
    except ParseError as exc:
        raise ValueError(exc.reason) from None


def _shares(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"a share count must be a whole number, got {type(value).__name__}")
    if value < 0:
        raise ValueError("a share count must not be negative")
    if value > MAX_SHARES:
        raise ValueError(f"a share count above {MAX_SHARES:.0e} is not plausible")
    return value


Money = Annotated[Decimal, BeforeValidator(_money)]
Price = Annotated[Decimal, BeforeValidator(_price)]
Rate = Annotated[Decimal, BeforeValidator(_rate)]
Multiple = Annotated[Decimal, BeforeValidator(_multiple)]
Shares = Annotated[int, BeforeValidator(_shares)]
Date = Annotated[dt.date, BeforeValidator(_date)]
Text = Annotated[str, Field(min_length=1)]
ItemT = TypeVar("ItemT")
#: A read-only mapping (the model is immutable all the way down).
FrozenMap = Annotated[dict[str, ItemT], AfterValidator(MappingProxyType)]


class FrozenModel(BaseModel):
    """The base of every model of the deal: frozen, unknown keys refused, defaults validated."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=True)


# ---------------------------------------------------------------- provenance --------------
class Source(FrozenModel):
    """Where a value comes from: exactly one of a document section, a URL or an assumption.

    Examples
    --------
    >>> Source(kind="assumed", reason="not in the sources").short()
    'assumed: not in the sources'
    """

    kind: Literal["documented", "public_record", "assumed"]
    document: str | None = None
    section: str | None = None
    url: str | None = None
    reason: str | None = None

    @model_validator(mode="after")
    def _complete(self) -> Source:
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


ValueT = TypeVar("ValueT")
_SOURCE_KEYS = ("doc", "url", "assumed")


class Cited(FrozenModel, Generic[ValueT]):
    """A value with its provenance (and, for assumptions, the range seen elsewhere).

    Examples
    --------
    >>> cited = Cited[Money].model_validate({"value": "450000.00", "doc": "funds_escrow", "sec": "§1.1(d)"})
    >>> cited.value, cited.source.short()
    (Decimal('450000.00'), 'funds_escrow §1.1(d)')
    >>> Cited[Rate].model_validate({"value": "0.02", "assumed": "Laurus form", "range": ["0.01", "0.03"]}).range
    (Decimal('0.01'), Decimal('0.03'))
    """

    value: ValueT
    source: Source
    range: tuple[ValueT, ValueT] | None = None
    as_written: str | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _compact(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise ValueError("expected a mapping {value: ..., doc/url/assumed: ...} giving the value and its source")
        if "source" in data:
            return data
        data = dict(data)
        present = [k for k in _SOURCE_KEYS if k in data]
        if len(present) != 1:
            raise ValueError(
                "give exactly one source: `doc` + `sec` (documented), `url` (public "
                f"record) or `assumed` (a reason); found {present or 'none'}"
            )
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
    def _in_range(self) -> Cited[ValueT]:
        if self.range is not None:
            # a range is given for ordered values only (money, rates, counts, dates): compare as such
            low, high = cast(tuple[Any, Any], self.range)
            if low > high:
                raise ValueError(f"range low {low} is above range high {high}")
            value: Any = self.value
            if value is not None and not (low <= value <= high):
                raise ValueError(f"value {value} lies outside its own range [{low}, {high}]")
        return self

    @property
    def is_blank(self) -> bool:
        """A documented value left blank in the document (``value: null``)."""
        return self.value is None and self.source.kind == "documented"
