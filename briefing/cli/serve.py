"""The command-line server: one warm process that forks a child for each `briefing` command.

It pays once for what every fresh command pays (about a second of imports and fonts) by exporting
every audience from a database of its own, in a private folder deleted once warm. A command
(briefing.cli.client) hands it argv, folder, environment, umask and stdio; a forked child leading its
own process group runs `briefing.cli.main` with them as in-process. The server never opens a
caller's database, and kills a command's group when its caller hangs up (if it was killed).
"""

from __future__ import annotations

import contextlib
import gc
import os
import select
import signal
import socket
import struct
import sys
import time
from typing import Any

from briefing.cli.client import DEFAULT_IDLE_MINUTES, PROTOCOL, recv_message, send_message, socket_path


def _log(message: str) -> None:
    print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", file=sys.stderr, flush=True)


def _snapshot(roots: list[str]) -> dict[str, tuple[int, int]]:
    """Modification time and size of every file under `roots` (bytecode aside), to notice code changing."""
    state: dict[str, tuple[int, int]] = {}
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
            for path in (os.path.join(folder, name) for name in files if not name.endswith(".pyc")):
                with contextlib.suppress(OSError):
                    st = os.stat(path)
                    state[path] = (st.st_mtime_ns, st.st_size)
    return state


def _warm_up(work: str) -> Any:
    """Imports, fonts, mappers, layout memory: every audience exported from a database seeded in `work`."""
    import functools
    import threading
    from pathlib import Path

    from briefing.charts import ChartCache
    from briefing.cli import build_parser
    from briefing.cli.export import audience_problems
    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.writers import WriteOptions, document_chart, write

    parser = build_parser()  # imports every command module
    # An injected renderer draws in this process: no worker pool is forked from the server.
    options = WriteOptions(render_chart=functools.partial(document_chart, cache=ChartCache(Path(work) / "charts")))
    service = open_service(os.path.join(work, "seed.sqlite3"))
    for i, audience in enumerate(service.list_audiences()):  # the first (fullest) in every format
        for fmt in ("pdf", "docx", "md") if i == 0 else ("pdf",):
            write(compose(service, audience.key), fmt, options)
    audience_problems(service, [a.key for a in service.list_audiences()])  # the checks every export runs
    service.close()
    if threading.active_count() != 1:  # a fork with another thread alive could copy a held lock
        raise RuntimeError(f"{threading.active_count() - 1} thread(s) left running after the warm-up")
    return parser


class Server:
    def __init__(self, path: str, idle_seconds: float, lock_fd: int, parser: Any, roots: list[str]) -> None:
        self.path, self.idle_seconds, self.lock_fd, self.parser = path, idle_seconds, lock_fd, parser
        self.roots, self.code = roots, _snapshot(roots)
        self.started, self.served, self.stopping = time.time(), 0, False
        self.pending: dict[int, tuple[socket.socket, float]] = {}  # fd -> a connection, when to give up on it
        self.children: dict[int, socket.socket] = {}  # pid -> its caller's connection, watched for a hang-up
        self.poller = select.poll()

    def serve_forever(self) -> int:
        self.listener = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)  # left by a server that was killed; we hold the lock
        self.listener.bind(self.path)  # in a 0700 folder
        self.listener.listen(64)
        self.poller.register(self.listener, select.POLLIN)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: setattr(self, "stopping", True))
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        _log(f"serving on {self.path} (pid {os.getpid()})")
        inode, last = os.stat(self.path).st_ino, time.monotonic()
        while self.listener.fileno() >= 0 or self.children:
            self._reap()
            now = time.monotonic()
            if self.idle_seconds > 0 and not self.children and now - last > self.idle_seconds:
                _log("idle timeout")
                self.stopping = True
            if self.stopping and self.listener.fileno() >= 0:  # take no more; running commands finish
                self.poller.unregister(self.listener)
                self.listener.close()
                with contextlib.suppress(OSError):
                    if os.stat(self.path).st_ino == inode:  # never remove a newer server's socket
                        os.unlink(self.path)
                os.close(self.lock_fd)  # a new server may start meanwhile
            for fd in [fd for fd, (_, deadline) in self.pending.items() if now > deadline or self.stopping]:
                self._forget(fd)  # connected, never asked
            for fd, _events in self.poller.poll(500):
                if fd == self.listener.fileno():
                    conn, _ = self.listener.accept()
                    self.pending[conn.fileno()] = (conn, now + 10.0)
                    self.poller.register(conn, select.POLLIN)
                elif fd in self.pending:
                    if self._handle(self.pending[fd][0]):
                        last = time.monotonic()
                    self._forget(fd)
                else:
                    self._caller_gone(fd)
        _log("stopped")
        return 0

    def _forget(self, fd: int) -> None:
        self.poller.unregister(fd)
        self.pending.pop(fd)[0].close()

    def _reap(self) -> None:
        with contextlib.suppress(ChildProcessError):
            while self.children and (pid := os.waitpid(-1, os.WNOHANG)[0]) > 0:
                conn = self.children.pop(pid)
                with contextlib.suppress(KeyError):  # _caller_gone may have stopped watching it
                    self.poller.unregister(conn)
                conn.close()

    def _caller_gone(self, fd: int) -> None:
        """A caller hung up: it has its command's exit status, or it was killed. End the command's group."""
        self._reap()  # an ended command's pid may be reused once reaped: only unreaped ones are killed
        for pid, conn in self.children.items():
            if conn.fileno() == fd:
                self.poller.unregister(fd)  # closed once reaped
                with contextlib.suppress(ProcessLookupError):  # a command that reported its exit is ending anyway
                    os.killpg(pid, signal.SIGKILL)

    def _handle(self, conn: socket.socket) -> bool:
        """Answer one readable connection; True if it ran a command (pings do not keep the server up)."""
        fds: list[int] = []
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            conn.settimeout(0.5)  # readable: a whole message is there
            got = recv_message(conn, max_fds=3) if struct.unpack("3i", creds)[1] == os.getuid() else None
            if got is None:  # closed unasked, or another user's
                return False
            job, fds = got
            op = job.get("op") if job.get("protocol") == PROTOCOL else "protocol"
            if op in ("ping", "run") and _snapshot(self.roots) != self.code:
                _log("code changed on disk; declining and stopping")
                op, self.stopping = "stale", True
            if op == "run" and len(fds) == 3:
                self._fork(conn, job, fds)
                return True
            self.stopping = self.stopping or op == "stop"
            send_message(conn, {"pid": os.getpid(), "started": self.started, "served": self.served,
                                "running": len(self.children), "path": self.path, "idle_seconds": self.idle_seconds}
                         if op == "ping" else {"stopping": os.getpid()} if op == "stop" else {"declined": op})
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
                # Other callers' connections: theirs must close when the server's and their child's do.
                for other in [c for c, _ in self.pending.values()] + list(self.children.values()):
                    if other is not conn:
                        other.close()
                code = _run_child(conn, job, fds, self.parser)
            finally:
                os._exit(code)
        with contextlib.suppress(OSError):
            os.setpgid(pid, pid)  # also done by the child: whichever runs first, a kill finds the group
        self.children[pid] = conn.dup()
        self.poller.register(self.children[pid], select.POLLRDHUP)  # and POLLHUP, POLLERR: always
        self.served += 1


def _run_child(conn: socket.socket, job: dict[str, Any], fds: list[int], parser: Any) -> int:
    """In the forked child: become the caller's process, run the command, report its status."""
    import io

    os.setpgid(0, 0)
    # The caller relays Ctrl+C once it has our pid, which may be before it says "go": note one until then.
    interrupted: list[int] = []
    for sig, handler in ((signal.SIGTERM, signal.SIG_DFL), (signal.SIGHUP, signal.SIG_DFL),
                         (signal.SIGINT, lambda signum, _frame: interrupted.append(signum))):
        signal.signal(sig, handler)
    conn.settimeout(10.0)
    try:
        os.chdir(job["cwd"])
    except OSError:  # the folder went away: the caller runs it and says so
        send_message(conn, {"declined": "cwd"})
        return 0
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.umask(int(job["umask"]))
    os.environ.clear()
    os.environ.update(job["env"])
    enc = job.get("stdio") or [["utf-8", "strict"]] * 3
    for n, name in enumerate(("stdin", "stdout", "stderr")):  # the caller's encodings, on the caller's files
        raw = io.FileIO(n, "w" if n else "r", closefd=False)
        setattr(sys, name, io.TextIOWrapper(io.BufferedWriter(raw) if n else io.BufferedReader(raw), encoding=enc[n][0],
                                            errors=enc[n][1], line_buffering=n == 2 or os.isatty(n)))
    argv = [str(a) for a in job["argv"]]
    sys.argv = ["briefing", *argv]
    try:
        send_message(conn, {"pid": os.getpid()})
        if not (recv_message(conn) or ({},))[0].get("go"):
            return 0  # the caller gave up (and may run it itself): never run a command twice
    except (OSError, ValueError):
        return 0
    conn.settimeout(None)
    from briefing.cli import main

    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)  # raises at once for a Ctrl+C noted above
        if interrupted:
            raise KeyboardInterrupt
        code = main(argv, parser=parser)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if isinstance(exc.code, str):
            print(exc.code, file=sys.stderr)
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        code = 130
    # The command is over: a late Ctrl+C must not stop its status from coming back. signal() first runs a
    # handler pending from a Ctrl+C that has just landed, so it is retried until it has taken effect.
    while signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        with contextlib.suppress(KeyboardInterrupt):
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    for stream in (sys.stdout, sys.stderr):  # all output out before the status
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    with contextlib.suppress(OSError):  # not from the server once this process has gone: that is 50-130 ms later
        send_message(conn, {"exit": int(code)})
    return int(code)


def serve(idle_minutes: float = DEFAULT_IDLE_MINUTES) -> int:
    """Warm up, then serve until stopped or idle. Exit status 0 also when another server holds the lock."""
    import fcntl
    import shutil
    from pathlib import Path

    from briefing import paths

    path = str(socket_path(create=True))
    # One server per installation: racing starts would otherwise bind in turn, leaving one unreachable.
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        _log("another server of this installation is running or starting; not starting a second")
        return 0
    os.chdir("/")  # hold no folder busy; every command runs in its caller's folder
    started, work = time.perf_counter(), path + ".work"  # private: the socket folder is 0700
    shutil.rmtree(work, ignore_errors=True)  # left by a server killed while warming up
    os.mkdir(work, 0o700)
    parser = _warm_up(work)  # if it fails, the next start clears the folder
    shutil.rmtree(work)
    # Out of the collector's sight: a child would otherwise walk (and copy, page by page) this whole
    # heap on its first full collection; measured 100-150 ms per command.
    gc.collect()
    gc.freeze()
    extra = filter(None, os.environ.get("BRIEFING_SERVER_WATCH", "").split(os.pathsep))  # for tests
    roots = [str(p) for p in (Path(__file__).parent.parent, paths.ASSETS, paths.TEMPLATES, paths.SEED_DATA, *extra)]
    _log(f"warmed up in {time.perf_counter() - started:.2f} s")
    return Server(path, idle_minutes * 60.0, lock, parser, roots).serve_forever()


if __name__ == "__main__":
    sys.exit(serve(float(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_IDLE_MINUTES))
