"""The PDF writer's paragraph styles and colours, made from one theme and its registered fonts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from briefing.theme import Theme
from briefing.writers.pdf.fonts import FontSet


@dataclass(frozen=True)
class Styles:
    theme: Theme
    fonts: FontSet
    accent: colors.Color
    ink: colors.Color
    muted: colors.Color
    panel: colors.Color
    rule: colors.Color
    body: ParagraphStyle
    lead: ParagraphStyle
    quote: ParagraphStyle
    note: ParagraphStyle
    bullet: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    kicker: ParagraphStyle
    caption: ParagraphStyle
    figure_title: ParagraphStyle
    figure_subtitle: ParagraphStyle
    source: ParagraphStyle
    cell: ParagraphStyle
    cell_right: ParagraphStyle
    cell_head: ParagraphStyle
    tile_value: ParagraphStyle
    tile_label: ParagraphStyle
    tile_context: ParagraphStyle
    callout_title: ParagraphStyle
    reference: ParagraphStyle
    cover_kicker: ParagraphStyle
    cover_title: ParagraphStyle
    cover_subtitle: ParagraphStyle
    cover_label: ParagraphStyle
    cover_value: ParagraphStyle
    cover_note: ParagraphStyle
    cover_disclaimer: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


def make_styles(theme: Theme, fonts: FontSet, accent_hex: str) -> Styles:
    ink = colors.HexColor(theme.ink)
    muted = colors.HexColor(theme.muted)
    accent = colors.HexColor(accent_hex)
    body_size = theme.size("body") - 0.5  # DejaVu Sans sets wide; 9.5 pt reads like 10 pt elsewhere
    base = ParagraphStyle("body", fontName=fonts.regular, fontSize=body_size, leading=body_size * 1.5,
                          textColor=ink, spaceAfter=7, splitLongWords=1, allowWidows=0, allowOrphans=0)

    def s(name: str, **kw: Any) -> ParagraphStyle:
        return ParagraphStyle(name, parent=base, **kw)

    h1 = theme.size("h1")
    h2 = theme.size("h2")
    h3 = theme.size("h3")
    small = theme.size("small")
    return Styles(
        theme=theme, fonts=fonts, accent=accent, ink=ink, muted=muted,
        panel=colors.HexColor(theme.panel), rule=colors.HexColor(theme.rule),
        body=base,
        lead=s("lead", fontSize=body_size + 1.5, leading=(body_size + 1.5) * 1.45, textColor=ink, spaceAfter=9),
        quote=s("quote", fontName=fonts.italic, leftIndent=14, textColor=muted),
        note=s("note", fontSize=small, leading=small * 1.4, textColor=muted),
        bullet=s("bullet", leftIndent=14, bulletIndent=2, spaceAfter=4, bulletFontName=fonts.regular,
                 bulletColor=accent),
        h1=s("h1", fontName=fonts.bold, fontSize=h1, leading=h1 * 1.2, spaceBefore=14, spaceAfter=12,
             keepWithNext=1, textColor=ink),
        h2=s("h2", fontName=fonts.bold, fontSize=h2, leading=h2 * 1.25, spaceBefore=12, spaceAfter=6,
             keepWithNext=1, textColor=ink),
        h3=s("h3", fontName=fonts.bold, fontSize=h3, leading=h3 * 1.3, spaceBefore=8, spaceAfter=4,
             keepWithNext=1, textColor=muted),
        kicker=s("kicker", fontName=fonts.bold, fontSize=small, leading=small * 1.4, textColor=accent,
                 spaceAfter=4, keepWithNext=1),
        caption=s("caption", fontSize=small + 0.5, leading=(small + 0.5) * 1.4, spaceBefore=4, spaceAfter=1,
                  textColor=ink),
        figure_title=s("figure-title", fontName=fonts.bold, fontSize=body_size, leading=body_size * 1.35,
                       spaceBefore=4, spaceAfter=1, keepWithNext=1),
        figure_subtitle=s("figure-subtitle", fontSize=small + 0.5, leading=(small + 0.5) * 1.4, textColor=muted,
                          spaceAfter=2, keepWithNext=1),
        source=s("source", fontSize=small - 0.5, leading=(small - 0.5) * 1.4, textColor=muted, spaceBefore=3,
                 spaceAfter=12),
        cell=s("cell", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=0),
        cell_right=s("cell-right", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=0,
                     alignment=TA_RIGHT),
        cell_head=s("cell-head", fontName=fonts.bold, fontSize=small, leading=small * 1.35, spaceAfter=0,
                    textColor=muted),
        tile_value=s("tile-value", fontName=fonts.bold, fontSize=20, leading=24, textColor=accent, spaceAfter=3),
        tile_label=s("tile-label", fontSize=small + 0.5, leading=(small + 0.5) * 1.35, spaceAfter=3),
        tile_context=s("tile-context", fontSize=small - 1, leading=(small - 1) * 1.4, textColor=muted,
                       spaceAfter=0),
        callout_title=s("callout-title", fontName=fonts.bold, fontSize=small + 1, leading=(small + 1) * 1.4,
                        textColor=accent, spaceAfter=4),
        reference=s("reference", fontSize=small + 0.5, leading=(small + 0.5) * 1.45, leftIndent=24,
                    firstLineIndent=-24, spaceAfter=5),
        cover_kicker=s("cover-kicker", fontName=fonts.bold, fontSize=9, leading=13,
                       textColor=colors.Color(1, 1, 1, alpha=0.85), spaceAfter=14),
        cover_title=s("cover-title", fontName=fonts.bold, fontSize=theme.size("title"),
                      leading=theme.size("title") * 1.12, textColor=colors.white, spaceAfter=12),
        cover_subtitle=s("cover-subtitle", fontSize=13, leading=18, textColor=colors.Color(1, 1, 1, alpha=0.9)),
        cover_label=s("cover-label", fontName=fonts.bold, fontSize=small, leading=small * 1.4, textColor=muted,
                      spaceAfter=1),
        cover_value=s("cover-value", fontSize=11, leading=15, textColor=ink, spaceAfter=10),
        cover_note=s("cover-note", fontSize=small + 0.5, leading=(small + 0.5) * 1.4, textColor=ink, spaceAfter=6),
        cover_disclaimer=s("cover-disclaimer", fontSize=small, leading=small * 1.4, textColor=muted,
                           spaceBefore=4, spaceAfter=4),
        toc=(
            s("toc1", fontSize=body_size + 0.5, leading=(body_size + 0.5) * 1.9, leftIndent=22,
              firstLineIndent=-22),
            s("toc2", fontSize=body_size - 0.5, leading=(body_size - 0.5) * 1.7, leftIndent=36, textColor=muted),
            s("toc3", fontSize=body_size - 1, leading=(body_size - 1) * 1.6, leftIndent=48, textColor=muted),
        ),
    )

