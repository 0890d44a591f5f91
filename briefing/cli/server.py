"""`briefing server start|stop|status|run`: manage the warm process later commands fork from.

The server itself is briefing.cli.serve; the caller's side is briefing.cli.client.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from briefing.cli import client
from briefing.domain.errors import BriefingError, FieldError, ValidationError


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "server",
        help="keep a warm background process so later commands start in milliseconds",
        description="`briefing server start` runs a background process with Briefing's libraries loaded. "
        "Every later `briefing` command from this installation runs in a copy of it (forked), with your "
        "folder, environment and terminal, so an export skips about a second of start-up. Set "
        "BRIEFING_SERVER=off to run a command without it. Linux only.",
    )
    ssub = p.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    for name, func, idle, text in (
        ("start", cmd_start, client.DEFAULT_IDLE_MINUTES, "start the server in the background (no-op if it runs)"),
        ("stop", cmd_stop, None, "stop the server (commands already running finish)"),
        ("status", cmd_status, None, "say whether the server runs; exit status 0 if it does, 3 if not"),
        ("run", cmd_run, 0.0, "run the server in the foreground (for a service manager)"),
    ):
        action = ssub.add_parser(name, help=text)
        action.set_defaults(func=func, needs_service=False)
        if idle is not None:
            action.add_argument("--idle", type=float, default=idle, metavar="MINUTES",
                                help=f"stop after this many minutes without a command (default {idle:g}; 0 = never)")


def _serve_command(args: argparse.Namespace) -> list[str]:
    """The server's own entry point, after checking what can be checked here."""
    if not client.supported():
        raise BriefingError("the command-line server needs Linux; commands run in-process here")
    if args.idle < 0:
        raise ValidationError(FieldError("idle", "must be 0 (never) or a number of minutes"))
    try:
        client.runtime_dir(create=True)
    except client.UnsafeFolder as exc:
        raise BriefingError(f"cannot use the server's folder: {exc}") from None
    return [sys.executable, "-m", "briefing.cli.serve", f"{args.idle:g}"]


def cmd_start(args: argparse.Namespace, _svc: object) -> int:
    command, info = _serve_command(args), client.request("ping")
    if info is None:
        from briefing.paths import user_cache_dir

        log = user_cache_dir() / "server.log"
        with open(log, "ab") as out:  # appended: racing starts share it
            proc = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=out, stderr=out, start_new_session=True)
        deadline = time.monotonic() + 60.0
        while info is None and time.monotonic() < deadline:
            time.sleep(0.05)
            info = client.request("ping")
            # Exit status 0: another start won the race for the lock; its server answers once warm.
            if info is None and proc.poll() not in (None, 0):
                tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                raise BriefingError(f"the server did not start (exit status {proc.returncode}): "
                                    + (" / ".join(tail) or f"see {log}"))
        if info is None:
            proc.terminate()
            raise BriefingError(f"the server did not answer within 60 s; see {log}")
    return cmd_status(args, None)


def cmd_stop(_args: argparse.Namespace, _svc: object) -> int:
    reply = client.request("stop")
    deadline = time.monotonic() + 10.0
    while reply and time.monotonic() < deadline and client.request("ping") is not None:
        time.sleep(0.05)
    print(f"Briefing server stopped (pid {reply['stopping']})." if reply else "Briefing server is not running.")
    return 0


def cmd_status(_args: argparse.Namespace, _svc: object) -> int:
    info = client.request("ping")
    if info is None:
        print("Briefing server is not running; commands run in-process. Start it with `briefing server start`.")
        return 3
    idle = float(info["idle_seconds"])
    print(f"Briefing server running: pid {info['pid']}, up {(time.time() - info['started']) / 60:.1f} min, "
          f"{info['served']} command(s) served, {info['running']} running, "
          f"{f'stops after {idle / 60:g} min idle' if idle > 0 else 'never stops on its own'}; socket {info['path']}")
    return 0


def cmd_run(args: argparse.Namespace, _svc: object) -> int:
    os.execv(sys.executable, _serve_command(args))  # this process becomes the server
    return 1  # not reached
