"""The Word writer (python-docx): `writer` builds the document, `ooxml` edits what python-docx has
no API for, `reference` makes the reference document whose named styles the writer uses.

Structure mirrors the PDF: cover, summary with key figures, a real TOC field (Word fills in page
numbers on open), sections with PNG charts at 200 dpi and their alt text, references with live
hyperlinks, page numbers in the footer. Every string passes through xml_safe first.
"""

from __future__ import annotations

from briefing.document import Document
from briefing.writers import Progress, WriteOptions, WriteResult
from briefing.writers.docx.ooxml import bookmark_name
from briefing.writers.docx.writer import WordWriter
from briefing.writers.text import Notes


def write(doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult:
    """Render `doc` as .docx bytes. Never mutates `doc`."""
    notes = Notes()
    notes.extend(doc.warnings)
    data = WordWriter(doc, options, options.resolved_theme(doc), notes, progress).run()
    return WriteResult(data, notes.list())


__all__ = ["bookmark_name", "write"]
