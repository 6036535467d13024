"""The files dealkit ships inside the package: the default deal, the prime-rate history, the
event scenarios and the report notebooks, found through :mod:`importlib.resources`.

They live in the package (``dealkit/data/``, ``dealkit/notebooks/``; the checkout's top-level
``data`` and ``notebooks`` are symlinks to them), so an installed wheel, an editable install and
the checkout all read the same files. ``DEALKIT_DATA`` (a folder) replaces the folder of the
default ``deal.yaml`` and ``prime_rate.csv`` (the event scenarios and notebooks stay the package's).

Example
-------
>>> resource_path("data", "deal.yaml").name
'deal.yaml'
>>> resource_path("notebooks").is_dir()
True
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

from dealkit.errors import DealkitError

__all__ = ["resource_path", "data_dir", "notebook_dir"]


def resource_path(*parts: str) -> Path:
    """The file-system path of a file shipped in the ``dealkit`` package.

    Parameters
    ----------
    *parts
        Path components below the package folder, e.g. ``("data", "deal.yaml")``.

    Returns
    -------
    pathlib.Path
        ``importlib.resources.files("dealkit") / parts``: a real path for a wheel installed into
        ``site-packages``, an editable install and the checkout (dealkit is never run zipped: the
        notebooks and kernels need real files).

    Raises
    ------
    DealkitError
        The package is not on the file system (e.g. imported from a zip file).
    """
    resource = files("dealkit").joinpath(*parts)
    if not isinstance(resource, Path):
        raise DealkitError(f"dealkit: {'/'.join(parts)}: the package must be installed as files, "
                           f"not zipped (got {type(resource).__name__})")
    return resource


def data_dir() -> Path:
    """The folder of the embedded deal: ``DEALKIT_DATA`` if set, else the package's ``data/``."""
    override = os.environ.get("DEALKIT_DATA")
    return Path(override) if override else resource_path("data")


def notebook_dir() -> Path:
    """The report notebooks shipped with the package (``dealkit/notebooks/``)."""
    return resource_path("notebooks")
