"""Hostile finding text goes through compose and every writer literally, completely, and harmlessly."""

from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from pypdf import PdfReader

from briefing.compose import compose_from
from briefing.document import Document
from briefing.document.samples import HOSTILE, HOSTILE_EXPECTED, long_text
from briefing.domain.model import Audience, ClaimKind, Finding, Source
from briefing.writers import WriteOptions, write
from briefing.writers.placeholder import placeholder_chart

BIDI_MARKS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
EVIL_SOURCE = Source(1, "evil", "Evil <b>Corp</b> & Co", "Report <img src=\"/etc/passwd\"/>", "javascript:alert(1)")
GOOD_SOURCE = Source(2, "good", "Good Corp", "Report", "https://example.com/a?b=1&c=<2>")


class NoCharts:
    def resolve_chart_data(self, spec: Any, findings: Sequence[Finding]) -> object:
        raise AssertionError("no charts in this test")

    def alt_text(self, spec: Any, data: object) -> str:
        raise AssertionError("no charts in this test")


def hostile_doc() -> Document:
    findings = [
        Finding(i + 1, f"hostile-{key}", f"Title {key} <i>", text, "overview", ClaimKind.REPORTED,
                sources=(EVIL_SOURCE, GOOD_SOURCE))
        for i, (key, text) in enumerate(HOSTILE.items())
    ]
    findings.append(Finding(99, "hostile-long", "A long one", long_text(), "overview", ClaimKind.OPINION))
    audience = Audience("asia", "Asia <script>", template=MappingProxyType(
        {"title": "Hostile <b>briefing</b> & $x$", "sections": ["overview"]}))
    return compose_from(audience, findings, [], charts=NoCharts(), today=date(2026, 4, 20))


@pytest.fixture(scope="module")
def doc() -> Document:
    return hostile_doc()


def squash(text: str) -> str:
    return " ".join(BIDI_MARKS.sub("", text).split())


def test_pdf(doc: Document, tmp_path: Path) -> None:
    result = write(doc, "pdf", WriteOptions(render_chart=placeholder_chart))
    path = tmp_path / "h.pdf"
    path.write_bytes(result.data)
    text = squash(subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                                 timeout=60).stdout.decode("utf-8"))
    for key, expected in HOSTILE_EXPECTED.items():
        if key == "emoji":
            assert "Emoji: 😀 rocket" in text
        elif key == "rtl":
            assert "".join(expected.split()) in "".join(text.split())
        else:
            assert squash(expected) in text, key
    assert "Hostile <b>briefing</b> & $x$" in text and "Evil <b>Corp</b> & Co" in text
    assert "BEGIN-OF-LONG-TEXT" in text and "END-OF-LONG-TEXT" in text
    reader = PdfReader(io.BytesIO(result.data))
    uris = [str(a.get_object()["/A"]["/URI"]) for p in reader.pages for a in p.get("/Annots", []) or []
            if "/URI" in a.get_object().get("/A", {})]
    assert uris == ["https://example.com/a?b=1&c=<2>"]
    assert b"/JavaScript" not in result.data and b"/Launch" not in result.data


def test_docx(doc: Document) -> None:
    result = write(doc, "docx", WriteOptions(render_chart=placeholder_chart))
    d = docx.Document(io.BytesIO(result.data))
    text = "\n".join(p.text for p in d.paragraphs)
    for key, expected in HOSTILE_EXPECTED.items():
        assert expected in text, key
    assert "BEGIN-OF-LONG-TEXT" in text and "END-OF-LONG-TEXT" in text
    external = [r.target_ref for r in d.part.rels.values() if r.is_external]
    assert external == ["https://example.com/a?b=1&c=<2>"]
    assert not list(d.element.body.iter(qn("w:drawing")))  # no image was conjured from an <img> tag


def test_markdown(doc: Document) -> None:
    text = write(doc, "md", WriteOptions()).data.decode("utf-8")
    assert not re.search(r"(?<!\\)<(img|b|a )", text), "a raw tag reached the Markdown"
    assert "](javascript" not in text
    assert "\\<img src=\"/etc/passwd\"/\\>" in text
    assert "END-OF-LONG-TEXT" in text
