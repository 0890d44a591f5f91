"""`briefing sources list|show`: the attributed sources behind the findings."""

from __future__ import annotations

import argparse

from briefing.services import BriefingService


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sources", help="list and show sources")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = ssub.add_parser("list", help="list sources with how many findings cite each")
    ls.set_defaults(func=cmd_list)
    show = ssub.add_parser("show", help="show one source and the findings citing it")
    show.add_argument("ref", metavar="KEY_OR_ID")
    show.set_defaults(func=cmd_show)


def cmd_list(args: argparse.Namespace, svc: BriefingService) -> int:
    for s in svc.list_sources():
        n = len(svc.source_usage(s.id))
        date = s.published.isoformat() if s.published else "undated"
        print(f"{s.id:>4}  {s.key:<34} {n:>3} finding(s)  {s.publisher} — {s.title} ({date})")
    return 0


def cmd_show(args: argparse.Namespace, svc: BriefingService) -> int:
    s = svc.get_source(args.ref)
    print(f"{s.publisher}: {s.title}")
    print(f"  key {s.key} · id {s.id}")
    for label, value in (("published", s.published), ("accessed", s.accessed), ("url", s.url)):
        if value:
            print(f"  {label}: {value}")
    if s.notes:
        print(f"  notes: {s.notes}")
    used = svc.source_usage(s.id)
    print(f"  cited by {len(used)} finding(s): {', '.join(used)}" if used else "  cited by no finding")
    return 0
