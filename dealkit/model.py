"""Moved to ``dealkit.deal.model`` (issue 11's layers). This alias keeps ``dealkit.model`` importing the
same module object, for code written before the move."""
import sys

from dealkit.deal.model import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
