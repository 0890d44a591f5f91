"""`briefing reports ...`: list, show, create, edit and delete reports, their sections and editions."""

from __future__ import annotations

import argparse
import json
import sys

from briefing.domain.colours import Colours
from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import Report, ReportDraft, Section
from briefing.services import BriefingService


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("reports", help="the library's reports: list, show, new, edit, delete, sections, editions")
    rsub = p.add_subparsers(dest="reports_action", metavar="ACTION", required=True)

    ls = rsub.add_parser("list", help="list reports (* marks the current one)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=cmd_list)

    show = rsub.add_parser("show", help="show a report with its sections and counts")
    show.add_argument("key", nargs="?", help="report key (default: the current report)")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    for name, func in (("new", cmd_new), ("edit", cmd_edit)):
        e = rsub.add_parser(name, help=f"{'create' if name == 'new' else 'change'} a report")
        e.add_argument("key", help="report key (lower-case letters, digits, '-' and '_')")
        if name == "edit":
            e.add_argument("--key", dest="new_key", metavar="NEW_KEY", help="rename the report's key")
        e.add_argument("--title", required=name == "new")
        for field in ("subtitle", "publisher", "author", "edition", "summary"):
            e.add_argument(f"--{field}")
        e.add_argument("--data-as-of", dest="data_as_of", metavar="DATE")
        e.add_argument("--published", metavar="DATE")
        e.add_argument("--section", dest="sections", action="append", metavar="KEY=TITLE[=SHORT]",
                       help="a section, in reading order (repeat); on edit, replaces the list")
        e.add_argument("--palette", metavar="#HEX,#HEX,...",
                       help="the report's chart colours, in order (replaces its palette)")
        e.add_argument("--accent", dest="accents", action="append", metavar="AUDIENCE=#HEX",
                       help="an audience's accent colour, or default=#HEX (repeat; on edit, AUDIENCE= drops one)")
        if name == "edit":
            e.add_argument("--house-colours", dest="house_colours", action="store_true",
                           help="drop the report's own colours: use the house theme's")
        if name == "new":
            e.add_argument("--use", action="store_true", help="make it the current report")
        e.set_defaults(func=func)

    rm = rsub.add_parser("delete", help="delete a report with its sections, audiences, charts and findings")
    rm.add_argument("key")
    rm.add_argument("--yes", action="store_true", help="do not ask")
    rm.set_defaults(func=cmd_delete)

    sec = rsub.add_parser("sections", help="list the current report's sections, or set them with --section")
    sec.add_argument("--section", dest="sections", action="append", metavar="KEY=TITLE[=SHORT]",
                     help="replace the sections with these, in order (repeat); a section findings use stays")
    sec.set_defaults(func=cmd_sections)

    ed = rsub.add_parser("new-edition", help="copy the current report (or --from) forward as its next edition")
    ed.add_argument("key", help="the new edition's report key")
    ed.add_argument("--from", dest="source", metavar="KEY", help="the edition to copy (default: the current report)")
    ed.add_argument("--edition", required=True, help="its name, e.g. 'May 2026'")
    ed.add_argument("--data-as-of", dest="data_as_of", metavar="DATE")
    ed.add_argument("--published", metavar="DATE")
    ed.add_argument("--title", help="default: the old title with the edition name replaced")
    ed.add_argument("--use", action="store_true", help="make it the current report")
    ed.set_defaults(func=cmd_new_edition)

    diff = rsub.add_parser("diff", help="what changed between two editions (added, removed, changed findings)")
    diff.add_argument("old")
    diff.add_argument("new")
    diff.add_argument("--json", action="store_true")
    diff.set_defaults(func=cmd_diff)

    conf = rsub.add_parser("confirm", help="mark carried-over findings as reviewed")
    conf.add_argument("refs", nargs="*", metavar="ID", help="finding ids or slugs (default: with --all, every one)")
    conf.add_argument("--all", action="store_true", help="every carried-over finding of the current report")
    conf.set_defaults(func=cmd_confirm)


def parse_sections(specs: list[str]) -> tuple[tuple[str, str, str], ...]:
    out = []
    for i, spec in enumerate(specs):
        key, sep, rest = spec.partition("=")
        if not sep:
            raise ValidationError(FieldError(f"sections.{i}", f"“{spec[:40]}” is not KEY=TITLE[=SHORT]"))
        title, _, short = rest.partition("=")
        out.append((key.strip(), title.strip(), short.strip()))
    return tuple(out)


def parse_colours(palette: str | None, accents: list[str] | None, base: Colours) -> dict[str, object] | None:
    """The report's colours after --palette and --accent (over `base`, the stored ones); None when
    neither was given, so an edit leaves them alone. The service checks every colour."""
    if palette is None and not accents:
        return None
    current = base.accent_map
    for spec in accents or ():
        key, sep, value = spec.partition("=")
        if not sep or not key.strip():
            raise ValidationError(FieldError("colours.accents", f"“{spec[:40]}” is not AUDIENCE=#RRGGBB"))
        if value.strip():
            current[key.strip().lower()] = value.strip()
        else:
            current.pop(key.strip().lower(), None)
    return {"palette": palette if palette is not None else list(base.palette), "accents": current}


def _draft(args: argparse.Namespace, base: Report | None = None) -> ReportDraft:
    def pick(name: str) -> object:
        value = getattr(args, name, None)
        return value if value is not None else (getattr(base, name) if base else "")

    sections: tuple = parse_sections(args.sections) if args.sections else ()
    return ReportDraft(
        key=getattr(args, "new_key", None) or args.key,
        title=str(pick("title") or ""),
        subtitle=str(pick("subtitle") or ""),
        publisher=str(pick("publisher") or ""),
        author=str(pick("author") or ""),
        edition=str(pick("edition") or ""),
        data_as_of=pick("data_as_of") or None,  # type: ignore[arg-type]
        published=pick("published") or None,  # type: ignore[arg-type]
        summary=str(pick("summary") or ""),
        sections=sections,
        colours=(Colours() if getattr(args, "house_colours", False)
                 else parse_colours(args.palette, args.accents, base.colours if base else Colours())),
    )


def _report_dict(r: Report) -> dict:
    return {
        "key": r.key, "title": r.title, "subtitle": r.subtitle, "publisher": r.publisher, "author": r.author,
        "edition": r.edition, "data_as_of": r.data_as_of.isoformat() if r.data_as_of else None,
        "published": r.published.isoformat() if r.published else None,
        "sections": [{"key": s.key, "title": s.title, "short": s.short} for s in r.sections],
        "colours": r.colours.to_dict(),
    }


def cmd_list(args: argparse.Namespace, svc: BriefingService) -> int:
    reports = svc.list_reports()
    current = svc.get_report().key if reports else None
    if args.json:
        print(json.dumps([_report_dict(r) | {"current": r.key == current} for r in reports], ensure_ascii=False,
                         indent=2))
        return 0
    for r in reports:
        counts = svc.report_counts(r.key)
        edition = f" · {r.edition}" if r.edition else ""
        print(f"{'*' if r.key == current else ' '} {r.key}  {r.title}{edition}  "
              f"({counts['findings']} findings, {len(r.sections)} sections, {counts['audiences']} audiences)")
    print(f"{len(reports)} report(s)", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace, svc: BriefingService) -> int:
    r = svc.get_report(args.key)
    if args.json:
        print(json.dumps(_report_dict(r) | svc.report_counts(r.key), ensure_ascii=False, indent=2))
        return 0
    counts = svc.report_counts(r.key)
    print(r.title)
    print(f"  key {r.key}" + (f" · edition {r.edition}" if r.edition else ""))
    for label, value in (("subtitle", r.subtitle), ("publisher", r.publisher), ("author", r.author),
                         ("data as of", r.data_as_of), ("published", r.published)):
        if value:
            print(f"  {label}: {value}")
    if r.predecessor_id is not None:
        before = next((x for x in svc.list_reports() if x.id == r.predecessor_id), None)
        if before is not None:
            print(f"  previous edition: {before.key}")
    print(f"  {counts['findings']} findings · {counts['audiences']} audiences · {counts['charts']} charts")
    print(f"  colours: {r.colours.text()}")
    _print_sections(r.sections)
    return 0


def _print_sections(sections: tuple[Section, ...]) -> None:
    print("Sections:")
    for i, s in enumerate(sections, start=1):
        short = f"  ({s.short})" if s.short and s.short != s.title else ""
        print(f"  {i:>2}. {s.key}: {s.title}{short}")


def cmd_new(args: argparse.Namespace, svc: BriefingService) -> int:
    r = svc.create_report(_draft(args), use=args.use)
    print(f"Created report {r.key} with {len(r.sections)} section(s)." + (" It is now the current report."
                                                                          if args.use else ""))
    return 0


def cmd_edit(args: argparse.Namespace, svc: BriefingService) -> int:
    r = svc.update_report(args.key, _draft(args, svc.get_report(args.key)))
    print(f"Saved report {r.key}.")
    return 0


def cmd_delete(args: argparse.Namespace, svc: BriefingService) -> int:
    from briefing.cli import confirm

    r = svc.get_report(args.key)
    counts = svc.report_counts(r.key)
    if not confirm(f"Delete report {r.key} “{r.title}” with its {counts['findings']} finding(s), "
                   f"{counts['audiences']} audience(s) and {counts['charts']} chart(s)?", args.yes):
        return 1
    svc.delete_report(r.key)
    print(f"Deleted report {r.key}.")
    return 0


def cmd_sections(args: argparse.Namespace, svc: BriefingService) -> int:
    if args.sections:
        r = svc.set_sections(parse_sections(args.sections))
        print(f"Saved {len(r.sections)} section(s) of report {r.key}.")
        return 0
    _print_sections(svc.sections())
    return 0


def cmd_new_edition(args: argparse.Namespace, svc: BriefingService) -> int:
    r = svc.new_edition(args.source, key=args.key, edition=args.edition, data_as_of=args.data_as_of,
                        title=args.title, published=args.published, use=args.use)
    n = svc.report_counts(r.key)["findings"]
    print(f"Created edition {r.key} ({r.title}): {n} finding(s) carried over, not yet reviewed.")
    return 0


def cmd_diff(args: argparse.Namespace, svc: BriefingService) -> int:
    d = svc.diff_editions(args.old, args.new)
    if args.json:
        print(json.dumps({
            "old": d.old_key, "new": d.new_key,
            "added": [f.slug for f in d.added], "removed": [f.slug for f in d.removed],
            "changed": [{"slug": c.new.slug, "fields": [{"field": x.field, "old": x.old, "new": x.new}
                                                         for x in c.fields]} for c in d.changed],
        }, ensure_ascii=False, indent=2))
        return 0
    print(f"From {d.old_key} to {d.new_key}: {len(d.added)} added, {len(d.removed)} removed, "
          f"{len(d.changed)} changed.")
    for f in d.added:
        print(f"+ {f.slug}: {f.title}")
    for f in d.removed:
        print(f"- {f.slug}: {f.title}")
    for c in d.changed:
        print(f"~ {c.new.slug}: {c.new.title}")
        for x in c.fields:
            print(f"    {x.field}: {_short(x.old)} → {_short(x.new)}")
    return 0


def cmd_confirm(args: argparse.Namespace, svc: BriefingService) -> int:
    if args.all == bool(args.refs):
        raise ValidationError(FieldError("findings", "name findings to confirm, or use --all (not both)"))
    found = ([f for f in svc.list_findings() if f.carried_over] if args.all
             else [svc.get_finding(ref) for ref in args.refs])
    for f in found:
        svc.confirm_finding(f.id, f.version)
    print(f"Confirmed {len(found)} finding(s).")
    return 0


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return (text if len(text) <= n else text[: n - 1] + "…") or "(none)"
