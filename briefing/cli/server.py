"""`briefing server start|stop|status|run`: the warm process later commands fork from.

The server itself is briefing.server; the caller's side is briefing.client.
"""

from __future__ import annotations

import argparse
import time

from briefing import client


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "server",
        help="keep a warm background process so later commands start in milliseconds",
        description="`briefing server start` runs a background process with Briefing's libraries loaded. "
        "Every later `briefing` command from this installation runs in a copy of it (forked), with your "
        "folder, environment and terminal, so an export skips about a second of start-up. Set "
        "BRIEFING_SERVER=off to run a command without it, or BRIEFING_SERVER=auto to start it on first use. "
        "Linux only.",
    )
    ssub = p.add_subparsers(dest="server_action", metavar="ACTION", required=True)
    start = ssub.add_parser("start", help="start the server in the background (no-op if it runs)")
    start.add_argument("--idle", type=float, default=client.DEFAULT_IDLE_MINUTES, metavar="MINUTES",
                       help=f"stop after this many minutes without a command (default "
                            f"{client.DEFAULT_IDLE_MINUTES:g}; 0 = never)")
    start.set_defaults(func=cmd_start, needs_service=False)
    stop = ssub.add_parser("stop", help="stop the server (commands already running finish)")
    stop.set_defaults(func=cmd_stop, needs_service=False)
    status = ssub.add_parser("status", help="say whether the server runs; exit status 0 if it does, 3 if not")
    status.set_defaults(func=cmd_status, needs_service=False)
    run = ssub.add_parser("run", help="run the server in the foreground (for a service manager)")
    run.add_argument("--idle", type=float, default=0.0, metavar="MINUTES",
                     help="stop after this many minutes without a command (default 0 = never)")
    run.set_defaults(func=cmd_run, needs_service=False)


def _describe(info: dict) -> str:
    up = time.time() - float(info["started"])
    idle = float(info["idle_seconds"])
    stops = f"stops after {idle / 60:g} min idle" if idle > 0 else "never stops on its own"
    spares = info.get("spares") or []
    ready = sum(1 for s in spares if s["ready"])
    warm = f"{ready} spare(s) ready" + (f", {len(spares) - ready} warming up" if len(spares) > ready else "")
    return (f"Briefing server running: pid {info['pid']}, up {up / 60:.1f} min, "
            f"{info['served']} command(s) served ({info.get('served_by_spare', 0)} by a warm spare; {warm}), "
            f"{stops}; socket {info['path']}")


def _check_supported() -> None:
    from briefing.domain.errors import BriefingError

    if not client.supported():
        raise BriefingError("the command-line server needs Linux; commands run in-process here")
    try:
        client.runtime_dir(create=True)
    except client.UnsafeFolder as exc:
        raise BriefingError(f"cannot use the server's folder: {exc}") from None


def cmd_start(args: argparse.Namespace, _svc: object) -> int:
    from briefing.domain.errors import BriefingError

    _check_supported()
    if args.idle < 0:
        from briefing.domain.errors import FieldError, ValidationError

        raise ValidationError(FieldError("idle", "must be 0 (never) or a number of minutes"))
    info = client.request("ping")
    if info is not None:
        print(_describe(info))
        return 0
    proc, log = client.spawn(args.idle)
    deadline = time.monotonic() + 60.0
    while time.monotonic() < deadline:
        info = client.request("ping")
        if info is not None:
            print(_describe(info))
            return 0
        if proc.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
            raise BriefingError(f"the server did not start (exit status {proc.returncode}): "
                                + (" / ".join(tail) or f"see {log}"))
        time.sleep(0.05)
    proc.terminate()
    raise BriefingError(f"the server did not answer within 60 s; see {log}")


def cmd_stop(_args: argparse.Namespace, _svc: object) -> int:
    reply = client.request("stop")
    if reply is None:
        print("Briefing server is not running.")
        return 0
    path = client.socket_path()
    deadline = time.monotonic() + 10.0
    while path and time.monotonic() < deadline and client.request("ping") is not None:
        time.sleep(0.05)
    print(f"Briefing server stopped (pid {reply['stopping']}).")
    return 0


def cmd_status(_args: argparse.Namespace, _svc: object) -> int:
    info = client.request("ping")
    if info is None:
        print("Briefing server is not running; commands run in-process. Start it with `briefing server start`.")
        return 3
    print(_describe(info))
    return 0


def cmd_run(args: argparse.Namespace, _svc: object) -> int:
    _check_supported()
    from briefing.server import serve

    return serve(args.idle)
