"""`briefing charts list|render|deck`: the saved charts as files and as a PowerPoint deck."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path
from typing import Protocol, Sequence

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import BriefingError
from briefing.domain.model import Audience, Finding

FORMATS = ("png", "svg", "pdf")


class ChartService(Protocol):
    """What these commands need from the services."""

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...

    def get_chart(self, key: str) -> ChartSpec: ...

    def list_findings(self) -> list[Finding]: ...

    def get_audience(self, key: str) -> Audience: ...


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser("charts", help="list charts, render them to PNG/SVG/PDF, or build a slide deck")
    sub = p.add_subparsers(dest="charts_action", metavar="ACTION", required=True)

    ls = sub.add_parser("list", help="list the saved charts in deck order")
    ls.add_argument("--audience", metavar="A", help="only the charts in this audience's pack")
    ls.set_defaults(func=cmd_list)

    render = sub.add_parser("render", help="render charts to image files and print each path written")
    render.add_argument("--audience", metavar="A", help="the audience's chart pack, in its accent colour")
    render.add_argument("--chart", metavar="ID", nargs="+", action="extend", dest="charts",
                        help="chart key(s) to render (default: every chart in the pack)")
    render.add_argument("--format", choices=FORMATS, default="png", help="file format (default png)")
    render.add_argument("--size", metavar="SIZE",
                        help="16:9, 4:3, column or WIDTHxHEIGHT pixels such as 1920x1080 (default: each chart's own)")
    render.add_argument("--dpi", type=float, help="raster resolution for PNG (default: the size's own)")
    render.add_argument("--transparent", action="store_true", help="transparent background")
    render.add_argument("--workers", type=int, default=2, help="processes for a large uncached pack (default 2)")
    render.add_argument("--out", metavar="DIR", required=True, type=Path, help="folder to write into")
    render.set_defaults(func=cmd_render)

    deck = sub.add_parser("deck", help="write a 16:9 PowerPoint deck, one chart per slide")
    deck.add_argument("--audience", metavar="A", help="the audience's chart pack, in its accent colour")
    deck.add_argument("--chart", metavar="ID", nargs="+", action="extend", dest="charts",
                      help="chart key(s) to include (default: every chart in the pack)")
    deck.add_argument("--out", metavar="FILE.pptx", required=True,
                      help="the deck file to write, or a folder (ending in /) to write charts-<audience>.pptx in")
    deck.set_defaults(func=cmd_deck)


def _fail(message: str) -> int:
    print(f"briefing charts: {message}", file=sys.stderr)
    return 2


def _select(args: argparse.Namespace, service: ChartService) -> list[ChartSpec]:
    """The charts named, else the audience's pack; audience charts take its accent unless they set one."""
    audience = getattr(args, "audience", None)
    if audience:
        service.get_audience(audience)  # NotFoundError names an unknown audience
    keys: Sequence[str] = getattr(args, "charts", None) or ()
    specs = [service.get_chart(k) for k in dict.fromkeys(keys)] if keys else service.list_charts(audience)
    if audience:
        specs = [s if s.accent else dataclasses.replace(s, accent=audience) for s in specs]
    return specs


def cmd_list(args: argparse.Namespace, service: ChartService) -> int:
    try:
        specs = _select(args, service)
    except BriefingError as exc:
        return _fail(str(exc))
    for s in specs:
        packs = ",".join(s.audiences) if s.audiences else "all"
        print(f"{s.key:<28} {s.kind.value:<12} {packs:<26} {s.title}")
    return 0


def cmd_render(args: argparse.Namespace, service: ChartService) -> int:
    from briefing.charts import RenderJob, chart_size, render_many, resolve_chart_data
    from briefing.fileio import atomic_write

    try:
        if args.size:
            chart_size(args.size)
        if args.dpi is not None and not 10 <= args.dpi <= 1200:
            return _fail("--dpi must be between 10 and 1200")
        specs = _select(args, service)
        if not specs:
            return _fail("no charts to render")
        findings = service.list_findings()
        jobs = [
            RenderJob(s, resolve_chart_data(s, findings), fmt=args.format, size=args.size,
                      transparent=args.transparent, dpi=args.dpi)
            for s in specs
        ]
        results = render_many(jobs, workers=max(1, args.workers))
        out: Path = args.out
        out.mkdir(parents=True, exist_ok=True)
        for job, result in zip(jobs, results):
            target = out / f"{job.spec.key}.{args.format}"
            atomic_write(target, result.data)
            for w in result.warnings:
                print(f"briefing charts: warning: {job.spec.key}: {w}", file=sys.stderr)
            print(target)
    except (BriefingError, ValueError, OSError) as exc:
        return _fail(str(exc))
    return 0


def cmd_deck(args: argparse.Namespace, service: ChartService) -> int:
    from briefing.charts import resolve_chart_data, write_deck

    from briefing.fileio import output_path

    out = output_path(args.out, f"charts-{args.audience or 'all'}.pptx")
    if out.suffix.lower() != ".pptx":
        return _fail(f"{out.name} must end in .pptx")
    try:
        specs = _select(args, service)
        if not specs:
            return _fail("no charts for the deck")
        if not out.parent.is_dir():
            return _fail(f"folder {out.parent} does not exist")
        findings = service.list_findings()
        items = [(s, resolve_chart_data(s, findings)) for s in specs]
        write_deck(items, out)
        for spec, data in items:
            for w in data.warnings:
                print(f"briefing charts: warning: {spec.key}: {w}", file=sys.stderr)
        print(out)
    except (BriefingError, ValueError, OSError) as exc:
        return _fail(str(exc))
    return 0
