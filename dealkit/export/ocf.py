"""The deal in Open Cap Format (OCF) JSON, for cap-table tools.

An OCF folder: ``Manifest.ocf.json`` (with the issuer, ATG), ``Stakeholders.ocf.json`` (Laurus,
GSSF), ``StockClasses.ocf.json`` (common; Series D Convertible Preferred) and
``Transactions.ocf.json``: the convertible notes (Term A, Term B, the MBN) as convertible
issuances, the Option and the Warrant as warrant issuances. Every value comes from the deal file.

What OCF cannot express is written in each object's ``comments``: the prime-based floating rate
with a floor, monthly Monthly Amounts paid in shares on a price test and a volume cap, the 4.99%
caps, the 130% Default Payment, the Series D route, the non-convertible revolving note (OCF has
no plain debt object), and the drafting conflicts (ATG's state of incorporation, the Option's
holder).

Unknown values are left out where the format allows it (the Warrant's quantity, exercise price
and expiration; the Option's Expiration Date, never defined). Where a schema *requires* a value
that no source gives, a value is written only to satisfy the schema and the object's comments say
so, beginning ``REQUIRED BY OCF, NOT KNOWN:`` (listed in the manifest too; see
:data:`REQUIRED_UNKNOWN`). Nothing is silently invented.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

from dealkit.deal.model import Deal
from dealkit.export.ocf_common import NOT_KNOWN as _NOT_KNOWN
from dealkit.export.ocf_common import REQUIRED_UNKNOWN
from dealkit.export.ocf_common import ocf_money as _money
from dealkit.export.ocf_common import ocf_number as _num
from dealkit.export.ocf_common import unknown_comment as _unknown
from dealkit.export.ocf_transactions import note_transactions, option_transaction, warrant_transaction

if TYPE_CHECKING:
    from dealkit.export.bundle import Figures

__all__ = ["OCF_VERSION", "REQUIRED_UNKNOWN", "ocf_objects", "ocf_files", "FILES"]

#: The OCF version of the schemas this export is validated against (the manifest's const).
OCF_VERSION = "1.2.1-alpha+main"
FILES = {
    "manifest": "Manifest.ocf.json",
    "stakeholders": "Stakeholders.ocf.json",
    "stock_classes": "StockClasses.ocf.json",
    "transactions": "Transactions.ocf.json",
}


def _issuer(deal: Deal) -> dict[str, Any]:
    """ATG as OCF's issuer; its state of incorporation left out where the documents conflict."""
    closing = deal.deal.closing_date.value.isoformat()
    atg = deal.parties[deal.option.issuer]
    states = sorted({j.value for j in atg.jurisdiction})
    cite = deal.cite
    authorized = deal.capitalization.authorized_at_closing
    if len(states) > 1:
        incorporation = (
            "State of incorporation left out: the documents conflict ("
            + "; ".join(f"{j.value} per {cite(j.source)}" for j in atg.jurisdiction)
            + ")."
        )
    else:
        incorporation = f"Incorporated in {states[0] if states else 'a state not stated'}."
    return {
        "object_type": "ISSUER",
        "id": "issuer-atg",
        "legal_name": atg.name.value,
        "formation_date": closing,
        "country_of_formation": "US",
        "comments": [
            _unknown("issuer-atg", "formation_date"),
            incorporation,
            f"Authorized common at closing: {authorized.value:,} ({cite(authorized.source)}).",
        ],
        "initial_shares_authorized": _num(authorized.value),
    }


def _stakeholders(deal: Deal, lender: str) -> list[dict[str, Any]]:
    """The lender, the Option's holder and the Warrant's holder, each once."""
    stakeholders = []
    for key in dict.fromkeys([lender, deal.option.holder.value, deal.warrant.holder.value]):
        party = deal.parties[key]
        stakeholders.append(
            {
                "object_type": "STAKEHOLDER",
                "id": f"stakeholder-{key}",
                "name": {"legal_name": party.name.value},
                "stakeholder_type": "INSTITUTION",
                "comments": [f"Roles: {', '.join(party.roles)} ({deal.cite(party.name.source)})."],
            }
        )
    return stakeholders


def _stock_classes(deal: Deal) -> list[dict[str, Any]]:
    """Common stock and the Series D Convertible Preferred."""
    cap, cite = deal.capitalization, deal.cite
    common = {
        "object_type": "STOCK_CLASS",
        "id": "stock-class-common",
        "name": "Common Stock",
        "class_type": "COMMON",
        "default_id_prefix": "CS-",
        "initial_shares_authorized": _num(cap.authorized_at_closing.value),
        "votes_per_share": "1",
        "seniority": "1",
        "par_value": _money(deal.option.par_value.value),
        "comments": [
            _unknown("stock-class-common", "votes_per_share"),
            _unknown("stock-class-common", "seniority"),
            f"Authorized at closing {cap.authorized_at_closing.value:,}: {cite(cap.authorized_at_closing.source)}",
            f"Par value: {cite(deal.option.par_value.source)}",
            f"Outstanding at closing {cap.outstanding_at_closing.value:,}: {cite(cap.outstanding_at_closing.source)}",
        ],
    }
    series_d = {
        "object_type": "STOCK_CLASS",
        "id": "stock-class-series-d",
        "name": "Series D Convertible Preferred Stock",
        "class_type": "PREFERRED",
        "default_id_prefix": "PD-",
        "initial_shares_authorized": _num(cap.series_d_designated.value),
        "votes_per_share": "0",
        "seniority": "2",
        "comments": [
            _unknown("stock-class-series-d", "votes_per_share"),
            _unknown("stock-class-series-d", "seniority"),
            f"Designated: {cap.series_d_designated.value:,} shares ({cite(cap.series_d_designated.source)}).",
            f"Common due to Laurus is issued as Series D until authorized common reaches "
            f"{cap.series_d_until_authorized.value:,}: shares ÷ {cap.series_d_ratio.value:,}, price × "
            f"{cap.series_d_ratio.value:,} ({cite(cap.series_d_ratio.source)}). Its conversion into common "
            "is not given as an OCF conversion right: the ratio conversion requires a conversion price, "
            "which no source states.",
        ],
    }
    return [common, series_d]


def _manifest_comments(deal: Deal) -> list[str]:
    revolving = [note for note in deal.notes.values() if not note.convertible]
    return [
        f"{deal.deal.name.value}: exported by dealkit from the deal file; every figure cites its source there.",
        *(
            f"Not in OCF: {note.title.value}, ${note.face.value:,} (not convertible; OCF has no plain debt object)."
            for note in revolving
        ),
        *(f"{_NOT_KNOWN}{obj}.{field}: {why}" for (obj, field), why in REQUIRED_UNKNOWN.items()),
    ]


def ocf_objects(figures: Figures) -> dict[str, Any]:
    """The OCF objects: ``{"issuer": {...}, "stakeholders": [...], "stock_classes": [...],
    "transactions": [...], "manifest_comments": [...]}``, each a plain JSON-ready mapping.

    Conversions go to Series D while the capitalization table is on the Series D route (authorized
    common below ``capitalization.series_d_until_authorized``), else to common.

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> from dealkit.export.bundle import compute
    >>> objects = ocf_objects(compute(load_deal()))
    >>> [tx["id"] for tx in objects["transactions"]]
    ['tx-mbn', 'tx-term_a', 'tx-term_b', 'tx-option', 'tx-warrant']
    """
    deal = figures.deal
    lender = next(key for key, party in deal.parties.items() if "lender" in party.roles)
    target = "stock-class-series-d" if figures.captable.series_d_route else "stock-class-common"
    transactions = note_transactions(figures, lender, target)
    transactions += [option_transaction(deal, target), warrant_transaction(deal, target)]
    return {
        "issuer": _issuer(deal),
        "stakeholders": _stakeholders(deal, lender),
        "stock_classes": _stock_classes(deal),
        "transactions": transactions,
        "manifest_comments": _manifest_comments(deal),
    }


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def ocf_files(figures: Figures, generated_at: dt.datetime | None = None) -> dict[str, bytes]:
    """The OCF folder's files, in memory: name -> bytes (the manifest lists the others with
    their MD5)."""
    objs = ocf_objects(figures)
    files = {
        FILES["stakeholders"]: _dump({"file_type": "OCF_STAKEHOLDERS_FILE", "items": objs["stakeholders"]}),
        FILES["stock_classes"]: _dump({"file_type": "OCF_STOCK_CLASSES_FILE", "items": objs["stock_classes"]}),
        FILES["transactions"]: _dump({"file_type": "OCF_TRANSACTIONS_FILE", "items": objs["transactions"]}),
    }

    def ref(name: str) -> list[dict[str, str]]:
        return [{"filepath": name, "md5": hashlib.md5(files[name]).hexdigest()}]  # noqa: S324 - OCF's checksum

    stamp = (generated_at or dt.datetime.now(dt.UTC)).replace(microsecond=0)
    manifest = {
        "ocf_version": OCF_VERSION,
        "file_type": "OCF_MANIFEST_FILE",
        "issuer": objs["issuer"],
        "as_of": figures.deal.deal.closing_date.value.isoformat(),
        "generated_at": stamp.isoformat().replace("+00:00", "Z"),
        "comments": objs["manifest_comments"],
        "stock_plans_files": [],
        "stock_legend_templates_files": [],
        "stock_classes_files": ref(FILES["stock_classes"]),
        "vesting_terms_files": [],
        "valuations_files": [],
        "transactions_files": ref(FILES["transactions"]),
        "stakeholders_files": ref(FILES["stakeholders"]),
    }
    return {FILES["manifest"]: _dump(manifest), **files}
