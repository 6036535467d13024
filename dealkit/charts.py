"""Moved to ``dealkit.present.charts`` (issue 11's layers). This alias keeps ``dealkit.charts`` importing the
same module object, for code written before the move."""
import sys

from dealkit.present.charts import __name__ as _target

sys.modules[__name__] = sys.modules[_target]
