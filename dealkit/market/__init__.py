"""Market data: prices and volumes, kept apart from the deal's terms."""

# ``dealkit.market`` was one module; its public names (and the validators dealkit.params and
# dealkit.risk use) stay importable from here. ``PathMarket`` is built on the rules' Market, a
# layer above this one: it is dealkit.engines.risk.path_market's (re-exported by dealkit.risk_engine).
from dealkit.market.assumptions import gbm_assumptions, parse_finite, parse_positive_decimal, parse_whole
from dealkit.market.bootstrap import bootstrap_chunk
from dealkit.market.gbm import GBM_BLOCK, TRADING_YEAR, gbm_chunk, gbm_rows, to_micro
from dealkit.market.paths import (
    PRICE_SCALE,
    Assumption,
    MarketDataError,
    PricePaths,
    covering,
    path_window,
    trading_days,
)
from dealkit.market.price_csv import MAX_PRICE_FILE_BYTES, load_price_csv
from dealkit.market.simulate import CHUNK, MEMORY_LIMIT_BYTES, MODELS, check_memory, simulate, simulate_variants

__all__ = [
    "PRICE_SCALE",
    "MODELS",
    "MarketDataError",
    "Assumption",
    "PricePaths",
    "trading_days",
    "path_window",
    "load_price_csv",
    "covering",
    "gbm_assumptions",
    "simulate",
    "simulate_variants",
    "check_memory",
    "MEMORY_LIMIT_BYTES",
    "CHUNK",
    "MAX_PRICE_FILE_BYTES",
]

# the old module's private names, used by dealkit.params and dealkit.risk
_finite = parse_finite
_positive_decimal = parse_positive_decimal
_whole = parse_whole
_gbm_chunk = gbm_chunk
_bootstrap_chunk = bootstrap_chunk
_to_micro = to_micro
_TRADING_YEAR = TRADING_YEAR
_GBM_BLOCK = GBM_BLOCK
_gbm_rows = gbm_rows
