"""The all-or-nothing writer of the export files: every file staged beside its target, then all
renamed; any failure leaves the output folder as it was (used by :func:`dealkit.export.bundle.export`)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from dealkit.core.files import current_umask
from dealkit.errors import ReportError

__all__ = ["ExportError", "write_files", "prepare_folder"]


class ExportError(ReportError):
    """An export that cannot be written (unknown format, unwritable or wrong target): one line
    naming the target or the format and the value."""


def prepare_folder(out: Path) -> None:
    """The output folder, created if missing; an :class:`ExportError` if it cannot be written."""
    if out.exists() and not out.is_dir():
        raise ExportError(f"--out: {out}: exists and is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise ExportError(f"--out: {out}: a part of the path is a file, not a folder") from None
    except OSError as exc:
        raise ExportError(f"--out: {out}: cannot create the folder ({exc.strerror or exc})") from None
    if not os.access(out, os.W_OK | os.X_OK):
        raise ExportError(f"--out: {out}: the folder is not writable")


def write_files(out_dir: str | os.PathLike[str], files: Mapping[str, bytes]) -> list[Path]:
    """Write ``files`` into ``out_dir``: every file first to a temporary name beside its target,
    then all renamed (``os.replace``, atomic per file). An existing file is replaced only by a
    whole new one; if any temporary file cannot be written, none is renamed and every temporary
    file is removed: the folder is left as it was."""
    out = Path(out_dir)
    prepare_folder(out)
    staged: list[tuple[str, Path]] = []
    try:
        for rel, data in files.items():
            staged.append((rel, _stage(out, rel, data)))
        written = []
        for rel, temporary in staged:
            os.replace(temporary, out / rel)
            written.append(out / rel)
        return written
    except BaseException:
        for _, temporary in staged:
            temporary.unlink(missing_ok=True)
        raise


def _stage(out: Path, rel: str, data: bytes) -> Path:
    """``data`` written to a temporary file beside ``out / rel`` (the umask's permissions)."""
    target = out / rel
    if target.exists() and target.is_dir():
        raise ExportError(f"--out: {target}: a folder is in the way of the file {rel}")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"--out: {target.parent}: cannot write ({exc.strerror or exc})") from None
    temporary = Path(name)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.chmod(temporary, 0o666 & ~current_umask())
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return temporary
