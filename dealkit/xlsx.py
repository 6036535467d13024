"""Moved to ``dealkit.export.xlsx`` (issue 11's layers). This alias keeps ``dealkit.xlsx`` importing the
same module object, for code written before the move."""
import sys

from dealkit.export.xlsx import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
