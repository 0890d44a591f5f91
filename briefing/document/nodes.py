"""The closed, renderer-neutral node set a briefing is made of: frozen dataclasses, stdlib only."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Literal, TypeAlias, assert_never

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec
    from briefing.domain.manifest import Manifest

# ---- Inline runs: the pieces a paragraph is made of. Every run's text is plain data, never markup.


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class Emphasis:
    text: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class NumberRef:
    """A number printed in the text that comes from a finding's metric.

    `refs` are the numbers of the reference-list entries for `source_ids` (assigned by compose);
    `marker` says whether this occurrence prints its "[n]" (compose shows it once per paragraph
    for a run of numbers citing the same sources, so a sentence is not littered with markers).
    """

    text: str
    finding: str
    metric_index: int
    source_ids: tuple[int, ...] = ()
    refs: tuple[int, ...] = ()
    marker: bool = True


@dataclass(frozen=True)
class Cite:
    """A citation of a finding's sources with no number to hang it on: prints "[n]"."""

    finding: str
    source_ids: tuple[int, ...]
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Link:
    """A hyperlink. Writers make it clickable only for http(s) URLs; anything else prints as text."""

    text: str
    url: str


Inline: TypeAlias = Text | Emphasis | Strong | NumberRef | Cite | Link

# ---- Blocks: what a section holds, in reading order.

ParagraphStyle: TypeAlias = Literal["body", "lead", "quote", "note"]


@dataclass(frozen=True)
class Paragraph:
    runs: tuple[Inline, ...]
    style: ParagraphStyle = "body"

    @property
    def plain(self) -> str:
        return "".join(run_text(r) for r in self.runs)


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (a section's own title is its level-1 heading)."""

    text: str
    level: int = 2
    anchor: str = ""


@dataclass(frozen=True)
class BulletList:
    items: tuple[Paragraph, ...]


@dataclass(frozen=True)
class Figure:
    """A chart: the spec and its resolved data (a `briefing.charts.ChartData`, opaque here)."""

    spec: ChartSpec
    data: object
    number: int
    caption: str
    alt_text: str
    source: str = ""
    anchor: str = ""
    subtitle: str = ""


ColumnAlign: TypeAlias = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    title: str
    align: ColumnAlign = "left"
    width: float = 1.0  # relative share of the table width


@dataclass(frozen=True)
class Cell:
    runs: tuple[Inline, ...]

    @property
    def plain(self) -> str:
        return "".join(run_text(r) for r in self.runs)


@dataclass(frozen=True)
class Table:
    number: int
    caption: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""
    anchor: str = ""


@dataclass(frozen=True)
class KeyFigure:
    """One tile: a big value, what it measures, and where it comes from. `qualifier` is what the
    source said of the value ("over", "about"): every writer prints it before the value."""

    value: str
    label: str
    context: str = ""
    finding: str = ""
    metric_index: int = 0
    source_ids: tuple[int, ...] = ()
    refs: tuple[int, ...] = ()
    qualifier: str = ""

    @property
    def shown(self) -> str:
        """The value as read: "over 100,000"."""
        return f"{self.qualifier} {self.value}" if self.qualifier else self.value


@dataclass(frozen=True)
class KeyFigures:
    items: tuple[KeyFigure, ...]
    title: str = ""


CalloutKind: TypeAlias = Literal["note", "implication", "warning"]


@dataclass(frozen=True)
class Callout:
    title: str
    body: tuple[Paragraph, ...]
    kind: CalloutKind = "note"


Block: TypeAlias = Paragraph | Heading | BulletList | Figure | Table | KeyFigures | Callout

# ---- Structure


@dataclass(frozen=True)
class Section:
    """A level-1 division: one contents entry, one PDF bookmark, one Heading 1 in Word."""

    key: str
    title: str
    blocks: tuple[Block, ...]
    anchor: str = ""


@dataclass(frozen=True)
class Reference:
    number: int
    source_id: int
    publisher: str
    title: str
    url: str | None = None
    published: str = ""
    accessed: str = ""  # only when an access date was recorded: never invented
    note: str = ""
    anchor: str = ""
    # The works this source is known through, nearest first, each a short citation with its own
    # entry's number ("Digital in Asia, April 2026 [2]"): a source read second-hand says so.
    via: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """The entry as one line of plain text, without its URL."""
        parts = [self.publisher, self.title]
        if self.published:
            parts.append(self.published)
        text = ". ".join(p.rstrip(".") for p in parts if p)
        if self.via:
            text += ". Cited in " + ", cited in ".join(self.via)
        if self.accessed:
            text += f". Accessed {self.accessed}"
        return text + "."


@dataclass(frozen=True)
class References:
    entries: tuple[Reference, ...]
    title: str = "References"


@dataclass(frozen=True)
class Summary:
    """The page after the cover: an introduction and the key figures."""

    title: str
    paragraphs: tuple[Paragraph, ...]
    key_figures: KeyFigures | None = None


@dataclass(frozen=True)
class Metadata:
    """The briefing's cover and file properties. `date` is when the file was made (printed only as
    "Generated …"); what the content is dated by is the report's `edition` and `data_as_of`."""

    title: str
    subtitle: str = ""
    audience_key: str = ""
    audience_name: str = ""
    author: str = ""
    publisher: str = ""
    date: date | None = None
    keywords: tuple[str, ...] = ()
    subject: str = ""
    language: str = "en"
    edition: str = ""
    data_as_of: str = ""  # as the cover prints it: "April 2026", "31 December 2025"
    reader: str = ""  # "Prepared for"; "" when the template names no reader
    method_note: tuple[str, ...] = ()  # paragraphs
    disclaimer: tuple[str, ...] = ()  # paragraphs
    # The report's own colours (empty: the house theme's): chart series in order, and accents by
    # audience key. Plain data, so a document still knows no theme or library.
    palette: tuple[str, ...] = ()
    accents: tuple[tuple[str, str], ...] = ()

    @property
    def date_text(self) -> str:
        """"14 April 2026": a long date with no platform-dependent strftime flags."""
        if self.date is None:
            return ""
        return f"{self.date.day} {_MONTHS[self.date.month - 1]} {self.date.year}"

    @property
    def generated_text(self) -> str:
        """"Generated 30 November 2026", or "" without a date."""
        return f"Generated {self.date_text}" if self.date is not None else ""

    @property
    def cover_facts(self) -> tuple[tuple[str, str], ...]:
        """The cover's labelled lines, in order, those with a value only: every writer prints these."""
        facts = (("Prepared for", self.reader), ("Edition", self.edition), ("Data as of", self.data_as_of),
                 ("Author", self.author), ("Published by", self.publisher))
        return tuple((label, value) for label, value in facts if value)

    @property
    def dateline(self) -> str:
        """The running footer's "Digital in Asia · April 2026": the publisher and the edition (the
        export date only when the report names no edition)."""
        return " · ".join(p for p in (self.publisher, self.edition or self.date_text) if p)


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


@dataclass(frozen=True)
class Document:
    meta: Metadata
    summary: Summary | None
    sections: tuple[Section, ...]
    references: References
    warnings: tuple[str, ...] = field(default=())
    contents_title: str = "Contents"
    # What the briefing was made from (compose fills it); every writer embeds it in the file.
    manifest: Manifest | None = None

    @property
    def figures(self) -> tuple[Figure, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Figure))

    @property
    def tables(self) -> tuple[Table, ...]:
        return tuple(b for s in self.sections for b in s.blocks if isinstance(b, Table))


Node: TypeAlias = Document | Section | Summary | References | Reference | Block | Inline | KeyFigure


def run_text(run: Inline) -> str:
    """The characters a run prints, markers included ("61%[3]")."""
    match run:
        case Text() | Emphasis() | Strong() | Link():
            return run.text
        case NumberRef():
            return run.text + (ref_marker(run.refs) if run.marker else "")
        case Cite():
            return ref_marker(run.refs)
        case _:
            assert_never(run)


def ref_marker(refs: tuple[int, ...]) -> str:
    """"[1]", "[1, 4]"; empty when there is nothing to cite."""
    return f"[{', '.join(str(n) for n in refs)}]" if refs else ""
