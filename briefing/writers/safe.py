"""Safe output: check the target folder up front, write a temp file beside it, os.replace it in."""

from __future__ import annotations

import os
from pathlib import Path

from briefing.fileio import UnsafeTargetError, atomic_write, writable_target
from briefing.writers import ExportError


def check_target(path: Path) -> Path:
    """The absolute target, or an ExportError saying why it cannot be written (before any work)."""
    path = Path(os.path.expanduser(str(path)))
    if not path.name or str(path).endswith(os.sep):
        raise ExportError(f"“{path}” is a folder, not a file name; add a file name", path)
    path = path.absolute()
    folder = path.parent
    if not folder.exists():
        raise ExportError(f"Cannot save “{path}”: the folder “{folder}” does not exist", path)
    if not folder.is_dir():
        raise ExportError(f"Cannot save “{path}”: “{folder}” is not a folder", path)
    if path.is_dir():
        raise ExportError(f"Cannot save “{path}”: a folder of that name is in the way", path)
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ExportError(f"Cannot save “{path}”: the folder “{folder}” is not writable", path)
    try:
        writable_target(path)  # a device, FIFO, socket or a link to one is never replaced
    except UnsafeTargetError as exc:
        raise ExportError(f"Cannot save “{path}”: it is {exc.what}; Briefing writes only regular files",
                          path) from None
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"Cannot save “{path}”: the file is read-only", path)
    return path


def replace_atomically(path: Path, data: bytes) -> int:
    """briefing.fileio.atomic_write, with failures as an ExportError that names the file."""
    try:
        return atomic_write(path, data)
    except OSError as exc:
        raise ExportError(f"Cannot save “{path}”: {exc.strerror or exc}", path) from exc
