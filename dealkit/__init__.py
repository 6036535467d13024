"""dealkit: the September 2005 Laurus / American Technologies Group financing, as cited data and
exact calculations, with parameterized notebook reports.

>>> from dealkit import load_deal, review
>>> deal = load_deal()                 # the embedded data/deal.yaml
>>> deal.facility_total()
Decimal('12000000.00')
"""

from dealkit.deal.loader import PrimeSeries, load_deal, load_prime
from dealkit.deal.model import Cited, Deal, Source, iter_cited
from dealkit.deal.review import Finding, Review, review
from dealkit.errors import DealDataError, DealkitError, ParameterError, ReportError

__all__ = [
    "DealkitError",
    "DealDataError",
    "ParameterError",
    "ReportError",
    "PrimeSeries",
    "load_deal",
    "load_prime",
    "Cited",
    "Deal",
    "Source",
    "iter_cited",
    "Finding",
    "Review",
    "review",
]
__version__ = "0.1.0"
