"""The PDF writer's speed-ups (briefing.writers.pdf_speed) change no byte of the output."""

from __future__ import annotations

import pytest
from reportlab.pdfbase.ttfonts import TTFont

from briefing.compose import compose
from briefing.document.samples import kitchen_sink
from briefing.theme import default_theme
from briefing.writers import WriteOptions, pdf_speed, write
from briefing.writers.placeholder import placeholder_chart


def _pdf(doc) -> bytes:  # type: ignore[no-untyped-def]
    return write(doc, "pdf", WriteOptions(render_chart=placeholder_chart)).data


@pytest.mark.parametrize("which", ["kitchen sink", "seeded full report"])
def test_the_same_bytes_with_and_without_the_memos(which: str, service, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    doc = kitchen_sink() if which == "kitchen sink" else compose(service, "full")
    fast = _pdf(doc)
    assert pdf_speed.installed()
    pdf_speed.uninstall()
    monkeypatch.setattr(pdf_speed, "install", lambda: None)
    try:
        plain = _pdf(doc)
    finally:
        monkeypatch.undo()
        pdf_speed.install()
    assert len(fast) > 20_000
    assert fast == plain


def test_fast_split_string_is_reportlabs() -> None:
    path = str(default_theme().fonts.regular)
    fast, plain = pdf_speed.FastTTFont("SpeedFast", path), TTFont("SpeedPlain", path)

    class Doc:  # a stand-in for reportlab's document: the fonts keep their state per document
        pass

    doc_fast, doc_plain = Doc(), Doc()
    many = "".join(chr(c) for c in range(0x100, 0x250))  # more than one subset's 256 codes
    texts = ["Hello", "Hello\xa0world", "", "Hello world", "Ünïcödé — “quotes”", many, "Hello " + many[-5:],
             "Hello", many, "\u4e2d\u6587", "\u4e2d", b"bytes too".decode(), "Hello\xa0"]
    for text in texts:
        assert fast.splitString(text, doc_fast) == plain.splitString(text, doc_plain), text
    assert fast.state[doc_fast].assignments == plain.state[doc_plain].assignments
    assert fast.state[doc_fast].subsets == plain.state[doc_plain].subsets
