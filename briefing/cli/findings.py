"""`briefing findings ...`: list, search, show, add, edit, delete, import and export findings, and their history."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path

from briefing.domain.errors import FieldError, NotFoundError, ValidationError
from briefing.domain.model import ClaimKind, Finding, FindingDraft, MetricDraft
from briefing.services import BriefingService

METRIC_FIELDS = ("label", "value", "unit", "scale", "entity", "period", "as_of", "series")


def add_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("findings", help="list, show, add, edit, delete, import and export findings")
    fsub = p.add_subparsers(dest="action", metavar="ACTION", required=True)

    ls = fsub.add_parser("list", help="list findings (filter and full-text search)")
    # Sections are the report's (data, not code): checked by section_arg once the database is open.
    ls.add_argument("--section", metavar="KEY", help="a section key of the report (see `briefing reports sections`)")
    ls.add_argument("--search", metavar="TEXT", help="full-text search over title, statement and tags")
    ls.add_argument("--audience", metavar="KEY", help="only the findings this audience's briefing uses")
    ls.add_argument("--kind", choices=[k.value for k in ClaimKind])
    ls.add_argument("--tag")
    ls.add_argument("--json", action="store_true", help="print JSON records")
    ls.set_defaults(func=cmd_list)

    show = fsub.add_parser("show", help="show one finding with its numbers and sources")
    show.add_argument("ref", metavar="ID", help="numeric id or slug")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)

    for name, func in (("add", cmd_add), ("edit", cmd_edit)):
        e = fsub.add_parser(name, help=f"{name} a finding")
        if name == "edit":
            e.add_argument("ref", metavar="ID", help="numeric id or slug")
        e.add_argument("--title")
        e.add_argument("--statement")
        e.add_argument("--section", metavar="KEY", help="a section key of the report (see `briefing reports sections`)")
        e.add_argument("--kind", choices=[k.value for k in ClaimKind])
        e.add_argument("--tags", help="comma-separated")
        e.add_argument("--as-of", dest="as_of", metavar="DATE")
        e.add_argument("--slug")
        e.add_argument("--source", dest="sources", action="append", metavar="KEY",
                       help="source key (repeat for several); replaces the list on edit")
        e.add_argument("--metric", dest="metrics", action="append", metavar="SPEC",
                       help="'label=...;value=...;unit=...;scale=...;entity=...;period=...;series=...' "
                            "(repeat; replaces all metrics on edit). Write a ; inside a value as \\; "
                            "and a backslash as \\\\")
        e.add_argument("--wording", dest="wordings", action="append", metavar="AUDIENCE=TEXT",
                       help="per-audience wording (repeat; empty text removes it)")
        e.set_defaults(func=func)

    hist = fsub.add_parser("history", help="who changed a finding, when, and each field before and after")
    hist.add_argument("ref", metavar="ID", help="numeric id (a deleted finding's too) or slug")
    hist.add_argument("--json", action="store_true", help="print JSON records")
    hist.set_defaults(func=cmd_history)

    rm = fsub.add_parser("delete", help="delete a finding and its metrics")
    rm.add_argument("ref", metavar="ID")
    rm.add_argument("--yes", action="store_true", help="do not ask")
    rm.set_defaults(func=cmd_delete)

    imp = fsub.add_parser("import", help="import findings from .json or .csv (upsert by slug; all or nothing)")
    imp.add_argument("file", type=Path)
    imp.add_argument("--dry-run", action="store_true",
                     help="check the file and show what would be added, updated or left unchanged; write nothing")
    imp.set_defaults(func=cmd_import)

    exp = fsub.add_parser("export", help="export findings to .json or .csv")
    # A string, not a Path: Path() would drop the trailing "/" that says "a folder".
    exp.add_argument("file", help="a .json or .csv file, or a folder (ending in /) to write findings-<date>.json in")
    exp.add_argument("--section", metavar="KEY", help="only this section's findings")
    exp.set_defaults(func=cmd_export)


# ---- Commands
def section_arg(svc: BriefingService, key: str | None) -> str | None:
    """A --section value, refused unless it is a section of the current report (the keys listed)."""
    if key is None:
        return None
    keys = [s.key for s in svc.sections()]
    if key not in keys:
        report = svc.get_report().key
        raise ValidationError(FieldError("section", f"“{key}” is not a section of report “{report}”; "
                                                    f"choose one of {', '.join(keys) or '(none defined)'}"))
    return key


def cmd_list(args: argparse.Namespace, svc: BriefingService) -> int:
    section = section_arg(svc, args.section)
    if args.audience:  # an audience's selection needs every finding at once
        findings: Iterable[Finding] = svc.list_findings(
            section=section, search=args.search, audience=args.audience, kind=args.kind, tag=args.tag
        )
    else:
        # Streamed: the first line shows at once at 100k findings, and memory holds one chunk.
        findings = svc.iter_findings(section=section, search=args.search, kind=args.kind, tag=args.tag)
    n = 0
    if args.json:
        from briefing.store.transfer import finding_dict

        print("[", end="")
        for f in findings:
            text = json.dumps({**finding_dict(f), "id": f.id}, ensure_ascii=False, indent=2)
            print(("," if n else "") + "\n" + _indent(text), end="")
            n += 1
        print("\n]" if n else "]")
        return 0
    for f in findings:
        n += 1
        # Name each number by its entity, unless several share one ("Atlas 950 vs NVL144"): then by label.
        by_label = len({m.entity for m in f.metrics}) < len(f.metrics)
        numbers = ", ".join(_metric_text(m, by_label) for m in f.metrics[:3])
        if len(f.metrics) > 3:
            numbers += f", +{len(f.metrics) - 3} more"
        mark = " · carried over" if f.carried_over else ""
        print(f"{f.id:>5}  {f.slug}  [{f.section} · {f.kind.value}{mark}]")
        print(f"       {f.title}")
        if numbers:
            print(f"       {numbers}")
    sys.stdout.flush()
    print(f"{n} finding(s)" if n else "No findings match.", file=sys.stderr)
    return 0


def _metric_text(m, by_label: bool = False) -> str:
    name = m.label if by_label else m.entity
    who = f"{name}: " if name else ""
    return f"{who}{m.display(compact=False)}"


def cmd_show(args: argparse.Namespace, svc: BriefingService) -> int:
    f = svc.get_finding(args.ref)
    if args.json:
        from briefing.store.transfer import finding_dict, source_dict

        d = finding_dict(f)
        d["id"] = f.id
        d["version"] = f.version
        d["sources"] = [source_dict(s) for s in f.sources]
        print(json.dumps(d, ensure_ascii=False, indent=2))
        return 0
    print(f"{f.title}")
    print(f"  id {f.id} · slug {f.slug} · version {f.version}")
    print(f"  section: {svc.get_report().section_title(f.section)}")
    if f.carried_over:
        print("  carried over from the previous edition, not yet reviewed (`briefing reports confirm`)")
    print(f"  kind: {f.kind.value}" + (f" · as of {f.as_of.isoformat()}" if f.as_of else ""))
    if f.tags:
        print(f"  tags: {', '.join(f.tags)}")
    print()
    print(_indent(f.statement))
    if f.metrics:
        print("\nMetrics:")
        for m in f.metrics:
            bits = [p for p in (m.entity, m.period) if p]
            extra = f"  ({'; '.join(bits)})" if bits else ""
            series = f"  [series {m.series}]" if m.series else ""
            print(f"  - {m.label}: {m.display(compact=False)}{extra}{series}")
    if f.sources:
        print("\nSources:")
        for s in f.sources:
            date = f", {s.published.isoformat()}" if s.published else ""
            url = f" <{s.url}>" if s.url else ""
            print(f"  - {s.publisher}: {s.title}{date}{url}")
    if f.wordings:
        print("\nAudience wordings:")
        for key, text in sorted(f.wordings.items()):
            print(f"  [{key}]")
            print(_indent(text, 4))
    return 0


def _indent(text: str, n: int = 2) -> str:
    return "\n".join(" " * n + line for line in text.splitlines())


def _split_spec(spec: str) -> list[str]:
    """`a=1;b=x\\;y` → ["a=1", "b=x;y"]: a backslash keeps the next character as text."""
    parts, current, chars = [], [], iter(spec)
    for ch in chars:
        if ch == "\\":
            current.append(next(chars, "\\"))
        elif ch == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return parts


def parse_metric_spec(spec: str, index: int) -> MetricDraft:
    fields: dict[str, str] = {}
    for part in _split_spec(spec):
        if not part.strip():
            continue
        if "=" not in part:
            raise ValidationError(FieldError(f"metrics.{index}", f"“{part.strip()}” is not name=value"))
        name, _, value = part.partition("=")
        name = name.strip().replace("-", "_")
        if name not in METRIC_FIELDS:
            raise ValidationError(
                FieldError(f"metrics.{index}", f"unknown field “{name}”; use {', '.join(METRIC_FIELDS)}")
            )
        fields[name] = value.strip()
    if "value" not in fields:
        raise ValidationError(FieldError(f"metrics.{index}.value", "is required"))
    return MetricDraft(label=fields.get("label", ""), value=fields["value"], unit=fields.get("unit", ""),
                       scale=fields.get("scale") or None, entity=fields.get("entity", ""),
                       period=fields.get("period", ""), as_of=fields.get("as_of") or None,
                       series=fields.get("series", ""))


def _source_ids(svc: BriefingService, keys: list[str]) -> tuple[int, ...]:
    ids = []
    for i, key in enumerate(keys):
        try:
            ids.append(svc.get_source(key).id)
        except NotFoundError:
            raise ValidationError(FieldError(f"sources.{i}", f"no source with key or id “{key}”")) from None
    return tuple(ids)


def _wordings(base: dict[str, str], pairs: list[str] | None) -> dict[str, str]:
    out = dict(base)
    for pair in pairs or []:
        if "=" not in pair:
            raise ValidationError(FieldError("wordings", f"“{pair[:30]}” is not AUDIENCE=TEXT"))
        key, _, text = pair.partition("=")
        key = key.strip()
        if text.strip():
            out[key] = text
        else:
            out.pop(key, None)
    return out


def cmd_add(args: argparse.Namespace, svc: BriefingService) -> int:
    missing = [n for n in ("title", "statement", "section") if not getattr(args, n)]
    if missing:
        raise ValidationError([FieldError(n, "is required (use --" + n + ")") for n in missing])
    draft = FindingDraft(
        title=args.title,
        statement=args.statement,
        section=section_arg(svc, args.section) or "",
        kind=args.kind or "reported",
        tags=args.tags or (),
        as_of=args.as_of,
        source_ids=_source_ids(svc, args.sources or []),
        metrics=tuple(parse_metric_spec(m, i) for i, m in enumerate(args.metrics or [])),
        wordings=_wordings({}, args.wordings),
        slug=args.slug,
    )
    f = svc.create_finding(draft)
    print(f"Added finding {f.id} ({f.slug}).")
    return 0


def cmd_edit(args: argparse.Namespace, svc: BriefingService) -> int:
    current = svc.get_finding(args.ref)
    d = current.to_draft()
    changes = {
        "title": args.title,
        "statement": args.statement,
        "section": section_arg(svc, args.section),
        "kind": args.kind,
        "tags": args.tags,
        "as_of": args.as_of,
        "slug": args.slug,
    }
    fields = {**d.__dict__, **{k: v for k, v in changes.items() if v is not None}}
    if args.sources is not None:
        fields["source_ids"] = _source_ids(svc, args.sources)
    if args.metrics is not None:
        fields["metrics"] = tuple(parse_metric_spec(m, i) for i, m in enumerate(args.metrics))
    fields["wordings"] = _wordings(dict(d.wordings), args.wordings)
    f = svc.update_finding(current.id, FindingDraft(**fields), current.version)
    print(f"Saved finding {f.id} ({f.slug}), version {f.version}.")
    return 0


def cmd_history(args: argparse.Namespace, svc: BriefingService) -> int:
    from briefing.domain.history import shown

    entries = svc.finding_history(args.ref)
    if args.json:
        records = [{"id": e.id, "finding_id": e.finding_id, "slug": e.slug, "action": e.action, "who": e.who,
                    # Stored in UTC: said so, so a reader in any zone gets the moment right.
                    "at": e.at.isoformat() + "+00:00", "version": e.version,
                    "changes": [{"field": c.field, "before": c.before, "after": c.after} for c in e.changes]}
                   for e in entries]
        print(json.dumps(records, ensure_ascii=False, indent=2))
        return 0
    if not entries:
        print("no changes recorded yet (history starts with the first change after schema 0009)")
    for e in entries:
        print(f"{e.at:%Y-%m-%d %H:%M:%S} UTC  {e.who}  {e.action}  {e.slug} (version {e.version})")
        for c in e.changes:
            print(f"    {c.field}: {shown(c.before)}  →  {shown(c.after)}")
    return 0


def cmd_delete(args: argparse.Namespace, svc: BriefingService) -> int:
    from briefing.cli import confirm

    f = svc.get_finding(args.ref)
    if not confirm(f"Delete finding {f.id} “{f.title}” and its {len(f.metrics)} metric(s)?", args.yes):
        return 1
    svc.delete_finding(f.id, f.version)
    print(f"Deleted finding {f.id} ({f.slug}).")
    return 0


def cmd_import(args: argparse.Namespace, svc: BriefingService) -> int:
    summary = svc.import_findings(args.file, dry_run=args.dry_run)
    counts = f"{summary.created} added, {summary.updated} updated, {summary.unchanged} unchanged"
    if not args.dry_run:
        print(f"Imported {args.file}: {counts}.")
        return 0
    print(f"Dry run of {args.file}: {counts}, {summary.sources} new source(s); nothing was written.")
    for label, slugs in (("added", summary.created_slugs), ("updated", summary.updated_slugs),
                         ("unchanged", summary.unchanged_slugs)):
        if slugs:
            shown = ", ".join(slugs[:20]) + (f", … (+{len(slugs) - 20} more)" if len(slugs) > 20 else "")
            print(f"  {label}: {shown}")
    return 0


def cmd_export(args: argparse.Namespace, svc: BriefingService) -> int:
    from datetime import date

    from briefing.fileio import output_path

    path = output_path(args.file, f"findings-{date.today().isoformat()}.json")
    # streamed: bounded memory at any size
    n = svc.export_findings(path, section=section_arg(svc, args.section))
    print(f"Exported {n} finding(s) to {path}.")
    return 0
