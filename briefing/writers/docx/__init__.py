"""The Word writer (python-docx): `writer` builds the document, `ooxml` edits what python-docx has
no API for, `reference` makes the reference document whose named styles the writer uses, `fonts`
names and embeds the PDF's faces, `numbering` numbers sections, `pictures` places SVG charts with a
PNG fallback, `metadata` writes the file's properties.

Structure mirrors the PDF: cover, summary with key figures, a real TOC field (Word fills in page
numbers on open), numbered sections with charts at print size and their alt text, references with
live hyperlinks, page numbers in the footer, in the PDF's embedded font family. Every string passes
through xml_safe first.
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
