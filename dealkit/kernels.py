"""Moved to ``dealkit.report.kernels`` (issue 11's layers). This alias keeps ``dealkit.kernels`` importing the
same module object, for code written before the move."""
import sys

from dealkit.report.kernels import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
