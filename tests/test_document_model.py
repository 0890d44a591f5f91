"""The document model: a closed set of frozen nodes, pure stdlib/domain, and the samples built on it."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
import typing
from datetime import date

import pytest

from briefing import document as d
from briefing.document import nodes
from briefing.document.samples import HOSTILE, HOSTILE_EXPECTED, kitchen_sink, long_text


def test_every_node_is_a_frozen_dataclass() -> None:
    kinds = [d.Text, d.Emphasis, d.Strong, d.NumberRef, d.Cite, d.Link, d.Paragraph, d.Heading, d.BulletList,
             d.Figure, d.Column, d.Cell, d.Table, d.KeyFigure, d.KeyFigures, d.Callout, d.Section, d.Reference,
             d.References, d.Summary, d.Metadata, d.Document]
    for kind in kinds:
        assert dataclasses.is_dataclass(kind), kind
        assert kind.__dataclass_params__.frozen, kind  # type: ignore[attr-defined]
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.Text("x").text = "y"  # type: ignore[misc]


def test_the_unions_name_the_closed_sets() -> None:
    assert set(typing.get_args(nodes.Inline)) == {d.Text, d.Emphasis, d.Strong, d.NumberRef, d.Cite, d.Link}
    assert set(typing.get_args(nodes.Block)) == {d.Paragraph, d.Heading, d.BulletList, d.Figure, d.Table,
                                                 d.KeyFigures, d.Callout}


def test_run_text_and_markers() -> None:
    assert d.ref_marker(()) == ""
    assert d.ref_marker((1, 4)) == "[1, 4]"
    assert d.run_text(d.NumberRef("61%", "f", 0, (7,), (3,))) == "61%[3]"
    assert d.run_text(d.NumberRef("61%", "f", 0, (7,), (3,), marker=False)) == "61%"
    assert d.run_text(d.Cite("f", (1,), (2,))) == "[2]"
    para = d.Paragraph((d.Strong("A."), d.Text(" b "), d.Emphasis("c"), d.Link("site", "https://e.com")))
    assert para.plain == "A. b csite"


def test_reference_label_and_date_text() -> None:
    ref = d.Reference(1, 9, "RAND", "Cost of models.", "https://rand.org", "2026", "April 2026")
    assert ref.label == "RAND. Cost of models. 2026. Accessed April 2026."
    assert d.Metadata("T", date=date(2026, 4, 5)).date_text == "5 April 2026"
    assert d.Metadata("T").date_text == ""


def test_kitchen_sink_holds_every_node_kind() -> None:
    doc = kitchen_sink(long=True)
    seen: set[type] = set()
    for section in doc.sections:
        for block in section.blocks:
            seen.add(type(block))
            runs: tuple = ()
            if isinstance(block, d.Paragraph):
                runs = block.runs
            elif isinstance(block, d.BulletList):
                runs = tuple(r for p in block.items for r in p.runs)
            elif isinstance(block, d.Table):
                runs = tuple(r for row in block.rows for c in row for r in c.runs)
            elif isinstance(block, d.Callout):
                runs = tuple(r for p in block.body for r in p.runs)
            seen.update(type(r) for r in runs)
    assert set(typing.get_args(nodes.Block)) <= seen
    assert set(typing.get_args(nodes.Inline)) <= seen
    assert len(doc.figures) == 2 and len(doc.tables) == 1


def test_hostile_samples_and_long_text() -> None:
    assert set(HOSTILE) == set(HOSTILE_EXPECTED)
    assert "\x00" not in HOSTILE_EXPECTED["control"] and "NUL" in HOSTILE_EXPECTED["control"]
    text = long_text()
    assert len(text) >= 49_900 and text.startswith("BEGIN-OF-LONG-TEXT") and text.endswith("END-OF-LONG-TEXT")


def test_the_document_package_imports_nothing_heavy() -> None:
    code = ("import sys, briefing.document, briefing.document.samples; "
            "bad = [m for m in ('reportlab', 'docx', 'matplotlib', 'sqlalchemy', 'PySide6', 'briefing.charts') "
            "if m in sys.modules]; print(bad); sys.exit(1 if bad else 0)")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stdout + r.stderr
