"""Review checks of what the documents leave open or get wrong on their own: blanks, assumptions,
the governing agreement, instrument names, contradictions, cross-references."""

from __future__ import annotations

from collections import defaultdict

from dealkit.deal.findings import Finding, Severity
from dealkit.deal.findings import citation as _cite
from dealkit.deal.model import Cited, Deal, iter_cited

__all__ = ["GAP_CHECKS", "LIST_CHECKS"]


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
        out.append(
            Finding(
                "blank",
                severity,
                f"Blank in an executed document: {path}",
                f"{deal.cite(cited.source)} leaves this blank{written}",
                (deal.cite(cited.source),),
                (path,),
            )
        )
    blank_parts: dict[str, list[tuple[int, str, Cited]]] = defaultdict(list)
    for i, sched in enumerate(deal.ip_collateral.schedules):
        if not sched.entries and sched.as_written.value.lower() == "blank":
            blank_parts[sched.schedule].append((i, sched.part, sched.as_written))
    for schedule, parts in blank_parts.items():
        out.append(
            Finding(
                "blank",
                "medium",
                f"IP Schedule {schedule} left blank ({', '.join(p for _, p, _ in parts)})",
                "The tables are empty and do not say “None” (as Schedule III does), while §3 represents that the "
                "schedules list every Patent, Trademark and Copyright: either nothing is owned or the schedule is "
                "incomplete, and nothing can be recorded with the USPTO.",
                (*(_cite(deal, c) for _, _, c in parts), "Intellectual Property Security Agreement §3"),
                tuple(f"ip_collateral.schedules[{i}]" for i, _, _ in parts),
            )
        )
    return out


def _assumptions(deal: Deal) -> list[Finding]:
    out = []
    for path, cited in iter_cited(deal):
        if cited.source.kind != "assumed":
            continue
        value = "unknown" if cited.value is None else str(cited.value)
        rng = f"; range seen [{cited.range[0]}, {cited.range[1]}]" if cited.range else ""
        out.append(
            Finding(
                "assumption",
                "info",
                f"Assumed: {path} = {value}",
                f"{cited.source.reason}{rng}",
                (f"assumed ({path})",),
                (path,),
            )
        )
    return out


def _governing_agreement(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    checks = (
        ("governing_agreement", "The governing loan agreement is named differently", "“{}”",
         "governing agreement named alike in every document"),
        ("governing_agreement_parties", "The governing agreement's parties are described differently", "{}",
         None),
    )  # fmt: skip
    for attr, title, quoted, alike in checks:
        cited = {k: getattr(d, attr) for k, d in deal.documents.items()}
        if len({c.value for c in cited.values()}) > 1:
            detail = "; ".join(f"{deal.document_title(k)}: {quoted.format(c.value)}" for k, c in cited.items())
            out.append(Finding("naming", "medium", title, detail, tuple(_cite(deal, c) for c in cited.values())))
        elif alike:
            passed.append(alike)
    return out, passed


def _instrument_names(deal: Deal) -> list[Finding]:
    out = []
    for attr in ("cashless_formula_instrument", "subscription_form_instrument"):
        cited = getattr(deal.option, attr)
        if cited.value.lower() != "option":
            out.append(
                Finding(
                    "naming",
                    "medium",
                    f"The Option calls itself “{cited.value}” ({cited.source.section})",
                    f"As written: “{cited.as_written or cited.value}”. A drafting slip from a warrant form; "
                    "read it as “this Option”.",
                    (_cite(deal, cited),),
                    (f"option.{attr}",),
                )
            )
    return out


def _contradictions(deal: Deal) -> list[Finding]:
    """Escrow §5.3 contradicts itself; the finding names the two readings that
    :func:`dealkit.escrow.interest_readings` implements, ``no_interest_payable`` and
    ``interest_follows_funds``."""
    escrow = deal.escrow
    if escrow.interest_bearing_account.value and not escrow.interest_payable.value:
        return [
            Finding(
                "contradiction",
                "medium",
                "Escrow §5.3 both requires interest and denies it",
                f"As written: “{escrow.interest_bearing_account.as_written}” Two named readings "
                "(dealkit.escrow.INTEREST_READINGS): `no_interest_payable` (the default) — the "
                "operative words “nor will interest be payable in connection therewith”: no interest "
                "is paid to anyone, and the “nor” marks a dropped “not” (“held in a non-interest "
                "bearing account”, the likely intent); `interest_follows_funds` — the first half "
                "alone, “shall be held in an interest bearing account”, the interest following the "
                "funds to their recipients, against the second half.",
                (_cite(deal, escrow.interest_bearing_account), _cite(deal, escrow.interest_payable)),
                ("escrow.interest_bearing_account", "escrow.interest_payable"),
            )
        ]
    return []


def _cross_references(deal: Deal) -> tuple[list[Finding], list[str]]:
    out, passed = [], []
    for i, ref in enumerate(deal.cross_references):
        if ref.keyword.lower() not in ref.target_text.value.lower():
            out.append(
                Finding(
                    "cross_reference",
                    "medium",
                    f"{ref.at.source.section} refers to {ref.refers_to}, which does not deal with it",
                    f"{ref.at.value}; {ref.refers_to} reads: “{ref.target_text.value[:120]}…”",
                    (_cite(deal, ref.at), _cite(deal, ref.target_text)),
                    (f"cross_references[{i}]",),
                )
            )
        else:
            passed.append(f"{ref.at.source.document} {ref.at.source.section} → {ref.refers_to} ({ref.keyword}…) found")
    return out, passed


#: Checks returning findings and passed comparisons, in the order the review runs them.
GAP_CHECKS = (_governing_agreement, _cross_references)
#: Checks returning findings only.
LIST_CHECKS = (_instrument_names, _contradictions, _blanks, _assumptions)
