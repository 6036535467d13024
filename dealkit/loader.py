"""Moved to ``dealkit.deal.loader`` (issue 11's layers). This alias keeps ``dealkit.loader`` importing the
same module object, for code written before the move."""

import sys

from dealkit.deal.loader import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
