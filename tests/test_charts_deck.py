"""The PowerPoint deck: 16:9, a cover then one chart a slide on a master with title placeholders,
native bodies for every chart with data, the PDF's number formats, labels that read on their fills,
and file properties."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pptx.util import Emu
from test_charts_support import finding, seed_charts, seed_findings

from briefing.charts import ChartKind, ChartSpec, alt_text, resolve_chart_data, write_deck
from briefing.charts.deck import DeckCover
from briefing.domain.text import typographic
from briefing.paths import SEED_DATA
from briefing.store.seed import load_report

NATIVE_TYPES = {
    ChartKind.BAR: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.MULTIPLES: XL_CHART_TYPE.BAR_CLUSTERED,
    ChartKind.GROUPED_BAR: XL_CHART_TYPE.COLUMN_CLUSTERED,
    ChartKind.LINE: XL_CHART_TYPE.LINE_MARKERS,
    ChartKind.SHARE: XL_CHART_TYPE.BAR_STACKED_100,
    ChartKind.RANGE: XL_CHART_TYPE.BAR_STACKED,
}
EXAMPLE = SEED_DATA / "examples" / "harbor-water"
COVER = DeckCover(title="Digital in Asia — April 2026", subtitle="China’s AI industry", edition="April 2026",
                  audience="Investors and operators", data_as_of=None, author="Tom Simpson",
                  publisher="Digital in Asia", keywords=("Investors and operators", "Digital in Asia"),
                  accent="investors")


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def deck(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ChartSpec]]:
    root = tmp_path_factory.mktemp("deck")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("BRIEFING_CACHE", str(root / "cache"))
        specs = list(seed_charts())
        items = [(s, resolve_chart_data(s, seed_findings())) for s in specs]
        path = root / "charts.pptx"
        write_deck(items, path, cover=COVER)
    return path, specs


def test_deck_is_16_9_with_one_slide_per_chart(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    assert len(prs.slides) == len(specs) + 1  # the cover first
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".partial")]
    for slide, spec in zip(list(prs.slides)[1:], specs):
        text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
        title = typographic(spec.title)  # chart text is set with curly quotes and dashes
        assert title[:30] in text.replace("\n", " ") or title[:12] in text
        assert "Source" in text, spec.key


def test_every_chart_with_data_is_native_with_alt_text(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    findings = seed_findings()
    kinds_seen = set()
    for slide, spec in zip(list(prs.slides)[1:], specs):
        data = resolve_chart_data(spec, findings)
        assert data.points, spec.key
        charts = [s for s in slide.shapes if s.has_chart]
        tables = [s for s in slide.shapes if s.has_table]
        pictures = [s for s in slide.shapes if s.shape_type is not None and s.shape_type == 13]
        assert not pictures, spec.key
        description = alt_text(spec, data)
        kinds_seen.add(spec.kind)
        if spec.kind in NATIVE_TYPES:
            assert len(charts) == 1 and not tables, spec.key
            chart = charts[0].chart
            assert chart.chart_type == NATIVE_TYPES[spec.kind], spec.key
            values = [v for plot in chart.plots for series in plot.series for v in series.values if v is not None]
            assert values, spec.key
            assert charts[0]._element.nvGraphicFramePr.cNvPr.get("descr") == description
        elif spec.kind is ChartKind.TIMELINE:
            assert len(tables) == 1 and not charts, spec.key
            cells = [c.text for row in tables[0].table.rows for c in row.cells]
            assert cells[:2] == ["When", "What"]
            assert len(tables[0].table.rows) == len(data.points) + 1, spec.key
            assert tables[0]._element.nvGraphicFramePr.cNvPr.get("descr") == description
        else:
            assert spec.kind is ChartKind.KEY_FIGURES and not charts and not tables, spec.key
            text = " ".join(s.text_frame.text for s in slide.shapes if s.has_text_frame)
            from briefing.charts.fmt import value_text

            for p in data.points:
                assert value_text(p, spec.number_format, spec.unit) in text, (spec.key, p.label)
        notes = slide.notes_slide.notes_text_frame
        assert notes is not None and notes.text == description
    assert kinds_seen == set(ChartKind)  # the seed shows every kind, so every builder ran


@pytest.mark.parametrize("root", [SEED_DATA, EXAMPLE], ids=["seed", "harbor-water"])
def test_count_of_native_charts_over_both_reports(root: Path, tmp_path: Path) -> None:
    specs = seed_charts(root)
    findings = seed_findings(root)
    items = [(s, resolve_chart_data(s, findings)) for s in specs]
    path = tmp_path / "deck.pptx"
    write_deck(items, path, cover=DeckCover.for_report(_report(root)))
    slides = list(Presentation(str(path)).slides)[1:]
    with_data = [(slide, spec) for slide, (spec, data) in zip(slides, items) if data.points]
    assert len(with_data) == len(specs)
    charts = sum(1 for slide, _ in with_data if any(s.has_chart for s in slide.shapes))
    tables = sum(1 for slide, _ in with_data if any(s.has_table for s in slide.shapes))
    pictures = sum(1 for slide, _ in with_data for s in slide.shapes if s.shape_type == 13)
    expected_charts = sum(1 for s in specs if s.kind in NATIVE_TYPES)
    assert (charts, tables, pictures) == (expected_charts, sum(1 for s in specs if s.kind is ChartKind.TIMELINE), 0)
    if root == SEED_DATA:
        assert (charts, tables) == (10, 4)  # of 17: the other three are key-figure tiles


def _report(root: Path):  # type: ignore[no-untyped-def]
    from briefing.domain.model import Report

    raw = load_report(root)
    return Report(1, raw["key"], raw["title"], raw.get("subtitle", ""), raw.get("publisher", ""),
                  raw.get("author", ""), str(raw.get("edition", "")))


def test_native_charts_hold_the_findings_numbers(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, specs = deck
    prs = Presentation(str(path))
    by_key = {s.key: slide for s, slide in zip(specs, list(prs.slides)[1:])}
    weekly = next(s for s in by_key["openrouter-weekly-tokens"].shapes if s.has_chart).chart
    # Unscaled numbers: the number format writes "5.16T", as the PDF does.
    assert list(weekly.plots[0].series[0].values) == [5.16e12, 2.7e12]
    assert list(weekly.plots[0].categories) == ["Chinese models", "US models"]
    line = next(s for s in by_key["china-daily-tokens"].shapes if s.has_chart).chart
    assert b"logBase" in line.part.blob
    share = next(s for s in by_key["openrouter-top10-share"].shapes if s.has_chart).chart
    assert [list(s.values) for s in share.plots[0].series] == [[61.0], [39.0]]


def test_bad_chart_goes_in_as_a_picture_and_the_write_is_atomic(tmp_path: Path) -> None:
    spec = ChartSpec("empty", ChartKind.BAR, "Nothing here", series=("missing",))
    good = ChartSpec("ok", ChartKind.GROUPED_BAR, "Fine", series=("s",))
    f = finding("f", ("A", "1", "%", None, "X", "2026", None), ("B", "2", "%", None, "Y", "2026", None))
    target = tmp_path / "deck.pptx"
    target.write_bytes(b"old")
    write_deck([(spec, resolve_chart_data(spec, [f])), (good, resolve_chart_data(good, [f]))], target)
    prs = Presentation(str(target))
    first, second = prs.slides
    assert not any(s.has_chart for s in first.shapes)
    assert any(s.has_chart for s in second.shapes)
    assert "No metrics" in " ".join(s.text_frame.text for s in first.shapes if s.has_text_frame)
    with pytest.raises(OSError):
        write_deck([(good, resolve_chart_data(good, [f]))], tmp_path / "no-such-dir" / "deck.pptx")
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["deck.pptx"]


def test_native_charts_leave_the_title_to_the_slide_and_date_axes_tick_yearly(
    deck: tuple[Path, list[ChartSpec]],
) -> None:
    from pptx.oxml.ns import qn

    path, _specs = deck
    prs = Presentation(str(path))
    charts = [shape.chart for slide in prs.slides for shape in slide.shapes if shape.has_chart]
    assert charts
    assert all(not chart.has_title for chart in charts)
    date_axes = [ax for chart in charts for ax in chart._chartSpace.iter(qn("c:dateAx"))]
    assert date_axes, "the line chart over dated points should have a date axis"
    for ax in date_axes:
        assert ax.find(qn("c:majorUnit")).get("val") == "12"
        assert ax.find(qn("c:majorTimeUnit")).get("val") == "months"
        assert ax.find(qn("c:numFmt")).get("formatCode") == "yyyy"


# ---- Issue 15, item 9: a deck a presenter can use


def test_every_slide_has_a_title_placeholder_with_one_unbroken_paragraph(
    deck: tuple[Path, list[ChartSpec]],
) -> None:
    from pptx.enum.shapes import PP_PLACEHOLDER

    path, specs = deck
    prs = Presentation(str(path))
    layouts = [slide.slide_layout.name for slide in prs.slides]
    assert layouts == ["Title Slide"] + ["Title Only"] * len(specs)
    titles = []
    for slide in prs.slides:
        title = slide.shapes.title
        assert title is not None and title.is_placeholder
        assert title.placeholder_format.type in (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
        # No hard breaks: one paragraph, no <a:br>, no vertical tab; PowerPoint wraps it.
        assert len(title.text_frame.paragraphs) == 1
        assert b"<a:br" not in title._element.xml.encode() and "\v" not in title.text_frame.text
        titles.append(title.text_frame.text)
    assert titles == [COVER.title] + [typographic(s.title) for s in specs]
    # The house style lives on the master: left-aligned bold titles in the house font, not Calibri.
    style = prs.slide_master._element.xml
    title_style = style[style.index("<p:titleStyle"):style.index("</p:titleStyle>")]
    assert 'algn="l"' in title_style and 'b="1"' in title_style and 'typeface="DejaVu Sans"' in title_style
    assert "+mj-lt" not in title_style


def test_cover_names_report_edition_audience_and_data_date(deck: tuple[Path, list[ChartSpec]]) -> None:
    path, _specs = deck
    cover = Presentation(str(path)).slides[0]
    text = "\n".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    assert cover.shapes.title.text_frame.text == "Digital in Asia — April 2026"
    assert "April 2026 · Investors and operators" in text
    # The report records no date, so the newest observation shown; never a projection's future date.
    line = next(t for t in text.splitlines() if t.startswith("Data as of "))
    assert line.endswith("2026") and "2029" not in line and "2030" not in line


@pytest.mark.parametrize("as_of, shown", [(date(2026, 4, 1), "April 2026"), (date(2025, 12, 31), "31 December 2025"),
                                          (date(2026, 1, 1), "2026")])
def test_cover_prints_the_reports_data_date_as_the_briefing_does(as_of: date, shown: str, tmp_path: Path) -> None:
    import dataclasses

    path = tmp_path / "deck.pptx"
    write_deck([], path, cover=dataclasses.replace(COVER, data_as_of=as_of))
    cover = Presentation(str(path)).slides[0]
    text = "\n".join(s.text_frame.text for s in cover.shapes if s.has_text_frame)
    assert f"Data as of {shown}" in text.splitlines()


def test_file_properties_come_from_the_report_and_audience(deck: tuple[Path, list[ChartSpec]]) -> None:
    from datetime import datetime, timedelta

    path, _specs = deck
    props = Presentation(str(path)).core_properties
    assert props.title == COVER.title
    assert props.subject == "China’s AI industry — Investors and operators"
    assert props.author == "Tom Simpson"
    assert props.keywords == "Investors and operators; Digital in Asia"
    assert props.last_modified_by == "Briefing"
    assert props.created is not None and abs(props.created - datetime.utcnow()) < timedelta(hours=1)
    # The extended properties are the deck's own, not the template's ("Microsoft Macintosh PowerPoint", 4:3).
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(path) as z:
        app = ElementTree.fromstring(z.read("docProps/app.xml"))
    ns = {"e": "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
          "vt": "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"}
    assert app.findtext("e:Application", namespaces=ns).startswith("Briefing ")
    assert app.findtext("e:PresentationFormat", namespaces=ns) == "Widescreen"
    assert app.findtext("e:Slides", namespaces=ns) == str(len(_specs) + 1)
    parts = [e.text for e in app.iterfind("e:TitlesOfParts/vt:vector/vt:lpstr", ns)]
    assert parts[1:] == [COVER.title] + [typographic(s.title) for s in _specs]


def _labels(chart):  # type: ignore[no-untyped-def]
    """(series index, point index, number format, text colour, position) for every point label."""
    from pptx.oxml.ns import qn

    out = []
    for si, ser in enumerate(chart._chartSpace.iter(qn("c:ser"))):
        for dlbl in ser.iter(qn("c:dLbl")):
            idx = int(dlbl.find(qn("c:idx")).get("val"))
            fmt = dlbl.find(qn("c:numFmt"))
            colour = next(iter(dlbl.iter(qn("a:srgbClr"))), None)
            pos = dlbl.find(qn("c:dLblPos"))
            out.append((si, idx, fmt.get("formatCode") if fmt is not None else None,
                        colour.get("val") if colour is not None else None, pos.get("val") if pos is not None else None))
    return out


def test_labels_use_the_pdfs_number_formats(deck: tuple[Path, list[ChartSpec]]) -> None:
    from briefing.charts.deck_charts import excel_format

    assert excel_format("100B") == '0,,,"B";"−"0,,,"B"'
    assert excel_format("$650B") == '"$"0,,,"B";"−""$"0,,,"B"'
    assert excel_format("5.16T") == '0.00,,,,"T";"−"0.00,,,,"T"'
    assert excel_format("2,000") == '#,##0;"−"#,##0'
    assert excel_format("61%") == '0"%";"−"0"%"'
    assert excel_format("6.7×") == '0.0"×";"−"0.0"×"'
    assert excel_format("1/6") is None
    path, specs = deck
    prs = Presentation(str(path))
    by_key = {s.key: slide for s, slide in zip(specs, list(prs.slides)[1:])}
    line = next(s for s in by_key["china-daily-tokens"].shapes if s.has_chart).chart
    formats = [f for _, _, f, _, _ in _labels(line)]
    assert formats == [excel_format("100B"), excel_format("140T")]  # not "0.1T"
    assert list(line.plots[0].series[0].values) == [1e11, 1.4e14]
    # The log axis ticks in the same style, and says it is a log scale of what.
    assert line.value_axis.tick_labels.number_format.startswith('[>=1000000000000]#,##0,,,,"T"')
    assert line.value_axis.axis_title.text_frame.text == "Tokens per day, log scale"
    multiples = next(s for s in by_key["superpod-multiples"].shapes if s.has_chart).chart
    assert [f for _, _, f, _, _ in _labels(multiples)] == [excel_format(t) for t in ("62×", "15×", "6.7×")]
    assert list(multiples.plots[0].categories) == ["Interconnect bandwidth", "Memory", "Compute"]  # bottom up
    # Multiples grow from the 1× line, and the axis there says what 1× is.
    assert multiples.value_axis.crosses_at == 1.0
    assert multiples.value_axis.axis_title.text_frame.text == "1× = NVIDIA NVL144"


@pytest.mark.parametrize("audience", ["full", "asia", "west", "investors"])
def test_labels_inside_a_fill_read_against_it(audience: str, tmp_path: Path) -> None:
    """Every label drawn on a bar or segment is white or ink, whichever contrasts more with that fill,
    and passes WCAG AA for its size (labels are 16 pt bold, large text: 3:1), in every audience's
    accent; labels outside the bars are ink on the white slide (4.5:1 and more)."""
    import dataclasses

    from pptx.oxml.ns import qn

    from briefing.theme import contrast, default_theme

    theme = default_theme()
    specs = [dataclasses.replace(s, accent=audience) for s in seed_charts()
             if s.kind in (ChartKind.SHARE, ChartKind.RANGE, ChartKind.BAR)]
    items = [(s, resolve_chart_data(s, seed_findings())) for s in specs]
    path = tmp_path / "deck.pptx"
    write_deck(items, path)
    checked = 0
    for slide in Presentation(str(path)).slides:
        chart = next(s for s in slide.shapes if s.has_chart).chart
        sers = list(chart._chartSpace.iter(qn("c:ser")))
        label_xml = {(si, int(d.find(qn("c:idx")).get("val"))): __import__("lxml.etree").etree.tostring(d).decode()
                     for si, ser in enumerate(sers) for d in ser.iter(qn("c:dLbl"))}
        for si, idx, _fmt, colour, pos in _labels(chart):
            assert colour is not None
            if pos in ("outEnd",) or (pos == "inEnd" and si == 0 and chart.chart_type == XL_CHART_TYPE.BAR_STACKED):
                background = theme.background  # outside the bar, or over a floating bar's invisible part
            else:
                ser = sers[si]
                point_fill = next((dpt for dpt in ser.iter(qn("c:dPt"))
                                   if int(dpt.find(qn("c:idx")).get("val")) == idx), None)
                holder = point_fill if point_fill is not None else ser.find(qn("c:spPr"))
                background = "#" + next(holder.iter(qn("a:srgbClr"))).get("val")
            ratio = contrast("#" + colour, background)
            best = max(contrast("#FFFFFF", background), contrast(theme.ink, background))
            assert ratio == best, (audience, chart.chart_type, colour, background)
            assert ratio >= (4.5 if background == theme.background else 3.0), (audience, colour, background, ratio)
            assert "sz=\"1600\" b=\"1\"" in label_xml[(si, idx)], label_xml[(si, idx)]
            checked += 1
    assert checked >= 8


@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice renders the deck")
def test_libreoffice_draws_the_pdfs_numbers(deck: tuple[Path, list[ChartSpec]], tmp_path: Path) -> None:
    """What a viewer shows: the labels' number formats rendered by LibreOffice Impress."""
    import subprocess

    from pypdf import PdfReader

    path, specs = deck
    out = tmp_path / "out"
    subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path}/lo", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=180)
    pages = [p.extract_text() for p in PdfReader(out / "charts.pdf").pages]
    assert len(pages) == len(specs) + 1
    by_key = dict(zip((s.key for s in specs), pages[1:]))
    tokens = by_key["china-daily-tokens"]
    assert "100B" in tokens and "140T" in tokens and "0.1T" not in tokens
    assert "1T" in tokens and "Tokens per day, log scale" in tokens
    assert "5.16T" in by_key["openrouter-weekly-tokens"] and "2.7T" in by_key["openrouter-weekly-tokens"]
    assert "$650B" in by_key["hyperscaler-spending"] and "$0.65T" not in by_key["hyperscaler-spending"]
    assert "$100M" in by_key["training-cost"] and "$6M" in by_key["training-cost"]
    assert "61%" in by_key["openrouter-top10-share"] and "Chinese models" in by_key["openrouter-top10-share"]
    assert "1/6" in by_key["cost-vs-us"] and "1/4" in by_key["cost-vs-us"]
    assert "62×" in by_key["superpod-multiples"]


def test_a_line_over_years_reported_on_one_date_keeps_its_years(tmp_path: Path) -> None:
    """harbor-water's reservoir draw: 2021, 2023 and 2025 from one finding as of 31 December 2025.
    The date axis follows the periods, so the three points stay three (not one on the as-of date)."""
    root = EXAMPLE
    spec = next(s for s in seed_charts(root) if s.key == "reservoir-draw")
    data = resolve_chart_data(spec, seed_findings(root))
    assert len({p.as_of for p in data.points}) == 1 and len(data.points) == 3
    path = tmp_path / "deck.pptx"
    write_deck([(spec, data)], path)
    chart = next(s for s in Presentation(str(path)).slides[0].shapes if s.has_chart).chart
    assert list(chart.plots[0].series[0].values) == [68e6, 65e6, 61e6]
    assert len(list(chart.plots[0].categories)) == 3
    # The ticks say "60M"; the axis says what is counted, not "million" a second time; from zero.
    assert chart.value_axis.axis_title.text_frame.text == "m³"
    assert chart.value_axis.minimum_scale == 0


def test_every_kind_builds_natively_over_hand_made_data(tmp_path: Path) -> None:
    """Shapes the seed does not have: a plain range with a single value, a timeline point with no
    date (left out, as in the PNG), six key figures on two rows, a line over undated periods."""
    f = finding(
        "edge",
        ("Low", "2", "%", None, "Alpha", "2025", None),
        ("High", "5", "%", None, "Alpha", "2026", None),
        ("Only", "3", "%", None, "Beta", "2026-Q2", None),
    )
    g = finding("six", *[(f"Figure {i}", str(i * 1000), "", None, f"E{i}", "2026", None) for i in range(1, 7)],
                series="six")
    h = finding("undated", ("Phase one", "1", "", None, "X", "phase one", None),
                ("Phase two", "2", "", None, "X", "phase two", None), series="u")
    from briefing.domain.charts import MetricRef

    def refs(*texts: str) -> tuple[MetricRef, ...]:
        return tuple(MetricRef.parse(t) for t in texts)

    specs = [
        ChartSpec("range", ChartKind.RANGE, "A plain range", metrics=refs("edge#0", "edge#1", "edge#2")),
        ChartSpec("tl", ChartKind.TIMELINE, "When", metrics=refs("edge#0", "edge#2", "undated#0")),
        ChartSpec("six", ChartKind.KEY_FIGURES, "Six figures", metrics=refs(*(f"six#{i}" for i in range(6)))),
        ChartSpec("line", ChartKind.LINE, "Phases", series=("u",)),
    ]
    items = [(s, resolve_chart_data(s, [f, g, h])) for s in specs]
    path = tmp_path / "edge.pptx"
    write_deck(items, path)
    slides = list(Presentation(str(path)).slides)
    rng = next(s for s in slides[0].shapes if s.has_chart).chart
    assert rng.chart_type == XL_CHART_TYPE.BAR_STACKED
    start, span = rng.plots[0].series
    assert list(rng.plots[0].categories) == ["Beta", "Alpha"]  # first row on top: drawn bottom up
    assert list(start.values) == [3.0, 2.0] and list(span.values) == [0.0, 3.0]
    # Beta's single value is labelled where it sits (the start series ends there); Alpha's band at both ends.
    assert [(si, idx) for si, idx, *_ in _labels(rng)] == [(0, 0), (0, 1), (1, 1)]
    # The band's series holds high − low (3), so its label is the high end's text, not its value.
    assert [start.points[0].data_label.text_frame.text, start.points[1].data_label.text_frame.text,
            span.points[1].data_label.text_frame.text] == ["3%", "2%", "5%"]
    table = next(s for s in slides[1].shapes if s.has_table).table
    assert [c.text for c in table.rows[1].cells] == ["2025", "Low"] and len(table.rows) == 3
    tiles = [s for s in slides[2].shapes if s.has_text_frame and s.text_frame.text.startswith(("1,000", "6,000"))]
    assert len(tiles) == 2 and tiles[0].top < tiles[1].top  # two rows of three
    line = next(s for s in slides[3].shapes if s.has_chart).chart
    assert list(line.plots[0].categories) == ["phase one", "phase two"]


def test_a_label_whose_text_is_not_its_value_is_set_as_text() -> None:
    """The number format must write the point's own value as the PDF's text; where it would not
    (a band's high − low, a percent of a scaled metric), the label carries the text instead."""
    from briefing.charts.deck_charts import _writes

    assert _writes(1e11, "100B") and _writes(5.16e12, "5.16T") and _writes(1.4e14, "140T")
    assert _writes(2000.0, "2,000") and _writes(6.7, "6.7×") and _writes(-5e9, "−$5B")
    assert not _writes(3.0, "5%") and not _writes(61e6, "61%") and not _writes(1.0, "1/6")
