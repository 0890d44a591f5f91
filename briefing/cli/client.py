"""The caller's side of the command-line server (briefing.cli.serve): every `briefing` command asks here first.

`delegate` hands the command to this installation's running server and returns its exit status; None
means run it in-process. Every command imports this before anything else, so it loads only cheap
standard-library modules (no `typing` at run time). The socket's place and the messages are shared
with the server.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys

TYPE_CHECKING = False  # typing costs a few milliseconds on every command; annotations are strings
if TYPE_CHECKING:
    from typing import Any

PROTOCOL = 2
MAGIC = b"BRF2"
_LEN = struct.Struct("!I")
_MAX_MESSAGE = 4 << 20
DEFAULT_IDLE_MINUTES = 60.0


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


def mode() -> str:
    """BRIEFING_SERVER: "off" (never hand over), "auto" (start a server when none runs) or "on"."""
    value = os.environ.get("BRIEFING_SERVER", "").strip().lower()
    if value in {"off", "0", "no", "false"}:
        return "off"
    return "auto" if value == "auto" else "on"


def spawn(idle_minutes: float = DEFAULT_IDLE_MINUTES):  # type: ignore[no-untyped-def]  # -> (Popen, Path)
    """Start a server in the background, detached from this terminal; its log goes to the cache folder."""
    import subprocess

    from briefing.paths import user_cache_dir

    log = user_cache_dir() / "server.log"
    with open(log, "ab") as out:  # appended: starts that race share the file
        proc = subprocess.Popen([sys.executable, "-m", "briefing.cli.serve", f"{idle_minutes:g}"],
                                stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
    return proc, log


class UnsafeFolder(Exception):
    """The socket folder exists but another user could reach it."""


def runtime_dir(create: bool) -> str | None:
    """The private folder for the socket; None when it does not exist (and `create` is false).

    Raises UnsafeFolder unless it is a directory owned by this user with mode 0700.
    """
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    # A Unix socket path holds at most 107 bytes: the socket name adds about 30 to the folder.
    ok = base and os.path.isdir(base) and len(base) < 70
    folder = os.path.join(base, "briefing") if ok else os.path.join("/tmp", f"briefing-{os.getuid()}")
    if create:
        try:
            os.mkdir(folder, 0o700)
        except FileExistsError:
            pass
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return None
    import stat

    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        raise UnsafeFolder(f"{folder} must be a folder owned by you with mode 0700")
    return folder


def socket_path(create: bool = False) -> str | None:
    """The socket of this installation (interpreter, package folder, protocol): never another venv's."""
    import hashlib

    folder = runtime_dir(create)
    key = "\0".join((sys.executable, os.path.dirname(os.path.abspath(__file__)), str(PROTOCOL)))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return None if folder is None else os.path.join(folder, f"cli-{digest}.sock")


# ---- Messages: a magic (which carries any file descriptors), then length-prefixed JSON
def send_message(sock: socket.socket, payload: dict[str, Any], fds: list[int] | None = None) -> None:
    body = json.dumps(payload).encode("ascii")
    if fds:
        socket.send_fds(sock, [MAGIC], fds)
    else:
        sock.sendall(MAGIC)
    sock.sendall(_LEN.pack(len(body)) + body)


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        part = sock.recv(n - len(chunks))
        if not part:
            raise EOFError
        chunks += part
    return bytes(chunks)


def recv_message(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any], list[int]] | None:
    """One message and its descriptors, or None when the other side closed the connection first."""
    if max_fds:
        head, fds, _flags, _addr = socket.recv_fds(sock, len(MAGIC), max_fds)
    else:
        head, fds = sock.recv(len(MAGIC)), []
    try:
        if not head:
            raise EOFError
        head += _recv_exact(sock, len(MAGIC) - len(head))
        if head != MAGIC:
            raise ValueError("not a Briefing server message")
        (length,) = _LEN.unpack(_recv_exact(sock, _LEN.size))
        if length > _MAX_MESSAGE:
            raise ValueError("message too large")
        return json.loads(_recv_exact(sock, length).decode("ascii")), fds
    except BaseException as exc:
        for fd in fds:
            os.close(fd)
        if isinstance(exc, EOFError):
            return None
        raise


# ---- The caller's side
def _connect(timeout: float) -> socket.socket | None:
    try:
        path = socket_path()
    except UnsafeFolder:
        return None
    if path is None:
        return None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.settimeout(timeout)
    try:
        sock.connect(path)
    except OSError:
        sock.close()
        return None
    return sock


def request(op: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """Send a control request (`ping`, `stop`) to this installation's server; None if none answers."""
    sock = _connect(timeout)
    if sock is None:
        return None
    with sock:
        try:
            send_message(sock, {"op": op, "protocol": PROTOCOL})
            reply = recv_message(sock)
        except (OSError, ValueError):
            return None
    return None if reply is None or "declined" in reply[0] else reply[0]


def delegate(argv: list[str]) -> int | None:
    """Run `argv` in this installation's server: its exit status, or None to run it here.

    None means the command did not run there (no server, a server of other code, a declined
    request). The server's child waits for our "go" after telling its pid, so a command we give up
    on before that never runs twice.
    """
    if not argv or argv[0] == "server" or mode() == "off" or not supported():
        return None
    sock = _connect(timeout=10.0)
    if sock is None:
        if mode() == "auto":  # this command runs here, the next ones in the server
            try:
                runtime_dir(create=True)
                spawn()
            except (OSError, UnsafeFolder):
                pass
        return None
    with sock:
        try:
            umask = os.umask(0o022)
            os.umask(umask)
            streams = [[getattr(s, "encoding", None) or "utf-8", getattr(s, "errors", None) or "strict"]
                       for s in (sys.stdin, sys.stdout, sys.stderr)]
            job = {"op": "run", "protocol": PROTOCOL, "argv": list(argv), "cwd": os.getcwd(),
                   "env": dict(os.environ), "umask": umask, "stdio": streams}
            send_message(sock, job, [0, 1, 2])
            reply = recv_message(sock)
            if reply is None or "pid" not in reply[0]:
                return None  # declined (code changed, the folder is gone): run here
            send_message(sock, {"go": True})
        except (OSError, ValueError):  # no stdio, a deleted folder, a server that went away
            return None
        except KeyboardInterrupt:
            print("briefing: interrupted", file=sys.stderr)
            return 130
        pid = int(reply[0]["pid"])
        sock.settimeout(None)

        def forward(signum: int, _frame: object) -> None:
            try:
                os.kill(pid, signum)
            except ProcessLookupError:
                pass

        previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
        try:
            done = recv_message(sock)
        except (OSError, ValueError):
            done = None
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    if done is None or "exit" not in done[0]:
        print("briefing: the command's process ended without an exit status "
              "(it was killed, or the Briefing server stopped)", file=sys.stderr)
        return 1
    return int(done[0]["exit"])
