"""The writer registry: one module per format, loaded on first use, plus the safe export to a file.

Importing this package is cheap on purpose (no reportlab, no python-docx): the GUI lists formats at
start-up and only pays for a writer when the user exports with it.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar, cast

from briefing.domain.errors import BriefingError

if TYPE_CHECKING:
    from briefing.charts.data import ChartData
    from briefing.charts.sizes import ChartSize
    from briefing.document import Document, Figure
    from briefing.domain.charts import ChartSpec
    from briefing.theme import Theme

Progress = Callable[[float, str], None]
T = TypeVar("T")


class ChartRenderer(Protocol):
    """briefing.charts.render_bytes's shape; tests inject a stand-in."""

    def __call__(self, spec: ChartSpec, data: object, *, fmt: str = "png", size: str | ChartSize = "16:9",
                 theme: Theme | None = None, transparent: bool = False, dpi: int | None = None) -> bytes: ...


def document_chart(spec: ChartSpec, data: object, *, fmt: str = "png", size: str | ChartSize = "16:9",
                   theme: Theme | None = None, transparent: bool = False, dpi: int | None = None,
                   cache: Any = None) -> bytes:
    """A chart as a document shows it: the plot alone, cached like render_bytes.

    The document sets the figure's number, title, subtitle and cited source line as real text
    around it (searchable, in the page's own type, with [n] references), so the chart's own
    title and source "chrome" would only repeat them. Data warnings are raised as ChartWarning,
    as render_bytes does; the writers collect them. `cache`: a ChartCache other than the user's.
    """
    import warnings

    from briefing.charts import ChartWarning, render_chart

    # A Figure holds its data opaquely (the document layer knows no charts); compose put ChartData there.
    result = render_chart(spec, cast("ChartData", data), fmt=fmt, size=size, theme=theme,
                          transparent=transparent, dpi=dpi, chrome=False, cache=cache)
    for message in result.warnings:
        warnings.warn(f"chart {spec.key}: {message}", ChartWarning, stacklevel=2)
    return result.data


def warm_charts(doc: Document, options: WriteOptions, theme: Theme, *, fmt: str, dpi: int | None = None) -> None:
    """Draw the document's uncached charts up front, on both cores where that pays (briefing.charts
    decides), so the writer's own per-figure calls that follow are cache reads. Only for the default
    renderer: an injected one (tests, previews) is left alone."""
    if options.render_chart is not None:
        return
    from briefing.charts import RenderJob, uncached

    jobs = []
    seen = set()
    for fig in doc.figures:
        try:
            key = (fig.spec, fig.data)
            if key in seen:
                continue
            seen.add(key)
        except TypeError:
            pass
        jobs.append(RenderJob(spec=fig.spec, data=cast("ChartData", fig.data), fmt=fmt, size=print_size(fig),
                              dpi=dpi, chrome=False))
    missing = uncached(jobs, theme)
    if len(missing) < 2:
        return  # nothing, or one chart, to draw: the writer's own call is as fast
    from briefing.charts import render_many  # loads matplotlib: only when there is drawing to do

    try:
        render_many(missing, theme=theme)
    except Exception:  # noqa: BLE001 - the writer draws each chart again and reports what fails
        return


def print_size(fig: Figure) -> Any:
    """A figure's chart size on the page: the text width, with the aspect of its kind."""
    from briefing.charts.sizes import document_size

    points = getattr(fig.data, "points", ())
    kind = str(getattr(fig.spec, "kind", ""))
    return document_size(kind, len({getattr(p, "label", i) for i, p in enumerate(points)}))


def render_figures(
    doc: Document,
    options: WriteOptions,
    theme: Theme,
    *,
    fmt: str,
    dpi: int | None,
    convert: Callable[[bytes], T],
    note: Callable[[str], None],
    report: Progress,
) -> dict[int, T | None]:
    """Each figure's chart, drawn once per export (a figure repeated in the document is drawn once),
    passed through `convert`. Chart warnings and failures become notes; a failed chart maps to None
    and the writer puts a placeholder box in its place."""
    import warnings

    warm_charts(doc, options, theme, fmt=fmt, dpi=dpi)
    render = options.renderer()
    figures = doc.figures
    out: dict[int, T | None] = {}
    seen: dict[Any, T | None] = {}
    for i, fig in enumerate(figures):
        report(0.05 + 0.45 * i / max(len(figures), 1), f"Drawing chart {i + 1} of {len(figures)}")
        try:
            key: Any = (fig.spec, fig.data)
            hash(key)
        except TypeError:
            key = id(fig)
        if key not in seen:
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    seen[key] = convert(render(fig.spec, fig.data, fmt=fmt, size=print_size(fig), theme=theme,
                                                       dpi=dpi))
                for c in caught:
                    note(f"Figure {fig.number}: {c.message}")
            except ExportCancelled:
                raise
            except Exception as exc:  # noqa: BLE001 - a chart that fails to draw becomes a placeholder
                note(f"Figure {fig.number} (“{fig.caption}”) could not be drawn: {exc}")
                seen[key] = None
        out[fig.number] = seen[key]
    return out


class ExportCancelled(Exception):
    """The user cancelled; nothing was written and any previous file is untouched."""


class ExportError(BriefingError):
    """The export could not be written; the message names the path and what to do."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (str(self), self.path))


def _never() -> bool:
    return False


@dataclass(frozen=True)
class WriteOptions:
    """How to write. Every field has a sensible default, so WriteOptions() is a complete request."""

    cancelled: Callable[[], bool] = _never
    theme: Theme | None = None
    render_chart: ChartRenderer | None = None  # None: briefing.charts.render_bytes
    page_size: str = "A4"  # A4 | Letter
    chart_dpi: int = 200  # Word charts are PNG; 200 dpi prints sharply at column width
    reference_docx: Path | None = None  # None: templates/reference.docx

    def check(self) -> None:
        """Raise ExportCancelled if the user asked to stop; writers call it between nodes."""
        if self.cancelled():
            raise ExportCancelled("export cancelled")

    def renderer(self) -> ChartRenderer:
        return self.render_chart if self.render_chart is not None else document_chart

    def resolved_theme(self, doc: Document | None = None) -> Theme:
        """The theme asked for (else the house theme), in `doc`'s report colours when it has them."""
        if self.theme is not None:
            theme = self.theme
        else:
            from briefing.theme import default_theme

            theme = default_theme()
        if doc is not None:
            theme = theme.with_colours(doc.meta.palette, doc.meta.accents)
        return theme


@dataclass(frozen=True)
class WriteResult:
    data: bytes
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    format: str
    size: int
    warnings: list[str]
    seconds: float


class Writer(Protocol):
    def __call__(self, doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult: ...


@dataclass(frozen=True)
class WriterInfo:
    key: str
    label: str
    extension: str
    media_type: str
    module: str


WRITERS: dict[str, WriterInfo] = {
    "pdf": WriterInfo("pdf", "PDF document", "pdf", "application/pdf", "briefing.writers.pdf"),
    "docx": WriterInfo("docx", "Word document", "docx",
                       "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       "briefing.writers.docx"),
    "md": WriterInfo("md", "Markdown", "md", "text/markdown", "briefing.writers.md"),
}
FORMATS: tuple[str, ...] = tuple(WRITERS)


def writer_info(fmt: str) -> WriterInfo:
    try:
        return WRITERS[fmt]
    except KeyError:
        raise ExportError(f"Unknown format “{fmt}”; choose one of {', '.join(FORMATS)}") from None


def get_writer(fmt: str) -> Writer:
    """The format's write function; its module (and reportlab/python-docx) is imported now."""
    module: ModuleType = importlib.import_module(writer_info(fmt).module)
    return module.write


def write(doc: Document, fmt: str, options: WriteOptions | None = None,
          progress: Progress | None = None) -> WriteResult:
    """Render `doc` to bytes in memory (previews, tests, the clipboard)."""
    return get_writer(fmt)(doc, options or WriteOptions(), progress)


def export(
    doc: Document,
    fmt: str,
    path: str | Path,
    options: WriteOptions | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write `doc` to `path` safely: check the folder first, render, then replace atomically.

    A failure or a cancel at any point leaves a previous file at `path` exactly as it was.
    """
    from briefing.writers.safe import check_target, replace_atomically

    started = time.perf_counter()
    info = writer_info(fmt)
    target = check_target(Path(path))
    options = options or WriteOptions()
    options.check()
    result = get_writer(info.key)(doc, options, progress)
    options.check()
    size = replace_atomically(target, result.data)
    if progress is not None:
        progress(1.0, f"Saved {target.name}")
    return ExportResult(target, info.key, size, list(result.warnings), time.perf_counter() - started)


__all__ = [
    "FORMATS",
    "WRITERS",
    "ChartRenderer",
    "ExportCancelled",
    "ExportError",
    "ExportResult",
    "Progress",
    "WriteOptions",
    "WriteResult",
    "Writer",
    "WriterInfo",
    "document_chart",
    "export",
    "get_writer",
    "write",
    "writer_info",
]
