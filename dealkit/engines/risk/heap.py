"""Freed array memory kept in the process for the next run (:func:`retain_freed_memory`).

A run of the path engine on 10,000 paths materializes some 30 MB of result arrays (per note,
path × row: cash, stock, premium, shares, codes, paid; the cash due per path × date). Under
glibc's default dynamic thresholds, those blocks are given back to the kernel when a run's result
is dropped and faulted back in, page by zeroed page, by the next run: about a third of the time
of a tornado's or a two-way table's reruns. Raising ``M_MMAP_THRESHOLD`` to glibc's largest
dynamic value (32 MiB: larger blocks, such as a set of price paths, are still mapped and unmapped
on their own) and ``M_TRIM_THRESHOLD`` to 128 MiB keeps them in the heap for reuse. No figure
depends on it; on a C library without ``mallopt`` it does nothing.
"""

from __future__ import annotations

import ctypes

__all__ = ["MMAP_THRESHOLD", "TRIM_THRESHOLD", "retain_freed_memory"]

#: Blocks below this size come from the heap (glibc's DEFAULT_MMAP_THRESHOLD_MAX on 64 bits).
MMAP_THRESHOLD = 32 * 2**20
#: Free memory at the top of the heap kept up to this size instead of being given back.
TRIM_THRESHOLD = 128 * 2**20
#: mallopt parameter numbers (glibc malloc.h).
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3

_state: dict[str, bool] = {}


def retain_freed_memory() -> bool:
    """Set the two malloc thresholds of the module docstring once per process; True when the C
    library took them (glibc), False elsewhere (no ``mallopt``, or it refused).

    Examples
    --------
    >>> import platform
    >>> retain_freed_memory() == (platform.libc_ver()[0] == "glibc")
    True
    """
    if "done" not in _state:
        _state["done"] = _set_thresholds()
    return _state["done"]


def _set_thresholds() -> bool:
    """``mallopt(M_MMAP_THRESHOLD, …)`` then ``mallopt(M_TRIM_THRESHOLD, …)``; each returns 1 when taken."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError, TypeError):  # no C library handle, or no mallopt in it
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD) == 1 and mallopt(_M_TRIM_THRESHOLD, TRIM_THRESHOLD) == 1)
