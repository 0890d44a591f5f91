"""The command-line server: one warm process that `briefing …` commands fork from.

A fresh `briefing export` spends most of its time before it does any work: importing SQLAlchemy,
reportlab and matplotlib and parsing the bundled TrueType fonts (about 1 s on a 2-core machine; see
docs/performance.md). `briefing server start` pays that once. It starts a background process that
imports everything, registers the fonts and then waits on a Unix socket. Each later `briefing`
command (in a fresh process, from a shell or a script) hands the server its arguments, working
folder, environment, umask and its own stdin/stdout/stderr (passed as file descriptors). A child
of the server runs exactly the command-line code an in-process run would, writing straight to
the caller's terminal or pipes. The caller waits for the exit status and forwards Ctrl+C and
SIGTERM to the child, so a cancelled export cleans up as it would in-process.

The child is usually a spare, forked before the command arrived: it has rehearsed an export (the
caller's last one again, into a throwaway file, else the server's own seeded report), so its memory
pages are already its own copies and the caller waits for neither a fork nor copy-on-write faults. The server keeps two, so that two
commands in a row both find one; spares still rehearsing are stopped while a command runs, so they
never compete with it for a core. When no spare is ready (more commands in a row than that), the
command goes to the spare rehearsing longest, which cuts its rehearsal short at the next point an
export can be cancelled; with no spare at all, the server forks for the command.

Why fork per command rather than run jobs in the server: nothing a command does (open databases,
caches, changed environment, a crash) can leak into the next one, and two commands can run at once.

Safety:
- Linux only (fork after these imports is safe there; macOS is not).
- The socket lives in a folder only this user can enter ($XDG_RUNTIME_DIR/briefing, else
  /tmp/briefing-UID, mode 0700, checked before use); the server also checks the caller's uid with
  SO_PEERCRED.
- The socket name is derived from the Python executable and the package location, so a server
  started from another install or venv is never used.
- Before each command the server compares the mtimes and sizes of its code and shipped resources
  (briefing/, assets/, templates/, data/, and any folders in BRIEFING_SERVER_WATCH) with what it
  loaded. If anything changed it declines, the caller runs the command in-process, and the server
  exits.
- `BRIEFING_SERVER=off` makes every command run in-process; `BRIEFING_SERVER=auto` starts the
  server in the background when a command finds none (that command runs in-process).

The caller's side (`delegate`, and the messages both sides speak) is briefing.client, which every
command imports first; this module is only loaded by the server.
"""

from __future__ import annotations

import os
import signal
import socket
import struct
import sys
import time
from dataclasses import dataclass
from typing import Any

from briefing.client import (
    DEFAULT_IDLE_MINUTES,
    PROTOCOL,
    recv_message,
    send_message,
    socket_path,
    supported,
)

_PARSER: Any = None  # the command-line parser, built once by preload() in the server


# ---- The server's side
class CodeSnapshot:
    """Modification times and sizes of every file under some folders, to notice code changing."""

    def __init__(self, roots: list[str]) -> None:
        self.roots = roots
        self.state = self._scan()

    def _scan(self) -> dict[str, tuple[int, int]]:
        state: dict[str, tuple[int, int]] = {}
        for root in self.roots:
            for folder, dirs, files in os.walk(root):
                dirs[:] = [d for d in dirs if d != "__pycache__" and not d.startswith(".")]
                for name in files:
                    if name.endswith((".pyc", ".pyo")):
                        continue
                    path = os.path.join(folder, name)
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    state[path] = (st.st_mtime_ns, st.st_size)
        return state

    def changed(self) -> bool:
        return self._scan() != self.state


def watched_roots() -> list[str]:
    from briefing import paths

    package = os.path.dirname(os.path.abspath(__file__))
    extra = [p for p in os.environ.get("BRIEFING_SERVER_WATCH", "").split(os.pathsep) if p]
    shipped = [str(p) for p in (paths.ASSETS, paths.TEMPLATES, paths.SEED_DATA) if p.is_dir()]
    return [package, *shipped, *extra]


def preload(work: str) -> None:
    """Do the once-per-process work every command would otherwise repeat: imports and fonts.

    Nothing that depends on the caller's environment (database, cache folder) is touched here; the
    warm-up works in `work`, the server's private folder.
    """
    global _PARSER
    from briefing.cli import build_parser

    _PARSER = build_parser()  # imports every command module; reused by every forked command
    import sqlalchemy.dialects.sqlite.pysqlite  # noqa: F401  (loaded on the first engine otherwise)

    import briefing.compose  # noqa: F401
    import briefing.services  # noqa: F401
    import briefing.store.engine  # noqa: F401
    from briefing.theme import default_theme
    from briefing.writers import get_writer
    from briefing.writers.fonts import register_fonts

    for fmt in ("pdf", "docx", "md"):
        get_writer(fmt)
    register_fonts(default_theme())
    import briefing.charts.render  # noqa: F401  (matplotlib, the chart kinds and styles)

    _warm_up(work)


def _rehearsal_paths(work: str) -> tuple[str, str]:
    """The server's own seeded database and chart cache (BRIEFING_CACHE)."""
    return os.path.join(work, "seed.sqlite3"), os.path.join(work, "cache")


REHEARSE_UP_TO = 2.0  # seconds: a command that took longer is not rehearsed on the caller's data


@dataclass(frozen=True)
class Rehearsal:
    """What a spare does before it waits: one `briefing` command line, in an environment and folder.

    `env` None: the server's own seeded database and chart cache (the warm-up's). Otherwise the
    caller's environment and folder, with the output going to a throwaway file in the server's folder.
    """

    argv: tuple[str, ...]
    env: dict[str, str] | None = None
    cwd: str | None = None


def plan_rehearsal(work: str, job: dict[str, Any] | None = None, seconds: float = 0.0) -> Rehearsal:
    """The command just run again, when it was one export (one audience, one format) that took at
    most REHEARSE_UP_TO: the next command is most often that export again, after an edit, so the
    spare lays out the same paragraphs on the same data and reads the same cached charts. It writes
    only to `work`; it does what the caller's own command just did to the caller's database (open
    it, read it) and nothing more. Anything else: the full PDF of the server's own seeded database."""
    out = os.path.join(work, "rehearsal.out")
    args = None
    if job is not None and seconds <= REHEARSE_UP_TO:
        import contextlib
        import io

        from briefing.cli import _hoist_db, build_parser

        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                args = (_PARSER or build_parser()).parse_args(_hoist_db([str(a) for a in job.get("argv") or []]))
        except SystemExit:  # not a valid command line; it has already said so to its caller
            args = None
    if (args is not None and args.command == "export" and "," not in args.audience and args.audience != "all"
            and "," not in args.fmt):
        argv = [*(("--db", args.db) if args.db else ()), *(("--report", args.report) if args.report else ()),
                "export", "--audience", args.audience, "--format", args.fmt, "--output", out, "--quiet",
                *(("--author", args.author) if args.author else ())]
        return Rehearsal(tuple(argv), {str(k): str(v) for k, v in (job.get("env") or {}).items()}, str(job["cwd"]))
    db, _cache = _rehearsal_paths(work)
    return Rehearsal(("--db", db, "export", "--audience", _first_audience(db), "--format", "pdf", "--output", out,
                      "--quiet"))


_FIRST_AUDIENCE: dict[str, str] = {}  # database -> its report's first audience (the fullest briefing)


def _first_audience(db: str) -> str:
    """The seeded report's first audience: audiences are data, so the server asks rather than names one."""
    if db not in _FIRST_AUDIENCE:
        from briefing.services import open_service

        service = open_service(db)
        try:
            _FIRST_AUDIENCE[db] = service.list_audiences()[0].key
        finally:
            service.close()
    return _FIRST_AUDIENCE[db]


def _warm_up(work: str) -> None:
    """One whole export, so that first-use costs are paid here once, not in every command.

    A database seeded from data/ (a file in `work`, kept for the spares' rehearsals), its full
    briefing written as PDF, Word and Markdown bytes and every other audience's as PDF, its charts
    drawn into a cache in `work`. What stays warm in this process (and in every command forked from
    it): SQLAlchemy's configured mappers, matplotlib's loaded fonts and our text-measure caches,
    reportlab's and python-docx's first-use set-up.
    """
    import functools
    import threading
    from pathlib import Path

    from briefing.charts import ChartCache
    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.writers import WriteOptions, document_chart, write

    db, cache = _rehearsal_paths(work)
    # Charts drawn here, one by one, into a cache of the server's own: the user's stays as it is, and
    # no worker process is forked from the server (an injected renderer skips the pool).
    options = WriteOptions(render_chart=functools.partial(document_chart, cache=ChartCache(Path(cache) / "charts")))
    service = open_service(db)
    try:
        for i, audience in enumerate(service.list_audiences()):  # each audience's wording lays out anew
            doc = compose(service, audience.key)
            for fmt in ("pdf", "docx", "md") if i == 0 else ("pdf",):
                write(doc, fmt, options)
            _FIRST_AUDIENCE.setdefault(db, audience.key)
    finally:
        service.close()
    if threading.active_count() != 1:  # forking with another thread alive could copy a held lock
        raise RuntimeError(f"{threading.active_count() - 1} thread(s) left running after the warm-up")


def _rehearse(work: str, plan: Rehearsal, wanted: Any = None) -> None:  # wanted: () -> bool
    """In a spare: run the planned command once (see plan_rehearsal), its output thrown away.

    It writes, once, to the memory pages the next command will write to. A forked process shares
    the server's pages until it writes to one; Python writes to every object it touches (reference
    counts), so a command's first export takes about 8,000 page copies (measured: 50-80 ms of a
    0.2-0.3 s export). Paid here, while the spare waits, they are not on the caller's time. And the
    writers' per-process layout memory then holds the paragraphs the next export will lay out.

    `wanted()` true means a command has come for this spare: the export stops at its next
    cancellation point (between two flowables), the way a cancelled export in the app stops.
    """
    import contextlib
    import io

    from briefing.cli import main

    # The spare's own environment and folder; the command it then runs replaces both.
    if plan.env is None:
        os.environ["BRIEFING_CACHE"] = _rehearsal_paths(work)[1]
    else:
        os.environ.clear()
        os.environ.update(plan.env)
    if plan.cwd is not None:
        os.chdir(plan.cwd)
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        code = main(list(plan.argv), parser=_PARSER, cancelled=wanted)
    if code != 0:
        raise RuntimeError(f"exit status {code}: {sink.getvalue().strip()[-300:]}")


SPARES = 2  # kept ready: a script's two back-to-back commands (an export, then the next) both find one


class _Spare:
    """A command process forked ahead of the next command, rehearsed, waiting on `channel`.

    It says b"R" on the channel once ready; the server then sends it the command (the caller's
    connection and stdio as file descriptors). No fork and no page copying is left on the
    caller's time. A spare still rehearsing is stopped (SIGSTOP) while any command runs, so that
    it never takes a core from one (on 2 cores, a warm full export right after another measured
    265-431 ms with the next spare rehearsing beside it, 263-292 ms with it stopped).
    """

    def __init__(self, pid: int, channel: socket.socket) -> None:
        self.pid = pid
        self.channel = channel
        self.ready = False
        self.paused = False

    def poll(self) -> bool:
        if not self.ready:
            try:
                self.ready = self.channel.recv(1, socket.MSG_DONTWAIT) == b"R"
            except OSError:  # BlockingIOError: still rehearsing
                pass
        return self.ready

    def pause(self, stop: bool) -> None:
        if stop == self.paused or (stop and self.poll()):  # a ready spare waits on its channel: no CPU
            return
        try:
            os.kill(self.pid, signal.SIGSTOP if stop else signal.SIGCONT)
        except ProcessLookupError:  # it died; the server reaps it
            return
        self.paused = stop


def _spare_main(channel: socket.socket, work: str, plan: Rehearsal) -> int:
    import gc
    import threading

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)  # the server stops a spare with SIGTERM

    def wanted() -> bool:  # a command (or the server's end of the channel closing) is waiting
        try:
            channel.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT)  # data, or b"" at the end
        except BlockingIOError:
            return False
        except OSError:
            pass
        return True

    try:
        _rehearse(work, plan, wanted)
    except Exception as exc:  # noqa: BLE001 - a failed rehearsal only costs the next command its head start
        if wanted():
            pass  # cut short for a command
        elif plan.env is None:
            Server._log(f"spare {os.getpid()}: the rehearsal failed ({type(exc).__name__}: {exc})")
        else:  # the caller's command may fail again (a file moved, a typo): the seeded one instead
            try:
                _rehearse(work, plan_rehearsal(work), wanted)
            except Exception as again:  # noqa: BLE001
                if not wanted():
                    Server._log(f"spare {os.getpid()}: the rehearsal failed ({type(again).__name__}: {again})")
    if threading.active_count() != 1:  # it must not run a command that forks with a thread alive
        Server._log(f"spare {os.getpid()}: a thread outlived the rehearsal; leaving")
        return 3
    if not wanted():
        gc.collect()
        gc.freeze()
        try:
            channel.sendall(b"R")
        except OSError:  # the server sent a command and closed its end meanwhile; or it has gone
            pass
    try:
        got = recv_message(channel, max_fds=4)
    except (OSError, ValueError):
        return 0
    if got is None:  # the server stopped
        return 0
    job, fds = got
    channel.close()
    if len(fds) != 4:
        for fd in fds:
            os.close(fd)
        return 1
    conn = socket.socket(fileno=fds[0])
    return _run_child(conn, job, fds[1:])


class Server:
    def __init__(self, path: str, idle_seconds: float, roots: list[str] | None = None,
                 lock_fd: int | None = None, work: str | None = None) -> None:
        self.path = path
        self.lock_fd = lock_fd  # held while serving; a forked command closes its copy
        self.work = work  # the warm-up's database and charts, for the spares' rehearsals; None: no spares
        self.idle_seconds = idle_seconds
        self.started = time.time()
        self.served = 0
        self.served_by_spare = 0
        self.children: set[int] = set()
        self.spares: list[_Spare] = []
        self.spare_failures = 0  # in a row; after three, commands are forked on demand only
        self.last_job: dict[str, Any] | None = None  # the latest command, for the next spares to rehearse
        self.last_seconds = 0.0  # and how long it ran (handed over to reaped)
        self.started_at: dict[int, float] = {}  # command pid -> when it was handed over
        self.stopping = False
        self.snapshot = CodeSnapshot(roots if roots is not None else watched_roots())
        self.listener: socket.socket | None = None

    def serve_forever(self) -> int:
        self.listener = self._bind()
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        last = time.monotonic()
        self._log(f"serving on {self.path} (pid {os.getpid()})")
        try:
            while not self.stopping:
                self._reap()
                if self.idle_seconds > 0 and not self.children and time.monotonic() - last > self.idle_seconds:
                    self._log("idle timeout")
                    break
                # Here, between connections: a spare forked while a caller's connection or stdio is
                # open would hold them, and the caller would wait for its pipes to close forever.
                self._tend_spares()
                # While a command runs, look every 50 ms: its end lets the stopped spares go on.
                self.listener.settimeout(0.05 if self.children else 1.0)
                try:
                    conn, _ = self.listener.accept()
                except socket.timeout:
                    continue
                except InterruptedError:
                    continue
                with conn:
                    if self._handle(conn):
                        last = time.monotonic()
        finally:
            self._close()
        return 0

    def _bind(self) -> socket.socket:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old = os.umask(0o077)
        try:
            try:
                os.unlink(self.path)  # a socket left by a server that was killed
            except FileNotFoundError:
                pass
            listener.bind(self.path)
        finally:
            os.umask(old)
        listener.listen(16)
        listener.settimeout(1.0)
        self._inode = os.stat(self.path).st_ino
        return listener

    def _close(self) -> None:
        if self.listener is not None:
            self.listener.close()
        self._drop_spares()
        try:
            if os.stat(self.path).st_ino == self._inode:  # never remove a newer server's socket
                os.unlink(self.path)
        except OSError:
            pass
        if self.work is not None:
            import shutil

            shutil.rmtree(self.work, ignore_errors=True)
        self._log("stopped")

    def _stop(self, _signum: int, _frame: object) -> None:
        self.stopping = True

    def _reap(self) -> None:
        while self.children or self.spares:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                self.children.clear()
                return
            if pid == 0:
                return
            self.children.discard(pid)
            started = self.started_at.pop(pid, None)
            if started is not None:
                self.last_seconds = time.monotonic() - started
            for spare in [s for s in self.spares if s.pid == pid]:  # it died before it got a command
                spare.channel.close()
                self.spares.remove(spare)
                self.spare_failures += 1
                self._log(f"spare {pid} ended before a command (wait status {status})"
                          + ("; no more spares" if self.spare_failures >= 3 else ""))

    def _tend_spares(self) -> None:
        """Keep SPARES spares; stop the ones still rehearsing while a command runs, let them go on after."""
        running = bool(self.children)
        for spare in self.spares:
            spare.pause(running)
        # New ones only between commands: each rehearses the command just run, once it has ended.
        while (not running and len(self.spares) < SPARES and not self.stopping and self.work is not None
               and self.spare_failures < 3):
            self._start_spare()

    def _start_spare(self) -> None:
        assert self.work is not None
        plan = plan_rehearsal(self.work, self.last_job, self.last_seconds)
        parent_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        pid = os.fork()
        if pid:
            child_end.close()
            self.spares.append(_Spare(pid, parent_end))
            return
        code = 1
        try:
            parent_end.close()
            self._leave_server()
            code = _spare_main(child_end, self.work, plan)
        except BaseException:
            import traceback

            traceback.print_exc()
        finally:
            os._exit(code)

    def _drop_spares(self) -> None:
        spares, self.spares = self.spares, []
        for spare in spares:
            self._drop(spare)

    @staticmethod
    def _drop(spare: _Spare) -> None:
        spare.channel.close()
        try:
            os.kill(spare.pid, signal.SIGKILL)  # a spare holds nothing of anyone's; SIGKILL ends a stopped one too
            os.waitpid(spare.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass

    def _leave_server(self) -> None:
        """In a forked child: let go of what is the server's (its socket, its lock, its spare)."""
        if self.listener is not None:
            self.listener.close()
        if self.lock_fd is not None:  # a long command must not keep the lock once the server exits
            os.close(self.lock_fd)
        for spare in self.spares:  # so that a spare sees its channel close when the server goes
            spare.channel.close()

    @staticmethod
    def _log(message: str) -> None:
        print(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}", file=sys.stderr, flush=True)

    def _handle(self, conn: socket.socket) -> bool:
        """Answer one connection; True if it ran a command (pings and status do not keep it alive)."""
        conn.settimeout(10.0)
        try:
            creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
            _pid, uid, _gid = struct.unpack("3i", creds)
            if uid != os.getuid():
                return False
            got = recv_message(conn, max_fds=3)
        except (OSError, ValueError) as exc:
            self._log(f"bad request: {exc}")
            return False
        if got is None:
            return False
        job, fds = got
        try:
            if job.get("protocol") != PROTOCOL:
                send_message(conn, {"declined": "protocol"})
            elif job.get("op") in ("ping", "run") and self.snapshot.changed():
                self._log("code changed on disk; declining and stopping")
                send_message(conn, {"declined": "stale"})
                self.stopping = True
            elif job.get("op") == "ping":
                send_message(conn, {"pid": os.getpid(), "started": self.started, "served": self.served,
                                    "served_by_spare": self.served_by_spare, "path": self.path,
                                    "idle_seconds": self.idle_seconds, "running": len(self.children),
                                    "spares": [{"pid": s.pid, "ready": s.poll()} for s in self.spares]})
            elif job.get("op") == "stop":
                self.stopping = True
                send_message(conn, {"stopping": os.getpid()})
            elif job.get("op") == "run" and len(fds) == 3:
                self._run(conn, job, fds)
                return True
            else:
                send_message(conn, {"declined": "bad request"})
        except OSError as exc:
            self._log(f"request failed: {exc}")
        finally:
            for fd in fds:
                os.close(fd)
        return False

    def _run(self, conn: socket.socket, job: dict[str, Any], fds: list[int]) -> None:
        """Hand the command to a spare: a ready one, else the one rehearsing longest (it stops its
        rehearsal at the next point an export can be cancelled, within tens of milliseconds, with part
        of the warming done); with no spare, fork for it. The serving loop then tends the spares."""
        ready = [s for s in self.spares if s.poll()]
        for spare in ready or self.spares[:1]:
            self.spares.remove(spare)
            spare.pause(False)  # a stopped one goes on, to cut its rehearsal short and run this
            try:
                send_message(spare.channel, job, [conn.fileno(), *fds])
            except OSError as exc:
                self._log(f"spare {spare.pid} did not take the command ({exc})")
                self._drop(spare)
                break
            spare.channel.close()
            self._ran(spare.pid, job)
            self.served_by_spare += 1
            self.spare_failures = 0
            return
        self._fork(conn, job, fds)

    def _ran(self, pid: int, job: dict[str, Any]) -> None:
        self.children.add(pid)
        self.served += 1
        self.started_at[pid] = time.monotonic()
        self.last_job = job

    def _fork(self, conn: socket.socket, job: dict[str, Any], fds: list[int]) -> None:
        pid = os.fork()
        if pid:
            self._ran(pid, job)
            return
        code = 1
        try:
            self._leave_server()
            code = _run_child(conn, job, fds)
        finally:
            os._exit(code)


def _run_child(conn: socket.socket, job: dict[str, Any], fds: list[int]) -> int:
    """In the forked child: become the caller's process, run the command, report its status."""
    import io

    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    fds.clear()
    os.chdir(job["cwd"])
    os.umask(int(job["umask"]))
    os.environ.clear()
    os.environ.update(job["env"])
    settings = job.get("stdio") or [["utf-8", "strict"]] * 3
    sys.stdin = io.TextIOWrapper(io.BufferedReader(io.FileIO(0, "r", closefd=False)),
                                 encoding=settings[0][0], errors=settings[0][1])
    sys.stdout = io.TextIOWrapper(io.BufferedWriter(io.FileIO(1, "w", closefd=False)),
                                  encoding=settings[1][0], errors=settings[1][1], line_buffering=os.isatty(1))
    sys.stderr = io.TextIOWrapper(io.BufferedWriter(io.FileIO(2, "w", closefd=False)),
                                  encoding=settings[2][0], errors=settings[2][1], line_buffering=True)
    argv = [str(a) for a in job["argv"]]
    sys.argv = ["briefing", *argv]
    send_message(conn, {"pid": os.getpid()})
    code = 1
    try:
        from briefing.cli import main

        code = main(argv, parser=_PARSER)
    except SystemExit as exc:  # argparse: --help, --version, usage errors
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        print("briefing: interrupted", file=sys.stderr)
        code = 130
    except BaseException:
        import traceback

        traceback.print_exc()
        code = 1
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
    """Run the server in this process until stopped or idle (what `briefing server run` does)."""
    if not supported():
        print("briefing: the command-line server needs Linux", file=sys.stderr)
        return 2
    path = socket_path(create=True)
    assert path is not None
    import fcntl

    # One server per installation: two commands that both auto-start one, or two `server start`s
    # at once, would otherwise bind in turn and leave the first unreachable until it idles out.
    lock = os.open(path + ".lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        Server._log("another server of this installation is running; not starting a second")
        return 0
    os.chdir("/")  # hold no folder busy; every command runs in its caller's folder
    started = time.perf_counter()
    work = path + ".work"  # private (the socket folder is 0700); this server holds the lock for it
    import shutil

    shutil.rmtree(work, ignore_errors=True)  # left by a server that was killed
    os.mkdir(work, 0o700)
    try:
        preload(work)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    import gc

    # Out of the collector's sight: a forked command would otherwise walk (and copy, page by page)
    # this whole preloaded heap on its first full collection; measured 100-150 ms per command.
    gc.collect()
    gc.freeze()
    server = Server(path, idle_minutes * 60.0, lock_fd=lock, work=work)
    server._log(f"preloaded in {time.perf_counter() - started:.2f} s")
    return server.serve_forever()


if __name__ == "__main__":  # `python -m briefing.server [IDLE_MINUTES]`, what `briefing server start` runs
    from briefing.server import serve as _serve  # the package's module, not a second copy as __main__

    sys.exit(_serve(float(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_IDLE_MINUTES))
