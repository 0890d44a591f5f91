"""Whole-or-nothing file writes: every file Briefing saves goes through atomic_write. Stdlib only.

Only regular files are ever written: an existing device, FIFO, socket or folder at the target is
refused (os.replace would swap a `/dev/null` for a regular file), and a symbolic link is followed
only to a regular file, which is then replaced in place so the link stays a link. Temp files are
named `.<target>.<pid>.<random>.part`, so a temp file left by a writer that was killed can be
recognised as ours and removed by a later write into the same folder.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A temp file of a writer whose process is gone is removed after this grace (another machine's
# writer on a shared folder has a pid we cannot check; a minute covers any single save)…
STALE_DEAD_WRITER_S = 60
# …and any temp file of ours after a day, whatever its pid says (pids are reused).
STALE_ANY_S = 24 * 3600
_PART = re.compile(r"^\..+\.(?P<pid>\d+)\.[a-z0-9_]{8}\.part$")


class UnsafeTargetError(OSError):
    """The target exists and is not a regular file (or a link to one); nothing was written."""

    def __init__(self, path: Path, what: str) -> None:
        super().__init__(errno.EINVAL, f"“{path}” is {what}; Briefing writes only regular files", str(path))
        self.path = path
        self.what = what

    def __str__(self) -> str:
        return str(self.strerror)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def writable_target(path: Path) -> Path:
    """The file a write to `path` replaces: `path` itself when it is missing or a regular file, the
    file a symbolic link points to when that is a regular file. Raises UnsafeTargetError otherwise."""
    path = Path(path)
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return path
    if stat.S_ISREG(st.st_mode):
        return path
    if not stat.S_ISLNK(st.st_mode):
        raise UnsafeTargetError(path, _kind(st.st_mode))
    try:
        target_mode = os.stat(path).st_mode  # follows the link (also /proc's magic links)
    except OSError:
        raise UnsafeTargetError(path, "a symbolic link to nothing that exists") from None
    if not stat.S_ISREG(target_mode):
        raise UnsafeTargetError(path, f"a symbolic link to {_kind(target_mode)}")
    real = Path(os.path.realpath(path))
    try:
        if not stat.S_ISREG(os.lstat(real).st_mode):
            raise UnsafeTargetError(path, "a symbolic link that does not resolve to a file")
    except FileNotFoundError:
        # /proc/<pid>/fd/N links to "pipe:[…]" or a deleted file: nothing we could replace in place.
        raise UnsafeTargetError(path, "a symbolic link that does not resolve to a file") from None
    return real


def output_path(raw: str | os.PathLike[str], default_name: str) -> Path:
    """Where a command's output goes. A path ending in "/" names a folder, created if missing, as the
    user asked for one; a path naming an existing folder is that folder too (as with `cp`). In both
    the file is `default_name` inside it. Any other path is the file itself."""
    path = Path(os.path.expanduser(os.fspath(raw)))
    if names_folder(raw):
        path.mkdir(parents=True, exist_ok=True)
        return path / default_name
    return path


def names_folder(raw: str | os.PathLike[str]) -> bool:
    """A path ending in "/" (as typed: Path() drops the slash) or naming an existing folder."""
    text = os.fspath(raw)
    return text.endswith((os.sep, "/")) or Path(os.path.expanduser(text)).is_dir()


def clean_stale_parts(folder: Path, now: float | None = None) -> list[Path]:
    """Remove temp files of ours in `folder` whose writer is gone (and older than a minute) or
    that are older than a day. Returns what was removed; errors are ignored (best effort)."""
    now = time.time() if now is None else now
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        m = _PART.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            age = now - st.st_mtime
            if age > STALE_ANY_S or (age > STALE_DEAD_WRITER_S and not _alive(int(m["pid"]))):
                os.unlink(entry.path)
                removed.append(Path(entry.path))
        except OSError:
            continue
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True


@contextmanager
def atomic_path(path: Path) -> Iterator[Path]:
    """A temp file beside the target for a writer that needs a path (SQLite's backup); renamed over
    the target when the block ends without error, removed otherwise."""
    target = writable_target(Path(path))
    clean_stale_parts(target.parent)
    fd, tmp_name = _mkstemp(target)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        _finish(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes, *, durable: bool = True) -> int:
    """Write `data` to a temp file in `path`'s folder, then rename it over `path`.

    Same folder, so os.replace is a rename on one filesystem: readers see the old file or the new
    one, never half of either, and a crash or an error leaves the old file as it was. The new file
    gets the mode a normal save would give it (or the old file's). `durable` fsyncs before the
    rename; the chart cache skips that, as a lost cache file is only redrawn. Returns the size.
    Raises OSError (UnsafeTargetError for a target that is not a regular file); the temp file is
    removed on any failure.
    """
    target = writable_target(Path(path))
    if durable:
        # The chart cache (not durable) writes often into its own folder; user files are where a
        # killed writer's temp file would be seen.
        clean_stale_parts(target.parent)
    fd, tmp_name = _mkstemp(target)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        _finish(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(data)


def _mkstemp(target: Path) -> tuple[int, str]:
    # The name is clipped so that the temp file's name stays within the 255 bytes a folder allows.
    name = target.name.encode()[:180].decode(errors="ignore")
    return tempfile.mkstemp(prefix=f".{name}.{os.getpid()}.", suffix=".part", dir=target.parent)


def _finish(tmp: Path, target: Path) -> None:
    # mkstemp creates the file 0600; a saved document should be readable like any other.
    try:
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask()
        os.chmod(tmp, mode)
    except OSError:
        pass
    # Checked again just before the rename: a node made at the target meanwhile is not replaced.
    writable_target(target)
    os.replace(tmp, target)


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
