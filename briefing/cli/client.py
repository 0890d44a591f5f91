"""The caller's side of the command-line server (briefing.cli.serve), which every command asks first.

Every command imports this before anything else: cheap standard-library modules only, no `typing`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import sys

TYPE_CHECKING = False  # typing costs a few milliseconds on every command; annotations are strings
if TYPE_CHECKING:
    from typing import Any

PROTOCOL = 2
DEFAULT_IDLE_MINUTES = 60.0


def supported() -> bool:
    return sys.platform.startswith("linux") and hasattr(socket, "send_fds")


class UnsafeFolder(OSError):
    """The socket folder exists but another user could reach it."""


def runtime_dir(create: bool) -> str | None:
    """The socket's folder (None if absent and not `create`d); UnsafeFolder unless ours with mode 0700."""
    import stat

    base = os.environ.get("XDG_RUNTIME_DIR", "")
    # A Unix socket path holds at most 107 bytes: the socket name adds about 30 to the folder.
    ok = base and os.path.isdir(base) and len(base) < 70
    folder = os.path.join(base, "briefing") if ok else os.path.join("/tmp", f"briefing-{os.getuid()}")
    if create and not os.path.lexists(folder):
        os.mkdir(folder, 0o700)
    try:
        st = os.lstat(folder)
    except FileNotFoundError:
        return None
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


# ---- Messages: one JSON datagram each (SOCK_SEQPACKET keeps them whole), file descriptors beside
def send_message(sock: socket.socket, payload: dict[str, Any], fds: list[int] | None = None) -> None:
    socket.send_fds(sock, [json.dumps(payload).encode("ascii")], fds or [])


def recv_message(sock: socket.socket, max_fds: int = 0) -> tuple[dict[str, Any], list[int]] | None:
    """One message and its descriptors, or None when the other side closed the connection first."""
    data, fds, flags, _addr = socket.recv_fds(sock, 1 << 18, max_fds)
    try:
        if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
            raise ValueError("message too large")
        return (json.loads(data.decode("ascii")), fds) if data else None
    except BaseException:
        for fd in fds:
            os.close(fd)
        raise


# ---- The caller's side
def _connect(timeout: float) -> socket.socket:
    """A connection to this installation's server; OSError if none listens or its folder is unsafe."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    sock.settimeout(timeout)
    try:
        sock.connect(socket_path() or "/nonexistent")
    except OSError:
        sock.close()
        raise
    return sock


def request(op: str, timeout: float = 5.0) -> dict[str, Any] | None:
    """Send a control request (`ping`, `stop`) to this installation's server; None if none answers."""
    try:
        with _connect(timeout) as sock:
            send_message(sock, {"op": op, "protocol": PROTOCOL})
            reply = recv_message(sock)
    except (OSError, ValueError):
        return None
    return None if reply is None or "declined" in reply[0] else reply[0]


def delegate(argv: list[str]) -> int | None:
    """Run `argv` in this installation's server: its exit status, or None to run it here.

    None: it did not run there (no server, BRIEFING_SERVER=off, code changed, a deleted folder).
    The server's child runs the command only after our "go", so one we give up on never runs twice.
    """
    off = os.environ.get("BRIEFING_SERVER", "").strip().lower() in {"off", "0", "no", "false"}
    if not argv or argv[0] == "server" or off or not supported():
        return None
    pid = 0

    def forward(signum: int, _frame: object) -> None:
        try:
            os.kill(pid, signum)
        except ProcessLookupError:
            pass

    # The signals to relay; one ignored here (a background job's Ctrl+C) stays ignored, as in-process.
    relayed = [s for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP) if signal.getsignal(s) is not signal.SIG_IGN]
    previous: dict[signal.Signals, Any] = {}
    sock = None
    try:
        sock = _connect(timeout=10.0)
        umask = os.umask(0o022)
        os.umask(umask)
        streams = [[getattr(s, "encoding", None) or "utf-8", getattr(s, "errors", None) or "strict"]
                   for s in (sys.stdin, sys.stdout, sys.stderr)]
        send_message(sock, {"op": "run", "protocol": PROTOCOL, "argv": list(argv), "cwd": os.getcwd(),
                            "env": dict(os.environ), "umask": umask, "stdio": streams}, [0, 1, 2])
        reply = recv_message(sock)
        if reply is None or "pid" not in reply[0]:
            raise ValueError("declined")
        pid = int(reply[0]["pid"])
        # Relay before "go": a Ctrl+C from the moment the command may start reaches the command. Inside this
        # try: signal() first runs the handler of a signal that has just arrived, which raises here.
        for sig in relayed:
            previous[sig] = signal.signal(sig, forward)
    except (OSError, ValueError):  # no server, no stdio, a deleted folder, a server that went away
        if sock is not None:
            sock.close()
        return None
    except KeyboardInterrupt:  # the command never starts: it waits for a "go" that never comes
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        if sock is not None:
            sock.close()
        print("briefing: interrupted", file=sys.stderr)
        return 130
    try:
        try:
            send_message(sock, {"go": True})
        except OSError:  # the server went away before the command started: run it here
            return None
        sock.settimeout(None)
        done = recv_message(sock)
    except (OSError, ValueError):
        done = None
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        sock.close()
    if done is None or "exit" not in done[0]:
        print("briefing: the command's exit status never came back (was the Briefing server killed?)",
              file=sys.stderr)
        return 1
    return int(done[0]["exit"])
