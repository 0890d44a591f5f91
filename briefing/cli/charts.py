"""`briefing charts list|show|new|edit|delete|render|deck`: make and change charts from a script
(validated as the app validates them, kinds that do not fit the data refused), render them to files
or a PowerPoint deck."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from briefing.domain.charts import NUMBER_FORMATS, ChartKind, ChartSpec
from briefing.domain.errors import BriefingError, ValidationError
from briefing.domain.model import Audience, Finding, Report

if TYPE_CHECKING:
    from briefing.theme import Theme

FORMATS = ("png", "svg", "pdf")


class ChartService(Protocol):
    """What these commands need from the services."""

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...

    def get_chart(self, key: str) -> ChartSpec: ...

    def list_findings(self) -> list[Finding]: ...

    def get_audience(self, key: str) -> Audience: ...

    def report(self) -> dict[str, Any]: ...

    def save_chart(self, spec: ChartSpec) -> ChartSpec: ...

    def delete_chart(self, key: str) -> ChartSpec: ...

    def unfit_chart_kinds(self, spec: ChartSpec) -> dict[Any, str]: ...

    def get_report(self, key: str | None = None) -> Report: ...


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

    show = sub.add_parser("show", help="print one chart's spec as JSON, and which kinds fit its data")
    show.add_argument("key", help="the chart's key")
    show.set_defaults(func=cmd_show)

    new = sub.add_parser("new", help="make a chart from metric references and/or series keys")
    new.add_argument("--key", help="the chart's key (default: made from the title)")
    new.add_argument("--title", required=True)
    _spec_options(new)
    new.set_defaults(func=cmd_new)

    edit = sub.add_parser("edit", help="change a chart's fields (only those given)")
    edit.add_argument("key", help="the chart's key")
    edit.add_argument("--title")
    _spec_options(edit)
    edit.set_defaults(func=cmd_edit)

    delete = sub.add_parser("delete", help="delete a chart")
    delete.add_argument("key", help="the chart's key")
    delete.set_defaults(func=cmd_delete)

    deck = sub.add_parser("deck", help="write a 16:9 PowerPoint deck, one chart per slide")
    deck.add_argument("--audience", metavar="A", help="the audience's chart pack, in its accent colour")
    deck.add_argument("--chart", metavar="ID", nargs="+", action="extend", dest="charts",
                      help="chart key(s) to include (default: every chart in the pack)")
    deck.add_argument("--out", metavar="FILE.pptx", required=True,
                      help="the deck file to write, or a folder (ending in /) to write charts-<audience>.pptx in")
    deck.set_defaults(func=cmd_deck)


def _spec_options(p: argparse.ArgumentParser) -> None:
    kinds = [k.value for k in ChartKind]
    p.add_argument("--kind", choices=kinds, help="chart kind (new: default the first that fits the data)")
    p.add_argument("--metric", metavar="SLUG#N", action="append", dest="metrics",
                   help="a finding's metric to plot; repeat for more (edit: replaces the list)")
    p.add_argument("--series", metavar="KEY", action="append", dest="series",
                   help="a metric series key to plot; repeat for more (edit: replaces the list)")
    p.add_argument("--subtitle")
    p.add_argument("--note", help="a note printed under the chart")
    p.add_argument("--source", help="the source line (default: the findings' sources)")
    p.add_argument("--size", help="16:9, 4:3, column or WIDTHxHEIGHT pixels")
    p.add_argument("--unit", help="the unit shown on the axis")
    p.add_argument("--number-format", choices=[f for f in NUMBER_FORMATS if f], dest="number_format")
    p.add_argument("--labels", choices=("auto", "entity", "label", "period", "entity+period", "label+period"),
                   help="what names each bar or point")
    p.add_argument("--highlight", metavar="ENTITY", help="the entity drawn in the accent colour")
    p.add_argument("--log", action=argparse.BooleanOptionalAction, default=None, help="log value axis")
    p.add_argument("--y-min", metavar="N", dest="y_min", type=_axis_number,
                   help="the value axis's lowest value ('auto' drops it); widened to the data, never cut")
    p.add_argument("--y-max", metavar="N", dest="y_max", type=_axis_number,
                   help="the value axis's highest value ('auto' drops it)")
    p.add_argument("--colour", "--color", metavar="SERIES=#HEX", action="append", dest="colours",
                   help="a series' colour (series key or slug#0); SERIES=auto drops it; repeat for more")
    p.add_argument("--audience", metavar="A", action="append", dest="audiences",
                   help="an audience whose pack holds the chart; repeat for more (default: every audience)")


def _axis_number(text: str) -> float | str:
    """A number, or "auto" (the option's removal); argparse names the flag when this raises."""
    if text.strip().lower() == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"“{text}” is not a number (or auto)") from None
    return int(value) if value.is_integer() and abs(value) < 2**53 else value


_FIELDS = ("title", "kind", "subtitle", "note", "source", "size", "unit", "number_format")
_OPTIONS = {"labels": "category", "highlight": "highlight", "log": "log"}


def _apply(raw: dict[str, Any], args: argparse.Namespace) -> dict[str, Any]:
    """The spec's JSON form with the given command-line fields laid over it."""
    out = dict(raw)
    for name in _FIELDS:
        value = getattr(args, name, None)
        if value is not None:
            out[name] = value
    for name in ("metrics", "series", "audiences"):
        value = getattr(args, name, None)
        if value is not None:
            out[name] = list(value)
    options = dict(out.get("options") or {})
    for arg, option in _OPTIONS.items():
        value = getattr(args, arg, None)
        if value is not None:
            options[option] = value
    for name in ("y_min", "y_max"):
        value = getattr(args, name, None)
        if value == "auto":
            options.pop(name, None)
        elif value is not None:
            options[name] = value
    colours = dict(options.get("colours") or {})
    for item in getattr(args, "colours", None) or ():
        series, _, colour = str(item).partition("=")
        # A malformed pair reaches the service's validation, which names it (options.colours.SERIES).
        if colour.strip().lower() == "auto":
            colours.pop(series.strip(), None)
        else:
            colours[series.strip()] = colour.strip()
    if colours:
        options["colours"] = colours
    else:
        options.pop("colours", None)
    out["options"] = options
    return out


def _save(service: ChartService, raw: dict[str, Any], *, pick_kind: bool) -> int:
    from briefing.domain.charts import validate_chart_spec

    try:
        spec = validate_chart_spec({**raw, "kind": raw.get("kind") or "bar"})
        if pick_kind:
            unfit = service.unfit_chart_kinds(spec)
            fitting = [k for k in _PREFERRED if k not in unfit]
            if not fitting:
                return _fail(f"kind: no chart kind fits this data: {unfit[ChartKind.BAR]}")
            spec = dataclasses.replace(spec, kind=fitting[0])
        saved = service.save_chart(spec)
    except ValidationError as exc:
        return _fail("; ".join(f"{e.field}: {e.message}" for e in exc.errors))
    except BriefingError as exc:
        return _fail(str(exc))
    print(f"{saved.key} {saved.kind.value} {saved.title}")
    return 0


_PREFERRED = (ChartKind.BAR, ChartKind.LINE, ChartKind.GROUPED_BAR, ChartKind.SHARE, ChartKind.TIMELINE,
              ChartKind.RANGE, ChartKind.MULTIPLES, ChartKind.KEY_FIGURES)


def cmd_show(args: argparse.Namespace, service: ChartService) -> int:
    import json

    try:
        spec = service.get_chart(args.key)
        unfit = service.unfit_chart_kinds(spec)
    except BriefingError as exc:
        return _fail(str(exc))
    out = {**spec.to_dict(omit_defaults=True),
           "fits": [k.value for k in ChartKind if k not in unfit],
           "does_not_fit": {k.value: why for k, why in unfit.items()}}
    print(json.dumps(out, indent=2, ensure_ascii=False))
    return 0


def cmd_new(args: argparse.Namespace, service: ChartService) -> int:
    import re

    key = args.key or re.sub(r"[^a-z0-9]+", "-", args.title.lower()).strip("-")[:60] or "chart"
    try:
        service.get_chart(key)
        return _fail(f"key: a chart “{key}” already exists; give another --key")
    except BriefingError:
        pass
    raw = _apply({"key": key}, args)
    return _save(service, raw, pick_kind=args.kind is None)


def cmd_edit(args: argparse.Namespace, service: ChartService) -> int:
    try:
        spec = service.get_chart(args.key)
    except BriefingError as exc:
        return _fail(str(exc))
    return _save(service, _apply(spec.to_dict(), args), pick_kind=False)


def cmd_delete(args: argparse.Namespace, service: ChartService) -> int:
    try:
        deleted = service.delete_chart(args.key)
    except BriefingError as exc:
        return _fail(str(exc))
    print(f"deleted {deleted.key}")
    return 0


def _fail(message: str) -> int:
    print(f"briefing charts: {message}", file=sys.stderr)
    return 2


def _theme(service: ChartService) -> Theme:
    """The house theme in the current report's colours."""
    from briefing.theme import report_theme

    return report_theme(service.get_report().colours)


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
        results = render_many(jobs, workers=max(1, args.workers), theme=_theme(service))
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
    from briefing.charts.deck import DeckCover
    from briefing.compose.scope import deck_manifest
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
        audience = service.get_audience(args.audience) if args.audience else None
        write_deck(items, out, theme=_theme(service), cover=DeckCover.for_report(service.get_report(), audience),
                   manifest=deck_manifest(service.report(), audience, items, findings))
        for spec, data in items:
            for w in data.warnings:
                print(f"briefing charts: warning: {spec.key}: {w}", file=sys.stderr)
        print(out)
    except (BriefingError, ValueError, OSError) as exc:
        return _fail(str(exc))
    return 0
