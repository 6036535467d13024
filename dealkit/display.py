"""Moved to ``dealkit.present.display`` (issue 11's layers). This alias keeps ``dealkit.display`` importing the
same module object, for code written before the move."""
import sys

from dealkit.present.display import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
