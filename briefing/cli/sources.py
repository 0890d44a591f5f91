"""`briefing sources list|show|add|edit`: the attributed sources behind the findings."""

from __future__ import annotations

import argparse

from briefing.domain.model import SourceDraft
from briefing.services import BriefingService

_FIELDS = ("publisher", "title", "url", "published", "accessed", "notes", "key")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("sources", help="list, show, add and edit sources")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    ls = ssub.add_parser("list", help="list sources with how many findings cite each")
    ls.set_defaults(func=cmd_list)
    show = ssub.add_parser("show", help="show one source and the findings citing it")
    show.add_argument("ref", metavar="KEY_OR_ID")
    show.set_defaults(func=cmd_show)
    for name, func in (("add", cmd_add), ("edit", cmd_edit)):
        e = ssub.add_parser(name, help=f"{name} a source (it needs a publisher and a title to be cited)")
        if name == "edit":
            e.add_argument("ref", metavar="KEY_OR_ID")
        e.add_argument("--publisher")
        e.add_argument("--title")
        e.add_argument("--url")
        e.add_argument("--published", metavar="DATE", help="YYYY, YYYY-MM or YYYY-MM-DD")
        e.add_argument("--accessed", metavar="DATE",
                       help="when you opened it yourself (empty clears it); leave it out for a source "
                            "known only through another")
        e.add_argument("--notes")
        e.add_argument("--key")
        e.add_argument("--via", metavar="KEY",
                       help="the source this one is cited in (\"RAND, cited in Digital in Asia\"); empty clears it")
        e.set_defaults(func=func)


def cmd_list(args: argparse.Namespace, svc: BriefingService) -> int:
    for s in svc.list_sources():
        n = len(svc.source_usage(s.id))
        date = s.published.isoformat() if s.published else "undated"
        via = f", via {s.via.key}" if s.via else ""
        print(f"{s.id:>4}  {s.key:<34} {n:>3} finding(s)  {s.publisher} — {s.title} ({date}{via})")
    return 0


def cmd_show(args: argparse.Namespace, svc: BriefingService) -> int:
    s = svc.get_source(args.ref)
    print(f"{s.publisher}: {s.title}")
    print(f"  key {s.key} · id {s.id}")
    for label, value in (("published", s.published), ("accessed", s.accessed), ("url", s.url)):
        if value:
            print(f"  {label}: {value}")
    chain = s.via_chain()
    if chain:
        print("  cited in: " + " → ".join(f"{v.publisher} ({v.key})" for v in chain))
    if s.notes:
        print(f"  notes: {s.notes}")
    used = svc.source_usage(s.id)
    print(f"  cited by {len(used)} finding(s): {', '.join(used)}" if used else "  cited by no finding")
    return 0


def cmd_add(args: argparse.Namespace, svc: BriefingService) -> int:
    s = svc.create_source(SourceDraft(
        publisher=args.publisher or "", title=args.title or "", url=args.url or None,
        published=args.published or None, accessed=args.accessed or None, notes=args.notes or "",
        key=args.key or None, via=args.via or None))
    via = f", cited in {s.via.key}" if s.via else ""
    print(f"Added source {s.id} ({s.key}{via}).")
    return 0


def cmd_edit(args: argparse.Namespace, svc: BriefingService) -> int:
    current = svc.get_source(args.ref)
    fields = dict(current.to_draft().__dict__)
    for name in (*_FIELDS, "via"):
        value = getattr(args, name)
        if value is not None:
            fields[name] = value or None if name in ("url", "published", "accessed", "via") else value
    s = svc.update_source(current.id, SourceDraft(**fields))
    via = f", cited in {s.via.key}" if s.via else ""
    print(f"Saved source {s.id} ({s.key}{via}).")
    return 0
