"""A chart's axis range (y_min/y_max) and colour per series: validated in the domain (so the service
and CLI refuse alike), and drawn by the PNG/PDF renderer and the native deck chart."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation
from pypdf import PdfReader
from test_charts_support import finding

from briefing.charts import render_chart, resolve_chart_data, write_deck
from briefing.domain.charts import validate_chart_spec
from briefing.domain.errors import ValidationError

PURPLE = "#7A1FA2"


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


def _findings() -> list:
    return [
        finding("adoption", ("Adoption", "20", "%", None, "Firms", "2024", "2024-01-01"),
                ("Adoption", "35", "%", None, "Firms", "2025", "2025-01-01"), series="adoption"),
        finding("trust", ("Trust", "40", "%", None, "Public", "2024", "2024-01-01"),
                ("Trust", "45", "%", None, "Public", "2025", "2025-01-01"), series="trust"),
    ]


def _spec(**options: object):
    return validate_chart_spec({"key": "c", "kind": "line", "title": "Two lines", "series": ["adoption", "trust"],
                                "options": options})


def _fields(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, str]:
    return {e.field: e.message for e in exc.value.errors}


def test_axis_range_must_run_upwards_and_stay_positive_on_a_log_scale() -> None:
    with pytest.raises(ValidationError) as exc:
        _spec(y_min=50, y_max=50)
    assert "must be above the axis minimum (50)" in _fields(exc)["options.y_max"]
    with pytest.raises(ValidationError) as exc:
        _spec(log=True, y_min=0)
    assert "above zero on a log scale" in _fields(exc)["options.y_min"]
    with pytest.raises(ValidationError) as exc:
        _spec(y_min="low")
    assert "must be a number" in _fields(exc)["options.y_min"]
    assert _spec(y_min=10, y_max=60).option("y_max") == 60


def test_series_colours_must_be_hex_and_visible_on_the_page() -> None:
    with pytest.raises(ValidationError) as exc:
        _spec(colours={"adoption": "purple"})
    assert "is not a colour" in _fields(exc)["options.colours.adoption"]
    with pytest.raises(ValidationError) as exc:
        _spec(colours={"trust": "#F0E442"})  # Okabe-Ito yellow: 1.2:1 on white
    assert "too light" in _fields(exc)["options.colours.trust"]
    assert dict(_spec(colours={"adoption": "7a1fa2"}).option("colours")) == {"adoption": PURPLE}


def _pixels(png: bytes, colour: str) -> int:
    import numpy as np

    rgb = np.array([int(colour[i: i + 2], 16) for i in (1, 3, 5)], dtype=np.uint8)
    img = np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))
    return int((img == rgb).all(axis=2).sum())


def test_a_series_colour_is_drawn_in_the_png_and_the_deck(tmp_path: Path) -> None:
    findings = _findings()
    plain, coloured = _spec(), _spec(colours={"trust": PURPLE})
    assert _pixels(render_chart(plain, resolve_chart_data(plain, findings)).data, PURPLE) == 0
    assert _pixels(render_chart(coloured, resolve_chart_data(coloured, findings)).data, PURPLE) > 500

    write_deck([(coloured, resolve_chart_data(coloured, findings))], tmp_path / "d.pptx")
    chart = next(s.chart for s in Presentation(str(tmp_path / "d.pptx")).slides[0].shapes if s.has_chart)
    lines = {s.name: str(s.format.line.color.rgb) for s in chart.plots[0].series}
    assert lines["Public"] == PURPLE[1:] and lines["Firms"] != PURPLE[1:]


def test_the_axis_range_reaches_the_pdf_ticks_and_the_deck_axis(tmp_path: Path) -> None:
    findings = _findings()
    spec = _spec(y_min=10, y_max=80)
    pdf = render_chart(spec, resolve_chart_data(spec, findings), fmt="pdf").data
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "80%" in text.replace(" ", "") and "10%" in text.replace(" ", "")
    auto = _spec()
    auto_text = PdfReader(io.BytesIO(render_chart(auto, resolve_chart_data(auto, findings), fmt="pdf").data)
                          ).pages[0].extract_text().replace(" ", "")
    assert "80%" not in auto_text and "0%" in auto_text  # the automatic axis starts at zero, ends near 45

    write_deck([(spec, resolve_chart_data(spec, findings))], tmp_path / "d.pptx")
    chart = next(s.chart for s in Presentation(str(tmp_path / "d.pptx")).slides[0].shapes if s.has_chart)
    assert (chart.value_axis.minimum_scale, chart.value_axis.maximum_scale) == (10, 80)


def test_a_range_never_hides_a_value(tmp_path: Path) -> None:
    # y_max below the data: the axis still reaches the highest value (45 %).
    findings = _findings()
    spec = _spec(y_min=30, y_max=40)
    write_deck([(spec, resolve_chart_data(spec, findings))], tmp_path / "d.pptx")
    chart = next(s.chart for s in Presentation(str(tmp_path / "d.pptx")).slides[0].shapes if s.has_chart)
    assert (chart.value_axis.minimum_scale, chart.value_axis.maximum_scale) == (20, 45)


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "BRIEFING_SERVER": "off"}
    return subprocess.run([sys.executable, "-m", "briefing", "--db", str(db), *args], capture_output=True,
                          text=True, env=env, timeout=120)


def test_charts_edit_sets_range_and_colours_with_the_services_validation(seeded_db: Path) -> None:
    r = _cli(seeded_db, "charts", "edit", "china-daily-tokens", "--y-min", "0")
    assert r.returncode == 2 and "options.y_min: must be above zero on a log scale" in r.stderr
    r = _cli(seeded_db, "charts", "edit", "china-daily-tokens", "--colour", "china-daily-tokens=#FFFF00")
    assert r.returncode == 2 and "options.colours.china-daily-tokens" in r.stderr and "too light" in r.stderr
    r = _cli(seeded_db, "charts", "edit", "china-daily-tokens", "--y-min", "1e12", "--y-max", "1e15",
             "--colour", "china-daily-tokens=#7a1fa2")
    assert r.returncode == 0, r.stderr
    shown = json.loads(_cli(seeded_db, "charts", "show", "china-daily-tokens").stdout)
    assert shown["options"]["y_min"] == 10**12 and shown["options"]["y_max"] == 10**15
    assert shown["options"]["colours"] == {"china-daily-tokens": PURPLE}
    r = _cli(seeded_db, "charts", "edit", "china-daily-tokens", "--y-max", "auto", "--colour",
             "china-daily-tokens=auto")
    assert r.returncode == 0, r.stderr
    options = json.loads(_cli(seeded_db, "charts", "show", "china-daily-tokens").stdout)["options"]
    assert "y_max" not in options and "colours" not in options and options["y_min"] == 10**12


def test_text_in_a_light_series_colour_is_darkened_to_read_on_the_page() -> None:
    from matplotlib.colors import to_hex

    from briefing.charts import build_chart
    from briefing.domain.colours import contrast

    light = "#CC79A7"  # 3.2:1 on white: enough for a line, too little for its name
    assert 3 <= contrast(light, "#FFFFFF") < 4.5
    findings = _findings()
    spec = _spec(colours={"trust": light})
    figure = build_chart(spec, resolve_chart_data(spec, findings)).figure
    from matplotlib.lines import Line2D

    line_colours = {to_hex(ln.get_color()).upper() for ln in figure.findobj(Line2D)}
    assert light in line_colours
    from matplotlib.text import Text

    name = next(t for t in figure.findobj(Text) if t.get_text() == "Public")
    shown = to_hex(name.get_color()).upper()
    assert shown != light and contrast(shown, "#FFFFFF") >= 4.5
