"""The Markdown writer: the briefing as CommonMark (GitHub tables), every user string escaped.

Markdown has no page furniture and no embedded charts; figures are given as their caption, alt text
and source, and the writer says so in a warning.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import assert_never

from briefing.document import (
    Block,
    BulletList,
    Callout,
    Cite,
    Document,
    Emphasis,
    Figure,
    Heading,
    Inline,
    KeyFigures,
    Link,
    NumberRef,
    Paragraph,
    Section,
    Strong,
    Table,
    Text,
)
from briefing.writers import Progress, WriteOptions, WriteResult
from briefing.writers.manifest import md_front_matter
from briefing.writers.text import Notes, is_web_url, xml_safe

# ASCII punctuation that means something anywhere in a line in CommonMark or its common extensions
# (tables, strikethrough, math, autolinks, entities); a backslash makes each one literal. "(" and
# "!" need no escape once "[" and "]" have one.
_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~$&])")
_BULLET_START = re.compile(r"^(\s*)([-+=])", re.MULTILINE)
_ORDERED_START = re.compile(r"^(\s*\d+)([.)])(?=\s|$)", re.MULTILINE)


def write(doc: Document, options: WriteOptions, progress: Progress | None = None) -> WriteResult:
    notes = Notes()
    notes.extend(doc.warnings)
    w = _MarkdownWriter(doc, options, notes, progress)
    return WriteResult((md_front_matter(doc.manifest) + w.run()).encode("utf-8"), notes.list())


def escape(text: str, notes: Notes | None = None) -> str:
    """Plain text -> Markdown that renders as exactly that text."""
    text = xml_safe(text, notes).replace("\t", " ")
    text = _SPECIAL.sub(r"\\\1", text)
    # Line starts that would make a list or a heading rule: "- x", "+ x", "===", "1. x".
    text = _BULLET_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    text = _ORDERED_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)
    # A hard line break ("two spaces, newline"); leading spaces on the next line would start code.
    return re.sub(r" *\n[ \t]*", "  \n", text)


class _MarkdownWriter:
    def __init__(self, doc: Document, options: WriteOptions, notes: Notes, progress: Progress | None) -> None:
        self.doc = doc
        self.options = options
        self.notes = notes
        self.progress = progress
        self.out: list[str] = []

    def esc(self, text: str) -> str:
        return escape(text, self.notes)

    def run(self) -> str:
        doc = self.doc
        meta = doc.meta
        self.options.check()
        self.out.append(f"# {self.esc(meta.title)}")
        if meta.subtitle:
            self.out.append(f"*{self.esc(meta.subtitle)}*")
        lines = [f"**{label}:** {self.esc(value)}" for label, value in meta.cover_facts]
        if meta.generated_text:
            lines.append(f"*{self.esc(meta.generated_text)}*")
        if lines:
            self.out.append("  \n".join(lines))
        if meta.method_note:
            self.out.append(f"**Method:** {self.esc(meta.method_note[0])}")
            self.out += [self.esc(p) for p in meta.method_note[1:]]
        self.out += [f"*{self.esc(p)}*" for p in meta.disclaimer]
        if doc.summary is not None:
            self.out.append(f"## {self.esc(doc.summary.title)}")
            self.out += [self.runs(p.runs) for p in doc.summary.paragraphs]
            if doc.summary.key_figures is not None and doc.summary.key_figures.items:
                self.key_figures(doc.summary.key_figures)
        self.out.append(f"## {self.esc(doc.contents_title)}")
        entries = [f"{i}. {self.esc(s.title)}" for i, s in enumerate(doc.sections, start=1)]
        if entries:
            self.out.append("\n".join(entries))
        total = max(len(doc.sections), 1)
        for i, section in enumerate(doc.sections, start=1):
            if self.progress is not None:
                self.progress(0.1 + 0.8 * (i - 1) / total, f"Writing “{section.title[:40]}”")
            self.section(section, i)
        if doc.references.entries:
            self.out.append(f"## {self.esc(doc.references.title)}")
            refs = []
            for ref in doc.references.entries:
                line = f"\\[{ref.number}\\] {self.esc(ref.label)}"
                if ref.url:
                    line += " " + self.runs((Link(ref.url, ref.url),))
                refs.append(line)
            self.out.append("  \n".join(refs))
        if doc.figures:
            self.notes.add("Markdown cannot hold charts: each figure is given as its caption, alt text and source")
        return "\n\n".join(self.out).rstrip() + "\n"

    def section(self, section: Section, number: int) -> None:
        self.out.append(f"## {number}. {self.esc(section.title)}")
        for block in section.blocks:
            self.options.check()
            self.block(block)

    def block(self, block: Block) -> None:
        match block:
            case Paragraph():
                text = self.runs(block.runs)
                if block.style == "quote":
                    text = self.quote(text)
                elif block.style == "note":
                    text = f"*{text}*" if text else text
                self.out.append(text)
            case Heading():
                level = max(3, min(block.level + 1, 6))
                self.out.append(f"{'#' * level} {self.esc(block.text)}")
            case BulletList():
                self.out.append("\n".join(f"- {self.runs(item.runs)}" for item in block.items))
            case Figure():
                lines = [f"**Figure {block.number}: {self.esc(block.caption)}**"]
                if block.subtitle:
                    lines.append(f"*{self.esc(block.subtitle)}*")
                lines.append(f"Chart: {self.esc(block.alt_text)}")
                if block.source:
                    lines.append(self.esc(block.source))
                self.out.append(self.quote("  \n".join(lines)))
            case Table():
                self.table(block)
            case KeyFigures():
                self.key_figures(block)
            case Callout():
                parts = [f"**{self.esc(block.title)}**"] if block.title else []
                parts += [self.runs(p.runs) for p in block.body]
                self.out.append(self.quote("\n\n".join(parts)))
            case _:
                assert_never(block)

    def quote(self, text: str) -> str:
        return "\n".join("> " + line if line else ">" for line in text.split("\n"))

    def table(self, table: Table) -> None:
        if not table.columns:
            self.notes.add(f"Table {table.number} has no columns and was left out")
            return
        self.out.append(f"**Table {table.number}: {self.esc(table.caption)}**")

        def cell(text: str) -> str:
            return text.replace("  \n", " ").replace("\n", " ") or " "

        head = "| " + " | ".join(cell(self.esc(c.title)) for c in table.columns) + " |"
        rule = "| " + " | ".join("---:" if c.align == "right" else ":---:" if c.align == "center" else "---"
                                 for c in table.columns) + " |"
        rows = []
        for r in table.rows:
            cells = [cell(self.runs(c.runs)) for c in r[: len(table.columns)]]
            cells += [" "] * (len(table.columns) - len(cells))
            rows.append("| " + " | ".join(cells) + " |")
        self.out.append("\n".join([head, rule, *rows]))
        if table.note:
            self.out.append(f"*{self.esc(table.note)}*")

    def key_figures(self, kf: KeyFigures) -> None:
        if kf.title:
            self.out.append(f"**{self.esc(kf.title)}**")
        items = []
        for item in kf.items:
            line = f"- **{self.esc(item.shown)}** — {self.esc(item.label)}"
            if item.context:
                line += f" ({self.esc(item.context)})"
            line += self.marker(item.refs)
            items.append(line)
        self.out.append("\n".join(items))

    def marker(self, refs: Sequence[int]) -> str:
        return f" \\[{', '.join(str(n) for n in refs)}\\]" if refs else ""

    def runs(self, runs: Sequence[Inline]) -> str:
        out: list[str] = []
        for run in runs:
            match run:
                case Text():
                    out.append(self.esc(run.text))
                case Emphasis():
                    out.append(_wrap(self.esc(run.text), "*"))
                case Strong():
                    out.append(_wrap(self.esc(run.text), "**"))
                case NumberRef():
                    out.append(self.esc(run.text))
                    if run.marker:
                        out.append(self.marker(run.refs).lstrip())
                case Cite():
                    out.append(self.marker(run.refs).lstrip())
                case Link():
                    label = self.esc(run.text or run.url)
                    if is_web_url(run.url):
                        url = run.url.strip().replace("(", "%28").replace(")", "%29").replace(" ", "%20")
                        out.append(f"[{label}](<{url}>)" if "<" not in url and ">" not in url else label)
                    else:
                        self.notes.add(f"A link to “{run.url[:80]}” was kept as text: only http(s) links are "
                                       "made clickable")
                        out.append(label)
                case _:
                    assert_never(run)
        return "".join(out)


def _wrap(text: str, mark: str) -> str:
    """Emphasis around text, keeping outer spaces outside the markers (CommonMark needs that)."""
    stripped = text.strip()
    if not stripped:
        return text
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()):]
    return f"{lead}{mark}{stripped}{mark}{trail}"
