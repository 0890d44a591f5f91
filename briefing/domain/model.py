"""The records the whole app passes around: frozen, typed, free of any storage or GUI type."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType

from briefing.domain.colours import Colours
from briefing.domain.labels import split_label
from briefing.domain.numbers import Scale, format_quantity


class ClaimKind(enum.StrEnum):
    MEASURED = "measured"
    REPORTED = "reported"
    ESTIMATE = "estimate"
    PROJECTION = "projection"
    TARGET = "target"
    OPINION = "opinion"

    @property
    def label(self) -> str:
        return self.value.capitalize()


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    short: str


@dataclass(frozen=True)
class Report:
    """One report (one edition of a publication): the root its sections, audiences, charts and
    findings belong to. Sources are the library's, shared by every report."""

    id: int
    key: str
    title: str
    subtitle: str = ""
    publisher: str = ""
    author: str = ""
    edition: str = ""
    data_as_of: date | None = None
    published: date | None = None
    summary: str = ""
    sections: tuple[Section, ...] = ()
    predecessor_id: int | None = None
    colours: Colours = field(default_factory=Colours)  # empty: the house theme's

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self.sections)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def section_title(self, key: str) -> str:
        found = self.section(key)
        return found.title if found else key

    def section_short(self, key: str) -> str:
        found = self.section(key)
        return (found.short or found.title) if found else key

    def cover(self) -> dict[str, object]:
        """The fields a briefing's cover and metadata read (compose's `report` mapping)."""
        return {"key": self.key, "title": self.title, "subtitle": self.subtitle, "publisher": self.publisher,
                "author": self.author, "edition": self.edition, "data_as_of": self.data_as_of,
                "published": self.published, "summary": self.summary,
                "palette": self.colours.palette, "accents": self.colours.accents}


@dataclass(frozen=True)
class ReportDraft:
    """What a form or the CLI submits for a report; the service validates it. `sections` holds
    (key, title, short) triples or Section records, in reading order."""

    key: str
    title: str
    subtitle: str = ""
    publisher: str = ""
    author: str = ""
    edition: str = ""
    data_as_of: date | str | None = None
    published: date | str | None = None
    summary: str = ""
    sections: tuple[Section | tuple[str, str, str], ...] = ()
    # None keeps a report's colours as they are (an edit) or takes the house theme's (a new report).
    colours: Colours | Mapping[str, object] | None = None


@dataclass(frozen=True)
class Source:
    id: int
    key: str
    publisher: str
    title: str
    url: str | None = None
    published: date | None = None
    accessed: date | None = None
    notes: str = ""
    # The source this one is known through ("RAND ..., cited in Digital in Asia"), resolved whole
    # down the chain, so a writer renders it without asking the database again.
    via: Source | None = None

    def citation(self) -> str:
        """Short attribution for a chart's source line: "RAND, 2026"."""
        year = f", {self.published.year}" if self.published else ""
        return f"{self.publisher}{year}"

    def via_chain(self) -> tuple[Source, ...]:
        """The sources this one is cited in, nearest first (validation keeps the chain acyclic;
        the guard stops a cycle written straight into the database)."""
        chain: list[Source] = []
        seen = {self.key}
        s = self.via
        while s is not None and s.key not in seen:
            chain.append(s)
            seen.add(s.key)
            s = s.via
        return tuple(chain)

    def to_draft(self) -> SourceDraft:
        """The draft that re-creates this source, key included (an undo, a restore)."""
        return SourceDraft(self.publisher, self.title, self.url, self.published, self.accessed,
                           self.notes, self.key, self.via.key if self.via else None)


@dataclass(frozen=True)
class SourceDraft:
    """What an editor submits for a source; the service validates it."""

    publisher: str
    title: str
    url: str | None = None
    published: date | str | None = None
    accessed: date | str | None = None
    notes: str = ""
    key: str | None = None
    via: str | None = None  # the key of the source this one is cited in


@dataclass(frozen=True)
class Metric:
    id: int
    label: str
    value: Decimal
    unit: str
    scale: Scale | None = None
    entity: str = ""
    period: str = ""
    as_of: date | None = None
    series: str = ""
    position: int = 0

    @property
    def absolute(self) -> Decimal:
        """The value with its scale applied: 5.16 trillion -> 5160000000000."""
        return self.value * self.scale.factor if self.scale else self.value

    def display(self, compact: bool = True) -> str:
        return format_quantity(self.value, self.unit, self.scale, compact=compact)

    @property
    def name(self) -> str:
        """The label without its qualifier: "Qwen derivative models on Hugging Face"."""
        return split_label(self.label)[0]

    @property
    def qualifier(self) -> str:
        """What the source said of the value, as printed before it ("over", "about"), or ""."""
        return split_label(self.label)[1]


@dataclass(frozen=True)
class MetricDraft:
    label: str
    value: Decimal | str | int
    unit: str = ""
    scale: Scale | str | None = None
    entity: str = ""
    period: str = ""
    as_of: date | str | None = None
    series: str = ""


@dataclass(frozen=True)
class Audience:
    key: str
    name: str
    description: str = ""
    builtin: bool = False
    template: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))
    # The sections of the audience's report, in reading order: a template without `sections`
    # gets them all, and a template section named by one of their keys takes its heading. None for
    # an audience built by hand (a preview, a test): its template's section keys are not checked.
    sections: tuple[Section, ...] | None = None


@dataclass(frozen=True)
class Finding:
    id: int
    slug: str
    title: str
    statement: str
    section: str
    kind: ClaimKind
    tags: tuple[str, ...] = ()
    as_of: date | None = None
    sources: tuple[Source, ...] = ()
    metrics: tuple[Metric, ...] = ()
    wordings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    created_at: datetime | None = None
    updated_at: datetime | None = None
    version: int = 1
    position: int = 0
    # Copied into a new edition and not yet confirmed or edited by the analyst.
    carried_over: bool = False
    predecessor_id: int | None = None
    report_id: int = 0

    def wording_for(self, audience_key: str | None) -> str:
        """The audience's own wording of this finding, else the report's statement."""
        if audience_key:
            text = self.wordings.get(audience_key)
            if text:
                return text
        return self.statement

    @property
    def key_metric_index(self) -> int | None:
        """The metric a table headlines: the first that is a quantity. A year ("launched in 2026")
        dates the claim rather than measuring it, so it is the key number only when nothing else is."""
        for i, m in enumerate(self.metrics):
            if m.unit not in ("year", "years"):
                return i
        return 0 if self.metrics else None

    @property
    def key_metric(self) -> Metric | None:
        i = self.key_metric_index
        return None if i is None else self.metrics[i]

    def to_draft(self) -> FindingDraft:
        return FindingDraft(
            title=self.title,
            statement=self.statement,
            section=self.section,
            kind=self.kind.value,
            tags=self.tags,
            as_of=self.as_of,
            source_ids=tuple(s.id for s in self.sources),
            metrics=tuple(
                MetricDraft(
                    label=m.label,
                    value=m.value,
                    unit=m.unit,
                    scale=m.scale,
                    entity=m.entity,
                    period=m.period,
                    as_of=m.as_of,
                    series=m.series,
                )
                for m in self.metrics
            ),
            wordings=dict(self.wordings),
            slug=self.slug,
        )


@dataclass(frozen=True)
class FindingDraft:
    """What an editor (form, CLI, import) submits; raw strings are welcome, the service parses."""

    title: str
    statement: str
    section: str
    kind: ClaimKind | str = ClaimKind.REPORTED
    tags: tuple[str, ...] | str = ()
    as_of: date | str | None = None
    source_ids: tuple[int, ...] = ()
    metrics: tuple[MetricDraft, ...] = ()
    wordings: Mapping[str, str] = field(default_factory=dict)
    slug: str | None = None
