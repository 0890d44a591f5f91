"""BriefingService: the one API the GUI and the CLI call. Short sessions per call; records out, never rows."""

from __future__ import annotations

import getpass
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import ColumnElement, Select, Table, and_, delete, func, or_, select, text, update
from sqlalchemy.orm import Session, selectinload

from briefing.domain import history
from briefing.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from briefing.domain.model import Audience, Finding, FindingDraft, Report, ReportDraft, Section, Source, SourceDraft
from briefing.domain.text import clean_text
from briefing.domain.validate import (
    CleanFinding,
    CleanSource,
    clean_finding,
    clean_key,
    clean_report,
    clean_sections,
    clean_source,
)
from briefing.services.mapping import (
    audience_record,
    finding_from_parts,
    finding_record,
    metric_record,
    report_record,
    source_library,
)
from briefing.store import fts
from briefing.store.engine import Database
from briefing.store.models import (
    AudienceRow,
    ChartRow,
    FindingRow,
    HistoryRow,
    MetaRow,
    MetricRow,
    ReportRow,
    SectionRow,
    SourceRow,
    TagRow,
    WordingRow,
    finding_sources,
    utcnow,
)

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec
    from briefing.domain.editions import EditionDiff


# The audience a new report starts with (a report's audiences are its own data; this one is generic).
DEFAULT_AUDIENCE = "standard"


def _finding_query():
    return select(FindingRow).options(
        selectinload(FindingRow.metrics),
        selectinload(FindingRow.tags),
        selectinload(FindingRow.wordings),
        selectinload(FindingRow.sources),
    )


class BriefingService:
    """Queries and validated edits over one database, on its current report.

    Findings, audiences and charts belong to a report; every call works on the current one: the
    report named at construction or by `use_report`, else the only report, else the last one used
    (remembered in the database), else the first. Sources are the library's, shared by all reports.
    """

    def __init__(self, db: Database, report: str | None = None, *, who: str | None = None) -> None:
        self.db = db
        self._report_key = report
        self._report_id: int | None = None
        # Whose name a finding's history records: "os" (the logged-in user) or "database" (the role
        # the server knows us by; SQLite has none, so the OS user). BRIEFING_HISTORY_WHO for the CLI,
        # the app's Preferences for the app.
        self.history_who = who or os.environ.get("BRIEFING_HISTORY_WHO", "os")
        self._role: str | None = None

    @property
    def database_url(self) -> str:
        """The database as a URL another process can open (exports run in a child process)."""
        return self.db.url.render_as_string(hide_password=False)

    def change_counter(self) -> int | None:
        """Moves whenever anyone commits to the database (another process, another window, this
        one); None when this database cannot tell cheaply. Front ends poll it to stay current."""
        return self.db.change_counter()

    # ---- Reports
    @property
    def report_id(self) -> int:
        """The current report's id (NotFoundError when the library holds no report, or not the one named)."""
        if self._report_id is None:
            with self.db.reading() as s:
                self._report_id = self._resolve_report(s, self._report_key)
        return self._report_id

    def _resolve_report(self, s: Session, key: str | None) -> int:
        if key is not None:
            rid = s.scalar(select(ReportRow.id).where(ReportRow.key == key))
            if rid is None:
                keys = list(s.scalars(select(ReportRow.key).order_by(ReportRow.position, ReportRow.id)))
                raise ValidationError(FieldError(
                    "report", f"no report “{key}”; choose one of {', '.join(keys)}" if keys
                    else "the library holds no report"))
            return rid
        ids = list(s.scalars(select(ReportRow.id).order_by(ReportRow.position, ReportRow.id)))
        if not ids:
            raise NotFoundError("report", "(any)")
        if len(ids) > 1:
            last = s.get(MetaRow, "last_report")
            if last is not None and isinstance(last.value, dict) and last.value.get("id") in ids:
                return int(last.value["id"])
        return ids[0]

    @property
    def report_key(self) -> str:
        """The current report's key (another process names it to work on the same report)."""
        if self._report_key is None:
            self._report_key = self.get_report().key
        return self._report_key

    def for_report(self, key: str) -> BriefingService:
        """A service on another report of the same database (this one's current report stays)."""
        return BriefingService(self.db, key, who=self.history_who)

    def use_report(self, key: str, *, remember: bool = True) -> Report:
        """Makes `key` the current report; `remember`: later sessions that name none open it."""
        with self.db.reading() as s:
            rid = self._resolve_report(s, key)
        self._report_key, self._report_id = key, rid
        if remember:
            with self.db.writing() as s:
                row = s.get(MetaRow, "last_report")
                if row is None:
                    s.add(MetaRow(key="last_report", value={"id": rid}))
                elif row.value != {"id": rid}:
                    row.value = {"id": rid}
        return self.get_report()

    def report(self) -> dict[str, Any]:
        """The current report's cover fields (title, subtitle, publisher, author, edition, summary)."""
        return self.get_report().cover()

    def get_report(self, key: str | None = None) -> Report:
        with self.db.reading() as s:
            rid = self.report_id if key is None else self._resolve_report(s, key)
            row = s.scalars(select(ReportRow).options(selectinload(ReportRow.sections))
                            .where(ReportRow.id == rid)).one_or_none()
            if row is None:
                raise NotFoundError("report", key or self._report_key or rid)
            return report_record(row)

    def list_reports(self) -> list[Report]:
        with self.db.reading() as s:
            rows = s.scalars(select(ReportRow).options(selectinload(ReportRow.sections))
                             .order_by(ReportRow.position, ReportRow.id))
            return [report_record(r) for r in rows]

    def sections(self) -> tuple[Section, ...]:
        """The current report's sections in reading order."""
        return self.get_report().sections

    def report_counts(self, key: str | None = None) -> dict[str, int]:
        """How many findings, audiences and charts a report holds."""
        with self.db.reading() as s:
            rid = self.report_id if key is None else self._resolve_report(s, key)
            return {name: s.scalar(select(func.count()).select_from(row).where(row.report_id == rid)) or 0
                    for name, row in (("findings", FindingRow), ("audiences", AudienceRow), ("charts", ChartRow))}

    def create_report(self, draft: ReportDraft, *, use: bool = False) -> Report:
        clean = clean_report(draft)
        with self.db.writing() as s:
            if s.scalar(select(ReportRow.id).where(ReportRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"a report “{clean.key}” already exists"))
            pos = (s.scalar(select(func.max(ReportRow.position))) or 0) + 1
            row = ReportRow(position=pos)
            self._apply_report(row, clean)
            row.sections = [SectionRow(key=x.key, title=x.title, short=x.short, position=i)
                            for i, x in enumerate(clean.sections, start=1)]
            s.add(row)
            s.flush()
            # One audience to start from, so a new report exports at once: every section, in order.
            s.add(AudienceRow(report_id=row.id, key=DEFAULT_AUDIENCE, name="Standard briefing",
                              description="Every finding, section by section", builtin=False, position=1,
                              template={"title": clean.title, **({"subtitle": clean.subtitle} if clean.subtitle
                                                                  else {})}))
            key = row.key
        return self.use_report(key) if use else self.get_report(key)

    def update_report(self, key: str, draft: ReportDraft) -> Report:
        """Changes a report's fields (its key too) and, when `draft.sections` is given, its sections."""
        clean = clean_report(draft)
        with self.db.writing() as s:
            rid = self._resolve_report(s, key)
            if clean.key != key and s.scalar(select(ReportRow.id).where(ReportRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"a report “{clean.key}” already exists"))
            row = s.get(ReportRow, rid)
            assert row is not None
            self._check_as_of(s, row.predecessor_id, clean.data_as_of)
            self._apply_report(row, clean)
            if draft.sections:
                self._replace_sections(s, row, clean.sections)
        if self._report_id == rid:
            self._report_key = clean.key
        return self.get_report(clean.key)

    def set_sections(self, sections: Sequence[Section | tuple[str, str, str]], key: str | None = None) -> Report:
        """Replaces a report's sections (order, titles, keys). A section its findings still use is
        refused, saying how many findings sit where."""
        clean = clean_sections(sections)
        with self.db.writing() as s:
            rid = self.report_id if key is None else self._resolve_report(s, key)
            row = s.get(ReportRow, rid)
            assert row is not None
            self._replace_sections(s, row, clean)
            report_key = row.key
        return self.get_report(report_key)

    @staticmethod
    def _replace_sections(s: Session, row: ReportRow, sections: Sequence[Section]) -> None:
        if not sections:
            raise ValidationError(FieldError("sections", "a report needs at least one section"))
        keep = {x.key for x in sections}
        used = s.execute(select(FindingRow.section, func.count()).where(FindingRow.report_id == row.id)
                         .group_by(FindingRow.section)).all()
        orphans = [(k, n) for k, n in used if k not in keep]
        if orphans:
            where = "; ".join(f"{n} finding(s) in “{k}”" for k, n in orphans)
            raise ValidationError(FieldError(
                "sections", f"cannot remove a section that findings use: {where}; move them to another section first"))
        by_key = {x.key: x for x in row.sections}
        rows = []
        for i, x in enumerate(sections, start=1):
            sec = by_key.get(x.key) or SectionRow(key=x.key)
            sec.title, sec.short, sec.position = x.title, x.short, i
            rows.append(sec)
        row.sections = rows
        s.flush()

    @staticmethod
    def _apply_report(row: ReportRow, clean: Any) -> None:
        for name in ("key", "title", "subtitle", "publisher", "author", "edition", "data_as_of", "published",
                     "summary"):
            setattr(row, name, getattr(clean, name))
        if clean.colours is not None:  # None: the draft leaves the colours as they are
            row.colours = clean.colours.to_dict() if clean.colours else None
        row.stale_after_days = clean.stale_after_days

    @staticmethod
    def _check_as_of(s: Session, predecessor_id: int | None, as_of: Any) -> None:
        if predecessor_id is None or as_of is None:
            return
        before = s.get(ReportRow, predecessor_id)
        if before is not None and before.data_as_of is not None and as_of < before.data_as_of:
            raise ValidationError(FieldError(
                "data_as_of", f"{as_of.isoformat()} is before the previous edition’s ({before.data_as_of.isoformat()}, "
                              f"“{before.key}”)"))

    def new_edition(self, report: str | None = None, *, key: str, edition: str, data_as_of: Any = None,
                    title: str | None = None, published: Any = None, use: bool = False) -> Report:
        """Copies a report forward as its next edition, in one transaction: the same sections,
        audiences and charts; every finding with its metrics, sources and wordings, marked "carried
        over, not yet reviewed" and linked to the finding it was copied from. The title's edition
        name becomes the new one ("… — April 2026" → "… — May 2026") unless a title is given."""
        before = self.get_report(report)
        if title is None:
            title = (before.title.replace(before.edition, edition) if before.edition and edition
                     and before.edition in before.title else before.title)
        clean = clean_report(ReportDraft(
            key=key, title=title, subtitle=before.subtitle, publisher=before.publisher, author=before.author,
            edition=edition, data_as_of=data_as_of, published=published, summary=before.summary,
            sections=before.sections, colours=before.colours, stale_after_days=before.stale_after_days))
        with self.db.writing() as s:
            if s.scalar(select(ReportRow.id).where(ReportRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"a report “{clean.key}” already exists"))
            self._check_as_of(s, before.id, clean.data_as_of)
            row = ReportRow(predecessor_id=before.id,
                            position=(s.scalar(select(func.max(ReportRow.position))) or 0) + 1)
            self._apply_report(row, clean)
            row.sections = [SectionRow(key=x.key, title=x.title, short=x.short, position=i)
                            for i, x in enumerate(clean.sections, start=1)]
            s.add(row)
            s.flush()
            for a in s.scalars(select(AudienceRow).where(AudienceRow.report_id == before.id)):
                s.add(AudienceRow(report_id=row.id, key=a.key, name=a.name, description=a.description,
                                  builtin=a.builtin, position=a.position, template=dict(a.template or {})))
            for c in s.scalars(select(ChartRow).where(ChartRow.report_id == before.id)):
                s.add(ChartRow(report_id=row.id, key=c.key, kind=c.kind, title=c.title, position=c.position,
                               spec=dict(c.spec), version=1))
            old = s.scalars(_finding_query().where(FindingRow.report_id == before.id)
                            .order_by(FindingRow.position, FindingRow.id)).all()
            copies: dict[int, FindingRow] = {}
            for f in old:
                copy = FindingRow(report_id=row.id, slug=f.slug, title=f.title, statement=f.statement,
                                  section=f.section, kind=f.kind, as_of=f.as_of, position=f.position, version=1,
                                  carried_over=True, predecessor_id=f.id)
                copy.metrics = [MetricRow(position=m.position, label=m.label, value=m.value, unit=m.unit,
                                          scale=m.scale, entity=m.entity, period=m.period, as_of=m.as_of,
                                          series=m.series) for m in f.metrics]
                copy.tags = [TagRow(tag=t.tag, position=t.position) for t in f.tags]
                copy.wordings = [WordingRow(audience_key=w.audience_key, text=w.text) for w in f.wordings]
                s.add(copy)
                copies[f.id] = copy
                s.flush()
                if f.sources:
                    s.execute(finding_sources.insert(), [
                        {"finding_id": copy.id, "source_id": src.id, "position": i} for i, src in enumerate(f.sources)])
                if self.db.has_fts():
                    fts.index_finding(s, copy.id, f.title, f.statement, [t.tag for t in f.tags])
            # "Superseded by" links the new edition's own copies, once every copy has its id.
            for f in old:
                if f.superseded_by_id in copies:
                    copies[f.id].superseded_by_id = copies[f.superseded_by_id].id
            new_key = row.key
        return self.use_report(new_key) if use else self.get_report(new_key)

    def diff_editions(self, old: str, new: str) -> EditionDiff:
        """What changed from report `old` to report `new`: findings added, removed and changed
        (field by field, with the old and new numbers)."""
        from briefing.domain.editions import diff_findings

        before = BriefingService(self.db, old)
        after = BriefingService(self.db, new)
        before.get_report(old)  # unknown keys are refused here, naming the valid ones
        after.get_report(new)
        return diff_findings(old, before.list_findings(), new, after.list_findings())

    def edition_changes(self) -> tuple[str, EditionDiff] | None:
        """What changed since the current report's previous edition (its edition name, or key, and
        the diff); None for a first edition."""
        report = self.get_report()
        if report.predecessor_id is None:
            return None
        before = next((r for r in self.list_reports() if r.id == report.predecessor_id), None)
        if before is None:
            return None
        return (before.edition or before.key, self.diff_editions(before.key, report.key))

    def delete_report(self, key: str) -> ReportSnapshot:
        """Deletes a report with its sections, audiences, charts and findings (sources stay: they are
        the library's); returns everything so that `restore_report` can bring it back."""
        snapshot = self.report_snapshot(key)
        was_current = self._report_id == snapshot.report.id
        with self.db.writing() as s:
            rid = self._resolve_report(s, key)
            if s.scalar(select(func.count()).select_from(ReportRow)) == 1:
                # Every front end works on a current report; a library needs one to open on.
                raise ValidationError(FieldError("report", f"“{key}” is the library's only report; "
                                                           "create another before deleting it"))
            if self.db.has_fts():
                for fid in s.scalars(select(FindingRow.id).where(FindingRow.report_id == rid)):
                    fts.unindex_finding(s, fid)
            s.execute(delete(FindingRow).where(FindingRow.report_id == rid))
            s.execute(delete(ReportRow).where(ReportRow.id == rid))
            if was_current:
                # Let go of it before the commit: a screen reloading on another thread the moment the
                # delete lands would otherwise ask for the deleted report (seen as NoResultFound).
                self._report_key, self._report_id = None, None
        return snapshot

    def report_snapshot(self, key: str | None = None) -> ReportSnapshot:
        report = self.get_report(key)
        other = BriefingService(self.db, report.key)
        return ReportSnapshot(report, tuple(other.list_audiences()), tuple(other.list_charts()),
                              tuple(other.list_findings()))

    def restore_report(self, snapshot: ReportSnapshot) -> Report:
        """Re-creates a deleted report whole: its fields and sections, audiences, charts, and its
        findings under their own ids (older undo steps still name them)."""
        r = snapshot.report
        with self.db.writing() as s:
            if s.scalar(select(ReportRow.id).where(ReportRow.key == r.key)) is not None:
                raise ValidationError(FieldError("key", f"a report “{r.key}” already exists"))
            row = ReportRow(key=r.key, title=r.title, subtitle=r.subtitle, publisher=r.publisher, author=r.author,
                            edition=r.edition, data_as_of=r.data_as_of, published=r.published, summary=r.summary,
                            predecessor_id=r.predecessor_id if r.predecessor_id and s.get(ReportRow, r.predecessor_id)
                            else None,
                            position=(s.scalar(select(func.max(ReportRow.position))) or 0) + 1,
                            colours=r.colours.to_dict() if r.colours else None,
                            stale_after_days=r.stale_after_days)
            if s.get(ReportRow, r.id) is None:
                row.id = r.id
            row.sections = [SectionRow(key=x.key, title=x.title, short=x.short, position=i)
                            for i, x in enumerate(r.sections, start=1)]
            s.add(row)
            s.flush()
            for i, a in enumerate(snapshot.audiences):
                s.add(AudienceRow(report_id=row.id, key=a.key, name=a.name, description=a.description,
                                  builtin=a.builtin, position=i, template=dict(a.template)))
            for i, c in enumerate(snapshot.charts):
                s.add(ChartRow(report_id=row.id, key=c.key, kind=c.kind.value, title=c.title,
                               position=c.position or i + 1, spec=c.to_dict(), version=1))
        other = BriefingService(self.db, r.key, who=self.history_who)
        restored = {f.id: other.restore_finding(f).id for f in snapshot.findings}
        # A link to a finding restored after the one that names it is set once both are back.
        with self.db.writing() as s:
            for f in snapshot.findings:
                if f.superseded_by_id in restored:
                    s.execute(update(FindingRow).where(FindingRow.id == restored[f.id])
                              .values(superseded_by_id=restored[f.superseded_by_id]))
        return self.get_report(r.key)

    # ---- Findings: queries
    def list_findings(
        self,
        *,
        section: str | None = None,
        audience: str | None = None,
        kind: str | None = None,
        tag: str | None = None,
        search: str | None = None,
        limit: int | None = None,
        order: str = "relevance",
    ) -> list[Finding]:
        """Findings matching every given filter. With `search`, best match first unless
        `order="report"` (a table filter: report order, and no ranking cost on broad queries)."""
        searching = bool(search and search.strip())
        rid = self.report_id
        if not (searching or section or kind or tag or limit):
            with self.db.reading() as s:
                findings = self._all_findings(s, report_id=rid)
            return self._for_audience(audience, findings) if audience else findings
        with self.db.reading() as s:
            if searching:
                ids = self._search(s, search or "", section=section, kind=kind, tag=tag, order=order,
                                   limit=None if audience else limit)
                rows = {r.id: r for r in s.scalars(_finding_query().where(FindingRow.id.in_(ids)))}
                lib = self._library(s)
                findings = [finding_record(rows[i], lib) for i in ids if i in rows]
            else:
                q = self._filtered(_finding_query(), section=section, kind=kind, tag=tag)  # this report's
                q = q.order_by(FindingRow.position, FindingRow.id)
                if limit and not audience:
                    q = q.limit(limit)
                lib = self._library(s)
                findings = [finding_record(r, lib) for r in s.scalars(q)]
        if audience:
            findings = self._for_audience(audience, findings)
        return findings[:limit] if limit else findings

    def iter_findings(self, *, section: str | None = None, kind: str | None = None, tag: str | None = None,
                      search: str | None = None, chunk: int = 200) -> Iterator[Finding]:
        """Findings matching every filter, loaded `chunk` at a time: report order, or best match first
        with `search` (the same FTS search as `search_ids`). The first arrives at once at any size;
        memory holds one chunk, not the whole report (100k findings as records: ~700 MB)."""
        with self.db.reading() as s:
            q = self._filtered(select(FindingRow.id), section=section, kind=kind, tag=tag)
            filtered = bool(section or kind or tag)
            if search and search.strip():
                ids = self.search_ids(search, limit=None)
                if filtered:
                    keep = set(s.scalars(q))
                    ids = [i for i in ids if i in keep]
            else:
                ids = list(s.scalars(q.order_by(FindingRow.position, FindingRow.id)))
        # A small first chunk puts the first line on screen sooner; later ones amortise the queries.
        bounds = [0, min(20, chunk), *range(min(20, chunk) + chunk, len(ids) + chunk, chunk)]
        for k, end in pairwise(bounds):
            batch = ids[k:end]
            if not batch:
                break
            with self.db.reading() as s:
                records = self._all_findings(s, batch)  # Core rows: ~2x faster than the ORM here
            yield from records

    @staticmethod
    def _all_findings(s: Session, ids: Sequence[int] | None = None, *, report_id: int | None = None) -> list[Finding]:
        """Every finding of `report_id` in report order (or those of `ids`, in that order), in five
        plain queries.

        Core rows instead of ORM objects with selectinload: about 6 ms instead of 14 for the
        seeded report, and no identity map to fill and throw away."""
        mine = select(FindingRow.id).where(FindingRow.report_id == report_id).scalar_subquery()

        def only(column: Any) -> Any:
            if ids is not None:
                return column.in_(ids)
            return column.in_(mine) if report_id is not None else True

        tags: dict[int, list[str]] = {}
        for fid, tag in s.execute(select(TagRow.finding_id, TagRow.tag).where(only(TagRow.finding_id))
                                  .order_by(TagRow.finding_id, TagRow.position)):
            tags.setdefault(fid, []).append(tag)
        metrics: dict[int, list[Any]] = {}
        m = MetricRow.__table__
        for row in s.execute(select(m).where(only(m.c.finding_id)).order_by(m.c.finding_id, m.c.position)):
            metrics.setdefault(row.finding_id, []).append(metric_record(row))
        wordings: dict[int, dict[str, str]] = {}
        words = select(WordingRow.finding_id, WordingRow.audience_key, WordingRow.text).where(
            only(WordingRow.finding_id))
        for fid, audience, text_ in s.execute(words.order_by(WordingRow.finding_id, WordingRow.audience_key)):
            wordings.setdefault(fid, {})[audience] = text_
        sources: dict[int, list[Any]] = {}
        lib = source_library(s.execute(select(SourceRow.__table__)))  # the library's: a few dozen rows
        links = select(finding_sources.c.finding_id, finding_sources.c.source_id).where(
            only(finding_sources.c.finding_id))
        for fid, sid in s.execute(links.order_by(finding_sources.c.finding_id, finding_sources.c.position)):
            sources.setdefault(fid, []).append(lib[sid])
        f = FindingRow.__table__
        found = [
            finding_from_parts(row, tags=tags.get(row.id, ()), sources=sources.get(row.id, ()),
                               metrics=metrics.get(row.id, ()), wordings=wordings.get(row.id, {}))
            for row in s.execute(select(f).where(only(f.c.id)).order_by(f.c.position, f.c.id))
        ]
        if ids is None:
            return found
        by_id = {x.id: x for x in found}
        return [by_id[i] for i in ids if i in by_id]

    def count_findings(self) -> int:
        try:
            rid = self.report_id
        except NotFoundError:
            return 0  # a library without any report (a new, unseeded database) holds no findings
        with self.db.reading() as s:
            return s.scalar(select(func.count()).select_from(FindingRow).where(
                FindingRow.report_id == rid)) or 0

    def search_ids(self, query: str, limit: int | None = 50) -> list[int]:
        """Finding ids for a search: best first by bm25 on SQLite (FTS5); in report order with
        LIKE elsewhere."""
        with self.db.reading() as s:
            return self._search(s, query, limit=limit)

    def _search(self, s: Session, search: str, *, section: str | None = None, kind: str | None = None,
                tag: str | None = None, order: str = "relevance", limit: int | None = None) -> list[int]:
        """The one search: ids of the findings matching `search` (see `fts.search_terms`: every word
        as a prefix, in any order, plurals and neighbours written as one word) and the filters, best
        first or, with `order="report"`, in report order. The table, the CLI and `search_ids` all
        come here."""
        if not self.db.has_fts():
            return self._search_like(s, search, section=section, kind=kind, tag=tag, limit=limit)
        expr = fts.pg_tsquery(search) if self.db.is_postgresql else fts.match_expression(search)
        if expr is None:
            return []
        where: list[str] = ["f.report_id = :rid"]  # the index holds every report's findings
        params: dict[str, Any] = {"q": expr, "rid": self.report_id}
        if section:
            where.append("f.section = :section")
            params["section"] = section
        if kind:
            where.append("f.kind = :kind")
            params["kind"] = kind
        if tag:
            where.append("f.id IN (SELECT finding_id FROM finding_tags WHERE tag = :tag)")
            params["tag"] = tag.lower()
        if self.db.is_postgresql:
            return self._search_pg(s, where, params, order=order, limit=limit)
        if order == "report":
            # The sort reads each hit's position from the covering (id, position) index: at 100k
            # findings a broad term matches ~40k rows, and reading their full rows cost ~15 ms more.
            sql = ("SELECT f.id FROM findings AS f INDEXED BY ix_findings_id_position "
                   "JOIN (SELECT rowid AS fid FROM findings_fts WHERE findings_fts MATCH :q) AS h ON h.fid = f.id"
                   + " WHERE " + " AND ".join(where)
                   + " ORDER BY f.position, f.id")
        else:
            # Always filtered, at least to the current report (the index holds every report's findings).
            sql = ("SELECT f.id FROM findings AS f "
                   "JOIN (SELECT rowid AS fid, bm25(findings_fts, 5.0, 1.0, 3.0) AS rank "
                   "FROM findings_fts WHERE findings_fts MATCH :q) AS h ON h.fid = f.id"
                   " WHERE " + " AND ".join(where) + " ORDER BY h.rank, f.id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in s.execute(text(sql), params)]

    @staticmethod
    def _search_pg(s: Session, where: list[str], params: dict[str, Any], *, order: str,
                   limit: int | None) -> list[int]:
        """`_search` on PostgreSQL: the tsvector table (GIN index) with the same prefix terms;
        ranked by ts_rank with FTS5's column weights, ties (and `order="report"`) as on SQLite."""
        match = "h.doc @@ CAST(:q AS tsquery)"
        sql = ("SELECT f.id FROM findings AS f JOIN findings_search AS h ON h.finding_id = f.id"
               " WHERE " + " AND ".join([match, *where]))
        if order == "report":
            sql += " ORDER BY f.position, f.id"
        else:
            sql += (f" ORDER BY ts_rank('{fts.PG_RANK_WEIGHTS}', h.doc, CAST(:q AS tsquery)) DESC, f.id")
        if limit:
            sql += f" LIMIT {int(limit)}"
        return [r[0] for r in s.execute(text(sql), params)]

    def _search_like(self, s: Session, search: str, *, section: str | None, kind: str | None, tag: str | None,
                     limit: int | None) -> list[int]:
        """The same terms as LIKE patterns, for databases without FTS5; report order (no ranking)."""
        groups = fts.search_terms(search)
        if not groups:
            return []

        def contains(term: str) -> ColumnElement[bool]:
            pattern = "%" + term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            tagged = select(TagRow.finding_id).where(TagRow.tag.ilike(pattern, escape="\\"))
            return or_(FindingRow.title.ilike(pattern, escape="\\"),
                       FindingRow.statement.ilike(pattern, escape="\\"), FindingRow.id.in_(tagged))

        q = self._filtered(select(FindingRow.id), section=section, kind=kind, tag=tag)
        q = q.where(and_(*(or_(*(contains(t) for t in group)) for group in groups)))
        q = q.order_by(FindingRow.position, FindingRow.id)
        if limit:
            q = q.limit(limit)
        return list(s.scalars(q))

    def _filtered(self, q: Select[Any], *, section: str | None, kind: str | None, tag: str | None) -> Select[Any]:
        q = q.where(FindingRow.report_id == self.report_id)
        if section:
            q = q.where(FindingRow.section == section)
        if kind:
            q = q.where(FindingRow.kind == kind)
        if tag:
            q = q.where(FindingRow.id.in_(select(TagRow.finding_id).where(TagRow.tag == tag.lower())))
        return q

    def _for_audience(self, audience_key: str, findings: list[Finding]) -> list[Finding]:
        from briefing.domain.selection import select_findings

        audience = self.get_audience(audience_key)
        return select_findings(audience, findings)

    def get_finding(self, ref: int | str) -> Finding:
        with self.db.reading() as s:
            row = self._finding_row(s, ref, load=True)
            return finding_record(row, self._library(s))

    def _finding_row(self, s: Session, ref: int | str, load: bool = False, lock: bool = False) -> FindingRow:
        """By id (any report: ids are the library's) or by slug (in the current report). `lock`: a
        writer's read of the version it checks. PostgreSQL then holds the row (FOR UPDATE) until
        the transaction ends, so two writers cannot both pass the check on the same version (at READ
        COMMITTED both would, and the second would overwrite the first); SQLite's BEGIN IMMEDIATE
        already serialises writers."""
        # Two statements, not a conditional expression: mypy 2.4 crashes joining the two Select types.
        if load:
            q = _finding_query()
        else:
            q = select(FindingRow)
        if lock and self.db.is_postgresql:
            q = q.with_for_update(of=FindingRow)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = s.scalars(q.where(FindingRow.id == int(ref))).first()
        else:
            row = s.scalars(q.where(FindingRow.slug == ref, FindingRow.report_id == self.report_id)).first()
        if row is None:
            raise NotFoundError("finding", ref)
        return row

    # ---- Findings: edits
    def create_finding(
        self, draft: FindingDraft, *, position: int | None = None, fresh_slug: bool = False
    ) -> Finding:
        """A new finding. `fresh_slug`: a taken slug gets a free "-2", "-3"… (a copy of a finding)
        instead of being refused."""
        rid = self.report_id
        with self.db.writing() as s:
            clean = self._clean(s, draft, rid)
            if fresh_slug:
                clean = replace(clean, slug=self._free_slug(s, clean.slug, rid))
            if s.scalar(select(FindingRow.id).where(FindingRow.slug == clean.slug, FindingRow.report_id == rid)):
                raise ValidationError(FieldError("slug", f"“{clean.slug}” is already used by another finding"))
            if position is None:
                position = (s.scalar(select(func.max(FindingRow.position)).where(FindingRow.report_id == rid)) or 0) + 1
            row = FindingRow(report_id=rid, slug=clean.slug, position=position, version=1)
            s.add(row)
            self._apply(s, row, clean)
            s.flush()
            row.superseded_by_id = self._superseded_by(s, row, draft.superseded_by)
            fid = row.id
            self._record(s, history.CREATE, row, None)
        return self.get_finding(fid)

    @staticmethod
    def _free_slug(s: Session, slug: str, report_id: int) -> str:
        taken = set(s.scalars(select(FindingRow.slug).where(FindingRow.slug.like(f"{slug[:56]}%"),
                                                            FindingRow.report_id == report_id)))
        if slug not in taken:
            return slug
        n = 2
        while f"{slug[:56].rstrip('-')}-{n}" in taken:
            n += 1
        return f"{slug[:56].rstrip('-')}-{n}"

    def update_finding(self, finding_id: int, draft: FindingDraft, expected_version: int) -> Finding:
        """The finding as this edit left it (read in its own transaction: a re-read after the commit
        could carry someone else's next edit, and the caller would take its version for ours)."""
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id, load=True, lock=True)
            if row.version != expected_version:
                raise ConflictError("finding", row.slug, expected_version, row.version)
            before = _snapshot(row)
            clean = self._clean(s, draft, row.report_id)
            if clean.slug != row.slug and s.scalar(
                select(FindingRow.id).where(FindingRow.slug == clean.slug, FindingRow.id != row.id,
                                            FindingRow.report_id == row.report_id)
            ):
                raise ValidationError(FieldError("slug", f"“{clean.slug}” is already used by another finding"))
            row.slug = clean.slug
            row.carried_over = False  # an edit is a review
            row.version += 1
            row.updated_at = utcnow()
            row.superseded_by_id = self._superseded_by(s, row, draft.superseded_by)
            self._apply(s, row, clean)
            saved = self._record(s, history.EDIT, row, before)
        assert saved is not None
        return saved

    @staticmethod
    def _superseded_by(s: Session, row: FindingRow, ref: int | str | None) -> int | None:
        """The id of the finding `ref` (an id or a slug) that supersedes `row`: one of the same
        report, not `row` itself, and not one that `row` (in)directly supersedes."""
        if ref is None or (isinstance(ref, str) and not ref.strip()):
            return None
        text_ = str(ref).strip()
        q = select(FindingRow.id, FindingRow.slug).where(FindingRow.report_id == row.report_id)
        hit = s.execute(q.where(FindingRow.id == int(text_)) if text_.isdigit()
                        else q.where(FindingRow.slug == text_)).first()
        if hit is None:
            raise ValidationError(FieldError("superseded_by", f"no finding “{text_[:63]}” in this report"))
        if hit.id == row.id:
            raise ValidationError(FieldError("superseded_by", "a finding cannot be superseded by itself"))
        chain, at = [row.slug, hit.slug], hit.id
        for _ in range(10_000):  # a chain is at most the report's findings long
            at_row = s.execute(select(FindingRow.superseded_by_id).where(FindingRow.id == at)).first()
            nxt = at_row.superseded_by_id if at_row else None
            if nxt is None:
                break
            if nxt == row.id:
                raise ValidationError(FieldError("superseded_by", "would make a cycle: " + " → ".join(chain)
                                                 + f" → {row.slug}"))
            chain.append(s.scalar(select(FindingRow.slug).where(FindingRow.id == nxt)) or str(nxt))
            at = nxt
        return hit.id

    def delete_finding(self, finding_id: int, expected_version: int | None = None) -> Finding:
        """Deletes a finding with its metrics; returns it whole so an undo can restore it."""
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id, load=True, lock=True)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("finding", row.slug, expected_version, row.version)
            snapshot = finding_record(row, self._library(s))
            self._record(s, history.DELETE, row, _transfer().finding_dict(snapshot), deleted=True)
            if self.db.has_fts():
                fts.unindex_finding(s, row.id)
            s.delete(row)
        return snapshot

    def restore_finding(self, finding: Finding) -> Finding:
        """Re-creates a deleted finding with its id, slug, metrics, sources and wordings."""
        known_sources = {src.id for src in self.list_sources()}
        missing = [src for src in finding.sources if src.id not in known_sources]
        for src in missing:
            self.restore_source(src)
        by_key = {src.key: src.id for src in self.list_sources()}
        draft = finding.to_draft()
        draft = FindingDraft(
            **{**draft.__dict__, "source_ids": tuple(by_key[src.key] for src in finding.sources)}
        )
        rid = finding.report_id or self.report_id
        with self.db.writing() as s:
            clean = self._clean(s, draft, rid)
            taken = s.get(FindingRow, finding.id) is not None
            row = FindingRow(
                report_id=rid,
                slug=clean.slug,
                position=finding.position,
                version=finding.version + 1,
                created_at=finding.created_at or utcnow(),
                carried_over=finding.carried_over,
                predecessor_id=finding.predecessor_id if finding.predecessor_id and s.get(
                    FindingRow, finding.predecessor_id) else None,
                superseded_by_id=finding.superseded_by_id if finding.superseded_by_id and s.get(
                    FindingRow, finding.superseded_by_id) else None,
            )
            if not taken:
                row.id = finding.id
            s.add(row)
            self._apply(s, row, clean)
            s.flush()
            fid = row.id
            self._record(s, history.RESTORE, row, None)
        return self.get_finding(fid)

    def move_finding(self, finding_id: int, position: int) -> None:
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id)
            row.position = position

    def _clean(self, s: Session, draft: FindingDraft, report_id: int) -> CleanFinding:
        audience_keys = set(s.scalars(select(AudienceRow.key).where(AudienceRow.report_id == report_id)))
        source_ids = set(s.scalars(select(SourceRow.id)))
        return clean_finding(draft, audience_keys=audience_keys, source_ids=source_ids,
                             section_keys=self._section_keys(s, report_id))

    @staticmethod
    def _section_keys(s: Session, report_id: int) -> list[str]:
        return list(s.scalars(select(SectionRow.key).where(SectionRow.report_id == report_id)
                              .order_by(SectionRow.position)))

    def confirm_finding(self, finding_id: int, expected_version: int | None = None) -> Finding:
        """The analyst has reviewed a carried-over finding: it is no longer marked."""
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id, lock=True)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("finding", row.slug, expected_version, row.version)
            if row.carried_over:
                row.carried_over = False
                row.version += 1
                row.updated_at = utcnow()
                self._record(s, history.EDIT, row, None, same=True)
        return self.get_finding(finding_id)

    # ---- Findings: history
    def _who(self, s: Session) -> str:
        if self.history_who == "database" and not self.db.is_sqlite:
            if self._role is None:
                self._role = str(s.scalar(text("SELECT current_user")) or "")
            if self._role:
                return self._role
        try:
            return getpass.getuser()
        except (OSError, KeyError):  # no login name and no passwd entry (a bare container)
            return "unknown"

    def _record(self, s: Session, action: str, row: FindingRow, before: dict[str, Any] | None, *,
                deleted: bool = False, same: bool = False) -> Finding | None:
        """One history row for a change to `row`, in the change's own transaction. `before`: the
        finding before it (None: it did not exist); for a delete, the finding deleted. `same`: no
        field changed (a confirmed carry-over). Returns the finding as the change left it."""
        record: Finding | None = None
        if deleted:
            snap, changes = before or {}, history.diff_snapshots(before, None)
        else:
            s.flush()
            s.expire(row, ["sources"])
            record = finding_record(row, self._library(s))  # as get_finding reads it: sources with their via
            snap = _transfer().finding_dict(record)
            changes = [] if same else history.diff_snapshots(before, snap)
        s.add(HistoryRow(finding_id=row.id, report_id=row.report_id, slug=row.slug, action=action,
                         who=self._who(s), at=utcnow(), version=row.version,
                         changes=[[c.field, c.before, c.after] for c in changes], snapshot=snap))
        return record

    def finding_history(self, ref: int | str) -> list[history.HistoryEntry]:
        """A finding's changes, oldest first: by id (a deleted finding's too) or by slug in the
        current report (a deleted one's: the last finding that had it)."""
        with self.db.reading() as s:
            if isinstance(ref, int) or str(ref).isdigit():
                fid: int | None = int(ref)
            else:
                fid = s.scalar(select(FindingRow.id).where(FindingRow.slug == ref,
                                                           FindingRow.report_id == self.report_id))
                if fid is None:
                    fid = s.scalar(select(HistoryRow.finding_id)
                                   .where(HistoryRow.slug == ref, HistoryRow.report_id == self.report_id)
                                   .order_by(HistoryRow.id.desc()).limit(1))
            rows = list(s.scalars(select(HistoryRow).where(HistoryRow.finding_id == fid)
                                  .order_by(HistoryRow.id))) if fid is not None else []
            if not rows and (fid is None or s.get(FindingRow, fid) is None):
                raise NotFoundError("finding", ref)
            return [_history_entry(r) for r in rows]

    def restore_version(self, finding_id: int, entry_id: int, expected_version: int) -> Finding:
        """Puts a finding back as one of its history rows left it: an ordinary versioned edit (so
        someone else's save in between is a ConflictError) that is itself a row of the history."""
        with self.db.reading() as s:
            entry = s.get(HistoryRow, entry_id)
            if entry is None or entry.finding_id != finding_id:
                raise NotFoundError("history entry", entry_id)
            snap = dict(entry.snapshot)
            by_key = {k: i for k, i in s.execute(select(SourceRow.key, SourceRow.id))}
        draft, keys = _transfer().finding_draft(snap)
        missing = [k for k in keys if k not in by_key]
        if missing:
            raise ValidationError(FieldError("sources", "that version cites sources since deleted: "
                                             + ", ".join(missing)))
        draft = replace(draft, source_ids=tuple(by_key[k] for k in keys))
        return self.update_finding(finding_id, draft, expected_version)

    def _apply(self, s: Session, row: FindingRow, clean: CleanFinding) -> None:
        row.title = clean.title
        row.statement = clean.statement
        row.section = clean.section
        row.kind = clean.kind.value
        row.as_of = clean.as_of
        row.metrics = [
            MetricRow(
                position=i,
                label=m.label,
                value=m.value,
                unit=m.unit,
                scale=m.scale.value if m.scale else None,
                entity=m.entity,
                period=m.period,
                as_of=m.as_of,
                series=m.series,
            )
            for i, m in enumerate(clean.metrics)
        ]
        row.tags = [TagRow(tag=t, position=i) for i, t in enumerate(clean.tags)]
        row.wordings = [WordingRow(audience_key=k, text=v) for k, v in clean.wordings.items()]
        s.flush()
        s.execute(delete(finding_sources).where(finding_sources.c.finding_id == row.id))
        if clean.source_ids:
            s.execute(
                finding_sources.insert(),
                [{"finding_id": row.id, "source_id": sid, "position": i} for i, sid in enumerate(clean.source_ids)],
            )
        s.expire(row, ["sources"])
        if self.db.has_fts():
            fts.index_finding(s, row.id, clean.title, clean.statement, list(clean.tags))

    # ---- Sources
    @staticmethod
    def _library(s: Session) -> dict[int, Source]:
        """Every source by id with its `via` chain resolved."""
        return source_library(s.execute(select(SourceRow.__table__)))

    def list_sources(self) -> list[Source]:
        with self.db.reading() as s:
            lib = self._library(s)
            return [lib[i] for i in s.scalars(select(SourceRow.id).order_by(SourceRow.publisher, SourceRow.id))]

    def get_source(self, ref: int | str) -> Source:
        with self.db.reading() as s:
            return self._library(s)[self._source_row(s, ref).id]

    def _source_row(self, s: Session, ref: int | str) -> SourceRow:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = s.get(SourceRow, int(ref))
        else:
            row = s.scalars(select(SourceRow).where(SourceRow.key == ref)).first()
        if row is None:
            raise NotFoundError("source", ref)
        return row

    def source_usage(self, source_id: int) -> list[str]:
        """Slugs of the findings that cite a source."""
        with self.db.reading() as s:
            q = (
                select(FindingRow.slug)
                .join(finding_sources, finding_sources.c.finding_id == FindingRow.id)
                .where(finding_sources.c.source_id == source_id)
                .order_by(FindingRow.position)
            )
            return list(s.scalars(q))

    @staticmethod
    def _clean_source(s: Session, draft: SourceDraft, own_id: int | None = None) -> tuple[CleanSource, int | None]:
        """The draft validated against the library (its `via` names a source and makes no loop),
        and the id its `via` key stands for."""
        rows = s.execute(select(SourceRow.id, SourceRow.key, SourceRow.via_id)).all()
        key_of = {sid: key for sid, key, _ in rows}
        links = {key: key_of.get(via) if via is not None else None for sid, key, via in rows if sid != own_id}
        clean = clean_source(draft, links=links, own_key=key_of.get(own_id) if own_id is not None else None)
        via_id = next((sid for sid, key, _ in rows if key == clean.via), None) if clean.via else None
        return clean, via_id

    @staticmethod
    def _source_columns(clean: CleanSource, via_id: int | None) -> dict[str, Any]:
        return {**{k: v for k, v in clean.__dict__.items() if k != "via"}, "via_id": via_id}

    def create_source(self, draft: SourceDraft) -> Source:
        with self.db.writing() as s:
            clean, via_id = self._clean_source(s, draft)
            if s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            row = SourceRow(**self._source_columns(clean, via_id))
            s.add(row)
            s.flush()
            return self._library(s)[row.id]

    def update_source(self, source_id: int, draft: SourceDraft) -> Source:
        with self.db.writing() as s:
            row = self._source_row(s, source_id)
            clean, via_id = self._clean_source(s, draft, own_id=row.id)
            if clean.key != row.key and s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)):
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            for name, value in self._source_columns(clean, via_id).items():
                setattr(row, name, value)
            s.flush()
            return self._library(s)[row.id]

    def restore_source(self, source: Source) -> Source:
        """Re-creates a deleted source under its own id (an undo: older steps still name that id).
        Refused when another source took its key meanwhile; a new id only if its id is taken."""
        with self.db.writing() as s:
            clean, via_id = self._clean_source(s, source.to_draft())
            if s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            row = SourceRow(**self._source_columns(clean, via_id))
            if s.get(SourceRow, source.id) is None:
                row.id = source.id
            s.add(row)
            s.flush()
            return self._library(s)[row.id]

    def delete_source(self, source_id: int) -> Source:
        used = self.source_usage(source_id)
        if used:
            shown = ", ".join(used[:5]) + (" …" if len(used) > 5 else "")
            raise ValidationError(
                FieldError("source", f"is cited by {len(used)} finding(s) ({shown}); remove it from them first")
            )
        with self.db.writing() as s:
            row = self._source_row(s, source_id)
            through = list(s.scalars(select(SourceRow.key).where(SourceRow.via_id == row.id).order_by(SourceRow.key)))
            if through:
                shown = ", ".join(through[:5]) + (" …" if len(through) > 5 else "")
                raise ValidationError(FieldError(
                    "source", f"is the “via” of {len(through)} source(s) ({shown}); change their via first"))
            record = self._library(s)[row.id]
            s.delete(row)
            return record

    # ---- Audiences
    def list_audiences(self) -> list[Audience]:
        rid = self.report_id
        with self.db.reading() as s:
            sections = self._section_records(s, rid)
            rows = s.scalars(select(AudienceRow).where(AudienceRow.report_id == rid)
                             .order_by(AudienceRow.position, AudienceRow.id))
            return [audience_record(r, sections) for r in rows]

    def get_audience(self, key: str) -> Audience:
        rid = self.report_id
        with self.db.reading() as s:
            row = self._audience_row(s, key)
            return audience_record(row, self._section_records(s, rid))

    def _audience_row(self, s: Session, key: str) -> AudienceRow:
        row = s.scalars(select(AudienceRow).where(AudienceRow.key == key,
                                                  AudienceRow.report_id == self.report_id)).first()
        if row is None:
            raise NotFoundError("audience", key)
        return row

    @staticmethod
    def _section_records(s: Session, report_id: int) -> tuple[Section, ...]:
        rows = s.execute(select(SectionRow.key, SectionRow.title, SectionRow.short)
                         .where(SectionRow.report_id == report_id).order_by(SectionRow.position))
        return tuple(Section(k, t, sh) for k, t, sh in rows)

    def create_audience(
        self, key: str, name: str, description: str = "", template: Mapping[str, Any] | None = None
    ) -> Audience:
        errors: list[FieldError] = []
        try:
            key = clean_key(key, "key")
        except ValidationError as exc:
            errors += exc.errors
        try:
            name = clean_text(name, "name", max_length=120, required=True)
        except ValidationError as exc:
            errors += exc.errors
        try:
            description = clean_text(description, "description", max_length=2000, multiline=True)
        except ValidationError as exc:
            errors += exc.errors
        if errors:
            raise ValidationError(errors, "audience")
        template = self._check_template(template or {"title": name})
        rid = self.report_id
        with self.db.writing() as s:
            if s.scalar(select(AudienceRow.id).where(AudienceRow.key == key, AudienceRow.report_id == rid)):
                raise ValidationError(FieldError("key", f"an audience “{key}” already exists"))
            pos = (s.scalar(select(func.max(AudienceRow.position)).where(AudienceRow.report_id == rid)) or 0) + 1
            row = AudienceRow(report_id=rid, key=key, name=name, description=description, builtin=False,
                              position=pos, template=dict(template))
            s.add(row)
            s.flush()
            return audience_record(row, self._section_records(s, rid))

    def update_audience(
        self,
        key: str,
        *,
        name: str | None = None,
        description: str | None = None,
        template: Mapping[str, Any] | None = None,
    ) -> Audience:
        if template is not None:
            template = self._check_template(template)
        with self.db.writing() as s:
            row = self._audience_row(s, key)
            if name is not None:
                row.name = clean_text(name, "name", max_length=120, required=True)
            if description is not None:
                row.description = clean_text(description, "description", max_length=2000, multiline=True)
            if template is not None:
                row.template = dict(template)
            s.flush()
            return audience_record(row, self._section_records(s, row.report_id))

    def delete_audience(self, key: str) -> None:
        with self.db.writing() as s:
            row = self._audience_row(s, key)
            if row.builtin:
                raise ValidationError(FieldError("audience", f"“{row.name}” is built in and cannot be deleted"))
            # Wordings name their audience by key within the report (no foreign key): they go with it.
            s.execute(delete(WordingRow).where(WordingRow.audience_key == key, WordingRow.finding_id.in_(
                select(FindingRow.id).where(FindingRow.report_id == row.report_id))))
            s.delete(row)

    def restore_audience(self, audience: Audience) -> Audience:
        """Undo of a delete: the audience back under its own key, with its name, text and template."""
        template = self._check_template(_plain_mapping(audience.template))
        rid = self.report_id
        with self.db.writing() as s:
            if s.scalar(select(AudienceRow.id).where(AudienceRow.key == audience.key,
                                                    AudienceRow.report_id == rid)) is not None:
                raise ValidationError(FieldError("key", f"an audience “{audience.key}” already exists"))
            pos = (s.scalar(select(func.max(AudienceRow.position)).where(AudienceRow.report_id == rid)) or 0) + 1
            row = AudienceRow(report_id=rid, key=audience.key, name=audience.name, description=audience.description,
                              builtin=audience.builtin, position=pos, template=dict(template))
            s.add(row)
            s.flush()
            return audience_record(row, self._section_records(s, rid))

    def reset_audience(self, key: str) -> Audience:
        """A built-in audience back to its shipped name, description and template (as seeding wrote them)."""
        from briefing.store.seed import shipped_audience

        shipped = shipped_audience(key)
        if shipped is None:
            self.get_audience(key)  # NotFoundError for an unknown key
            raise ValidationError(FieldError("audience", f"“{key}” is not built in; there is no default to reset to"))
        with self.db.writing() as s:
            row = self._audience_row(s, key)
            row.name = shipped["name"]
            row.description = shipped["description"]
            row.template = shipped["template"]
            s.flush()
            return audience_record(row, self._section_records(s, row.report_id))

    def free_audience_key(self, name: str) -> str:
        """A key made from `name` that no audience uses yet (`board`, then `board-2`, `board-3`…)."""
        import re

        base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:56] or "audience"
        with self.db.reading() as s:
            taken = set(s.scalars(select(AudienceRow.key).where(AudienceRow.report_id == self.report_id)))
        key, n = base, 1
        while key in taken:
            n += 1
            key = f"{base}-{n}"
        return key

    def _check_template(self, template: Mapping[str, Any]) -> Mapping[str, Any]:
        from briefing.domain.templates import validate_template

        validate_template(template, self.sections())
        return template

    # ---- Charts
    def list_charts(self, audience: str | None = None) -> list[ChartSpec]:
        from briefing.domain.charts import ChartSpec

        with self.db.reading() as s:
            rows = s.scalars(select(ChartRow).where(ChartRow.report_id == self.report_id)
                             .order_by(ChartRow.position, ChartRow.id)).all()
            specs = [ChartSpec.from_dict(r.spec) for r in rows]
        if audience:
            specs = [c for c in specs if not c.audiences or audience in c.audiences]
        return specs

    def get_chart(self, key: str) -> ChartSpec:
        from briefing.domain.charts import ChartSpec

        with self.db.reading() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == key, ChartRow.report_id == self.report_id)).first()
            if row is None:
                raise NotFoundError("chart", key)
            return ChartSpec.from_dict(row.spec)

    def save_chart(self, spec: ChartSpec) -> ChartSpec:
        """Creates or replaces the chart with spec.key."""
        from briefing.domain.charts import validate_chart_spec

        spec = validate_chart_spec(spec.to_dict())
        why = self.unfit_chart_kinds(spec).get(spec.kind)
        if why:
            raise ValidationError(FieldError("kind", f"a {spec.kind.label} chart does not fit this data: {why}"))
        rid = self.report_id
        with self.db.writing() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == spec.key, ChartRow.report_id == rid)).first()
            if row is None:
                pos = spec.position or (s.scalar(select(func.max(ChartRow.position)).where(
                    ChartRow.report_id == rid)) or 0) + 1
                row = ChartRow(report_id=rid, key=spec.key, position=pos, version=0)
                s.add(row)
            row.kind = spec.kind.value
            row.title = spec.title
            row.spec = spec.to_dict()
            row.version += 1
            row.updated_at = utcnow()
        return spec

    def unfit_chart_kinds(self, spec: ChartSpec) -> dict[Any, str]:
        """The chart kinds that do not fit the spec's data, each with its reason (briefing.charts.fit)."""
        from briefing.charts.data import resolve_chart_data
        from briefing.charts.fit import unfit_kinds

        return unfit_kinds(spec, resolve_chart_data(spec, self.list_findings()))

    def delete_chart(self, key: str) -> ChartSpec:
        """Deletes the chart; returns it whole (with its place), so undo can save it back."""
        from briefing.domain.charts import ChartSpec

        with self.db.writing() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == key, ChartRow.report_id == self.report_id)).first()
            if row is None:
                raise NotFoundError("chart", key)
            spec = ChartSpec.from_dict({**row.spec, "position": row.position})
            s.delete(row)
            return spec

    # ---- Import / export
    def export_findings(self, path: Path, findings: Iterable[Finding] | None = None, *,
                        section: str | None = None) -> int:
        """Writes `findings`, or else every finding (of `section`) streamed in report order."""
        from briefing.store.transfer import write_findings

        suffix = Path(path).suffix.lower()
        if suffix not in (".json", ".csv"):  # before reading anything
            raise ValidationError(FieldError("file", f"“{Path(path).name}” must end in .json or .csv"))
        items = findings if findings is not None else self.iter_findings(section=section)
        return write_findings(Path(path), items)

    def import_findings(self, path: Path, *, dry_run: bool = False) -> ImportSummary:
        from briefing.store.transfer import read_findings

        payload = read_findings(Path(path))
        return self._import(payload.sources, payload.source_paths, payload.findings, dry_run=dry_run)

    def import_records(self, sources: Iterable[SourceDraft],
                       findings: Iterable[tuple[FindingDraft, list[str]]], *, dry_run: bool = False) -> ImportSummary:
        """All or nothing: sources by key (created when missing), findings upserted by slug."""
        from briefing.store.transfer import ImportItem

        items = (ImportItem(f"findings[{i}]", draft, keys) for i, (draft, keys) in enumerate(findings))
        return self._import(list(sources), [], items, dry_run=dry_run)

    # Findings are cleaned and written this many at a time inside the one transaction, so a large
    # import holds one chunk of records in memory, not the whole file.
    IMPORT_CHUNK = 2000

    def _import(self, sources: list[SourceDraft], source_paths: Sequence[str], items: Iterable[Any],
                *, dry_run: bool) -> ImportSummary:
        """All or nothing: sources by key (created when missing), findings upserted by slug; a finding
        equal to the stored one is left alone (its version does not move). Every refusal is named by
        its place in the file. `dry_run` works it all out, then rolls back."""
        from briefing.store.import_schema import MAX_REPORTED, json_path

        spath = list(source_paths) or [f"sources[{i}]" for i in range(len(sources))]
        errors: list[FieldError] = []
        more = 0

        def refuse(new: Iterable[FieldError]) -> None:
            nonlocal more
            for e in new:
                if len(errors) < MAX_REPORTED:
                    errors.append(e)
                else:
                    more += 1

        # Resolved before the write begins: an in-memory database has one connection, and a read
        # inside the write transaction would try to begin a second one on it.
        rid = self.report_id  # findings go into the current report; sources are the library's
        try:
            with self.db.writing() as s:
                stored = s.execute(select(SourceRow.key, SourceRow.id, SourceRow.via_id)).all()
                key_to_id = {k: i for k, i, _ in stored}
                key_of = {i: k for k, i, _ in stored}
                links: dict[str, str | None] = {k: key_of.get(v) if v is not None else None for k, _, v in stored}
                file_keys: dict[str, str] = {}
                new_sources = 0
                added_src: list[tuple[int, CleanSource, SourceRow]] = []
                for i, source in enumerate(sources):
                    try:
                        clean_src = clean_source(source)
                    except ValidationError as exc:
                        named = f" (source “{source.key}”)" if source.key else ""  # the place and the name
                        refuse(FieldError(json_path(spath[i], e.field), e.message + named) for e in exc.errors)
                        continue
                    if clean_src.key in file_keys:
                        refuse([FieldError(f"{spath[i]}.key", f"“{clean_src.key}” is also the key of "
                                                              f"{file_keys[clean_src.key]}; one key, one source")])
                        continue
                    file_keys[clean_src.key] = spath[i]
                    if clean_src.key not in key_to_id:
                        # Written without its via first: a via may name a source later in the file.
                        row = SourceRow(**self._source_columns(clean_src, None))
                        s.add(row)
                        s.flush()
                        key_to_id[clean_src.key] = row.id
                        links[clean_src.key] = clean_src.via
                        added_src.append((i, clean_src, row))
                        new_sources += 1
                for i, clean_src, row in added_src:
                    if clean_src.via is None:
                        continue
                    others = {k: v for k, v in links.items() if k != clean_src.key}
                    try:
                        clean_source(sources[i], links=others)
                    except ValidationError as exc:
                        refuse(FieldError(json_path(spath[i], e.field), e.message) for e in exc.errors)
                        continue
                    row.via_id = key_to_id[clean_src.via]
                s.flush()
                audience_keys = set(s.scalars(select(AudienceRow.key).where(AudienceRow.report_id == rid)))
                section_keys = self._section_keys(s, rid)
                known_ids = set(key_to_id.values())
                existing = dict(s.execute(select(FindingRow.slug, FindingRow.id)
                                          .where(FindingRow.report_id == rid)).all())
                by_slug: dict[str, tuple[str, str]] = {}  # slug -> (path, the slug as written)
                pending: list[CleanFinding] = []
                tally = _Tally(new_sources)
                for item in items:
                    if item.problems:
                        refuse(item.problems)
                        continue
                    unknown = [k for k in item.source_keys if k not in key_to_id]
                    if unknown:
                        refuse([FieldError(f"{item.path}.sources", f"unknown source key(s) {', '.join(unknown)}")])
                        continue
                    draft = FindingDraft(**{**item.draft.__dict__,
                                            "source_ids": tuple(key_to_id[k] for k in item.source_keys)})
                    try:
                        clean = clean_finding(draft, audience_keys=audience_keys, source_ids=known_ids,
                                              section_keys=section_keys)
                    except ValidationError as exc:
                        refuse(FieldError(json_path(item.path, e.field), e.message) for e in exc.errors)
                        continue
                    if clean.slug in by_slug:
                        # Last-wins would silently drop a finding; "Foo" and "foo" are one slug.
                        other, written = by_slug[clean.slug]
                        why = "" if written == (draft.slug or "") else \
                            " (slugs differ only in case, or come from the same title)"
                        refuse([FieldError(f"{item.path}.slug", f"“{clean.slug}” is also the slug of "
                                                                f"{other}{why}; give each its own")])
                        continue
                    by_slug[clean.slug] = (item.path, draft.slug or "")
                    if errors:
                        continue  # refused anyway: only look for more problems
                    pending.append(clean)
                    if len(pending) >= self.IMPORT_CHUNK:
                        self._upsert(s, pending, existing, tally)
                        pending = []
                if errors:
                    raise ValidationError(errors + ([FieldError("…", f"and {more} more problem(s)")] if more else []))
                self._upsert(s, pending, existing, tally)
                summary = tally.summary()
                if dry_run:
                    raise _DryRun(summary)
        except _DryRun as done:
            return done.summary
        return summary

    def _upsert(self, s: Session, cleaned: list[CleanFinding], existing: Mapping[str, int], tally: _Tally) -> None:
        """Writes the cleaned findings: new ones in bulk (Core inserts: ~5x faster than the ORM at
        100k), changed ones row by row, equal ones not at all."""
        added: list[CleanFinding] = [c for c in cleaned if c.slug not in existing]
        updated = tally.updated
        unchanged = tally.unchanged
        stored = [c for c in cleaned if c.slug in existing]
        for k in range(0, len(stored), 500):
            batch = stored[k:k + 500]
            # Compared as Core records (re-importing an export is mostly "unchanged"); only the
            # changed ones are loaded as ORM rows to be rewritten.
            current = {f.id: f for f in self._all_findings(s, [existing[c.slug] for c in batch])}
            same = [_same_finding(current[existing[c.slug]], c) for c in batch]
            unchanged += [c.slug for c, equal in zip(batch, same) if equal]
            changed = [c for c, equal in zip(batch, same) if not equal]
            if not changed:
                continue
            rows = {r.slug: r for r in s.scalars(_finding_query().where(
                FindingRow.id.in_([existing[c.slug] for c in changed])))}
            for clean in changed:
                row = rows[clean.slug]
                row.version += 1
                row.updated_at = utcnow()
                self._apply(s, row, clean)
                updated.append(clean.slug)
        if added:
            self._insert_new(s, added)
            tally.created += [c.slug for c in added]

    def _insert_new(self, s: Session, added: list[CleanFinding]) -> None:
        from sqlalchemy import insert

        rid = self.report_id  # already resolved by _import, before its write began
        ids = self._new_finding_ids(s, len(added))
        next_pos = (s.scalar(select(func.max(FindingRow.position)).where(FindingRow.report_id == rid)) or 0) + 1
        now = utcnow()
        fts_on = self.db.has_fts()
        chunk = 2000  # bounded memory: each chunk's rows are built, inserted and dropped
        for k in range(0, len(added), chunk):
            findings: list[dict[str, Any]] = []
            metrics: list[dict[str, Any]] = []
            tags: list[dict[str, Any]] = []
            wordings: list[dict[str, Any]] = []
            links: list[dict[str, Any]] = []
            index: list[tuple[int, str, str, list[str]]] = []
            for j, c in enumerate(added[k:k + chunk]):
                fid = ids[k + j]
                findings.append(dict(id=fid, report_id=rid, carried_over=False, slug=c.slug, title=c.title,
                                     statement=c.statement, section=c.section,
                                     kind=c.kind.value, as_of=c.as_of, position=next_pos + k + j,
                                     created_at=now, updated_at=now, version=1))
                metrics += [dict(finding_id=fid, position=i, label=m.label, value=m.value, unit=m.unit,
                                 scale=m.scale.value if m.scale else None, entity=m.entity, period=m.period,
                                 as_of=m.as_of, series=m.series) for i, m in enumerate(c.metrics)]
                tags += [dict(finding_id=fid, tag=t, position=i) for i, t in enumerate(c.tags)]
                wordings += [dict(finding_id=fid, audience_key=a, text=t) for a, t in c.wordings.items()]
                links += [dict(finding_id=fid, source_id=sid, position=i) for i, sid in enumerate(c.source_ids)]
                index.append((fid, c.title, c.statement, list(c.tags)))
            # SQLAlchemy types every mapped class's __table__ as a FromClause; these are Tables.
            tables = [cast(Table, FindingRow.__table__), cast(Table, MetricRow.__table__),
                      cast(Table, TagRow.__table__), cast(Table, WordingRow.__table__), finding_sources]
            for table, rows in zip(tables, (findings, metrics, tags, wordings, links)):
                if rows:
                    s.execute(insert(table), rows)
            if fts_on:
                fts.index_findings(s, index)

    def _new_finding_ids(self, s: Session, count: int) -> list[int]:
        """Ids for `count` findings inserted in bulk. PostgreSQL's are drawn from the id sequence,
        which explicit ids would leave behind (the next ORM insert would collide) and which two
        concurrent importers share safely; SQLite's follow the largest id under the write lock."""
        if self.db.is_postgresql:
            return list(s.scalars(text("SELECT nextval(pg_get_serial_sequence('findings', 'id')) "
                                       "FROM generate_series(1, :n)"), {"n": count}))
        first_id = (s.scalar(select(func.max(FindingRow.id))) or 0) + 1
        return list(range(first_id, first_id + count))

    # ---- Whole database
    def reset(self, *, seed: bool = True) -> None:
        from briefing.services.seeding import seed_database
        from briefing.store.seed import wipe

        # Without the seed, the reports and their sections stay (empty): the library keeps its shape.
        wipe(self.db, keep_reports=not seed, emptied=not seed)
        self._report_id = None
        if seed:
            self._report_key = None
            seed_database(self)

    def backup(self, target: Path) -> None:
        from briefing.fileio import UnsafeTargetError

        try:
            self.db.backup_to(Path(target))
        except UnsafeTargetError as exc:
            raise ValidationError(FieldError("file", str(exc))) from None
        except OSError as exc:
            raise ValidationError(FieldError("file", f"cannot write {target}: {exc.strerror or exc}")) from None

    def close(self) -> None:
        self.db.dispose()


@dataclass(frozen=True)
class ReportSnapshot:
    """A deleted report whole, for its undo."""

    report: Report
    audiences: tuple[Audience, ...]
    charts: tuple[ChartSpec, ...]
    findings: tuple[Finding, ...]


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    sources: int
    unchanged: int = 0
    created_slugs: tuple[str, ...] = ()
    updated_slugs: tuple[str, ...] = ()
    unchanged_slugs: tuple[str, ...] = ()


@dataclass
class _Tally:
    """What an import did so far, chunk after chunk."""

    sources: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> ImportSummary:
        return ImportSummary(created=len(self.created), updated=len(self.updated), sources=self.sources,
                             unchanged=len(self.unchanged), created_slugs=tuple(self.created),
                             updated_slugs=tuple(self.updated), unchanged_slugs=tuple(self.unchanged))


class _DryRun(Exception):
    """Raised inside the import's transaction to roll it back, carrying what it would have done."""

    def __init__(self, summary: ImportSummary) -> None:
        super().__init__("dry run")
        self.summary = summary


def _transfer() -> Any:
    # Loaded on first use, as the other transfer calls are: most commands never need it.
    from briefing.store import transfer

    return transfer


def _snapshot(row: FindingRow) -> dict[str, Any]:
    """A finding as its history keeps it: the export's JSON form (exact decimal text, source keys)."""
    return cast(dict[str, Any], _transfer().finding_dict(finding_record(row)))


def _history_entry(row: HistoryRow) -> history.HistoryEntry:
    return history.HistoryEntry(
        id=row.id, finding_id=row.finding_id, slug=row.slug, action=row.action, who=row.who, at=row.at,
        version=row.version, snapshot=dict(row.snapshot),
        changes=tuple(history.FieldChange(f, a, b) for f, a, b in row.changes),
    )


def _same_finding(f: Finding, c: CleanFinding) -> bool:
    def metrics(ms: Iterable[Any]) -> list[tuple[Any, ...]]:
        # str(value): 1.0 and 1.00 are equal Decimals but different stored text.
        return [(m.label, str(m.value), m.unit, m.scale, m.entity, m.period, m.as_of, m.series) for m in ms]

    return ((f.title, f.statement, f.section, f.kind, f.as_of, tuple(f.tags), tuple(x.id for x in f.sources),
             dict(f.wordings)) == (c.title, c.statement, c.section, c.kind, c.as_of, tuple(c.tags), c.source_ids,
                                   dict(c.wordings))
            and metrics(f.metrics) == metrics(c.metrics))


def _plain_mapping(value: Any) -> Any:
    """A stored template (read-only mappings) as plain dicts and lists, as the database keeps it."""
    if isinstance(value, Mapping):
        return {str(k): _plain_mapping(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_mapping(v) for v in value]
    return value
