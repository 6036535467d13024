"""Moved to ``dealkit.export.ocf`` (issue 11's layers). This alias keeps ``dealkit.ocf`` importing the
same module object, for code written before the move."""
import sys

from dealkit.export.ocf import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
