"""Moved to ``dealkit.report.landing`` (issue 11's layers). This alias keeps ``dealkit.landing`` importing the
same module object, for code written before the move."""
import sys

from dealkit.report.landing import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
