"""Moved to ``dealkit.core.calendar`` (issue 11's layers). This alias keeps ``dealkit.calendar`` importing the
same module object, for code written before the move."""
import sys

from dealkit.core.calendar import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
