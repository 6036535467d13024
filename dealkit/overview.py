"""Moved to ``dealkit.present.overview`` (issue 11's layers). This alias keeps ``dealkit.overview`` importing the
same module object, for code written before the move."""
import sys

from dealkit.present.overview import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
