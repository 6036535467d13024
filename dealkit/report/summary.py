"""The executive summary: one screen a board member, counsel or an analyst reads first.

Every figure is computed by dealkit's own functions on the deal file (nothing is typed in), on
the same inputs as the notes notebook (``01_notes``) uses by default (:data:`NOTES_DEFAULTS`, kept
equal to that notebook's ``parameters`` cell by a test), and links to the section that derives it.

Figures: ATG's all-in annual cost and Laurus's XIRR (``01_notes``, "What the lender earned");
dilution (conversion shares at the end of the schedules, and the fully diluted table of
:mod:`dealkit.rules.captable`); principal paid in stock vs cash; the modelled Default Payment against
the $ demanded in 2008 and the range of principal consistent with the demand; the review's top
findings; the key assumptions.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dealkit.present import fmt

__all__ = ["NOTES_DEFAULTS", "Figure", "Summary", "executive_summary", "SECTIONS", "risk_figures", "with_risk"]

#: Every parameter of ``01_notes``'s ``parameters`` cell but the runner's and ``interactive``: the
#: assumed terms (``"deal"``: the deal file's), the market inputs and the scenario dates. The summary
#: runs the notes on the same, so its figures equal the page's; ``00_overview`` declares the same
#: parameters, so a report run gives both pages (and the index) the run's values.
NOTES_DEFAULTS: dict[str, str] = {
    "margin": "deal",
    "floor": "deal",
    "monthly_amount": "deal",
    "first_amortization": "deal",
    "conversion_price": "deal",
    "stock_price": "0.06",
    "price_shock": "1",
    "daily_volume": "5000000",
    "term_b_maturity": "2008-01-31",
    "default_date": "deal",
    "demand_date": "deal",
    "rounding": "period",
    "option_holder": "deal",
}

#: Where each figure is derived: (page, heading anchor as nbconvert writes it, section title).
SECTIONS = {
    "xirr": ("01_notes", "What-the-lender-earned,-and-what-the-money-cost-ATG", "What the lender earned"),
    "schedules": ("01_notes", "The-schedules", "The schedules"),
    "dilution": ("01_notes", "Conversion-shares-and-dilution", "Conversion shares and dilution"),
    "default": ("01_notes", "Default:-the-2008-demand", "Default: the 2008 demand"),
    "captable": ("00_overview", "Fully-diluted-capitalization", "Fully diluted capitalization"),
    "findings": ("00_overview", "Review-findings", "Review findings"),
    "assumptions": ("00_overview", "Assumptions-in-force", "Assumptions in force"),
    "risk": ("05_risk", "The-distribution-of-outcomes", "The distribution of outcomes"),
}


@dataclass(frozen=True)
class Figure:
    key: str  # which section derives it (a key of SECTIONS)
    label: str
    value: str  # formatted for display
    detail: str = ""


@dataclass
class Summary:
    figures: list[Figure]
    findings: list[tuple[str, str, str]]  # (severity, title, citations)
    assumptions: list[tuple[str, str]]  # (what, value)
    inputs: dict[str, str] = field(default_factory=dict)
    exact: dict[str, object] = field(default_factory=dict)  # the unformatted figures, for tests

    def href(self, key: str, mode: str = "pages") -> str:
        """The link to the section deriving ``key``: ``pages`` → ``01_notes.html#anchor`` (index and
        separate pages), ``combined`` → ``#anchor`` (one file)."""
        page, anchor, _ = SECTIONS[key]
        return f"#{anchor}" if mode == "combined" else f"{page}.html#{anchor}"

    def to_html(self, mode: str = "pages", title: str = "Executive summary") -> str:
        """One screen: figure cards (each a link to its section), the top findings, the key
        assumptions. Every text escaped; wrapped so JupyterLab's MathJax leaves ``$`` alone."""
        esc = html.escape
        cards = "".join(
            f'<a class="dk-card" href="{esc(self.href(f.key, mode))}"><span class="dk-label">{esc(f.label)}</span>'
            f'<span class="dk-value">{esc(f.value)}</span><span class="dk-detail">{esc(f.detail)}</span></a>'
            for f in self.figures
        )
        finds = "".join(
            f'<li><b class="dk-sev-{esc(s)}">{esc(s)}</b> {esc(t)} <small>({esc(c)})</small></li>'
            for s, t, c in self.findings
        )
        assume = "".join(f"<li>{esc(w)}: <b>{esc(v)}</b></li>" for w, v in self.assumptions)
        inputs = "; ".join(f"{fmt.header(k)} {v}" for k, v in self.inputs.items())
        return (
            f'<section class="dealkit-summary {fmt.NO_MATH}" id="executive-summary">'
            f'<h2 class="dk-summary-title">{esc(title)}</h2><div class="dk-cards">{cards}</div>'
            f'<div class="dk-cols"><div><h3><a href="{esc(self.href("findings", mode))}">Top review findings</a></h3>'
            f'<ul>{finds}</ul></div><div><h3><a href="{esc(self.href("assumptions", mode))}">Key assumptions</a></h3>'
            f"<ul>{assume}</ul></div></div>"
            f'<p class="dk-inputs">Scenario inputs (market data, not deal terms): {esc(inputs)}. '
            f"Each figure links to the section that derives it.</p></section>"
        )

    def _repr_html_(self) -> str:  # JupyterLab and nbconvert show the HTML
        return SUMMARY_CSS + self.to_html()


#: The summary's own style (the landing page and the report template carry it too).
SUMMARY_CSS = """<style>
.dealkit-summary{border:1px solid #d0d7de;border-radius:6px;padding:.8em 1em;margin:1em 0;background:#fafbfc}
.dealkit-summary h2.dk-summary-title{margin-top:0}
.dk-cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(200px,1fr));gap:.6em}
.dk-card{display:flex;flex-direction:column;border:1px solid #d0d7de;border-radius:6px;padding:.5em .7em;
 text-decoration:none;color:inherit;background:#fff}
.dk-card:hover{border-color:#0969da}
.dk-label{font-size:12px;color:#57606a}
.dk-value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums;color:#0969da}
.dk-detail{font-size:12px;color:#57606a}
.dk-cols{display:grid;grid-template-columns:repeat(auto-fit,minmax(280px,1fr));gap:1em}
.dk-cols ul{padding-left:1.2em;margin:.3em 0}
.dk-sev-high{color:#b00}.dk-sev-medium{color:#b35900}.dk-sev-low{color:#555}
.dk-inputs{font-size:12px;color:#57606a;margin-bottom:0}
</style>"""


def _notes_run(deal, prime, params: Mapping[str, str]):
    """The notes notebook's run on its default inputs (:func:`dealkit.present.notes_run.run_from_parameters`,
    the function ``01_notes`` calls), and the back-solve of the demand of record."""
    from dealkit.present.notes_run import back_solve_of_record, run_from_parameters

    p = {**NOTES_DEFAULTS, **{k: v for k, v in params.items() if k in NOTES_DEFAULTS}}
    run = run_from_parameters(deal, prime, **p)
    solve = back_solve_of_record(deal, run.a, prime)
    return p, run.a, run.market, run.schedules, run.default, solve, list(run.flows)


def _short_cite(citation: str) -> str:
    """A citation for one line: a URL becomes its host (the full one is in the linked section)."""
    if citation.startswith(("http://", "https://")):
        from urllib.parse import urlparse

        return f"public record, {urlparse(citation).netloc}"
    return citation


def holder_of(p: Mapping[str, str], deal) -> str:
    """Whose flows the Option enters (``01_notes``'s ``option_holder``)."""
    from dealkit.rules.notes.flows import parse_option_holder

    return parse_option_holder(p["option_holder"], deal)


def risk_figures(metrics: Mapping[str, object]) -> list[Figure]:
    """The ranges over simulated paths, from ``05_risk.metrics.json`` (:func:`dealkit.risk.write_metrics`):
    Laurus's XIRR and the dilution from the 5th to the 95th percentile, and the default
    probability. Labelled illustrative: the paths come from an assumed price model.

    Examples
    --------
    >>> percentiles = {"lender_xirr": {"p5": 0.1, "p50": 0.2, "p95": 0.3}, "dilution": {"p5": 0.01, "p95": 0.05}}
    >>> [f.value for f in risk_figures({"percentiles": percentiles, "n_paths": 1000, "defaulted": 0.25})]
    ['10.0% to 30.0%', '1.00% to 5.00%']
    """
    pct: Any = metrics.get("percentiles") or {}
    n: Any = metrics.get("n_paths")
    model = str(metrics.get("provenance") or "an assumed price model")
    out = []
    xirr = _span(pct, "lender_xirr", 1)
    if xirr:
        med = (pct.get("lender_xirr") or {}).get("p50")
        out.append(
            Figure(
                "risk",
                "Laurus XIRR across price paths (illustrative)",
                xirr,
                f"5th to 95th percentile, median {fmt.pct(Decimal(str(med)), 1)}; "
                f"{fmt.shares(int(n)) if n else 'the'} simulated paths, {model[:120]}",
            )
        )
    dil = _span(pct, "dilution", 2)
    if dil:
        defaulted = metrics.get("defaulted")
        out.append(
            Figure(
                "risk",
                "Dilution across price paths (illustrative)",
                dil,
                "5th to 95th percentile"
                + (
                    f"; default on {fmt.pct(Decimal(str(defaulted)), 1)} of paths"
                    if isinstance(defaulted, (int, float))
                    else ""
                ),
            )
        )
    return out


def _span(percentiles: Mapping[str, Any], key: str, digits: int) -> str | None:
    """``"p5 to p95"`` of ``key`` as percents, or ``None`` when either end is missing."""
    q = percentiles.get(key) or {}
    lo, hi = q.get("p5"), q.get("p95")
    if lo is None or hi is None:
        return None
    return f"{fmt.pct(Decimal(str(lo)), digits)} to {fmt.pct(Decimal(str(hi)), digits)}"


def executive_summary(
    deal, prime=None, params: Mapping[str, str] | None = None, review=None, risk: Mapping[str, object] | None = None
) -> Summary:
    """The executive summary of ``deal`` (see the module docstring for what and where from).

    Formulas: dilution = shares issued ÷ (shares outstanding at closing + shares issued); stock
    share = principal paid in stock ÷ (principal in stock + in cash); fully diluted dilution =
    1 − O ÷ FD (:func:`dealkit.rules.captable.cap_table`); XIRR: :func:`dealkit.core.cashflows.xirr` (actual/365).

    Parameters
    ----------
    deal : Deal
        The loaded deal.
    prime : PrimeSeries, optional
        The WSJ prime path; default :func:`dealkit.deal.loader.load_prime`.
    params : mapping of str to str, optional
        String parameters of ``01_notes`` (``-p`` values of a report run); the rest take
        :data:`NOTES_DEFAULTS`.
    review : Review, optional
        The review findings, if already computed.
    risk : mapping, optional
        ``05_risk.metrics.json`` of the same run, for the ranges over simulated paths
        (:func:`risk_figures`).

    Returns
    -------
    Summary
        Formatted figures with the section each links to, the top findings, key assumptions,
        and the exact figures (``Summary.exact``).

    Examples
    --------
    >>> from dealkit.deal.loader import load_deal
    >>> summary = executive_summary(load_deal())
    >>> [(f.label, f.value) for f in summary.figures][2]
    ('Dilution from note conversions', '3.80%')
    """
    from dealkit.deal.loader import load_prime
    from dealkit.deal.review import review as run_review

    prime = prime if prime is not None else load_prime()
    p, a, market, ds, solve, exact = _exact_figures(deal, prime, params or {})
    figures = _figures(deal, p, a, exact, market, ds, solve)
    result = review if review is not None else run_review(deal)
    summary = Summary(figures, _top_findings(result), _assumptions(deal, market, a), _inputs(p, ds), exact)
    return with_risk(summary, risk)


def _inputs(p: Mapping[str, str], ds) -> dict[str, str]:
    """The scenario inputs the summary states (market data and dates, not deal terms)."""
    return {
        "stock_price": f"${p['stock_price']}",
        "daily_volume": fmt.shares(int(p["daily_volume"])),
        "default_date": fmt.date(ds.default_date) if ds else "none",
        "demand_date": fmt.date(ds.demand_date) if ds else "none",
    }


def _exact_figures(deal, prime, params: Mapping[str, str]):
    """The notes run on ``params`` (:func:`_notes_run`) and its exact figures: both XIRRs, the
    shares issued, dilution = issued ÷ (outstanding + issued), principal in stock and in cash, the
    Default Payment, the range of principal consistent with the demand, the fully diluted count."""
    from dealkit.core.cashflows import xirr
    from dealkit.rules.captable import cap_table
    from dealkit.rules.notes.flows import borrower_cash_flows

    p, a, market, schedules, ds, solve, flows = _notes_run(deal, prime, params)
    issued = sum(s.shares for s in schedules.values())
    outstanding = market.outstanding
    consistent = solve[solve["consistent"]]
    exact = {
        "lender_xirr": xirr(flows),
        "borrower_xirr": xirr(borrower_cash_flows(flows)),
        "shares_issued": issued,
        "dilution": Decimal(issued) / Decimal(outstanding + issued) if outstanding + issued else Decimal(0),
        "principal_stock": sum((s.principal_stock for s in schedules.values()), Decimal(0)),
        "principal_cash": sum((s.principal_cash for s in schedules.values()), Decimal(0)),
        "default_payment": ds.payment if ds else None,
        "principal_low": consistent["principal"].min() if len(consistent) else None,
        "principal_high": consistent["principal"].max() if len(consistent) else None,
        "fully_diluted": cap_table(deal, a.fixed_conversion_price).total_after,
    }
    return p, a, market, ds, solve, exact


def _figures(deal, p: Mapping[str, str], a, exact: dict, market, ds, solve) -> list[Figure]:
    """The summary's figure cards from the exact figures: the two XIRRs, the dilution, the fully
    diluted dilution = 1 − O ÷ FD (:func:`dealkit.rules.captable.cap_table`), then
    :func:`_payment_figures`."""
    from dealkit.rules.captable import cap_table

    borrower, lender = exact["borrower_xirr"], exact["lender_xirr"]
    ct = cap_table(deal, a.fixed_conversion_price)
    cost = fmt.pct(-borrower if borrower < 0 else borrower, 1) if borrower is not None else "no rate exists"
    return [
        Figure("xirr", "All-in annual cost to ATG", cost, "XIRR of ATG's flows, stock at market (actual/365)"),
        Figure(
            "xirr",
            "What Laurus earns (XIRR)",
            fmt.pct(lender, 1) if lender is not None else "no rate exists",
            f"funding, Closing Payment, interest, principal, shares, default recovery "
            f"(option_holder: {holder_of(p, deal)})",
        ),
        Figure(
            "dilution",
            "Dilution from note conversions",
            fmt.pct(exact["dilution"], 2),
            f"{fmt.shares(exact['shares_issued'])} shares issued against {fmt.shares(market.outstanding)} "
            "outstanding (assumed)",
        ),
        Figure(
            "captable",
            "Fully diluted: Option + notes",
            fmt.pct(1 - Decimal(ct.total_before) / Decimal(ct.total_after), 2),
            f"{fmt.shares(ct.total_after)} shares fully diluted; Warrant unspecified",
        ),
        *_payment_figures(deal, exact, ds, solve),
    ]


def _payment_figures(deal, exact: dict, ds, solve) -> list[Figure]:
    """The cards on how the notes were paid: stock share = stock ÷ (stock + cash), the modelled
    Default Payment against the demand of record, and the principal consistent with that demand."""
    stock, cash = exact["principal_stock"], exact["principal_cash"]
    lo, hi = exact["principal_low"], exact["principal_high"]
    stock_share = stock / (stock + cash) if stock + cash else Decimal(0)
    demanded = deal.default_demand.amount.value
    return [
        Figure(
            "schedules",
            "Principal paid in stock",
            fmt.pct(stock_share, 1),
            f"{fmt.money(stock, cents=False)} in stock, {fmt.money(cash, cents=False)} in cash",
        ),
        Figure(
            "default",
            "Modelled Default Payment",
            fmt.money(ds.payment, cents=False) if ds else "no default",
            f"against {fmt.money(demanded, cents=False)} demanded {fmt.date(deal.default_demand.due_date.value)}",
        ),
        Figure(
            "default",
            "Principal consistent with the demand",
            f"{fmt.money(lo, cents=False)}–{fmt.money(hi, cents=False)}" if lo is not None else "none",
            f"back-solve over {int(solve['consistent'].sum())} combinations of unpaid interest and fees",
        ),
    ]


def _top_findings(result) -> list[tuple[str, str, str]]:
    """The four most severe review findings (assumptions left out), each with two citations."""
    order = {"high": 0, "medium": 1, "low": 2, "info": 3}
    top = sorted((f for f in result.findings if f.kind != "assumption"), key=lambda f: order.get(f.severity, 9))[:4]
    return [(f.severity, f.title, "; ".join(_short_cite(c) for c in f.citations[:2])) for f in top]


def _assumptions(deal, market, a) -> list[tuple[str, str]]:
    """The key assumptions in force (``a``: the deal file's, or a parameter's): margin, floor,
    Fixed Conversion Price; shares outstanding, ATG's price."""
    return [
        ("Margin over WSJ prime", fmt.pct(a.margin, None)),
        ("Rate floor", fmt.pct(a.floor, None)),
        ("Fixed Conversion Price", fmt.money(a.fixed_conversion_price)),
        ("Shares outstanding at closing", fmt.shares(deal.capitalization.outstanding_at_closing.value)),
        ("ATG share price (market data)", fmt.money(market.close(deal.deal.closing_date.value))),
    ]


def with_risk(summary: Summary, risk: Mapping[str, object] | None) -> Summary:
    """``summary`` with the ranges over simulated paths (:func:`risk_figures` of ``risk``, the
    ``05_risk.metrics.json`` of the same run) after its first two figures; ``summary`` itself
    when there are none. The report run computes the summary while the notebooks run and adds
    the risk figures once 05_risk has written them."""
    extra = risk_figures(risk) if risk else []
    if not extra:
        return summary
    figures = list(summary.figures)
    figures[2:2] = extra
    return Summary(figures, summary.findings, summary.assumptions, summary.inputs, summary.exact)
