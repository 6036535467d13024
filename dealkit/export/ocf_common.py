"""Open Cap Format building blocks shared by the export's objects: OCF numerics and money, the
conversion rights, and the values a schema requires that no source gives (:data:`REQUIRED_UNKNOWN`)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

__all__ = [
    "NOT_KNOWN",
    "REQUIRED_UNKNOWN",
    "ocf_number",
    "percent_text",
    "ocf_money",
    "unknown_comment",
    "conversion_right",
    "custom_conversion",
]

NOT_KNOWN = "REQUIRED BY OCF, NOT KNOWN: "

#: Fields the schemas require that no source gives: (object id, field) -> what was written and why.
REQUIRED_UNKNOWN = {
    ("issuer-atg", "formation_date"): "ATG's formation date is in no source; the deal's closing date is written.",
    ("stock-class-common", "votes_per_share"): "not in the sources; '1' (one vote a share, the usual term) is written.",
    (
        "stock-class-series-d",
        "votes_per_share",
    ): "the Series D designation's voting terms are not in the sources; '0' is written.",
    ("stock-class-series-d", "seniority"): "ranking not in the sources; written as senior to common ('2' vs '1').",
    ("stock-class-common", "seniority"): "ranking not in the sources; written as junior to Series D ('1').",
    (
        "option",
        "purchase_price",
    ): "the Option states no price paid for it (issued in the financing); '0.00' is written.",
    ("warrant", "purchase_price"): "no source gives a price paid for the Warrant; '0.00' is written.",
    ("notes", "seniority"): "the notes' ranking among themselves is not stated (all secured under one Security "
    "Agreement); each is written as '1' (equal).",
}


def ocf_number(value: Decimal | int) -> str:
    """OCF Numeric: a plain decimal string (``12000000``, ``0.00001``), never an exponent."""
    return format(Decimal(value).normalize(), "f")


def percent_text(rate: Decimal) -> str:
    """A rate (a fraction) as a percent for text: ``0.0499`` -> ``4.99%``."""
    return f"{format((Decimal(rate) * 100).normalize(), 'f')}%"


def ocf_money(value: Decimal) -> dict[str, str]:
    return {"amount": ocf_number(value), "currency": "USD"}


def unknown_comment(obj: str, field: str) -> str:
    return f"{NOT_KNOWN}{field}: {REQUIRED_UNKNOWN[(obj, field)]}"


def conversion_right(
    target: str, mechanism: dict[str, Any], kind: str = "CONVERTIBLE_CONVERSION_RIGHT"
) -> dict[str, Any]:
    return {"type": kind, "converts_to_stock_class_id": target, "conversion_mechanism": mechanism}


def custom_conversion(description: str) -> dict[str, Any]:
    return {"type": "CUSTOM_CONVERSION", "custom_conversion_description": description}
