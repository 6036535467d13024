"""Moved to ``dealkit.report.summary`` (issue 11's layers). This alias keeps ``dealkit.summary`` importing the
same module object, for code written before the move."""

import sys

from dealkit.report.summary import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
