"""Whole-or-nothing file writes: every file Briefing saves goes through atomic_write. Stdlib only."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> int:
    """Write `data` to a temp file in `path`'s folder, then rename it over `path`.

    Same folder, so os.replace is a rename on one filesystem: readers see the old file or the new
    one, never half of either, and a crash or an error leaves the old file as it was. The new file
    gets the mode a normal save would give it (or the old file's). `durable` fsyncs before the
    rename; the chart cache skips that, as a lost cache file is only redrawn. Returns the size.
    Raises OSError; the temp file is removed on any failure.
    """
    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        # mkstemp creates the file 0600; a saved document should be readable like any other.
        try:
            mode = path.stat().st_mode & 0o777 if path.exists() else 0o666 & ~_umask()
            os.chmod(tmp, mode)
        except OSError:
            pass
        os.replace(tmp, path)
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
