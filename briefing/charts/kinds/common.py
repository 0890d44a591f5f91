"""The frame every chart kind draws into: header, footer, fixed-margin layout, measured text and shapes."""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Rectangle
from matplotlib.text import Text

from briefing.charts.data import ChartData, Point
from briefing.charts.shapes import labels_option  # noqa: F401 - the kinds import it from here
from briefing.charts.style import ChartSize, Colours, drawable, families, font, register_fonts
from briefing.domain.charts import ChartSpec
from briefing.domain.text import typographic
from briefing.theme import Theme, darken_to


@dataclass(frozen=True)
class Box:
    """A rectangle in figure inches, origin bottom-left."""

    x: float
    y: float
    w: float
    h: float

    @property
    def top(self) -> float:
        return self.y + self.h

    @property
    def right(self) -> float:
        return self.x + self.w

    def inset(self, left: float = 0, bottom: float = 0, right: float = 0, top: float = 0) -> Box:
        return Box(self.x + left, self.y + bottom, max(self.w - left - right, 0.01), max(self.h - bottom - top, 0.01))


@dataclass
class Check:
    """What a kind thinks of its data before drawing: a blocking problem, and notes worth a warning."""

    blocking: str | None = None
    notes: list[str] = field(default_factory=list)


_WIDE = ("W", "F")
_TOKEN = re.compile(r"\S+|\s+")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words (with whether a space precedes them); each CJK character is a word of its own, as CJK
    text breaks between any two characters."""
    out: list[tuple[str, bool]] = []
    space = False
    for tok in _TOKEN.findall(text):
        if tok.isspace():
            space = True
            continue
        buf = ""
        first = True
        for ch in tok:
            if unicodedata.east_asian_width(ch) in _WIDE:
                if buf:
                    out.append((buf, space if first else False))
                    first = False
                    buf = ""
                out.append((ch, space if first else False))
                first = False
            else:
                buf += ch
        if buf:
            out.append((buf, space if first else False))
        space = False
    return out


_REF_PT = 48.0
_measure_lock = threading.Lock()


@lru_cache(maxsize=1)
def _ref_renderer() -> RendererAgg:
    # 72 dpi: one pixel is one point, so widths come back in points.
    return FigureCanvasAgg(Figure(figsize=(1, 1), dpi=72)).get_renderer()


@lru_cache(maxsize=50_000)
def _ref_width(word: str, bold: bool, fams: tuple[str, ...]) -> float:
    prop = FontProperties(family=list(fams), size=_REF_PT, weight="bold" if bold else "normal")
    with _measure_lock:
        w, _, _ = _ref_renderer().get_text_width_height_descent(word, prop, False)
    return float(w)


@lru_cache(maxsize=8)
def _space_width(bold: bool, fams: tuple[str, ...]) -> float:
    return _ref_width("x x", bold, fams) - _ref_width("xx", bold, fams)


class Measure:
    """Text as Agg lays it out: widths, wrapping to a width, and dropping glyphs the fonts lack."""

    def __init__(self, theme: Theme, renderer: RendererAgg, dpi: float) -> None:
        self.theme = theme
        self.renderer = renderer
        self.dpi = dpi
        self._ascents: dict[tuple[float, bool], float] = {}

    @classmethod
    def for_theme(cls, theme: Theme, dpi: float = 100) -> Measure:
        """A measurer without a chart (the deck writer sizes slide titles with it)."""
        register_fonts(theme)
        return cls(theme, FigureCanvasAgg(Figure(figsize=(1, 1), dpi=dpi)).get_renderer(), dpi)

    def clean(self, text: str, *, bold: bool = False) -> str:
        """The text set typographically (curly quotes, dashes, as the document's text), without
        characters no bundled font has (render reports those as a warning)."""
        return drawable(self.theme, typographic(text), bold=bold)[0]

    def width(self, text: str, size_pt: float, *, bold: bool = False) -> float:
        """Width in inches of one line of text: the sum of its words' widths (each measured once per
        process; FreeType layout costs about 15 µs a character) plus the spaces, with 2% to spare
        for hinting at small sizes."""
        if not text:
            return 0.0
        fams = tuple(families(self.theme))
        words = text.split(" ")
        total = sum(_ref_width(w, bold, fams) for w in words if w)
        total += (len(words) - 1) * _space_width(bold, fams)
        return total * size_pt / _REF_PT / 72 * 1.02

    def line_height(self, size_pt: float, spacing: float = 1.2) -> float:
        return size_pt * spacing / 72

    def wrap(self, text: str, size_pt: float, width_in: float, *, bold: bool = False, max_lines: int = 3) -> str:
        """Greedy word wrap to a width, measured; the last kept line ends in "…" when text is cut."""
        text = self.clean(text, bold=bold)
        lines: list[str] = []
        for para in text.split("\n"):
            cur = ""
            for tok, space in _tokens(para):
                cand = cur + (" " if space and cur else "") + tok
                if cur and self.width(cand, size_pt, bold=bold) > width_in:
                    lines.append(cur)
                    cur = tok
                else:
                    cur = cand
                while len(cur) > 1 and self.width(cur, size_pt, bold=bold) > width_in:
                    # One word wider than the line (a URL, a long compound): break it by characters.
                    cut = self._fit(cur, size_pt, width_in, bold)
                    lines.append(cur[:cut])
                    cur = cur[cut:]
            lines.append(cur)
        if len(lines) > max_lines:
            last = lines[max_lines - 1]
            while last and self.width(last + "…", size_pt, bold=bold) > width_in:
                last = last[:-1].rstrip()
            lines = [*lines[:max_lines - 1], last + "…"]
        return "\n".join(lines)

    def _fit(self, text: str, size_pt: float, width_in: float, bold: bool) -> int:
        lo, hi = 1, len(text)
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.width(text[:mid], size_pt, bold=bold) <= width_in:
                lo = mid
            else:
                hi = mid - 1
        return max(lo, 1)

    def fit_size(self, text: str, size_pt: float, width_in: float, *, bold: bool = False, floor: float = 6.0) -> float:
        """The largest size up to size_pt at which one line of text fits the width."""
        w = self.width(text, size_pt, bold=bold)
        if w <= width_in or w == 0:
            return size_pt
        return max(floor, size_pt * width_in / w * 0.98)

    def ascent(self, size_pt: float, *, bold: bool = False) -> float:
        """Top of a line to its baseline, in inches, as matplotlib lays out a top-aligned line."""
        key = (size_pt, bold)
        if key not in self._ascents:
            _, h, d = self.renderer.get_text_width_height_descent("lp", font(self.theme, size_pt, bold=bold), False)
            self._ascents[key] = (h - d) / self.dpi
        return self._ascents[key]


class Frame(Measure):
    """One chart being drawn. Coordinates are figure inches from the bottom-left corner."""

    def __init__(
        self,
        spec: ChartSpec,
        data: ChartData,
        theme: Theme,
        size: ChartSize,
        *,
        chrome: bool = True,
    ) -> None:
        register_fonts(theme)
        self.spec = spec
        self.data = data
        self.theme = theme
        self.size = size
        self.chrome = chrome
        self.s = size.font_scale
        self.colours = Colours.for_chart(theme, spec.accent)
        self.fig = Figure(figsize=(size.width_in, size.height_in), dpi=size.dpi, facecolor=theme.background)
        # Agg measures line metrics here and draws the PNG; savefig swaps in a vector canvas for SVG/PDF.
        self.canvas = FigureCanvasAgg(self.fig)
        super().__init__(theme, self.canvas.get_renderer(), size.dpi)
        self.W = size.width_in
        self.H = size.height_in
        self.plot = Box(0, 0, self.W, self.H)

    # ---- Colour and range the spec may set

    def series_colour(self, point: Point | None, default: str, key: str = "") -> str:
        """The colour the spec gives this point's series (or its own reference slug#0), else `default`."""
        chosen = self.spec.option("colours") or {}
        if not chosen:
            return default
        for k in ((key,) if key else ()) + ((point.series, str(point.ref)) if point is not None else ()):
            if k and k in chosen:
                return str(chosen[k])
        return default

    def text_in(self, colour: str) -> str:
        """`colour` darkened until text in it reads on the background (4.5:1): a chosen series
        colour only has to reach 3:1 as a mark, not as a label."""
        return darken_to(colour, (self.theme.background,), 4.5)

    def value_range(self, lo: float, hi: float) -> tuple[float, float]:
        """The data's own (lo, hi) widened to the spec's y_min/y_max; never narrowed, so a range
        cannot push a value out of the frame."""
        y_min, y_max = self.spec.option("y_min"), self.spec.option("y_max")
        if isinstance(y_min, (int, float)):
            lo = min(lo, float(y_min))
        if isinstance(y_max, (int, float)):
            hi = max(hi, float(y_max))
        return lo, hi

    # ---- Type

    def pt(self, name: str) -> float:
        """A theme size in points for this output size, never below what prints legibly."""
        floor = {"chart_title": 9.5, "chart_subtitle": 7.5, "chart_label": 7.0, "chart_tick": 6.5, "chart_source": 6.0}
        return max(self.theme.size(name) * self.s, floor.get(name, 6.0))

    @property
    def label_pt(self) -> float:
        return self.pt("chart_label")

    @property
    def value_pt(self) -> float:
        return self.pt("chart_label") * 1.2

    @property
    def tick_pt(self) -> float:
        return self.pt("chart_tick")

    def u(self, inches: float) -> float:
        """A layout length given at the 16:9 slide size, scaled to this output."""
        return inches * self.s

    # ---- Drawing primitives (all in figure inches)

    def text(
        self,
        x: float,
        y: float,
        s: str,
        *,
        size: float,
        bold: bool = False,
        color: str | None = None,
        ha: str = "left",
        va: str = "baseline",
        linespacing: float = 1.2,
        clean: bool = True,
        **kw: Any,
    ) -> Text:
        text = self.clean(s, bold=bold) if clean else s
        if va == "top" and "\n" not in text:
            # Agg snaps top-aligned text by its own glyph box, so "Catch-Up" and "Go-Go" in one row
            # land a pixel or two apart; anchoring on the baseline at the same layout height does not.
            y -= self.ascent(size, bold=bold)
            va = "baseline"
        # Literal text: "$", "_" and "%" from user data must never switch on mathtext or TeX.
        return self.fig.text(
            x,
            y,
            text,
            transform=self.fig.dpi_scale_trans,
            fontproperties=font(self.theme, size, bold=bold),
            color=color or self.colours.ink,
            ha=ha,
            va=va,
            linespacing=linespacing,
            parse_math=False,
            usetex=False,
            **kw,
        )

    def text_height(self, t: Text) -> float:
        """Height of a text block as matplotlib lays it out: each line takes linespacing x size
        (asking the Text for its extent lays it out again, a few ms per block)."""
        lines = t.get_text().count("\n") + 1
        spacing = t.get_linespacing()
        if not isinstance(spacing, (int, float)):  # "normal": never set by Frame.text, which passes a number
            raise ValueError("Frame.text_height needs a text with a numeric line spacing")
        return lines * t.get_fontproperties().get_size_in_points() * spacing / 72

    def rect(self, x: float, y: float, w: float, h: float, color: str, **kw: Any) -> Rectangle:
        # Shapes and lines share one zorder, so they stack in the order drawn (matplotlib would
        # otherwise always put lines over patches, e.g. a gridline across a bar).
        kw.setdefault("zorder", 1)
        r = Rectangle((x, y), max(w, 0.0), max(h, 0.0), transform=self.fig.dpi_scale_trans, facecolor=color,
                      edgecolor="none", linewidth=0, **kw)
        self.fig.add_artist(r)
        return r

    def line(self, xs: Sequence[float], ys: Sequence[float], color: str, width_pt: float, **kw: Any) -> Line2D:
        kw.setdefault("zorder", 1)
        kw.setdefault("solid_capstyle", "butt")
        ln = Line2D(list(xs), list(ys), transform=self.fig.dpi_scale_trans, color=color, linewidth=width_pt, **kw)
        self.fig.add_artist(ln)
        return ln

    def dot(self, x: float, y: float, r: float, color: str, *, edge: str | None = None, edge_pt: float = 0) -> Circle:
        c = Circle((x, y), r, transform=self.fig.dpi_scale_trans, facecolor=color,
                   edgecolor=edge or "none", linewidth=edge_pt, zorder=1)
        self.fig.add_artist(c)
        return c

    # ---- Layout

    def lay_out(self, warnings: Sequence[str]) -> Box:
        """Draw the header and footer and return the box left for the chart body."""
        c = self.colours
        if self.chrome:
            left = right = max(self.u(0.8), 0.3)
            top = max(self.u(0.55), 0.22)
            bottom = max(self.u(0.45), 0.18)
        else:
            # The body alone (a deck slide carries the title and source): its container has margins.
            left = right = max(self.u(0.35), 0.15)  # room for a centred tick label at either end
            top = bottom = 0.05
        width = self.W - left - right
        y = self.H - top
        if self.chrome:
            tag_h = max(self.u(0.085), 0.035)
            self.rect(left, y - tag_h, max(self.u(0.7), 0.3), tag_h, c.accent)
            y -= tag_h + max(self.u(0.2), 0.07)
            title = self.wrap(self.spec.title, self.pt("chart_title"), width, bold=True, max_lines=3)
            t = self.text(left, y, title, size=self.pt("chart_title"), bold=True, va="top", linespacing=1.15,
                          clean=False)
            y -= self.text_height(t)
            if self.spec.subtitle:
                y -= max(self.u(0.12), 0.04)
                sub = self.wrap(self.spec.subtitle, self.pt("chart_subtitle"), width, max_lines=2)
                t = self.text(left, y, sub, size=self.pt("chart_subtitle"), color=c.muted, va="top", clean=False)
                y -= self.text_height(t)
            y -= max(self.u(0.55), 0.2)
        yb = bottom
        if self.chrome:
            src_pt = self.pt("chart_source")
            lines: list[tuple[str, str]] = []
            if warnings:
                lines.append(("⚠ " + " ".join(warnings), c.warning))
            note = self.spec.note.strip()
            if note:
                lines.append((note if note.lower().startswith("note") else f"Note: {note}", c.muted))
            if self.data.source:
                lines.append((self.data.source, c.muted))
            gap = self.u(0.06)
            for text, colour in reversed(lines):
                wrapped = self.wrap(text, src_pt, width, max_lines=2)
                t = self.text(left, yb, wrapped, size=src_pt, color=colour, va="bottom", clean=False)
                yb += self.text_height(t) + gap
            if lines:
                yb += max(self.u(0.4), 0.14)
        self.plot = Box(left, yb, width, max(y - yb, 0.2))
        return self.plot

    def message(self, headline: str, detail: str) -> None:
        """The in-chart notice for data that cannot be drawn: readable on a slide, never a traceback."""
        c = self.colours
        box = self.plot
        pad = max(self.u(0.4), 0.12)
        head = self.wrap("⚠ " + headline, self.value_pt, box.w - 3 * pad, bold=True, max_lines=2)
        body = self.wrap(detail, self.label_pt, box.w - 3 * pad, max_lines=6)
        head_h = (head.count("\n") + 1) * self.line_height(self.value_pt)
        body_h = (body.count("\n") + 1) * self.line_height(self.label_pt)
        panel_h = min(box.h, head_h + body_h + self.u(0.15) + 2 * pad)
        y0 = box.y + (box.h - panel_h) * 0.55
        self.rect(box.x, y0, box.w, panel_h, c.panel)
        self.rect(box.x, y0, max(self.u(0.08), 0.03), panel_h, c.warning)
        top = y0 + panel_h - pad
        self.text(box.x + 2 * pad, top, head, size=self.value_pt, bold=True, va="top", clean=False)
        self.text(box.x + 2 * pad, top - head_h - self.u(0.15), body, size=self.label_pt, color=c.muted, va="top",
                  clean=False)


# ---- Shared helpers for the kinds

def highlight_match(spec: ChartSpec, p: Point, name: str) -> bool:
    want = str(spec.option("highlight", "") or "").strip().lower()
    if not want:
        return False
    return want in (name.lower(), p.entity.lower(), p.label.lower(), p.series.lower(), str(p.ref).lower())


def check_common(spec: ChartSpec, data: ChartData) -> Check | None:
    if data.points:
        return None
    why = " ".join(data.warnings) or "The chart names no metric series and no metrics."
    return Check(blocking=f"There is nothing to plot. {why}")
