"""Moved to ``dealkit.core.money`` (issue 11's layers). This alias keeps ``dealkit.money`` importing the
same module object, for code written before the move."""
import sys

from dealkit.core.money import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
