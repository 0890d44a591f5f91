"""Safe output: check the target folder up front, write a temp file beside it, os.replace it in."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

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
    if path.exists() and not os.access(path, os.W_OK):
        raise ExportError(f"Cannot save “{path}”: the file is read-only", path)
    return path


def replace_atomically(path: Path, data: bytes) -> int:
    """Write `data` to a temp file in `path`'s folder and rename it over `path`.

    Same folder, so os.replace is a rename on one filesystem: readers see the old file or the new
    one, never half of either. The temp file is removed on any failure.
    """
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp makes the file 0600; give it the mode a normal save would (or the old file's).
        try:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode)
        except OSError:
            pass
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"Cannot save “{path}”: {exc.strerror or exc}", path) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(data)


def _umask() -> int:
    # os.umask can only be read by setting it, which races with other threads (exports run off the
    # GUI thread); Linux reports it in /proc instead. Elsewhere assume the common 022.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022
