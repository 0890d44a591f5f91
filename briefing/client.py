"""The caller's side of the command-line server (briefing.server): every `briefing` command asks here first.

`delegate` hands the command to this installation's running server, if there is one, and returns its
exit status; None means run it in-process. This module is imported by every command before anything
else, so it uses only cheap standard-library modules (no typing at run time) and stays small.
The messages (`send_message`, `recv_message`) and the socket's place (`socket_path`) are shared with
the server.
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

PROTOCOL = 1
MAGIC = b"BRF1"
_LEN = struct.Struct("!I")
_MAX_MESSAGE = 4 << 20
DEFAULT_IDLE_MINUTES = 60.0
# Commands that must not be handed over: the server's own verbs (the caller manages the server).
_LOCAL_COMMANDS = frozenset({"server"})


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


def mode() -> str:
    """BRIEFING_SERVER: "off" (never hand over), "auto" (start a server when none runs) or "on"."""
    value = os.environ.get("BRIEFING_SERVER", "").strip().lower()
    if value in {"off", "0", "no", "false"}:
        return "off"
    return "auto" if value == "auto" else "on"


def spawn(idle_minutes: float = DEFAULT_IDLE_MINUTES):
    """Start a server in the background, detached from this terminal; its log goes to the cache folder."""
    import subprocess

    from briefing.paths import user_cache_dir

    log = user_cache_dir() / "server.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "briefing.server", f"{idle_minutes:g}"],
            stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True, close_fds=True,
        )
    return proc, log


# ---- Where the socket lives
class UnsafeFolder(Exception):
    """The socket folder exists but another user could reach it."""


def runtime_dir(create: bool) -> str | None:
    """The private folder for the socket, or None when it does not exist (and `create` is false).

    Raises UnsafeFolder when the folder is not a directory owned by this user with mode 0700.
    """
    base = os.environ.get("XDG_RUNTIME_DIR", "")
    # A Unix socket path holds at most 107 bytes: the socket name adds about 30 to the folder.
    if base and os.path.isdir(base) and len(base) < 70:
        folder = os.path.join(base, "briefing")
    else:
        folder = os.path.join("/tmp", f"briefing-{os.getuid()}")
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


def install_key() -> str:
    """Identifies this installation: the interpreter, the package location and the protocol."""
    import hashlib

    here = os.path.dirname(os.path.abspath(__file__))
    from briefing import __version__

    text = "\0".join((sys.executable, here, __version__, str(PROTOCOL)))
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:16]


def socket_path(create: bool = False) -> str | None:
    folder = runtime_dir(create)
    return None if folder is None else os.path.join(folder, f"cli-{install_key()}.sock")


# ---- Messages: 4-byte magic (carrying any file descriptors), then length-prefixed JSON
def send_message(sock: socket.socket, payload: dict[str, Any], fds: list[int] | None = None) -> None:
    body = json.dumps(payload).encode("ascii")
    if fds:
        socket.send_fds(sock, [MAGIC], fds)
    else:
        sock.sendall(MAGIC)
    sock.sendall(_LEN.pack(len(body)) + body)


def _recv_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < n:
        part = sock.recv(n - len(chunks))
        if not part:
            return None
        chunks += part
    return bytes(chunks)


def recv_message(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any], list[int]] | None:
    """One message, or None when the other side closed the connection first."""
    fds: list[int] = []
    if max_fds:
        head, fds, _flags, _addr = socket.recv_fds(sock, len(MAGIC), max_fds)
    else:
        head = sock.recv(len(MAGIC))
    if not head:
        return None
    if len(head) < len(MAGIC):
        rest = _recv_exact(sock, len(MAGIC) - len(head))
        head += rest or b""
    try:
        if head != MAGIC:
            raise ValueError("not a Briefing server message")
        size = _recv_exact(sock, _LEN.size)
        if size is None:
            return None
        (length,) = _LEN.unpack(size)
        if length > _MAX_MESSAGE:
            raise ValueError("message too large")
        body = _recv_exact(sock, length)
        if body is None:
            return None
        return json.loads(body.decode("ascii")), fds
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


# ---- The caller's side
def _connect(timeout: float) -> socket.socket | None:
    """A connection to this installation's server, or None when none is listening (or it is unsafe)."""
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
    if reply is None or "declined" in reply[0]:  # e.g. a server of code since changed, now stopping
        return None
    return reply[0]


def _stdio_fds() -> list[int] | None:
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            return None
    return [0, 1, 2]


def _stream_settings() -> list[list[str]]:
    out = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        out.append([getattr(stream, "encoding", None) or "utf-8", getattr(stream, "errors", None) or "strict"])
    return out


def delegate(argv: list[str]) -> int | None:
    """Run the command `argv` in this installation's server; its exit status, or None to run it here.

    None means nothing was run: no server, a server of other code, or this platform/environment
    opts out. Once the server has accepted the command, its status is final (never run twice).
    """
    if not argv or argv[0] in _LOCAL_COMMANDS or mode() == "off" or not supported():
        return None
    fds = _stdio_fds()
    if fds is None:
        return None
    sock = _connect(timeout=10.0)
    if sock is None:
        if mode() == "auto":  # BRIEFING_SERVER=auto: this command runs here, the next ones in the server
            try:
                runtime_dir(create=True)
                spawn()
            except (OSError, UnsafeFolder):
                pass
        return None
    with sock:
        try:
            cwd = os.getcwd()
        except OSError:  # the folder was deleted under the shell: let the in-process run say so
            return None
        umask = os.umask(0o022)
        os.umask(umask)
        job = {"op": "run", "protocol": PROTOCOL, "argv": list(argv), "cwd": cwd,
               "env": dict(os.environ), "umask": umask, "stdio": _stream_settings()}
        try:
            send_message(sock, job, fds)
            reply = recv_message(sock)
        except (OSError, ValueError):
            return None
        except KeyboardInterrupt:  # Ctrl+C in the few milliseconds before the command's pid is known
            print("briefing: interrupted", file=sys.stderr)
            return 130
        if reply is None or "pid" not in reply[0]:
            return None  # declined (stale code, other protocol): run here
        pid = int(reply[0]["pid"])
        sock.settimeout(None)
        return _wait_for_exit(sock, pid)


def _wait_for_exit(sock: socket.socket, pid: int) -> int:
    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    try:
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
