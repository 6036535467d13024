"""Moved to ``dealkit.rules.captable`` (issue 11's layers). This alias keeps ``dealkit.captable`` importing the
same module object, for code written before the move."""

import sys

from dealkit.rules.captable import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
