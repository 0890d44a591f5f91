"""compose(): an audience's template plus the report's findings and charts -> one Document."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, cast

from briefing.compose.inline import finding_paragraphs, split_paragraphs
from briefing.document import (
    Block,
    BulletList,
    Callout,
    Cell,
    Cite,
    CitedBy,
    Column,
    Document,
    Emphasis,
    Figure,
    Inline,
    KeyFigure,
    KeyFigures,
    Metadata,
    NumberRef,
    Paragraph,
    Reference,
    References,
    Section,
    Strong,
    Summary,
    Table,
    Text,
    ref_marker,
)
from briefing.document.links import finding_anchor
from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.labels import period_text, qualified
from briefing.domain.manifest import Manifest, build_manifest
from briefing.domain.model import Audience, ClaimKind, Finding, Metric, Source
from briefing.domain.numbers import group, plain
from briefing.domain.prose import prints_lead_in, repeats, sentences
from briefing.domain.selection import select
from briefing.domain.templates import MetricRef, SectionSpec, TableRow, TableSpec, Template, validate_template
from briefing.domain.text import typographic

if TYPE_CHECKING:
    from briefing.charts.data import ChartData
    from briefing.document.nodes import ParagraphStyle
    from briefing.domain.charts import ChartSpec
    from briefing.domain.editions import EditionDiff


def _field_label(field: str) -> str:
    """"metrics.0.value" → "figure 1"; "as_of" → "as of"."""
    parts = field.split(".")
    if parts[0] == "metrics" and len(parts) > 1:
        return f"figure {int(parts[1]) + 1}" + (f" {parts[2].replace('_', ' ')}" if len(parts) > 2 and
                                                  parts[2] != "value" else "")
    return field.replace("_", " ")


class ComposeService(Protocol):
    """The slice of BriefingService that compose reads."""

    def get_audience(self, key: str) -> Audience: ...
    def list_findings(self) -> list[Finding]: ...
    def count_findings(self) -> int: ...
    def list_charts(self, audience: str | None = None) -> list[ChartSpec]: ...
    def report(self) -> Mapping[str, Any]: ...


# A briefing reads every finding of the report before its template picks some. At 100k findings the
# records alone took ~840 MB and a full PDF 2.2 GB; a full PDF grew by ~42 KB a finding (95 MB at
# 103 findings, 342 MB at 6,000), so past this many a briefing is refused up front and the largest
# allowed stays well under 1 GB. See docs/performance.md, "Scale".
MAX_BRIEFING_FINDINGS = 10_000


class ChartTools(Protocol):
    """What compose needs from briefing.charts; the module itself satisfies it."""

    def resolve_chart_data(self, spec: ChartSpec, findings: Sequence[Finding]) -> object: ...
    def alt_text(self, spec: ChartSpec, data: object) -> str: ...


# Claims a reader must not mistake for measurements get their kind printed beside the title.
_LABELLED_KINDS = (ClaimKind.ESTIMATE, ClaimKind.PROJECTION, ClaimKind.TARGET)
_CURRENCIES = ("USD", "CNY", "EUR", "GBP")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def compose(
    service: ComposeService,
    audience_key: str,
    *,
    author: str = "",
    today: date | None = None,
    charts: ChartTools | None = None,
    template: Mapping[str, Any] | None = None,
) -> Document:
    """Build the audience's briefing. Raises NotFoundError for an unknown audience and
    ValidationError for a malformed template; stale slugs and chart keys become doc.warnings.

    `template`, when given, stands in for the saved one: a selection exported once, unsaved."""
    audience = service.get_audience(audience_key)
    if template is not None:
        audience = replace(audience, template=template)
    valid = validate_template(audience.template, audience.sections)
    total = service.count_findings()
    if total > MAX_BRIEFING_FINDINGS:
        raise ValidationError(FieldError(
            "findings", f"the report holds {total:,} findings; a briefing reads at most "
                        f"{MAX_BRIEFING_FINDINGS:,}. Keep the briefing's findings in a smaller report "
                        "(findings export --section, then import into a new report or --db)"))
    report = dict(service.report() or {})
    findings = service.list_findings()
    specs = list(service.list_charts(audience.key))
    all_specs = {s.key: s for s in service.list_charts(None)}
    # Only a service that knows editions can say what changed (previews over records cannot).
    changes_of = getattr(service, "edition_changes", None)
    changes = changes_of() if valid.what_changed and changes_of is not None else None
    composer = _Composer(audience, valid, report, findings, specs, all_specs, charts or _ChartsModule())
    composer.changes = changes
    return composer.build(author=author, today=today or date.today())


class _ChartsModule:
    """briefing.charts, imported on first use: it brings matplotlib (~0.6 s), which a briefing
    without charts never needs."""

    def resolve_chart_data(self, spec: ChartSpec, findings: Sequence[Finding]) -> object:
        from briefing.charts import resolve_chart_data

        return resolve_chart_data(spec, findings)

    def alt_text(self, spec: ChartSpec, data: object) -> str:
        from briefing.charts import alt_text

        return alt_text(spec, cast("ChartData", data))  # resolve_chart_data's result, held opaquely


def compose_from(
    audience: Audience,
    findings: Sequence[Finding],
    charts_available: Sequence[ChartSpec],
    *,
    report: Mapping[str, Any] | None = None,
    charts: ChartTools,
    author: str = "",
    today: date | None = None,
) -> Document:
    """compose() over records already in hand (previews, tests, imports without a database)."""
    template = validate_template(audience.template, audience.sections)
    specs = {s.key: s for s in charts_available}
    return _Composer(audience, template, dict(report or {}), list(findings), list(charts_available), specs,
                     charts).build(author=author, today=today or date.today())


class _Composer:
    def __init__(
        self,
        audience: Audience,
        template: Template,
        report: dict[str, Any],
        findings: list[Finding],
        specs: list[ChartSpec],
        all_specs: Mapping[str, ChartSpec],
        charts: ChartTools,
    ) -> None:
        self.changes: tuple[str, EditionDiff] | None = None
        self.audience = audience
        self.template = template
        self.report = report
        self.findings = findings
        self.by_slug = {f.slug: f for f in findings}
        self.specs = {s.key: s for s in specs}
        self.all_specs = all_specs
        self.charts = charts
        self.warnings: list[str] = []
        self.sources: dict[int, Source] = {}
        self.ref_numbers: dict[int, int] = {}
        self.citing: dict[int, list[str]] = {}  # source id -> slugs of the findings that cite it, in order
        self.figure_count = 0
        self.table_count = 0
        self.excluded = set(template.excluded)
        self.printed: list[str] = []  # the plain text of every finding and template paragraph so far
        self.evidence = dict(template.evidence)

    # ---- References: numbered in order of first citation, so [1] is the first one a reader meets.

    def cite(self, finding: Finding) -> tuple[int, ...]:
        for source in finding.sources:
            slugs = self.citing.setdefault(source.id, [])
            if finding.slug not in slugs:
                slugs.append(finding.slug)
        return self.cite_sources(finding.sources)

    def cite_sources(self, sources: Sequence[Source]) -> tuple[int, ...]:
        numbers = []
        for source in sources:
            # A source known through another brings that one into the list too, so its
            # "cited in" points at an entry the reader can find.
            for one in (source, *source.via_chain()):
                if one.id not in self.ref_numbers:
                    self.ref_numbers[one.id] = len(self.ref_numbers) + 1
                    self.sources[one.id] = one
            numbers.append(self.ref_numbers[source.id])
        return tuple(sorted(set(numbers)))

    # ---- Whole document

    def build(self, *, author: str, today: date) -> Document:
        t = self.template
        summary = self.summary()
        selection = select(t, self.findings)
        self.warnings.extend(selection.warnings)
        sections: list[Section] = []
        for spec, found in selection.sections:
            built = self.section(spec, found)
            if built is None:
                self.warnings.append(f"Section “{self.section_title(spec)}” has no content for this audience "
                                     "and was left out")
                continue
            sections.append(built)
        if self.changes is not None:
            sections.insert(0, self.what_changed(*self.changes))
        labels = _finding_labels(sections)
        references = References(
            entries=tuple(replace(self.reference(self.sources[sid], n),
                                  cited_by=_cited_by(self.citing.get(sid, ()), labels))
                          for sid, n in self.ref_numbers.items()),
            title=t.references_title,
        )
        meta = Metadata(
            title=t.title,
            subtitle=t.subtitle,
            audience_key=self.audience.key,
            audience_name=self.audience.name,
            author=author or str(self.report.get("author") or ""),
            publisher=str(self.report.get("publisher") or ""),
            date=today,
            keywords=t.keywords or self.keywords(selection.findings),
            subject=t.subtitle or self.audience.description or str(self.report.get("title") or ""),
            edition=str(self.report.get("edition") or ""),
            data_as_of=_partial_date(self.report.get("data_as_of")),
            reader=t.reader,
            method_note=tuple(split_paragraphs(t.method_note)),
            disclaimer=tuple(split_paragraphs(t.disclaimer)),
            palette=tuple(self.report.get("palette") or ()),
            accents=tuple(self.report.get("accents") or ()),
        )
        return Document(
            meta=meta,
            summary=summary,
            sections=tuple(sections),
            references=references,
            warnings=tuple(dict.fromkeys(self.warnings)),
            contents_title=t.contents_title,
            manifest=self.manifest(selection.findings, sections),
        )

    def manifest(self, selected: Sequence[Finding], sections: Sequence[Section]) -> Manifest:
        """What this briefing is made of: the findings it prints (in text, key figures or charts),
        its charts, and the evidence checks that fail in it, so `briefing diff` can say later what
        changed and which checks newly fail."""
        from briefing import __version__
        from briefing.checks import Library, check_briefing

        figures = [b for s in sections for b in s.blocks if isinstance(b, Figure)]
        slugs = dict.fromkeys(f.slug for f in selected)
        slugs.update(dict.fromkeys(ref.slug for ref in self.template.key_figures if ref.slug in self.by_slug))
        slugs.update(dict.fromkeys(_cited(sections)))  # a curated table's rows, a callout's numbers
        for fig in figures:
            slugs.update(dict.fromkeys(getattr(p, "finding", "") for p in getattr(fig.data, "points", ()) or ()))
        used = [self.by_slug[slug] for slug in slugs if slug in self.by_slug and slug not in self.excluded]
        charts = list({fig.spec.key: (fig.spec, fig.data) for fig in figures}.values())
        library = Library(findings=self.findings, charts=list(self.all_specs.values()), audiences=[self.audience])
        problems = check_briefing(library, self.audience.key, [f.slug for f in selected],
                                  [spec.key for spec, _ in charts])
        return build_manifest(kind="briefing", report=self.report, audience=self.audience, findings=used,
                              charts=charts, problems=problems, app_version=__version__)

    def summary(self) -> Summary:
        t = self.template
        text = t.introduction or str(self.report.get("summary") or "")
        paragraphs = tuple(_plain_paragraph(p) for p in split_paragraphs(text))
        tiles = self.key_figures(t.key_figures)
        return Summary(
            title=t.summary_title,
            paragraphs=paragraphs,
            key_figures=KeyFigures(tiles, t.key_figures_title) if tiles else None,
        )

    def key_figures(self, refs: Sequence[MetricRef]) -> tuple[KeyFigure, ...]:
        tiles: list[KeyFigure] = []
        for ref in refs:
            found = self.metric_of(ref, "Key figure")
            if found is None:
                continue
            finding, index, metric = found
            # The tile speaks the template's words (or the finding's title); a metric's label is a
            # database name ("… (over)") and its entity a key, neither written for a reader.
            tiles.append(
                KeyFigure(
                    value=tile_value(metric),
                    qualifier=metric.qualifier,
                    label=ref.label or finding.title,
                    context=ref.context,
                    finding=finding.slug,
                    metric_index=index,
                    source_ids=tuple(s.id for s in finding.sources),
                    refs=self.cite(finding),
                )
            )
        return tuple(tiles)

    def metric_of(self, ref: MetricRef, what: str) -> tuple[Finding, int, Metric] | None:
        """The finding and metric a reference names; None (with a warning when it names nothing)
        when it cannot be shown. A metric of an excluded finding is left out silently."""
        finding = self.by_slug.get(ref.slug)
        if finding is None:
            self.warnings.append(f"{what} “{ref}”: no finding “{ref.slug}”; it was left out")
            return None
        if finding.slug in self.excluded:
            return None
        index = ref.index if ref.index is not None else 0
        if not finding.metrics:
            self.warnings.append(f"{what} “{ref}”: the finding has no numbers; it was left out")
            return None
        if index >= len(finding.metrics):
            self.warnings.append(f"{what} “{ref}”: the finding has {len(finding.metrics)} number(s); it was left out")
            return None
        return finding, index, finding.metrics[index]

    # ---- Sections

    def what_changed(self, edition: str, diff: EditionDiff) -> Section:
        """Findings added, removed and changed since the previous edition, numbers old → new."""
        title = self.template.what_changed.replace("{edition}", edition)
        items: list[Paragraph] = []
        for f in diff.added:
            items.append(Paragraph((Strong("New: "), Text(f.title))))
        for c in diff.changed:
            details = "; ".join(f"{_field_label(x.field)} {x.old or '—'} → {x.new or '—'}" for x in c.fields
                                if x.field.startswith("metrics.") or x.field in ("title", "kind", "as_of"))
            items.append(Paragraph((Strong("Changed: "), Text(c.new.title + (f" ({details})" if details else "")))))
        for f in diff.removed:
            items.append(Paragraph((Strong("Dropped: "), Text(f.title))))
        lead = (f"{len(diff.added)} new, {len(diff.changed)} changed and {len(diff.removed)} dropped "
                f"finding{'s' if len(diff.added) + len(diff.changed) + len(diff.removed) != 1 else ''} "
                f"since {edition}.")
        blocks: tuple[Block, ...] = (Paragraph((Text(lead),)),) + ((BulletList(tuple(items)),) if items else ())
        return Section(key="what-changed", title=title, blocks=blocks, anchor="sec-what-changed")

    def section_title(self, spec: SectionSpec) -> str:
        if spec.title:
            return spec.title
        found = next((s for s in self.audience.sections or () if s.key == spec.key), None)
        return found.title if found else spec.key

    def section(self, spec: SectionSpec, found: Sequence[Finding]) -> Section | None:
        blocks: list[Block] = []
        title = self.section_title(spec)
        own = [self.finding_blocks(f) for f in found]
        # The template's own words (an intro, "The bottom line", a callout) must add to what the
        # briefing says, not say it again: a paragraph that repeats one printed before it in the
        # briefing or one of this section's findings is left out, with a warning naming it.
        said = self.printed + [b.plain for blocks_of in own for b in blocks_of if isinstance(b, Paragraph)]
        if spec.intro:
            blocks.extend(_plain_paragraph(p, "lead") for p in self.unsaid(split_paragraphs(spec.intro), said,
                                                                           title, "intro"))
        if spec.text:
            blocks.extend(_plain_paragraph(p) for p in self.unsaid(split_paragraphs(spec.text), said, title))
        if spec.bullets:
            blocks.append(BulletList(tuple(_plain_paragraph(b) for b in spec.bullets)))
        # Each chart follows the first finding that feeds it; one fed by none closes the section.
        pending = self.section_charts(spec)
        body: list[tuple[Block, bool]] = []  # (block, is a finding's paragraph)
        for finding, finding_blocks in zip(found, own, strict=True):
            body.extend((b, isinstance(b, Paragraph)) for b in finding_blocks)
            for item in [c for c in pending if finding.slug in c[2]]:
                body.append((self.figure(item[0], item[1]), False))
                pending.remove(item)
        blocks.extend(_join_lone_sentences(body))
        for chart, data, _ in pending:
            blocks.append(self.figure(chart, data))
        if spec.table is not None:
            table = self.metrics_table(spec.table, found)
            if table is not None:
                blocks.append(table)
        if spec.callout is not None:
            kept = self.unsaid(split_paragraphs(spec.callout.text), said, title, f"callout “{spec.callout.title}”")
            if kept:
                blocks.append(Callout(spec.callout.title, tuple(_plain_paragraph(p) for p in kept),
                                      kind="implication"))
        self.printed = said
        if not blocks:
            return None
        return Section(key=spec.key, title=self.section_title(spec), blocks=tuple(blocks), anchor=f"sec-{spec.key}")

    def finding_blocks(self, finding: Finding) -> list[Block]:
        """A finding's paragraphs, opened by its title in bold unless the text says it already.

        A lead-in that its paragraph restates (`prose.restated_by`: the first paragraph holds half
        the lead-in's content words or more) is dropped, not the sentences: they carry the numbers,
        their links and citations, and the title adds nothing they do not say.
        """
        title = finding.title.strip()
        text = finding.wording_for(self.audience.key)
        lead: list[Inline] = []
        if prints_lead_in(title, text):
            lead.append(Strong(title if title[-1] in ".?!:…" else title + "."))
            lead.append(Text(" "))
        if finding.kind in _LABELLED_KINDS:
            lead.append(Emphasis(f"{finding.kind.label}."))
            lead.append(Text(" "))
        # An audience's own wording cites only its evidence; the template may say how much that is.
        wording = bool(self.audience.key and finding.wordings.get(self.audience.key))
        paragraphs = finding_paragraphs(text, finding, self.cite, lead=lead, wording=wording,
                                        evidence=self.evidence.get(finding.slug) if wording else None)
        # The finding's place: "Cited for" in the references links back to it.
        return [replace(paragraphs[0], anchor=finding_anchor(finding.slug)), *paragraphs[1:]]

    def unsaid(self, paragraphs: Sequence[str], said: list[str], section: str, where: str = "text") -> list[str]:
        """`paragraphs` less those that repeat one in `said` (`prose.repeats`); those kept join `said`."""
        kept: list[str] = []
        for paragraph in paragraphs:
            earlier = next((s for s in said if repeats(paragraph, s)), None)
            if earlier is not None:
                self.warnings.append(f"Section “{section}”: a paragraph of its {where} repeats what the briefing "
                                     f"already says (“{_clip(earlier)}”); it was left out")
                continue
            kept.append(paragraph)
            said.append(paragraph)
        return kept

    # ---- Charts

    def section_charts(self, spec: SectionSpec) -> list[tuple[ChartSpec, object, set[str]]]:
        """The section's charts with their data resolved (once) and the slugs of the findings they draw."""
        out: list[tuple[ChartSpec, object, set[str]]] = []
        for key in spec.charts:
            chart = self.specs.get(key) or self.all_specs.get(key)  # named by the template: shown
            if chart is None:
                self.warnings.append(f"Section “{self.section_title(spec)}”: no chart “{key}”; it was left out")
                continue
            if not chart.accent:
                chart = replace(chart, accent=self.audience.key)  # drawn in the audience's colour
            try:
                data = self.charts.resolve_chart_data(chart, self.findings)
            except Exception as exc:  # noqa: BLE001 - a broken chart must not sink the briefing
                self.warnings.append(f"Chart “{key}” could not be drawn ({exc}); it was left out")
                continue
            for w in getattr(data, "warnings", ()) or ():
                self.warnings.append(f"Chart “{key}”: {w}")
            points = getattr(data, "points", None)
            if points is not None and not points:
                self.warnings.append(f"Chart “{key}” has no data; it was left out")
                continue
            slugs = {p.finding for p in points} if points else self.feeding_slugs(chart)
            out.append((chart, data, slugs))
        return out

    def feeding_slugs(self, spec: ChartSpec) -> set[str]:
        """Findings a chart draws, from its spec alone (by series key or "slug#index" reference)."""
        series = set(spec.series)
        slugs = {m.finding for m in spec.metrics}
        if series:
            for f in self.findings:
                if any(m.series and m.series in series for m in f.metrics):
                    slugs.add(f.slug)
        return slugs

    def figure(self, spec: ChartSpec, data: object) -> Figure:
        alt = spec.alt_text.strip()
        if not alt:
            try:
                alt = self.charts.alt_text(spec, data)
            except Exception as exc:  # noqa: BLE001 - alt text is a courtesy: the title stands in
                self.warnings.append(f"Chart “{spec.key}”: no alt text ({exc})")
                alt = spec.title or spec.key
        points = getattr(data, "points", None)
        slugs = list(dict.fromkeys(p.finding for p in points)) if points else sorted(
            self.feeding_slugs(spec), key=self._report_rank)
        sources: list[Source] = []
        for slug in slugs:
            finding = self.by_slug.get(slug)
            for s in finding.sources if finding else ():
                if s not in sources:
                    sources.append(s)
        refs = self.cite_sources(sources)
        source_line = spec.source.strip() or str(getattr(data, "source", "") or "").strip()
        if not source_line and sources:
            source_line = "Source: " + "; ".join(dict.fromkeys(s.citation() for s in sources))
        if refs:
            source_line = (source_line + " " + ref_marker(refs)).strip()
        if spec.note.strip():
            # "…, April 2026 [1]. Note: …": the note is a sentence of its own, not a run-on of the source.
            source_line = f"{source_line}. Note: {spec.note.strip()}" if source_line else f"Note: {spec.note.strip()}"
        self.figure_count += 1
        # The caption is set as the text around it is (China’s, not China's), as the chart image is.
        return Figure(spec=spec, data=data, number=self.figure_count,
                      caption=typographic((spec.title or spec.key).strip()),
                      alt_text=alt, source=source_line, anchor=f"fig-{self.figure_count}",
                      subtitle=typographic(spec.subtitle.strip()))

    def _report_rank(self, slug: str) -> int:
        for i, f in enumerate(self.findings):
            if f.slug == slug:
                return i
        return len(self.findings)

    # ---- Tables

    def metrics_table(self, spec: TableSpec, found: Sequence[Finding]) -> Table | None:
        """The section's key numbers: the template's rows, else each finding's key number. The
        value carries its qualifier and unit ("over 100,000 models"); the citation has a column of
        its own, so a marker never reads as part of the number."""
        picked: list[tuple[str, str, NumberRef, tuple[Source, ...]]] = []  # label, note, value, sources
        if spec.rows:
            for row in spec.rows:
                got = self.row_value(row)
                if got is not None:
                    picked.append((row.label, row.note, *got))
        else:
            for finding in found:
                index = finding.key_metric_index
                if index is None:
                    continue
                metric = finding.metrics[index]
                picked.append((default_row_label(metric), "", self.number(finding, index, table_value(metric)),
                               finding.sources))
        if not picked:
            return None
        with_notes = any(note for _, note, _, _ in picked)
        rows: list[tuple[Cell, ...]] = []
        for label, note, value, sources in picked:
            refs = self.cite_sources(sources)
            cells = [Cell((Text(label),)), Cell((replace(value, refs=refs),))]
            if with_notes:
                cells.append(Cell((Text(note),) if note else ()))
            cells.append(Cell((Cite(value.finding, tuple(s.id for s in sources), refs),) if refs else ()))
            rows.append(tuple(cells))
        columns = [Column("Measure", width=3.1), Column("Value", align="right", width=2.0)]
        if with_notes:
            columns.append(Column("Note", width=2.2))
        columns.append(Column("Source", width=0.9))
        self.table_count += 1
        return Table(number=self.table_count, caption=spec.title, columns=tuple(columns), rows=tuple(rows),
                     anchor=f"tab-{self.table_count}")

    def number(self, finding: Finding, index: int, text: str) -> NumberRef:
        """A table value: no marker of its own (the Source column cites it)."""
        return NumberRef(text=text, finding=finding.slug, metric_index=index,
                         source_ids=tuple(s.id for s in finding.sources), marker=False)

    def row_value(self, row: TableRow) -> tuple[NumberRef, tuple[Source, ...]] | None:
        """A curated row's value (a range when it names a second metric) and the sources it cites."""
        what = f"Table row “{row.label}”,"
        got = self.metric_of(row.metric, what)
        if got is None:
            return None
        finding, index, metric = got
        if row.to is None:
            return self.number(finding, index, table_value(metric)), finding.sources
        end = self.metric_of(row.to, what)
        if end is None:
            return None
        sources = tuple(dict.fromkeys(finding.sources + end[0].sources))
        return self.number(finding, index, range_value(metric, end[2])), sources

    # ---- Small pieces

    def reference(self, source: Source, number: int) -> Reference:
        return Reference(
            number=number,
            source_id=source.id,
            publisher=source.publisher,
            title=source.title,
            url=source.url or None,
            published=_partial_date(source.published),
            accessed=_partial_date(source.accessed),
            anchor=f"ref-{number}",
            via=tuple(f"{_short_citation(v)} [{self.ref_numbers[v.id]}]" for v in source.via_chain()),
        )

    def keywords(self, findings: Sequence[Finding]) -> tuple[str, ...]:
        counts: dict[str, int] = {}
        for f in findings:
            for tag in f.tags:
                counts[tag] = counts.get(tag, 0) + 1
        top = sorted(counts, key=lambda t: (-counts[t], t))[:8]
        return (self.audience.name, *top)


def _cited(sections: Sequence[Section]) -> list[str]:
    """Slugs of the findings whose numbers or sources the sections print, wherever they print them."""
    out: list[str] = []

    def runs(items: Sequence[Inline]) -> None:
        out.extend(r.finding for r in items if isinstance(r, (NumberRef, Cite)))

    for section in sections:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                runs(block.runs)
            elif isinstance(block, BulletList):
                for item in block.items:
                    runs(item.runs)
            elif isinstance(block, Callout):
                for paragraph in block.body:
                    runs(paragraph.runs)
            elif isinstance(block, Table):
                for row in block.rows:
                    for cell in row:
                        runs(cell.runs)
            elif isinstance(block, KeyFigures):
                out.extend(tile.finding for tile in block.items if tile.finding)
    return out


def tile_value(metric: Metric) -> str:
    """A key figure's big number: "61%", "6.7×", "$0.028", "$650B", "1/6", "140 trillion", "600,000"."""
    unit = metric.unit or ""
    if unit in ("%", "×", "x", "1/x", "year") or unit in _CURRENCIES:
        return metric_text(metric, compact=True)
    if metric.scale is not None:
        return f"{group(metric.value)} {metric.scale.value}"
    return group(metric.value)


def metric_text(metric: Metric, compact: bool = False) -> str:
    """A metric as a table prints it: "140 trillion tokens", "$650 billion", "61%", "1/6", "2027"."""
    unit = metric.unit or ""
    if unit == "1/x":
        return f"1/{plain(metric.value)}"  # "one-sixth of the cost" is stored as 6 with unit 1/x
    if unit == "year":
        return plain(metric.value)  # never "2,026"
    if unit in ("%", "×", "x"):
        return metric.display(compact=True)
    return metric.display(compact=compact)


def table_value(metric: Metric) -> str:
    """A table's value cell: the quantity with its unit and the source's qualifier ("about 600,000
    chips"). A year that a finer period pins down prints as the period ("Q4 2027", not "2027")."""
    if metric.unit == "year" and metric.period.strip().startswith(plain(metric.value)):
        shown = period_text(metric.period)
        if shown != plain(metric.value):
            return qualified(shown, metric.qualifier)
    return qualified(metric_text(metric), metric.qualifier)


def range_value(low: Metric, high: Metric) -> str:
    """"5–10 years", "300,000–350,000 units", "1/6–1/4": the words both ends share are printed once."""
    a, b = table_value(low), table_value(high)
    cut = 0
    while True:  # the longest shared tail that starts at a space (" years", " million units")
        nxt = a.rfind(" ", 0, len(a) - cut)
        if nxt < 0 or not b.endswith(a[nxt:]) or nxt == 0:
            break
        cut = len(a) - nxt
    if cut and len(b) > cut:
        return f"{a[:-cut]}–{b}"
    return f"{a}–{b}"


def default_row_label(metric: Metric) -> str:
    """A row for a template that lists no rows: the metric's name, its entity when the name does
    not say it, and its period in the briefing's date style."""
    label = metric.name
    if metric.entity and metric.entity.casefold() not in label.casefold():
        label = f"{label} ({metric.entity})"
    period = period_text(metric.period)
    if period and period not in label and metric.unit != "year":
        label = f"{label}, {period}"
    return label


def _partial_date(value: object) -> str:
    """Sources and reports store "2026-03" as 2026-03-01 and "2026" as 2026-01-01; print them as given
    (anything but a date, such as a missing value, prints as "")."""
    if not isinstance(value, date):
        return ""
    if value.month == 1 and value.day == 1:
        return str(value.year)
    if value.day == 1:
        return f"{_MONTHS[value.month - 1]} {value.year}"
    return f"{value.day} {_MONTHS[value.month - 1]} {value.year}"


# A lone sentence joins a neighbour only while the paragraph stays this short: past it, the joined
# paragraph stops reading as one thought and becomes a list of findings run together.
_JOINED_SENTENCES = 4


def _join_lone_sentences(body: Sequence[tuple[Block, bool]]) -> list[Block]:
    """Findings' paragraphs with each paragraph of a single sentence joined to the finding paragraph
    just before it, else to the one just after, while the result has at most `_JOINED_SENTENCES`
    (never across a figure, never putting a bold lead-in or a kind label such as "Estimate." in
    mid-paragraph). A run of one-line paragraphs reads as a
    list of fragments; each sentence keeps its own citation marker, so its evidence stays with it."""
    out = list(body)
    i = 0
    while i < len(out):
        block, joinable = out[i]
        if not (joinable and isinstance(block, Paragraph) and _sentence_count(block) == 1):
            i += 1
            continue
        before = out[i - 1] if i else (None, False)
        after = out[i + 1] if i + 1 < len(out) else (None, False)
        if (before[1] and isinstance(before[0], Paragraph) and not _opens_with_label(block)
                and _sentence_count(before[0]) < _JOINED_SENTENCES):
            out[i - 1:i + 1] = [(_joined(before[0], block), True)]
        elif (after[1] and isinstance(after[0], Paragraph) and not _opens_with_label(after[0])
              and _sentence_count(after[0]) < _JOINED_SENTENCES):
            out[i:i + 2] = [(_joined(block, after[0]), True)]
        else:
            i += 1
    return [block for block, _ in out]


def _joined(first: Paragraph, second: Paragraph) -> Paragraph:
    return Paragraph((*first.runs, Text(" "), *second.runs), first.style)


def _opens_with_label(paragraph: Paragraph) -> bool:
    """A bold lead-in or a kind label ("Estimate.") opens a paragraph; it cannot sit in the middle."""
    return bool(paragraph.runs) and isinstance(paragraph.runs[0], Strong | Emphasis)


def _sentence_count(paragraph: Paragraph) -> int:
    """Sentences of the paragraph's own words: lead-ins, labels and citation markers left out."""
    text = "".join(r.text for r in paragraph.runs if isinstance(r, Text | NumberRef))
    return len(sentences(text))


def _clip(text: str, words: int = 8) -> str:
    cut = text.split()
    return " ".join(cut[:words]) + ("…" if len(cut) > words else "")
def _short_citation(source: Source) -> str:
    """"Digital in Asia, April 2026": who, and when as precisely as recorded."""
    when = _partial_date(source.published)
    return f"{source.publisher}, {when}" if when else source.publisher


def _plain_paragraph(text: str, style: ParagraphStyle = "body") -> Paragraph:
    return Paragraph((Text(text),), style=style)



def _finding_labels(sections: Sequence[Section]) -> dict[str, str]:
    """Each finding's place in the body as "section.n" (the second finding of section 3 is "3.2"),
    numbered as the writers number sections; a finding shown twice keeps its first place."""
    labels: dict[str, str] = {}
    for number, section in enumerate(sections, start=1):
        n = 0
        for block in section.blocks:
            if isinstance(block, Paragraph) and block.anchor.startswith("f-"):
                n += 1
                labels.setdefault(block.anchor.removeprefix("f-"), f"{number}.{n}")
    return labels


def _cited_by(slugs: Sequence[str], labels: Mapping[str, str]) -> tuple[CitedBy, ...]:
    """The findings citing a reference, those the body shows in reading order ("2.1, 2.7, 3.4"),
    then those cited only by a key figure or table."""
    def place(slug: str) -> tuple[int, ...]:
        label = labels.get(slug)
        return tuple(int(x) for x in label.split(".")) if label else (1 << 30,)
    return tuple(CitedBy(slug, labels.get(slug, "")) for slug in sorted(slugs, key=place))
