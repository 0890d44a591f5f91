"""Reference images: a few charts from fixed data against PNGs in tests/baseline, within a tolerance.

Regenerate after an intended visual change (then look at them) with:
    BRIEFING_UPDATE_BASELINES=1 .venv/bin/python -m pytest tests/test_charts_baseline.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from matplotlib.testing.compare import compare_images
from test_charts_support import finding

from briefing.charts import ChartKind, ChartSpec, render_chart, resolve_chart_data
from briefing.domain.model import Finding

BASELINE = Path(__file__).parent / "baseline"
DPI = 60  # column preset: 378 x 216 px, enough to catch layout changes and small enough for the repo
TOLERANCE = 8.0  # RMS on 0-255; FreeType versions differ slightly in anti-aliasing


def _findings() -> list[Finding]:
    # Fixed numbers, independent of edits to the seed, so the images only change when the drawing does.
    return [
        finding("tokens", ("Start of 2024", "100", "tokens", "billion", "China", "2024-01", "2024-01-01"),
                ("March 2026", "140", "tokens", "trillion", "China", "2026-03", "2026-03-01"), series="tokens",
                source="National Data Administration"),
        finding("cost", ("DeepSeek R1", "6", "USD", "million", "DeepSeek R1", "", None),
                ("GPT-4", "100", "USD", "million", "GPT-4", "", None), series="cost"),
        finding("eras", ("Go-Go Era", "2017", "year", None, "Policy", "2017–2020", "2017-01-01"),
                ("Crackdown Era", "2020", "year", None, "Policy", "2020–2022", "2020-01-01"),
                ("Catch-Up Era", "2022", "year", None, "Policy", "2022–2025", "2022-01-01"),
                ("Crossroads Era", "2025", "year", None, "Policy", "2025–", "2025-01-01"), series="eras",
                source="Carnegie Endowment", published=None),
        finding("share", ("Chinese models", "61", "%", None, "Chinese models", "2026-02", None), series="share",
                source="OpenRouter"),
    ]


CASES = [
    ChartSpec("baseline-line", ChartKind.LINE, "China's daily AI token use passed 140 trillion",
              subtitle="Tokens per day, log scale", series=("tokens",), options={"log": True, "growth": True}),
    ChartSpec("baseline-bar", ChartKind.BAR, "DeepSeek R1 cost about 6% of GPT-4", subtitle="Training cost",
              series=("cost",), options={"highlight": "DeepSeek R1"}),
    ChartSpec("baseline-timeline", ChartKind.TIMELINE, "Four eras of Chinese AI policy", series=("eras",),
              options={"end": 2027}),
    ChartSpec("baseline-share", ChartKind.SHARE, "Chinese models took 61% of top-ten tokens", series=("share",),
              accent="asia", options={"remainder": "Other models"}),
]


@pytest.mark.parametrize("spec", CASES, ids=lambda s: s.key)
def test_chart_matches_its_baseline(spec: ChartSpec, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    result = render_chart(spec, resolve_chart_data(spec, _findings()), fmt="png", size="column", dpi=DPI,
                          use_cache=False)
    assert result.warnings == ()
    expected = BASELINE / f"{spec.key}.png"
    if os.environ.get("BRIEFING_UPDATE_BASELINES"):
        BASELINE.mkdir(exist_ok=True)
        expected.write_bytes(result.data)
    actual = tmp_path / f"{spec.key}.png"
    actual.write_bytes(result.data)
    assert expected.exists(), f"no baseline {expected.name}; see this module's docstring"
    diff = compare_images(str(expected), str(actual), tol=TOLERANCE)
    assert diff is None, diff
