"""Accessible colours: every accent used for text reads at WCAG AA on the page and its panels."""

from __future__ import annotations

import colorsys

import pytest

from briefing.theme import LARGE_CONTRAST, TEXT_CONTRAST, contrast, default_theme

THEME = default_theme()
KEYS = sorted(THEME.accents)


def hue(hex_colour: str) -> float:
    h = hex_colour.lstrip("#")
    r, g, b = (int(h[i: i + 2], 16) / 255 for i in (0, 2, 4))
    return colorsys.rgb_to_hls(r, g, b)[0] * 360


def test_contrast_matches_the_wcag_examples() -> None:
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the classic near miss


@pytest.mark.parametrize("key", KEYS)
def test_text_accent_reads_on_the_page_its_panels_and_as_a_band(key: str) -> None:
    text = THEME.text_accent(key)
    assert contrast(text, THEME.background) >= TEXT_CONTRAST, (key, text)
    assert contrast(text, THEME.panel) >= TEXT_CONTRAST, (key, text)
    assert contrast("#FFFFFF", text) >= TEXT_CONTRAST, (key, text)  # white type on the cover band
    # Darkened, not replaced: the audience keeps its Okabe–Ito hue, so the palette stays colour-blind safe.
    assert hue(text) == pytest.approx(hue(THEME.accent(key)), abs=2.0)


@pytest.mark.parametrize("key", KEYS)
def test_accent_as_chart_mark_reaches_three_to_one(key: str) -> None:
    assert contrast(THEME.accent(key), THEME.background) >= LARGE_CONTRAST


def test_the_accents_that_failed_are_the_ones_darkened() -> None:
    # Issue 15 measured 3.9:1, 3.4:1 and 3.1:1 for Asia, West and Investors: those must change.
    for key in ("asia", "west", "investors"):
        assert contrast(THEME.accent(key), THEME.background) < TEXT_CONTRAST
        assert THEME.text_accent(key) != THEME.accent(key)


@pytest.mark.parametrize("name", ["ink", "muted"])
def test_body_and_secondary_text_read(name: str) -> None:
    colour = getattr(THEME, name)
    assert contrast(colour, THEME.background) >= TEXT_CONTRAST
    assert contrast(colour, THEME.panel) >= TEXT_CONTRAST


def _report_accents() -> list[tuple[str, str, str]]:
    """(report, audience, accent) for every report shipped in data/: their own colours must read too."""
    from briefing.domain.colours import clean_colours
    from briefing.paths import SEED_DATA
    from briefing.store.seed import load_report

    out = []
    for root in (SEED_DATA, SEED_DATA / "examples" / "harbor-water"):
        info = load_report(root)
        out += [(info["key"], k, v) for k, v in clean_colours(info["colours"]).accents]
    return out


@pytest.mark.parametrize(("report", "key", "accent"), _report_accents())
def test_every_report_accent_reads_as_text_and_as_a_mark(report: str, key: str, accent: str) -> None:
    from briefing.domain.colours import Colours
    from briefing.theme import report_theme

    theme = report_theme(Colours(accents=((key, accent),)))
    text = theme.text_accent(key)
    for background in (THEME.background, THEME.panel):
        assert contrast(text, background) >= TEXT_CONTRAST, (report, key, text)
    assert contrast("#FFFFFF", text) >= TEXT_CONTRAST, (report, key, text)
    assert contrast(accent, THEME.background) >= LARGE_CONTRAST, (report, key, accent)
