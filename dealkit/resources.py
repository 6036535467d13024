"""Moved to ``dealkit.deal.resources`` (issue 11's layers). This alias keeps ``dealkit.resources`` importing the
same module object, for code written before the move."""
import sys

from dealkit.deal.resources import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
