"""Moved to ``dealkit.export.bundle`` (issue 11's layers). This alias keeps ``dealkit.bundle`` importing the
same module object, for code written before the move."""

import sys

from dealkit.export.bundle import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
