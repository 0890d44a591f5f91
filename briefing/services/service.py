"""BriefingService: the one API the GUI and the CLI call. Short sessions per call; records out, never rows."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Mapping, Sequence

from sqlalchemy import Float, Integer, delete, func, select, text
from sqlalchemy.orm import Session, selectinload

from briefing.domain.errors import ConflictError, FieldError, NotFoundError, ValidationError
from briefing.domain.model import Audience, Finding, FindingDraft, Source, SourceDraft
from briefing.domain.validate import CleanFinding, clean_finding, clean_key, clean_source
from briefing.domain.text import clean_text
from briefing.services.mapping import (
    audience_record,
    finding_from_parts,
    finding_record,
    metric_record,
    source_record,
)
from briefing.store import fts
from briefing.store.engine import Database
from briefing.store.models import (
    AudienceRow,
    ChartRow,
    FindingRow,
    MetaRow,
    MetricRow,
    SourceRow,
    TagRow,
    WordingRow,
    finding_sources,
    utcnow,
)

if TYPE_CHECKING:
    from briefing.domain.charts import ChartSpec


def _finding_query():  # type: ignore[no-untyped-def]
    return select(FindingRow).options(
        selectinload(FindingRow.metrics),
        selectinload(FindingRow.tags),
        selectinload(FindingRow.wordings),
        selectinload(FindingRow.sources),
    )


class BriefingService:
    """Queries and validated edits over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @property
    def database_url(self) -> str:
        """The database as a URL another process can open (exports run in a child process)."""
        return self.db.url.render_as_string(hide_password=False)

    def change_counter(self) -> int | None:
        """Moves whenever anyone commits to the database (another process, another window, this
        one); None when this database cannot tell cheaply. Front ends poll it to stay current."""
        return self.db.change_counter()

    # ---- Report
    def report(self) -> dict[str, Any]:
        with self.db.reading() as s:
            row = s.get(MetaRow, "report")
            return dict(row.value) if row else {}

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
        if not (searching or section or kind or tag or limit):
            with self.db.reading() as s:
                findings = self._all_findings(s)
            return self._for_audience(audience, findings) if audience else findings
        with self.db.reading() as s:
            if searching and order == "report" and self.db.has_fts():
                ids = self._report_order_hits(s, search or "", section=section, kind=kind, tag=tag,
                                              limit=None if audience else limit)
                rows = {r.id: r for r in s.scalars(_finding_query().where(FindingRow.id.in_(ids)))}
                findings = [finding_record(rows[i]) for i in ids if i in rows]
                if audience:
                    findings = self._for_audience(audience, findings)
                return findings[:limit] if limit else findings
            q = _finding_query()
            q = self._filtered(s, q, section=section, kind=kind, tag=tag, search=None)
            if searching and self.db.has_fts():
                expr = fts.match_expression(search or "")
                if expr is None:
                    return []
                # Join the FTS hits (best bm25 first) so filters, ranking and LIMIT run in SQLite.
                hits = (
                    text(
                        "SELECT rowid AS fid, bm25(findings_fts, 5.0, 1.0, 3.0) AS rank "
                        "FROM findings_fts WHERE findings_fts MATCH :q"
                    )
                    .bindparams(q=expr)
                    .columns(fid=Integer, rank=Float)
                    .subquery("hits")
                )
                q = q.join(hits, hits.c.fid == FindingRow.id)
                if order == "report":
                    q = q.order_by(FindingRow.position, FindingRow.id)
                else:
                    q = q.order_by(hits.c.rank, FindingRow.id)
            else:
                if searching:
                    q = self._filtered(s, q, section=None, kind=None, tag=None, search=search)
                q = q.order_by(FindingRow.position, FindingRow.id)
            if limit and not audience:
                q = q.limit(limit)
            findings = [finding_record(r) for r in s.scalars(q)]
        if audience:
            findings = self._for_audience(audience, findings)
        return findings[:limit] if limit else findings

    @staticmethod
    def _all_findings(s: Session) -> list[Finding]:
        """Every finding in report order, in five plain queries (a briefing reads them all).

        Core rows instead of ORM objects with selectinload: about 6 ms instead of 14 for the
        seeded report, and no identity map to fill and throw away."""
        tags: dict[int, list[str]] = {}
        for fid, tag in s.execute(select(TagRow.finding_id, TagRow.tag).order_by(TagRow.finding_id,
                                                                                 TagRow.position)):
            tags.setdefault(fid, []).append(tag)
        metrics: dict[int, list[Any]] = {}
        m = MetricRow.__table__
        for row in s.execute(select(m).order_by(m.c.finding_id, m.c.position)):
            metrics.setdefault(row.finding_id, []).append(metric_record(row))
        wordings: dict[int, dict[str, str]] = {}
        words = select(WordingRow.finding_id, WordingRow.audience_key, WordingRow.text)
        for fid, audience, text_ in s.execute(words.order_by(WordingRow.finding_id, WordingRow.audience_key)):
            wordings.setdefault(fid, {})[audience] = text_
        sources: dict[int, list[Any]] = {}
        src = SourceRow.__table__
        links = select(finding_sources.c.finding_id, src).join(src, src.c.id == finding_sources.c.source_id)
        for row in s.execute(links.order_by(finding_sources.c.finding_id, finding_sources.c.position)):
            sources.setdefault(row.finding_id, []).append(source_record(row))
        f = FindingRow.__table__
        return [
            finding_from_parts(row, tags=tags.get(row.id, ()), sources=sources.get(row.id, ()),
                               metrics=metrics.get(row.id, ()), wordings=wordings.get(row.id, {}))
            for row in s.execute(select(f).order_by(f.c.position, f.c.id))
        ]

    @staticmethod
    def _report_order_hits(s: Session, search: str, *, section: str | None, kind: str | None, tag: str | None,
                           limit: int | None) -> list[int]:
        """Ids of the findings matching `search`, in report order, filters applied, in one SQLite query.

        The sort reads each hit's position from the covering (id, position) index: at 100k findings
        a broad term matches ~40k rows, and reading their full rows to sort them cost ~15 ms more.
        """
        expr = fts.match_expression(search)
        if expr is None:
            return []
        where, params = [], {"q": expr}
        if section:
            where.append("f.section = :section")
            params["section"] = section
        if kind:
            where.append("f.kind = :kind")
            params["kind"] = kind
        if tag:
            where.append("f.id IN (SELECT finding_id FROM finding_tags WHERE tag = :tag)")
            params["tag"] = tag.lower()
        sql = (
            "SELECT f.id FROM findings AS f INDEXED BY ix_findings_id_position "
            "JOIN (SELECT rowid AS fid FROM findings_fts WHERE findings_fts MATCH :q) AS h ON h.fid = f.id"
            + (" WHERE " + " AND ".join(where) if where else "")
            + " ORDER BY f.position, f.id"
            + (f" LIMIT {int(limit)}" if limit else "")
        )
        return [r[0] for r in s.execute(text(sql), params)]

    def count_findings(self) -> int:
        with self.db.reading() as s:
            return s.scalar(select(func.count()).select_from(FindingRow)) or 0

    def search_ids(self, query: str, limit: int | None = 50) -> list[int]:
        """Finding ids best-first for a full-text query (FTS5 bm25 on SQLite, LIKE elsewhere)."""
        with self.db.reading() as s:
            return self._search_ids(s, query, limit)

    def _search_ids(self, s: Session, query: str, limit: int | None) -> list[int]:
        if self.db.has_fts():
            expr = fts.match_expression(query)
            if expr is None:
                return []
            sql = "SELECT rowid FROM findings_fts WHERE findings_fts MATCH :q ORDER BY bm25(findings_fts, 5.0, 1.0, 3.0)"
            if limit:
                sql += f" LIMIT {int(limit)}"
            return [r[0] for r in s.execute(text(sql), {"q": expr})]
        like = f"%{query}%"
        q = select(FindingRow.id).where(FindingRow.title.ilike(like) | FindingRow.statement.ilike(like))
        if limit:
            q = q.limit(limit)
        return list(s.scalars(q))

    def _filtered(self, s: Session, q, *, section, kind, tag, search):  # type: ignore[no-untyped-def]
        if section:
            q = q.where(FindingRow.section == section)
        if kind:
            q = q.where(FindingRow.kind == kind)
        if tag:
            q = q.where(FindingRow.id.in_(select(TagRow.finding_id).where(TagRow.tag == tag.lower())))
        if search and search.strip():
            if self.db.has_fts():
                expr = fts.match_expression(search)
                if expr is None:
                    return None
                q = q.where(
                    FindingRow.id.in_(text("SELECT rowid FROM findings_fts WHERE findings_fts MATCH :q").bindparams(q=expr))
                )
            else:
                like = f"%{search.strip()}%"
                q = q.where(FindingRow.title.ilike(like) | FindingRow.statement.ilike(like))
        return q

    def _for_audience(self, audience_key: str, findings: list[Finding]) -> list[Finding]:
        from briefing.compose.select import select_findings

        audience = self.get_audience(audience_key)
        return select_findings(audience, findings)

    def get_finding(self, ref: int | str) -> Finding:
        with self.db.reading() as s:
            row = self._finding_row(s, ref, load=True)
            return finding_record(row)

    def _finding_row(self, s: Session, ref: int | str, load: bool = False) -> FindingRow:
        q = _finding_query() if load else select(FindingRow)
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            row = s.scalars(q.where(FindingRow.id == int(ref))).first()
        else:
            row = s.scalars(q.where(FindingRow.slug == ref)).first()
        if row is None:
            raise NotFoundError("finding", ref)
        return row

    # ---- Findings: edits
    def create_finding(
        self, draft: FindingDraft, *, position: int | None = None, fresh_slug: bool = False
    ) -> Finding:
        """A new finding. `fresh_slug`: a taken slug gets a free "-2", "-3"… (a copy of a finding)
        instead of being refused."""
        with self.db.writing() as s:
            clean = self._clean(s, draft)
            if fresh_slug:
                clean = replace(clean, slug=self._free_slug(s, clean.slug))
            if s.scalar(select(FindingRow.id).where(FindingRow.slug == clean.slug)) is not None:
                raise ValidationError(FieldError("slug", f"“{clean.slug}” is already used by another finding"))
            if position is None:
                position = (s.scalar(select(func.max(FindingRow.position))) or 0) + 1
            row = FindingRow(slug=clean.slug, position=position, version=1)
            s.add(row)
            self._apply(s, row, clean)
            s.flush()
            fid = row.id
        return self.get_finding(fid)

    @staticmethod
    def _free_slug(s: Session, slug: str) -> str:
        taken = set(s.scalars(select(FindingRow.slug).where(FindingRow.slug.like(f"{slug[:56]}%"))))
        if slug not in taken:
            return slug
        n = 2
        while f"{slug[:56].rstrip('-')}-{n}" in taken:
            n += 1
        return f"{slug[:56].rstrip('-')}-{n}"

    def update_finding(self, finding_id: int, draft: FindingDraft, expected_version: int) -> Finding:
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id, load=True)
            if row.version != expected_version:
                raise ConflictError("finding", row.slug, expected_version, row.version)
            clean = self._clean(s, draft)
            if clean.slug != row.slug and s.scalar(
                select(FindingRow.id).where(FindingRow.slug == clean.slug, FindingRow.id != row.id)
            ):
                raise ValidationError(FieldError("slug", f"“{clean.slug}” is already used by another finding"))
            row.slug = clean.slug
            row.version += 1
            row.updated_at = utcnow()
            self._apply(s, row, clean)
        return self.get_finding(finding_id)

    def delete_finding(self, finding_id: int, expected_version: int | None = None) -> Finding:
        """Deletes a finding with its metrics; returns it whole so an undo can restore it."""
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id, load=True)
            if expected_version is not None and row.version != expected_version:
                raise ConflictError("finding", row.slug, expected_version, row.version)
            snapshot = finding_record(row)
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
        with self.db.writing() as s:
            clean = self._clean(s, draft)
            taken = s.get(FindingRow, finding.id) is not None
            row = FindingRow(
                slug=clean.slug,
                position=finding.position,
                version=finding.version + 1,
                created_at=finding.created_at or utcnow(),
            )
            if not taken:
                row.id = finding.id
            s.add(row)
            self._apply(s, row, clean)
            s.flush()
            fid = row.id
        return self.get_finding(fid)

    def move_finding(self, finding_id: int, position: int) -> None:
        with self.db.writing() as s:
            row = self._finding_row(s, finding_id)
            row.position = position

    def _clean(self, s: Session, draft: FindingDraft) -> CleanFinding:
        audience_keys = set(s.scalars(select(AudienceRow.key)))
        source_ids = set(s.scalars(select(SourceRow.id)))
        return clean_finding(draft, audience_keys=audience_keys, source_ids=source_ids)

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
    def list_sources(self) -> list[Source]:
        with self.db.reading() as s:
            return [source_record(r) for r in s.scalars(select(SourceRow).order_by(SourceRow.publisher, SourceRow.id))]

    def get_source(self, ref: int | str) -> Source:
        with self.db.reading() as s:
            return source_record(self._source_row(s, ref))

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

    def create_source(self, draft: SourceDraft) -> Source:
        clean = clean_source(draft)
        with self.db.writing() as s:
            if s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            row = SourceRow(**clean.__dict__)
            s.add(row)
            s.flush()
            return source_record(row)

    def update_source(self, source_id: int, draft: SourceDraft) -> Source:
        clean = clean_source(draft)
        with self.db.writing() as s:
            row = self._source_row(s, source_id)
            if clean.key != row.key and s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)):
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            for name, value in clean.__dict__.items():
                setattr(row, name, value)
            s.flush()
            return source_record(row)

    def restore_source(self, source: Source) -> Source:
        """Re-creates a deleted source under its own id (an undo: older steps still name that id).
        Refused when another source took its key meanwhile; a new id only if its id is taken."""
        clean = clean_source(source.to_draft())
        with self.db.writing() as s:
            if s.scalar(select(SourceRow.id).where(SourceRow.key == clean.key)) is not None:
                raise ValidationError(FieldError("key", f"“{clean.key}” is already used by another source"))
            row = SourceRow(**clean.__dict__)
            if s.get(SourceRow, source.id) is None:
                row.id = source.id
            s.add(row)
            s.flush()
            return source_record(row)

    def delete_source(self, source_id: int) -> Source:
        used = self.source_usage(source_id)
        if used:
            shown = ", ".join(used[:5]) + (" …" if len(used) > 5 else "")
            raise ValidationError(
                FieldError("source", f"is cited by {len(used)} finding(s) ({shown}); remove it from them first")
            )
        with self.db.writing() as s:
            row = self._source_row(s, source_id)
            record = source_record(row)
            s.delete(row)
            return record

    # ---- Audiences
    def list_audiences(self) -> list[Audience]:
        with self.db.reading() as s:
            rows = s.scalars(select(AudienceRow).order_by(AudienceRow.position, AudienceRow.id))
            return [audience_record(r) for r in rows]

    def get_audience(self, key: str) -> Audience:
        with self.db.reading() as s:
            row = s.scalars(select(AudienceRow).where(AudienceRow.key == key)).first()
            if row is None:
                raise NotFoundError("audience", key)
            return audience_record(row)

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
        with self.db.writing() as s:
            if s.scalar(select(AudienceRow.id).where(AudienceRow.key == key)) is not None:
                raise ValidationError(FieldError("key", f"an audience “{key}” already exists"))
            pos = (s.scalar(select(func.max(AudienceRow.position))) or 0) + 1
            row = AudienceRow(key=key, name=name, description=description, builtin=False, position=pos,
                              template=dict(template))
            s.add(row)
            s.flush()
            return audience_record(row)

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
            row = s.scalars(select(AudienceRow).where(AudienceRow.key == key)).first()
            if row is None:
                raise NotFoundError("audience", key)
            if name is not None:
                row.name = clean_text(name, "name", max_length=120, required=True)
            if description is not None:
                row.description = clean_text(description, "description", max_length=2000, multiline=True)
            if template is not None:
                row.template = dict(template)
            s.flush()
            return audience_record(row)

    def delete_audience(self, key: str) -> None:
        with self.db.writing() as s:
            row = s.scalars(select(AudienceRow).where(AudienceRow.key == key)).first()
            if row is None:
                raise NotFoundError("audience", key)
            if row.builtin:
                raise ValidationError(FieldError("audience", f"“{row.name}” is built in and cannot be deleted"))
            s.delete(row)

    @staticmethod
    def _check_template(template: Mapping[str, Any]) -> Mapping[str, Any]:
        from briefing.compose.template import validate_template

        validate_template(template)
        return template

    # ---- Charts
    def list_charts(self, audience: str | None = None) -> list[ChartSpec]:
        from briefing.domain.charts import ChartSpec

        with self.db.reading() as s:
            rows = s.scalars(select(ChartRow).order_by(ChartRow.position, ChartRow.id)).all()
            specs = [ChartSpec.from_dict(r.spec) for r in rows]
        if audience:
            specs = [c for c in specs if not c.audiences or audience in c.audiences]
        return specs

    def get_chart(self, key: str) -> ChartSpec:
        from briefing.domain.charts import ChartSpec

        with self.db.reading() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == key)).first()
            if row is None:
                raise NotFoundError("chart", key)
            return ChartSpec.from_dict(row.spec)

    def save_chart(self, spec: ChartSpec) -> ChartSpec:
        """Creates or replaces the chart with spec.key."""
        from briefing.domain.charts import validate_chart_spec

        spec = validate_chart_spec(spec.to_dict())
        with self.db.writing() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == spec.key)).first()
            if row is None:
                pos = spec.position or (s.scalar(select(func.max(ChartRow.position))) or 0) + 1
                row = ChartRow(key=spec.key, position=pos, version=0)
                s.add(row)
            row.kind = spec.kind.value
            row.title = spec.title
            row.spec = spec.to_dict()
            row.version += 1
            row.updated_at = utcnow()
        return spec

    def delete_chart(self, key: str) -> None:
        with self.db.writing() as s:
            row = s.scalars(select(ChartRow).where(ChartRow.key == key)).first()
            if row is None:
                raise NotFoundError("chart", key)
            s.delete(row)

    # ---- Import / export
    def export_findings(self, path: Path, findings: Sequence[Finding] | None = None) -> int:
        from briefing.store.transfer import write_findings

        items = list(findings) if findings is not None else self.list_findings()
        write_findings(Path(path), items)
        return len(items)

    def import_findings(self, path: Path) -> ImportSummary:
        from briefing.store.transfer import read_findings

        payload = read_findings(Path(path))
        return self.import_records(payload.sources, payload.findings)

    def import_records(self, sources: Iterable[SourceDraft], findings: Iterable[tuple[FindingDraft, list[str]]]) -> ImportSummary:
        """All or nothing: sources by key (created when missing), findings upserted by slug."""
        created = updated = 0
        sources = list(sources)
        findings = list(findings)
        with self.db.writing() as s:
            key_to_id = {k: i for k, i in s.execute(select(SourceRow.key, SourceRow.id))}
            for i, draft in enumerate(sources):
                try:
                    clean = clean_source(draft)
                except ValidationError as exc:
                    raise ValidationError(exc.errors, f"source {i + 1} ({draft.publisher!r})") from None
                if clean.key not in key_to_id:
                    row = SourceRow(**clean.__dict__)
                    s.add(row)
                    s.flush()
                    key_to_id[clean.key] = row.id
            next_pos = (s.scalar(select(func.max(FindingRow.position))) or 0) + 1
            audience_keys = set(s.scalars(select(AudienceRow.key)))
            for n, (draft, source_keys) in enumerate(findings):
                unknown = [k for k in source_keys if k not in key_to_id]
                if unknown:
                    raise ValidationError(FieldError("sources", f"unknown source key(s) {', '.join(unknown)}"),
                                          f"finding {n + 1} ({draft.slug or draft.title!r})")
                draft = FindingDraft(**{**draft.__dict__, "source_ids": tuple(key_to_id[k] for k in source_keys)})
                try:
                    clean = clean_finding(draft, audience_keys=audience_keys, source_ids=set(key_to_id.values()))
                except ValidationError as exc:
                    raise ValidationError(exc.errors, f"finding {n + 1} ({draft.slug or draft.title!r})") from None
                row = s.scalars(_finding_query().where(FindingRow.slug == clean.slug)).first()
                if row is None:
                    row = FindingRow(slug=clean.slug, position=next_pos, version=1)
                    next_pos += 1
                    s.add(row)
                    created += 1
                else:
                    row.version += 1
                    row.updated_at = utcnow()
                    updated += 1
                self._apply(s, row, clean)
        return ImportSummary(created=created, updated=updated, sources=len(sources))

    # ---- Whole database
    def reset(self, *, seed: bool = True) -> None:
        from briefing.store.seed import seed_database, wipe

        wipe(self.db, emptied=not seed)
        if seed:
            seed_database(self.db)

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
class ImportSummary:
    created: int
    updated: int
    sources: int
