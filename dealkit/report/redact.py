"""Text a page shows about the local machine, cut to what a reader may see: no absolute paths."""

from __future__ import annotations

import os
import re
from pathlib import Path

__all__ = ["strip_paths", "no_path"]

_ABS_PATH = re.compile(r"""(?<![\w.:/])(?:/[^\s/'"(),;:]+)+/([^\s/'"(),;:]+)""")


def strip_paths(text: str) -> str:
    """An error message as a page shows it: absolute paths cut to their last part.

    Examples
    --------
    >>> strip_paths("DealDataError: /home/me/cases/deal.yaml: notes.a: bad")
    'DealDataError: deal.yaml: notes.a: bad'
    >>> strip_paths("see https://www.sec.gov/Archives/x.txt")
    'see https://www.sec.gov/Archives/x.txt'
    """
    return _ABS_PATH.sub(lambda m: m.group(1), text)


def no_path(value: str) -> str:
    """A parameter as the index shows it: a file's name, never its local path.

    Examples
    --------
    >>> no_path("/home/me/events.yaml"), no_path("0.02")
    ('events.yaml', '0.02')
    """
    return Path(value).name if (os.path.isabs(value) or os.path.exists(value)) else value


#: Their names in :mod:`dealkit.report.runner` before the split (``dealkit.report._strip_paths``).
_strip_paths = strip_paths
_no_path = no_path
