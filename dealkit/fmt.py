"""Moved to ``dealkit.present.fmt`` (issue 11's layers). This alias keeps ``dealkit.fmt`` importing the
same module object, for code written before the move."""

import sys

from dealkit.present.fmt import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
