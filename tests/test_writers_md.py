"""The Markdown writer: structure, escaping that keeps text literal, warnings for what it cannot hold."""

from __future__ import annotations

import pytest

from briefing.document.samples import HOSTILE, kitchen_sink
from briefing.writers import WriteOptions, write
from briefing.writers.md import escape
from briefing.writers.placeholder import placeholder_chart

OPTIONS = WriteOptions(render_chart=placeholder_chart)


def unescape(text: str) -> str:
    """Undo CommonMark backslash escapes (what a renderer does) for comparing with the source text."""
    out, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "\\`*_{}[]()#+-.!|~$&<>=":
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


@pytest.fixture(scope="module")
def sink_md() -> str:
    return write(kitchen_sink(long=True), "md", OPTIONS).data.decode("utf-8")


def test_structure(sink_md: str) -> None:
    doc = kitchen_sink(long=True)
    headings = [line for line in sink_md.splitlines() if line.startswith("## ")]
    assert headings[:2] == ["## At a glance", "## Contents"]
    assert len([h for h in headings if h[3].isdigit()]) == len(doc.sections)
    assert "| Measure | Who | Value |" in sink_md and "| --- | --- | ---: |" in sink_md
    assert "**Figure 1: A sample chart**" in sink_md and "Chart: Bar chart of three made-up values" in sink_md
    assert "[web link](<https://example.com/page>)" in sink_md
    assert "javascript:alert(1)" in sink_md and "](javascript" not in sink_md


def test_hostile_text_is_literal(sink_md: str) -> None:
    plain = unescape(sink_md)
    for key, text in HOSTILE.items():
        expected = "".join(ch for ch in text if ch >= " " or ch in "\n\t")
        assert f"[{key}] {expected}" in plain, key
    assert "<b>" not in sink_md.replace("\\<b\\>", "")  # never a raw tag


@pytest.mark.parametrize("text", ["<b>x</b>", "1. not a list", "- not a bullet", "# not a heading", "a | b",
                                  "**x**", "&amp;", "$x$", "[a](b)", "line\nbreak", "back\\slash"])
def test_escape_round_trips(text: str) -> None:
    assert unescape(escape(text)).replace("  \n", "\n") == text


def test_warnings() -> None:
    result = write(kitchen_sink(), "md", OPTIONS)
    assert any("Markdown cannot hold charts" in w for w in result.warnings)
    assert any("javascript" in w for w in result.warnings)
