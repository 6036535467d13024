"""Moved to ``dealkit.deal.review`` (issue 11's layers). This alias keeps ``dealkit.review`` importing the
same module object, for code written before the move."""
import sys

from dealkit.deal.review import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
