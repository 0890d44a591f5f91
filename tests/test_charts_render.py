"""Rendering: every default chart draws from the seed, exact sizes, byte-identical vector output, the cache,
fonts without missing glyphs, and bad data drawn as a message instead of raised."""

from __future__ import annotations

import dataclasses
import io
import struct
import subprocess
import sys
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import matplotlib
import pytest
from PIL import Image
from test_charts_support import finding, seed_charts, seed_findings

from briefing.charts import (
    ChartCache,
    ChartKind,
    ChartSpec,
    ChartWarning,
    MetricRef,
    RenderJob,
    build_chart,
    render_bytes,
    render_chart,
    render_many,
    resolve_chart_data,
)
from briefing.charts import render as render_module
from briefing.charts.data import Point

# Small and quick where the test is about content, not pixels.
THUMB = {"size": "column", "dpi": 50}


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    cache = tmp_path / "cache"
    monkeypatch.setenv("BRIEFING_CACHE", str(cache))
    return cache


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def _spec(key: str) -> ChartSpec:
    return next(c for c in seed_charts() if c.key == key)


@pytest.mark.parametrize("spec", seed_charts(), ids=lambda s: s.key)
def test_every_default_chart_renders_from_the_seed_without_warnings(spec: ChartSpec) -> None:
    data = resolve_chart_data(spec, seed_findings())
    assert data.points and not data.warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph or any matplotlib complaint fails the test
        result = render_chart(spec, data, fmt="png", **THUMB)
    assert result.warnings == ()
    image = Image.open(io.BytesIO(result.data))
    assert image.size == (315, 180)
    # Something was drawn beyond the header: the chart body is not blank.
    body = image.convert("L").crop((10, 60, 305, 150))
    assert body.getextrema()[0] < 200, spec.key


def test_slide_png_is_exactly_1920_by_1080_and_other_presets_match() -> None:
    spec = _spec("openrouter-weekly-tokens")
    data = resolve_chart_data(spec, seed_findings())
    png = render_bytes(spec, data, fmt="png", size="16:9")
    assert _png_size(png) == (1920, 1080)
    assert Image.open(io.BytesIO(png)).info.get("dpi", (0, 0))[0] == pytest.approx(100, abs=0.5)
    assert _png_size(render_bytes(spec, data, fmt="png", size="4:3", dpi=25)) == (360, 270)
    assert _png_size(render_bytes(spec, data, fmt="png", size="800x450")) == (800, 450)
    column = render_bytes(spec, data, fmt="png", size="column", dpi=200)
    assert _png_size(column) == (1260, 720)


@pytest.mark.parametrize("fmt", ["svg", "pdf"])
def test_vector_output_is_byte_identical_across_renders(fmt: str) -> None:
    spec = _spec("china-daily-tokens")
    data = resolve_chart_data(spec, seed_findings())
    first = render_chart(spec, data, fmt=fmt, size="column", use_cache=False).data
    second = render_chart(spec, data, fmt=fmt, size="column", use_cache=False).data
    assert first == second
    if fmt == "pdf":
        assert first.startswith(b"%PDF") and b"CreationDate" not in first and b"Briefing" in first
    else:
        assert b"<svg" in first and b"<dc:date>" not in first


def test_the_cache_is_hit_on_the_second_render(monkeypatch: pytest.MonkeyPatch, _own_cache: Path) -> None:
    spec = _spec("openrouter-top10-share")
    data = resolve_chart_data(spec, seed_findings())
    calls = []
    real = render_module.build_chart
    monkeypatch.setattr(render_module, "build_chart", lambda *a, **k: calls.append(1) or real(*a, **k))
    first = render_chart(spec, data, fmt="png", **THUMB)
    second = render_chart(spec, data, fmt="png", **THUMB)
    assert len(calls) == 1 and not first.cached and second.cached
    assert first.data == second.data
    assert second.path is not None and second.path.parent == _own_cache / "charts"
    assert not [p for p in second.path.parent.iterdir() if p.name.endswith(".partial")]
    # Anything that changes the picture changes the key: a number, the accent, the format.
    edited = dataclasses.replace(data, points=(_bump(data.points[0]), *data.points[1:]))
    assert not render_chart(spec, edited, fmt="png", **THUMB).cached
    assert not render_chart(spec.__class__.from_dict({**spec.to_dict(), "accent": "asia"}), data, fmt="png",
                            **THUMB).cached
    assert len(calls) == 3


def _bump(p: Point) -> Point:
    return dataclasses.replace(p, value=p.value + Decimal(1))


def test_unwritable_cache_still_renders(tmp_path: Path) -> None:
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("x")
    spec = _spec("training-cost")
    result = render_chart(spec, resolve_chart_data(spec, seed_findings()), fmt="png",
                          cache=ChartCache(blocked / "charts"), **THUMB)
    assert result.data and result.path is None


def test_cjk_renders_without_missing_glyphs_and_user_text_is_literal() -> None:
    f = finding("ciyuan", ("词元 (ciyuan) 发布", "140", "tokens", "trillion", "中国", "2026-03", "2026-03-01"),
                ("起点", "100", "tokens", "billion", "中国", "2024-01", "2024-01-01"), series="s")
    spec = ChartSpec("cjk", ChartKind.LINE, "词元 (ciyuan)", subtitle="$5 and $6 cost _x_ 50%", series=("s",),
                     note="A_b $x$ %d", options={"log": True})
    data = resolve_chart_data(spec, [f])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        built = build_chart(spec, data, size="column")
        svg = render_chart(spec, data, fmt="svg", size="column", use_cache=False).data
    assert built.warnings == ()
    texts = [t.get_text() for t in built.figure.texts]
    assert "词元 (ciyuan)" in texts
    assert "$5 and $6 cost _x_ 50%" in texts
    assert all(not t.get_usetex() for t in built.figure.texts)
    assert b"<svg" in svg


def test_bad_data_draws_a_message_and_warns_instead_of_raising() -> None:
    one = finding("one", ("Only", "5", "tokens", "trillion", "China", "2026", "2026-01-01"), series="one")
    zero = finding("zero", ("Zero", "0", "tokens", None, "China", "2025", "2025-01-01"),
                   ("Ten", "10", "tokens", None, "China", "2026", "2026-01-01"), series="zero")
    negative = finding("neg", ("Minus", "-5", "%", None, "A", "2026", None), series="neg")
    undated = finding("undated", ("Someday", "3", "%", None, "A", "", None), series="undated")
    cases = {
        "empty": (ChartSpec("empty", ChartKind.BAR, "Empty", series=("nothing",)), "nothing to plot"),
        "one": (ChartSpec("one", ChartKind.LINE, "One point", series=("one",)), "at least two points"),
        "log": (ChartSpec("log", ChartKind.LINE, "Log", series=("zero",), options={"log": True}), "above zero"),
        "missing": (ChartSpec("missing", ChartKind.BAR, "Missing", series=("one",), metrics=(MetricRef("ghost", 0),)),
                    "ghost#0"),
        "share": (ChartSpec("share", ChartKind.SHARE, "Negative share", series=("neg",)), "cannot be negative"),
        "multiples": (ChartSpec("mult", ChartKind.MULTIPLES, "Zero multiple", series=("zero",)), "above zero"),
        "timeline": (ChartSpec("tl", ChartKind.TIMELINE, "No dates", series=("undated",)), "period"),
        "range": (ChartSpec("rg", ChartKind.RANGE, "Reciprocal zero", series=("zero",), options={"reciprocal": True}),
                  "above zero"),
    }
    for name, (spec, expected) in cases.items():
        data = resolve_chart_data(spec, [one, zero, negative, undated])
        result = render_chart(spec, data, fmt="png", **THUMB)
        assert result.data[:4] == b"\x89PNG", name
        assert any(expected in w for w in result.warnings), (name, result.warnings)
        built = build_chart(spec, data, size="column")
        shown = " ".join(t.get_text() for t in built.figure.texts)
        assert expected.split()[0] in shown or "⚠" in shown, name
    spec, _ = cases["one"]
    with pytest.warns(ChartWarning, match="at least two points"):
        render_bytes(spec, resolve_chart_data(spec, [one]), fmt="png", **THUMB)


def test_long_titles_wrap_and_emoji_or_rtl_do_not_crash() -> None:
    f = finding("e", ("Rocket 🚀 growth 👍🏽", "61", "%", None, "مرحبا بالعالم", "2026", None),
                ("שלום עולם", "20", "%", None, "Other", "2026", None), series="s")
    title = ("A very long chart title that keeps going and going " * 8)[:300]
    for kind in ChartKind:
        spec = ChartSpec("long", kind, title, subtitle=title, note=title, series=("s",))
        built = build_chart(spec, resolve_chart_data(spec, [f]), size="column")
        title_text = next(t for t in built.figure.texts if t.get_text().startswith("A very long"))
        assert 2 <= title_text.get_text().count("\n") + 1 <= 3
        built.figure.canvas.draw()
        box = title_text.get_window_extent()
        assert box.x1 <= built.figure.bbox.x1 + 1, kind
    emoji = ChartSpec("emoji", ChartKind.BAR, "Emoji 🚀 title", series=("s",))
    result = render_chart(emoji, resolve_chart_data(emoji, [f]), fmt="png", **THUMB)
    assert any("cannot draw" in w for w in result.warnings)


def test_transparent_png_has_alpha_and_opaque_does_not() -> None:
    spec = _spec("job-functions-ai")
    data = resolve_chart_data(spec, seed_findings())
    clear = Image.open(io.BytesIO(render_bytes(spec, data, fmt="png", transparent=True, **THUMB)))
    solid = Image.open(io.BytesIO(render_bytes(spec, data, fmt="png", **THUMB)))
    assert clear.mode == "RGBA" and clear.getpixel((1, 1))[3] == 0
    assert solid.mode == "RGB" and solid.getpixel((1, 1)) == (255, 255, 255)


def test_audience_accent_colours_the_chart() -> None:
    spec = _spec("openrouter-weekly-tokens")
    data = resolve_chart_data(spec, seed_findings())
    asia = ChartSpec.from_dict({**spec.to_dict(), "accent": "asia"})
    blue = Image.open(io.BytesIO(render_bytes(spec, data, fmt="png", **THUMB))).convert("RGB")
    orange = Image.open(io.BytesIO(render_bytes(asia, data, fmt="png", **THUMB))).convert("RGB")
    assert (0x00, 0x72, 0xB2) in {c for _, c in blue.getcolors(1 << 16)}
    assert (0xD5, 0x5E, 0x00) in {c for _, c in orange.getcolors(1 << 16)}


def test_figures_build_in_threads_without_pyplot() -> None:
    specs = seed_charts()[:6]
    findings = seed_findings()

    def one(spec: ChartSpec) -> tuple[str, int]:
        built = build_chart(spec, resolve_chart_data(spec, findings), size="column")
        built.figure.canvas.draw()
        return threading.current_thread().name, len(built.figure.texts)

    with ThreadPoolExecutor(max_workers=2) as pool:
        out = list(pool.map(one, specs))
    assert all(n > 0 for _, n in out)
    assert "matplotlib.pyplot" not in sys.modules or _pyplot_was_imported_elsewhere()


def _pyplot_was_imported_elsewhere() -> bool:
    # Another test module may import pyplot; check a fresh interpreter instead.
    code = (
        "import sys, matplotlib; before = dict(matplotlib.rcParams);"
        "import briefing.charts as c;"
        "from briefing.charts.style import register_fonts; from briefing.theme import default_theme;"
        "register_fonts(default_theme());"
        "assert 'matplotlib.pyplot' not in sys.modules;"
        "assert dict(matplotlib.rcParams) == before"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
    return True


def test_no_global_matplotlib_state_changes() -> None:
    before = dict(matplotlib.rcParams)
    spec = _spec("policy-eras")
    render_chart(spec, resolve_chart_data(spec, seed_findings()), fmt="svg", size="column", use_cache=False)
    assert dict(matplotlib.rcParams) == before


def test_render_many_keeps_order_reads_the_cache_and_uses_a_process_pool(_own_cache: Path) -> None:
    findings = seed_findings()
    specs = seed_charts()[:4]
    jobs = [RenderJob(s, resolve_chart_data(s, findings), fmt="png", size="column", dpi=30) for s in specs]
    cold = render_many(jobs, workers=2, min_parallel=2)
    assert [r.cached for r in cold] == [False] * 4
    warm = render_many(jobs, workers=2, min_parallel=2)
    assert [r.cached for r in warm] == [True] * 4
    assert [r.data for r in cold] == [r.data for r in warm]
    for job, result in zip(jobs, cold):
        alone = render_chart(job.spec, job.data, fmt="png", size="column", dpi=30, use_cache=False)
        assert alone.data == result.data, job.spec.key


@pytest.mark.parametrize("size", ["16:9", "column"])
def test_no_text_overlaps_or_leaves_the_figure_in_the_default_charts(size: str) -> None:
    findings = seed_findings()
    for spec in seed_charts():
        fig = build_chart(spec, resolve_chart_data(spec, findings), size=size).figure
        renderer = fig.canvas.get_renderer()
        boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in fig.texts if t.get_text().strip()]
        for i, (text, box) in enumerate(boxes):
            assert box.x0 >= -1 and box.y0 >= -1, (spec.key, text)
            assert box.x1 <= fig.bbox.width + 1 and box.y1 <= fig.bbox.height + 1, (spec.key, text)
            for other, obox in boxes[i + 1:]:
                overlap_x = min(box.x1, obox.x1) - max(box.x0, obox.x0)
                overlap_y = min(box.y1, obox.y1) - max(box.y0, obox.y0)
                assert overlap_x <= 2 or overlap_y <= 2, (spec.key, text, other)
