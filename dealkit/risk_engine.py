"""The notes over N price paths at once: numpy over paths × payment dates, in integer cents and
whole shares (``int64``), equal to the cent and the share to the ``Decimal`` schedule code of
:mod:`dealkit.notes` path for path (tests/test_risk_engine.py checks it on random paths).

Three layers:

1. **What no path changes** (:func:`build_plan`), computed once per set of terms *by calling
   dealkit.notes*: the payment dates, each period's opening balance, interest and principal due
   (:func:`dealkit.notes.term_a_schedule` / :func:`~dealkit.notes.term_b_schedule` run on a market in
   which no stock can be paid: the balance of a term note falls by the amount due whether it is
   paid in stock or cash), the 4.99% cap (:func:`dealkit.option.max_exercisable`, Option §10 / the
   Laurus note form), and the Default Payment for every possible default date
   (:func:`dealkit.notes.default_scenario`).
2. **What each path decides** (:func:`run`): the 5-day average close test (``amortization_share_test``
   / ``maturity_conversion_test`` × FCP), the volume cap (``× 22-day dollar volume``, rounded down
   to the cent), shares = ⌊amount / FCP⌋ limited by the 4.99% cap, the Series D route (÷10,000,
   letter of Sept 6, 2005), the principal credited ⌊shares × FCP⌋ to the cent, the cash rest and
   its premium (``cash_premium − 1``, half-up to the cent), and default.
3. **With a holder's policy** (:class:`HolderPolicy` other than the default) the balances depend on
   the path, so :func:`run` goes date by date (:func:`dealkit.engines.risk.holder.policy_rows`,
   numpy over paths): interest from each row's exact Σ rate × days (the plan's ``rate_parts``, dealkit.notes' rule), the
   Monthly Amount on the path's balance, the stock payment, the optional conversion, the holder's
   sales, and the Default Payment from the path's balances. Its Decimal twin is
   :func:`decimal_policy_schedules` (dealkit.notes and dealkit.option functions).

Default on a path (a rule of this module, not of the notes; switchable, ``default_rule``):

- ``"none"``: ATG always pays.
- ``"cash_capacity"`` (default): ATG can pay at most ``cash_capacity`` in cash on a payment date
  (interest + cash principal + premium across the term notes, plus the revolver per ``revolver``;
  an assumption, not in any source).
  On the first payment date where the cash due is more, the payment is not made: an Event of
  Default on that date, the notes are accelerated, and the Default Payment (130% of principal +
  accrued and default interest to the demand ``demand_lag_days`` later; notes.default_scenario) is
  demanded, of which ``recovery_rate`` is recovered on the demand date. Nothing after the default
  date is paid.

The revolver and the MBN (``revolver``, a rule of this module; switchable): the $7,000,000
Secured Revolving Note with the $3,000,000 Minimum Borrowing Note inside it, as
:func:`dealkit.notes.revolver_schedule` runs it on the deal's borrowing-base reports
(:func:`dealkit.notes.default_reports`: drawn in full at closing through the escrow; daily-balance
interest on at least the MBN). Its draws do not depend on the stock, so it is computed once.

- ``"refinanced"`` (default): its interest is cash due on each payment date (it counts against
  ``cash_capacity``); its balance at maturity (the balloon) is repaid from the borrowing base —
  refinanced by an asset-based lender against the same receivables and inventory (assumed; the
  record shows no refinancing) — so it is paid to Laurus but does not count against the capacity.
- ``"cash"``: the balloon is cash due too (default if it exceeds the capacity: the range's
  pessimistic end).
- ``"excluded"``: the revolver is left out (the term notes alone, the first pass's figures).

In the two first cases the revolver is in the lender's flows (each draw −, each repayment,
interest and the balloon +), in ATG's cost, and in a default: its drawn balance is accelerated
with the term notes (the Default Payment of :func:`dealkit.notes.default_scenario` over the three
notes; 130% of the total principal) and ``recovery_rate`` of the whole is recovered. Its draws
and repayments must fall on the closing date or a payment date (the flows' dates).

The holder's optional conversion (``holder``, :class:`HolderPolicy`; the Laurus note form's
optional conversion at the Fixed Conversion Price, :func:`dealkit.notes.optional_conversion`):
``none`` (default), or convert on each payment date of a note, after its payment, when the close
that day is ≥ ``trigger`` × FCP, principal outstanding up to ``volume_cap`` × 22-day dollar
volume less the principal the scheduled payments credited in stock that day (a resale limit:
assumed), Term A first, within the 4.99% cap (:func:`dealkit.option.max_exercisable`, reading
``literal`` or ``post_issuance``). Holdings: with ``sell_fraction`` unset the holder is taken to
hold none of the shares of earlier conversions at the next one (the first pass's assumption: every
conversion sees the holder's shares at closing); with a ``sell_fraction`` f the holder's shares
build up — every conversion's shares are added, and the shares outstanding grow by them (Option
§10: 4.99% "of the issued and outstanding shares") — and between payment dates it sells
⌊f × the shares traded⌋ on the trading days from the previous payment date to the day before
(assumed; f = 0: it never sells).

Integer units: money in cents; closes in micro-dollars (:data:`dealkit.market.PRICE_SCALE`);
dollar volume in micro-dollar-shares. Every product is bounded before it is formed
(:func:`dealkit.engines.risk.ints.guard`), so ``int64`` cannot overflow silently.

The engine lives in :mod:`dealkit.engines.risk` (``terms``, ``plan``, ``windows``, ``conversion``,
``holder``, ``default``, ``decimal_twin``; ``ints`` for the integer arithmetic); this module
re-exports its public names.
"""

from dealkit.engines.risk.conversion import scheduled_rows as _note_rows
from dealkit.engines.risk.decimal_twin import (
    DecimalPath,
    _stock_payment,
    decimal_flows,
    decimal_policy_schedules,
    decimal_reference,
)
from dealkit.engines.risk.default import NoteResult, Result, run
from dealkit.engines.risk.holder import policy_rows as _policy_rows
from dealkit.engines.risk.ints import INT64_SAFE as _INT64_SAFE
from dealkit.engines.risk.ints import LIMITED_BY
from dealkit.engines.risk.ints import cap_limit as _cap_limit
from dealkit.engines.risk.ints import cents as _cents
from dealkit.engines.risk.ints import guard as _guard
from dealkit.engines.risk.ints import half_up as _half
from dealkit.engines.risk.path_market import PathMarket, path_market
from dealkit.engines.risk.plan import _FIXED, NotePlan, Plan, RevolverPlan, build_plan
from dealkit.engines.risk.plan import rate_parts as _rate_parts
from dealkit.engines.risk.plan import sum_rate_days as _sum_rate_days
from dealkit.engines.risk.plan import threshold as _threshold
from dealkit.engines.risk.terms import (
    DEFAULT_RULES,
    HOLDER_RULES,
    REVOLVER_RULES,
    HolderPolicy,
    RiskTerms,
    holder_policy,
    risk_terms,
)
from dealkit.engines.risk.windows import Windows, windows

__all__ = [
    "DEFAULT_RULES",
    "REVOLVER_RULES",
    "HOLDER_RULES",
    "HolderPolicy",
    "holder_policy",
    "RiskTerms",
    "risk_terms",
    "NotePlan",
    "Plan",
    "build_plan",
    "Windows",
    "windows",
    "NoteResult",
    "Result",
    "run",
    "decimal_reference",
    "decimal_policy_schedules",
    "decimal_flows",
    "LIMITED_BY",
    "RevolverPlan",
    "DecimalPath",
    "PathMarket",
    "path_market",
]

# the old module's private names (benchmarks/risk_bench.py clears _FIXED)
_PRIVATE = (
    _note_rows,
    _stock_payment,
    _policy_rows,
    _INT64_SAFE,
    _cap_limit,
    _cents,
    _guard,
    _half,
    _FIXED,
    _rate_parts,
    _sum_rate_days,
    _threshold,
)
