"""Moved to ``dealkit.report.runguard`` (issue 11's layers). This alias keeps ``dealkit.runguard`` importing the
same module object, for code written before the move."""
import sys

from dealkit.report.runguard import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
