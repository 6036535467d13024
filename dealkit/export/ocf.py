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
from decimal import Decimal
from typing import Any

__all__ = ["OCF_VERSION", "REQUIRED_UNKNOWN", "ocf_objects", "ocf_files", "FILES"]

#: The OCF version of the schemas this export is validated against (the manifest's const).
OCF_VERSION = "1.2.1-alpha+main"
FILES = {"manifest": "Manifest.ocf.json", "stakeholders": "Stakeholders.ocf.json",
         "stock_classes": "StockClasses.ocf.json", "transactions": "Transactions.ocf.json"}
_NOT_KNOWN = "REQUIRED BY OCF, NOT KNOWN: "

#: Fields the schemas require that no source gives: (object id, field) -> what was written and why.
REQUIRED_UNKNOWN = {
    ("issuer-atg", "formation_date"): "ATG's formation date is in no source; the deal's closing date is written.",
    ("stock-class-common", "votes_per_share"): "not in the sources; '1' (one vote a share, the usual term) is written.",
    ("stock-class-series-d", "votes_per_share"): "the Series D designation's voting terms are not in the sources; '0' is written.",
    ("stock-class-series-d", "seniority"): "ranking not in the sources; written as senior to common ('2' vs '1').",
    ("stock-class-common", "seniority"): "ranking not in the sources; written as junior to Series D ('1').",
    ("option", "purchase_price"): "the Option states no price paid for it (issued in the financing); '0.00' is written.",
    ("warrant", "purchase_price"): "no source gives a price paid for the Warrant; '0.00' is written.",
    ("notes", "seniority"): "the notes' ranking among themselves is not stated (all secured under one Security "
                            "Agreement); each is written as '1' (equal).",
}


def _num(value: Decimal | int) -> str:
    """OCF Numeric: a plain decimal string (``12000000``, ``0.00001``), never an exponent."""
    return format(Decimal(value).normalize(), "f")


def _pct(rate: Decimal) -> str:
    """A rate (a fraction) as a percent for text: ``0.0499`` -> ``4.99%``."""
    return f"{format((Decimal(rate) * 100).normalize(), 'f')}%"


def _money(value: Decimal) -> dict:
    return {"amount": _num(value), "currency": "USD"}


def _unknown(obj: str, field: str) -> str:
    return f"{_NOT_KNOWN}{field}: {REQUIRED_UNKNOWN[(obj, field)]}"


def ocf_objects(figures) -> dict[str, Any]:
    """The OCF objects: ``{"issuer": {...}, "stakeholders": [...], "stock_classes": [...],
    "transactions": [...]}``, each a plain JSON-ready mapping."""
    deal = figures.deal
    a = figures.assumptions
    closing = deal.deal.closing_date.value.isoformat()
    atg = deal.parties[deal.option.issuer]
    states = sorted({j.value for j in atg.jurisdiction})
    cite = deal.cite
    issuer = {
        "object_type": "ISSUER", "id": "issuer-atg", "legal_name": atg.name.value, "formation_date": closing,
        "country_of_formation": "US",
        "comments": [_unknown("issuer-atg", "formation_date"),
                     "State of incorporation left out: the documents conflict ("
                     + "; ".join(f"{j.value} per {cite(j.source)}" for j in atg.jurisdiction) + ")."
                     if len(states) > 1 else f"Incorporated in {states[0] if states else 'a state not stated'}.",
                     f"Authorized common at closing: {deal.capitalization.authorized_at_closing.value:,} "
                     f"({cite(deal.capitalization.authorized_at_closing.source)})."],
        "initial_shares_authorized": _num(deal.capitalization.authorized_at_closing.value),
    }
    lender = next(k for k, p in deal.parties.items() if "lender" in p.roles)
    holder = deal.option.holder.value
    stakeholders = []
    for key in dict.fromkeys([lender, holder, deal.warrant.holder.value]):
        p = deal.parties[key]
        stakeholders.append({"object_type": "STAKEHOLDER", "id": f"stakeholder-{key}",
                             "name": {"legal_name": p.name.value}, "stakeholder_type": "INSTITUTION",
                             "comments": [f"Roles: {', '.join(p.roles)} ({cite(p.name.source)})."]})
    cap = deal.capitalization
    common = {
        "object_type": "STOCK_CLASS", "id": "stock-class-common", "name": "Common Stock", "class_type": "COMMON",
        "default_id_prefix": "CS-", "initial_shares_authorized": _num(cap.authorized_at_closing.value),
        "votes_per_share": "1", "seniority": "1", "par_value": _money(deal.option.par_value.value),
        "comments": [_unknown("stock-class-common", "votes_per_share"), _unknown("stock-class-common", "seniority"),
                     f"Authorized at closing {cap.authorized_at_closing.value:,}: {cite(cap.authorized_at_closing.source)}",
                     f"Par value: {cite(deal.option.par_value.source)}",
                     f"Outstanding at closing {cap.outstanding_at_closing.value:,}: {cite(cap.outstanding_at_closing.source)}"],
    }
    series_d = {
        "object_type": "STOCK_CLASS", "id": "stock-class-series-d", "name": "Series D Convertible Preferred Stock",
        "class_type": "PREFERRED", "default_id_prefix": "PD-", "initial_shares_authorized": _num(cap.series_d_designated.value),
        "votes_per_share": "0", "seniority": "2",
        "comments": [_unknown("stock-class-series-d", "votes_per_share"), _unknown("stock-class-series-d", "seniority"),
                     f"Designated: {cap.series_d_designated.value:,} shares ({cite(cap.series_d_designated.source)}).",
                     f"Common due to Laurus is issued as Series D until authorized common reaches "
                     f"{cap.series_d_until_authorized.value:,}: shares ÷ {cap.series_d_ratio.value:,}, price × "
                     f"{cap.series_d_ratio.value:,} ({cite(cap.series_d_ratio.source)}). Its conversion into common "
                     "is not given as an OCF conversion right: the ratio conversion requires a conversion price, "
                     "which no source states."],
    }
    target = "stock-class-series-d" if figures.captable.series_d_route else "stock-class-common"
    route = ("on the Series D route (authorized common below the threshold), conversion shares come as Series D "
             f"preferred at ÷{cap.series_d_ratio.value:,}" if figures.captable.series_d_route else "")
    t = deal.note_terms
    not_expressible = [
        f"Interest (assumed, not in the sources): WSJ prime + {_pct(t.prime_margin.value)} with a floor of "
        f"{_pct(t.rate_floor.value)}, {t.day_count.value}, {t.interest_payment.value}. OCF has no floating rate "
        "with a floor on a convertible; no interest_rates are given.",
        f"{_pct(t.conversion_cap.value)} conversion cap ({cite(t.conversion_cap.source)}): not expressible in OCF.",
        f"Default Payment {_pct(t.default_payment_multiple.value)} of principal plus interest and fees "
        f"({cite(t.default_payment_multiple.source)}).",
    ]
    transactions = []
    for key, note in deal.notes.items():
        if not note.convertible:
            continue
        mechanism = (f"Optional conversion of principal, interest and fees at the Fixed Conversion Price "
                     f"${a.fixed_conversion_price} ({cite(t.fixed_conversion_price.source)}): shares = "
                     f"amount ÷ Fixed Conversion Price, whole shares" + (f"; {route}" if route else "") + ".")
        triggers = [{"trigger_id": f"{key}-optional", "nickname": "optional conversion", "type": "ELECTIVE_AT_WILL",
                     "conversion_right": {"type": "CONVERTIBLE_CONVERSION_RIGHT", "converts_to_stock_class_id": target,
                                          "conversion_mechanism": {"type": "CUSTOM_CONVERSION",
                                                                   "custom_conversion_description": mechanism}}}]
        if note.kind == "term_amortizing":
            triggers.append({"trigger_id": f"{key}-amortization", "nickname": "Monthly Amount in shares",
                             "type": "AUTOMATIC_ON_CONDITION",
                             "trigger_condition": f"From {a.first_amortization} each Monthly Amount (${a.monthly_amount:,}, "
                                                  f"assumed) is paid in shares when the 5-day average close is at least "
                                                  f"{_pct(a.amortization_share_test)} of the Fixed Conversion Price, within "
                                                  f"{_pct(a.amortization_volume_cap)} of 22-day dollar volume; otherwise in "
                                                  f"cash at {_pct(a.cash_premium)} (Laurus form, assumed)",
                             "conversion_right": {"type": "CONVERTIBLE_CONVERSION_RIGHT", "converts_to_stock_class_id": target,
                                                  "conversion_mechanism": {"type": "CUSTOM_CONVERSION",
                                                                           "custom_conversion_description": mechanism}}})
        if note.kind == "term_bullet":
            triggers.append({"trigger_id": f"{key}-maturity", "nickname": "maturity conversion",
                             "type": "AUTOMATIC_ON_CONDITION",
                             "trigger_condition": f"At maturity the holder converts what is due when the 5-day average "
                                                  f"close is at least {_pct(a.maturity_conversion_test)} of the Fixed "
                                                  f"Conversion Price, within {_pct(a.maturity_volume_cap)} of 22-day dollar "
                                                  "volume; the rest is paid in cash (Laurus form, assumed)",
                             "conversion_right": {"type": "CONVERTIBLE_CONVERSION_RIGHT", "converts_to_stock_class_id": target,
                                                  "conversion_mechanism": {"type": "CUSTOM_CONVERSION",
                                                                           "custom_conversion_description": mechanism}}})
        comments = [f"{note.title.value}: face ${note.face.value:,} ({cite(note.face.source)}); issued "
                    f"{note.issue_date.value} ({cite(note.issue_date.source)}); maturity {note.maturity.value} "
                    f"({cite(note.maturity.source)})" + (f"; {note.maturity.note}" if note.maturity.note else "") + ".",
                    *not_expressible, _unknown("notes", "seniority"),
                    "security_law_exemptions: none recorded (the exemption relied on is not in the sources)."]
        if note.within:
            comments.append(f"Inside the {deal.notes[note.within].title.value} (the revolving note does not duplicate "
                            f"MBN amounts): {note.face.note or ''}".strip())
        transactions.append({
            "object_type": "TX_CONVERTIBLE_ISSUANCE", "id": f"tx-{key}", "security_id": f"security-{key}",
            "custom_id": key.upper().replace("_", "-"), "date": note.issue_date.value.isoformat(),
            "stakeholder_id": f"stakeholder-{lender}", "convertible_type": "NOTE",
            "investment_amount": _money(note.face.value), "conversion_triggers": triggers, "seniority": 1,
            "security_law_exemptions": [], "comments": comments,
        })
    revolving = [n for n in deal.notes.values() if not n.convertible]
    o = deal.option
    option_tx = {
        "object_type": "TX_WARRANT_ISSUANCE", "id": "tx-option", "security_id": "security-option", "custom_id": "OPTION",
        "date": o.issue_date.value.isoformat(), "stakeholder_id": f"stakeholder-{holder}",
        "quantity": _num(o.shares.value), "quantity_source": "INSTRUMENT_FIXED",
        "exercise_price": _money(o.exercise_price.value), "purchase_price": _money(Decimal("0.00")),
        "exercise_triggers": [{"trigger_id": "option-exercise", "nickname": "exercise (cash or cashless)",
                               "type": "ELECTIVE_AT_WILL",
                               "conversion_right": {"type": "WARRANT_CONVERSION_RIGHT",
                                                    "converts_to_stock_class_id": target,
                                                    "conversion_mechanism": {"type": "FIXED_AMOUNT_CONVERSION",
                                                                             "converts_to_quantity": _num(o.shares.value)}}}],
        "security_law_exemptions": [],
        "comments": [f"Option for {o.shares.value:,} shares at ${o.exercise_price.value} ({cite(o.shares.source)}; "
                     f"{cite(o.exercise_price.source)}); cashless exercise X = Y(A − B)/A (§2.2(b)); fractions in cash "
                     "at FMV (§2.1).",
                     f"Expiration Date: never defined ({o.expiration_date.as_written}); left out.",
                     f"{_pct(o.max_exercise_cap.value)} maximum exercise ({cite(o.max_exercise_cap.source)}), void on a "
                     "default notice or "
                     f"{o.cap_release_notice_days.value} days' notice: not expressible in OCF.",
                     f"Holder as the Option names it: {deal.party_name(holder)}; the escrow's Schedule A lists "
                     f"{deal.party_name(deal.escrow.schedule_a.option_recipient.value)} as option recipient (a review finding).",
                     _unknown("option", "purchase_price")],
    }
    w = deal.warrant
    warrant_tx = {
        "object_type": "TX_WARRANT_ISSUANCE", "id": "tx-warrant", "security_id": "security-warrant", "custom_id": "WARRANT",
        "date": closing, "stakeholder_id": f"stakeholder-{w.holder.value}", "quantity_source": "UNSPECIFIED",
        "purchase_price": _money(Decimal("0.00")),
        "exercise_triggers": [{"trigger_id": "warrant-exercise", "nickname": "exercise", "type": "UNSPECIFIED",
                               "conversion_right": {"type": "WARRANT_CONVERSION_RIGHT",
                                                    "converts_to_stock_class_id": target,
                                                    "conversion_mechanism": {"type": "CUSTOM_CONVERSION",
                                                                             "custom_conversion_description":
                                                                                 "unspecified: the Warrant's share count, "
                                                                                 "price and term are not known"}}}],
        "security_law_exemptions": [],
        "comments": [f"Quantity unspecified: {w.shares.as_written} ({cite(w.shares.source)}); left out.",
                     f"Exercise price unspecified ({cite(w.exercise_price.source)}); left out.",
                     f"Term unspecified ({cite(w.term_years.source)}); no expiration date.",
                     f"Issued at the closing ({cite(deal.deal.closing_date.source)}).",
                     _unknown("warrant", "purchase_price")],
    }
    if w.shares.value is not None:
        warrant_tx["quantity"], warrant_tx["quantity_source"] = _num(w.shares.value), "INSTRUMENT_FIXED"
    if w.exercise_price.value is not None:
        warrant_tx["exercise_price"] = _money(w.exercise_price.value)
    transactions += [option_tx, warrant_tx]
    manifest_comments = [
        f"{deal.deal.name.value}: exported by dealkit from the deal file; every figure cites its source there.",
        *(f"Not in OCF: {n.title.value}, ${n.face.value:,} (not convertible; OCF has no plain debt object)."
          for n in revolving),
        *(f"{_NOT_KNOWN}{obj}.{field}: {why}" for (obj, field), why in REQUIRED_UNKNOWN.items()),
    ]
    return {"issuer": issuer, "stakeholders": stakeholders, "stock_classes": [common, series_d],
            "transactions": transactions, "manifest_comments": manifest_comments}


def _dump(obj: Any) -> bytes:
    return (json.dumps(obj, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def ocf_files(figures, generated_at: dt.datetime | None = None) -> dict[str, bytes]:
    """The OCF folder's files, in memory: name -> bytes (the manifest lists the others with
    their MD5)."""
    objs = ocf_objects(figures)
    files = {
        FILES["stakeholders"]: _dump({"file_type": "OCF_STAKEHOLDERS_FILE", "items": objs["stakeholders"]}),
        FILES["stock_classes"]: _dump({"file_type": "OCF_STOCK_CLASSES_FILE", "items": objs["stock_classes"]}),
        FILES["transactions"]: _dump({"file_type": "OCF_TRANSACTIONS_FILE", "items": objs["transactions"]}),
    }

    def ref(name: str) -> list[dict]:
        return [{"filepath": name, "md5": hashlib.md5(files[name]).hexdigest()}]  # noqa: S324 - OCF's checksum

    stamp = (generated_at or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    manifest = {
        "ocf_version": OCF_VERSION, "file_type": "OCF_MANIFEST_FILE", "issuer": objs["issuer"],
        "as_of": figures.deal.deal.closing_date.value.isoformat(),
        "generated_at": stamp.isoformat().replace("+00:00", "Z"), "comments": objs["manifest_comments"],
        "stock_plans_files": [], "stock_legend_templates_files": [], "stock_classes_files": ref(FILES["stock_classes"]),
        "vesting_terms_files": [], "valuations_files": [], "transactions_files": ref(FILES["transactions"]),
        "stakeholders_files": ref(FILES["stakeholders"]),
    }
    return {FILES["manifest"]: _dump(manifest), **files}
