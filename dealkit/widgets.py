"""Moved to ``dealkit.present.widgets`` (issue 11's layers). This alias keeps ``dealkit.widgets`` importing the
same module object, for code written before the move."""
import sys

from dealkit.present.widgets import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
