"""The command-line server: one warm process that forks a child for each `briefing` command.

A fresh `briefing export` spends about a second importing SQLAlchemy, reportlab and matplotlib and
parsing fonts before it does any work. The server pays that once: it imports everything, exports
every audience from its own seeded database in a private folder (deleted once warm) and waits on a
Unix socket. A command (briefing.cli.client) hands it argv, folder, environment, umask and its
stdin/stdout/stderr; a forked child runs `briefing.cli.main` with them, exactly as in-process.
One process per command: nothing leaks between commands, two can run at once, and the server itself
never opens a caller's database.

- The child leads its own process group. When the caller's connection closes before the child
  reports its exit (the caller was killed), the server kills that group: nothing of a command
  outlives its caller. The caller forwards SIGINT/SIGTERM/SIGHUP to the child.
- Connections are read only once readable, with a short deadline, so idle or half-sent ones never
  hold up another command; a caller that gave up before its "go" never has its command run.
- One server per installation: an `flock` held for life; a start that loses the race exits 0.
- Safety: the socket folder is 0700 and checked; the caller's uid is checked with SO_PEERCRED; the
  server declines and exits when its code or shipped files change (mtimes and sizes). Linux only.

`python -m briefing.cli.serve [IDLE_MINUTES]` runs it (what `briefing server start|run` start).
"""

from __future__ import annotations

import gc
import os
import select
import signal
import socket
import struct
import sys
import time
from typing import Any

from briefing.cli.client import (
    DEFAULT_IDLE_MINUTES,
    PROTOCOL,
    recv_message,
    send_message,
    socket_path,
    supported,
)

_HANGUP = select.POLLRDHUP | select.POLLHUP | select.POLLERR


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _snapshot(roots: list[str]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `roots` (bytecode aside), to notice code changing."""
    state: dict[str, tuple[int, int]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for name in files:
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                if not name.endswith((".pyc", ".pyo")):
                    state[path] = (st.st_mtime_ns, st.st_size)
    return state


def _warm_up(work: str) -> Any:
    """Imports, fonts and one export of every audience from a database seeded in `work`; the parser.

    What stays warm in this process and every child: SQLAlchemy's mappers, matplotlib's fonts, the
    writers' first-use set-up and layout memory. Charts go to a cache in `work`, never the user's.
    """
    import functools
    import threading
    from pathlib import Path

    from briefing.charts import ChartCache
    from briefing.cli import build_parser
    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.writers import WriteOptions, document_chart, write

    parser = build_parser()  # imports every command module
    # An injected renderer draws in this process: no worker pool is forked from the server.
    options = WriteOptions(render_chart=functools.partial(document_chart, cache=ChartCache(Path(work) / "charts")))
    service = open_service(os.path.join(work, "seed.sqlite3"))
    try:
        for audience in service.list_audiences():
            doc = compose(service, audience.key)
            for fmt in ("pdf", "docx", "md") if audience.key == "full" else ("pdf",):
                write(doc, fmt, options)
    finally:
        service.close()
    if threading.active_count() != 1:  # a fork with another thread alive could copy a held lock
        raise RuntimeError(f"{threading.active_count() - 1} thread(s) left running after the warm-up")
    return parser


class Server:
    def __init__(self, path: str, idle_seconds: float, lock_fd: int, parser: Any, roots: list[str]) -> None:
        self.path, self.idle_seconds, self.lock_fd, self.parser = path, idle_seconds, lock_fd, parser
        self.roots, self.code = roots, _snapshot(roots)
        self.started, self.served, self.stopping = time.time(), 0, False
        self.pending: dict[int, tuple[socket.socket, float]] = {}  # fd -> (connection, deadline for its request)
        self.children: dict[int, socket.socket | None] = {}  # pid -> its caller's connection, while watched
        self.poller = select.poll()

    def serve_forever(self) -> int:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            if os.path.exists(self.path):
                os.unlink(self.path)  # left by a server that was killed; we hold the lock
            listener.bind(self.path)
        finally:
            os.umask(old)
        listener.listen(64)
        self.listener, inode = listener, os.stat(self.path).st_ino
        self.poller.register(listener, select.POLLIN)
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGINT, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        _log(f"serving on {self.path} (pid {os.getpid()})")
        last = time.monotonic()
        while not self.stopping:
            self._reap()
            now = time.monotonic()
            if self.idle_seconds > 0 and not self.children and now - last > self.idle_seconds:
                _log("idle timeout")
                break
            for fd, (conn, deadline) in list(self.pending.items()):
                if now > deadline:  # connected, never asked: drop it
                    self._drop(fd)
            for fd, events in self.poller.poll(500):
                if fd == listener.fileno():
                    conn, _ = listener.accept()
                    self.pending[conn.fileno()] = (conn, now + 10.0)
                    self.poller.register(conn, select.POLLIN)
                elif fd in self.pending:
                    if self._handle(self.pending[fd][0]):
                        last = time.monotonic()
                    self._drop(fd)
                else:
                    self._caller_gone(fd)
        listener.close()
        try:
            if os.stat(self.path).st_ino == inode:  # never remove a newer server's socket
                os.unlink(self.path)
        except OSError:
            pass
        _log("stopped")
        return 0

    def _drop(self, fd: int) -> None:
        self.poller.unregister(fd)
        self.pending.pop(fd)[0].close()

    def _reap(self) -> None:
        while self.children:
            try:
                pid, _status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                pid = next(iter(self.children))
            if pid == 0:
                return
            self._unwatch(pid)
            self.children.pop(pid, None)

    def _unwatch(self, pid: int) -> None:
        conn = self.children.get(pid)
        if conn is not None:
            self.poller.unregister(conn)
            conn.close()
            self.children[pid] = None

    def _caller_gone(self, fd: int) -> None:
        """A running command's caller closed its end (it was killed): end the command's process group."""
        self._reap()  # a command that has ended is not killed
        for pid, conn in list(self.children.items()):
            if conn is not None and conn.fileno() == fd:
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                _log(f"command {pid}: its caller went away; killed")
                self._unwatch(pid)

    def _handle(self, conn: socket.socket) -> bool:
        """Answer one readable connection; True if it ran a command (pings do not keep the server up)."""
        fds: list[int] = []
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            if struct.unpack("3i", creds)[1] != os.getuid():
                return False
            conn.settimeout(0.5)  # the rest of a message follows its first bytes at once
            got = recv_message(conn, max_fds=3)
            if got is None:
                return False
            job, fds = got
            op = job.get("op")
            if job.get("protocol") != PROTOCOL:
                send_message(conn, {"declined": "protocol"})
            elif op in ("ping", "run") and _snapshot(self.roots) != self.code:
                _log("code changed on disk; declining and stopping")
                send_message(conn, {"declined": "stale"})
                self.stopping = True
            elif op == "ping":
                send_message(conn, {"pid": os.getpid(), "started": self.started, "served": self.served,
                                    "running": len(self.children), "path": self.path,
                                    "idle_seconds": self.idle_seconds})
            elif op == "stop":
                self.stopping = True
                send_message(conn, {"stopping": os.getpid()})
            elif op == "run" and len(fds) == 3:
                self._fork(conn, job, fds)
                return True
            else:
                send_message(conn, {"declined": "bad request"})
        except (OSError, ValueError) as exc:  # a caller that went away, or not one of ours
            _log(f"request failed: {type(exc).__name__}: {exc}")
        finally:
            for fd in fds:
                os.close(fd)
        return False

    def _fork(self, conn: socket.socket, job: dict[str, Any], fds: list[int]) -> None:
        pid = os.fork()
        if pid == 0:
            code = 1
            try:
                self.listener.close()
                os.close(self.lock_fd)  # a long command must not keep the lock once the server exits
                for other, _ in self.pending.values():
                    if other is not conn:
                        other.close()  # so that their callers see them close when the server does
                for other in self.children.values():
                    if other is not None:
                        other.close()
                code = _run_child(conn, job, fds, self.parser)
            finally:
                os._exit(code)
        try:
            os.setpgid(pid, pid)  # also done by the child: whichever runs first, a kill finds the group
        except OSError:
            pass
        watched = conn.dup()
        self.children[pid] = watched
        self.poller.register(watched, _HANGUP)
        self.served += 1


def _run_child(conn: socket.socket, job: dict[str, Any], fds: list[int], parser: Any) -> int:
    """In the forked child: become the caller's process, run the command, report its status."""
    import io

    os.setpgid(0, 0)
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    conn.settimeout(10.0)
    try:
        os.chdir(job["cwd"])
    except OSError:  # the folder went away: the caller runs it and says so
        send_message(conn, {"declined": "cwd"})
        return 0
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    fds.clear()
    os.umask(int(job["umask"]))
    os.environ.clear()
    os.environ.update(job["env"])
    enc = job.get("stdio") or [["utf-8", "strict"]] * 3
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)), encoding=enc[0][0],
                                 errors=enc[0][1])
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)), encoding=enc[1][0],
                                  errors=enc[1][1], line_buffering=os.isatty(1))
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)), encoding=enc[2][0],
                                  errors=enc[2][1], line_buffering=True)
    argv = [str(a) for a in job["argv"]]
    sys.argv = ["briefing", *argv]
    try:
        send_message(conn, {"pid": os.getpid()})
        go = recv_message(conn)
    except (OSError, ValueError):
        go = None
    if go is None or not go[0].get("go"):
        return 0  # the caller gave up (and may run it itself): never run a command twice
    conn.settimeout(None)
    from briefing.cli import main

    try:
        code = main(argv, parser=parser)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        code = 130
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass
    try:
        send_message(conn, {"exit": int(code)})
    except OSError:
        pass
    return int(code)


def serve(idle_minutes: float = DEFAULT_IDLE_MINUTES) -> int:
    """Warm up, then serve until stopped or idle. Exit status 0 also when another server holds the lock."""
    import fcntl
    import shutil

    from briefing import paths

    if not supported():
        _log("the command-line server needs Linux")
        return 2
    path = socket_path(create=True)
    assert path is not None
    # One server per installation: racing starts would otherwise bind in turn, leaving one unreachable.
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _log("another server of this installation is running or starting; not starting a second")
        return 0
    os.chdir("/")  # hold no folder busy; every command runs in its caller's folder
    started = time.perf_counter()
    work = path + ".work"  # private: the socket folder is 0700
    shutil.rmtree(work, ignore_errors=True)
    os.mkdir(work, 0o700)
    try:
        parser = _warm_up(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # Out of the collector's sight: a child would otherwise walk (and copy, page by page) this whole
    # heap on its first full collection; measured 100-150 ms per command.
    gc.collect()
    gc.freeze()
    extra = [p for p in os.environ.get("BRIEFING_SERVER_WATCH", "").split(os.pathsep) if p]
    shipped = [str(p) for p in (paths.ASSETS, paths.TEMPLATES, paths.SEED_DATA) if p.is_dir()]
    roots = [os.path.dirname(os.path.dirname(os.path.abspath(__file__))), *shipped, *extra]
    _log(f"warmed up in {time.perf_counter() - started:.2f} s")
    return Server(path, idle_minutes * 60.0, lock, parser, roots).serve_forever()


if __name__ == "__main__":
    sys.exit(serve(float(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_IDLE_MINUTES))
