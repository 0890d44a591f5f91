"""The ORM schema. Only the store and its migrations see these classes; services map them to domain records."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


class DecimalText(TypeDecorator[Decimal]):
    """Decimals stored as their exact text: SQLite has no decimal type and floats would round."""

    impl = String(64)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: object) -> str | None:
        if value is None:
            return None
        return format(Decimal(value), "f")

    def process_result_value(self, value: str | None, dialect: object) -> Decimal | None:
        return None if value is None else Decimal(value)


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC: `timestamptz` on PostgreSQL (migration 0004), text on SQLite. Python sees
    naive UTC datetimes on both engines, whatever the server's or the session's time zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        # SQLite stores the wall-clock text without an offset: always UTC's.
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        if value is None or value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


finding_sources = Table(
    "finding_sources",
    Base.metadata,
    Column("finding_id", ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True),
    Column("source_id", ForeignKey("sources.id", ondelete="RESTRICT"), primary_key=True),
    Column("position", Integer, nullable=False, default=0),
)


class SourceRow(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    publisher: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    url: Mapped[str | None] = mapped_column(String(2000))
    published: Mapped[date | None] = mapped_column(Date)
    accessed: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str] = mapped_column(Text, default="")
    # The source this one is cited in (migration 0007); the service refuses a loop or a dangling key.
    via_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", name="fk_sources_via_id_sources"))


class ReportRow(Base):
    """A report (one edition of a publication): the root every finding, audience and chart hangs from."""

    __tablename__ = "reports"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(63), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    subtitle: Mapped[str] = mapped_column(Text, default="")
    publisher: Mapped[str] = mapped_column(String(200), default="")
    author: Mapped[str] = mapped_column(String(200), default="")
    edition: Mapped[str] = mapped_column(String(120), default="")
    data_as_of: Mapped[date | None] = mapped_column(Date)
    published: Mapped[date | None] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(Text, default="")
    # The report's own colours, {"palette": [...], "accents": {audience: "#RRGGBB"}}; NULL: the house theme's.
    colours: Mapped[dict | None] = mapped_column(JSON, nullable=True)
    # The edition this one was copied from (None for a first edition; kept when that one is deleted).
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    sections: Mapped[list[SectionRow]] = relationship(
        cascade="all, delete-orphan", order_by="SectionRow.position", passive_deletes=True
    )


class SectionRow(Base):
    __tablename__ = "report_sections"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    short: Mapped[str] = mapped_column(String(80), default="")
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (UniqueConstraint("report_id", "key", name="uq_report_sections_report_key"),)


class FindingRow(Base):
    __tablename__ = "findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(63))
    title: Mapped[str] = mapped_column(String(300))
    statement: Mapped[str] = mapped_column(Text)
    section: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(20), index=True)
    as_of: Mapped[date | None] = mapped_column(Date)
    position: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # A new edition's copy: "carried over, not yet reviewed" until confirmed or edited.
    carried_over: Mapped[bool] = mapped_column(default=False)
    # The finding of the previous edition this one was copied from (what changed is measured against it).
    predecessor_id: Mapped[int | None] = mapped_column(ForeignKey("findings.id", ondelete="SET NULL"))

    # (id, position) covers the search's "report order" sort: SQLite finds each hit's position in
    # this narrow index instead of reading the wide row (statement text) of every match.
    __table_args__ = (
        Index("ix_findings_id_position", "id", "position"),
        UniqueConstraint("report_id", "slug", name="uq_findings_report_slug"),
    )

    metrics: Mapped[list[MetricRow]] = relationship(
        back_populates="finding", cascade="all, delete-orphan", order_by="MetricRow.position",
        passive_deletes=True,
    )
    tags: Mapped[list[TagRow]] = relationship(
        cascade="all, delete-orphan", order_by="TagRow.position", passive_deletes=True
    )
    # Ordered: SQLite happens to return them by primary key, PostgreSQL in whatever order the heap holds.
    wordings: Mapped[list[WordingRow]] = relationship(cascade="all, delete-orphan", passive_deletes=True,
                                                      order_by="WordingRow.audience_key")
    sources: Mapped[list[SourceRow]] = relationship(secondary=finding_sources, order_by=finding_sources.c.position)


class MetricRow(Base):
    __tablename__ = "metrics"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    label: Mapped[str] = mapped_column(String(200))
    value: Mapped[Decimal] = mapped_column(DecimalText)
    unit: Mapped[str] = mapped_column(String(40), default="")
    scale: Mapped[str | None] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(120), default="")
    period: Mapped[str] = mapped_column(String(60), default="")
    as_of: Mapped[date | None] = mapped_column(Date)
    series: Mapped[str] = mapped_column(String(80), default="", index=True)

    finding: Mapped[FindingRow] = relationship(back_populates="metrics")


class TagRow(Base):
    __tablename__ = "finding_tags"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    tag: Mapped[str] = mapped_column(String(60), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (Index("ix_finding_tags_tag", "tag"),)


class AudienceRow(Base):
    __tablename__ = "audiences"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(63))
    name: Mapped[str] = mapped_column(String(120))
    description: Mapped[str] = mapped_column(Text, default="")
    builtin: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)
    template: Mapped[dict] = mapped_column(JSON, default=dict)

    __table_args__ = (UniqueConstraint("report_id", "key", name="uq_audiences_report_key"),)


class WordingRow(Base):
    __tablename__ = "wordings"

    finding_id: Mapped[int] = mapped_column(ForeignKey("findings.id", ondelete="CASCADE"), primary_key=True)
    # An audience key of the finding's own report (keys are unique per report only, so no foreign
    # key: the service keeps wordings in step when an audience goes).
    audience_key: Mapped[str] = mapped_column(String(63), primary_key=True)
    text: Mapped[str] = mapped_column(Text)


class ChartRow(Base):
    __tablename__ = "charts"

    id: Mapped[int] = mapped_column(primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(63))
    kind: Mapped[str] = mapped_column(String(30))
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(Integer, default=0)
    spec: Mapped[dict] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (UniqueConstraint("report_id", "key", name="uq_charts_report_key"),)


class HistoryRow(Base):
    """One change to a finding (migration 0009). No foreign key: a deleted finding keeps its history."""

    __tablename__ = "finding_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(Integer)
    report_id: Mapped[int] = mapped_column(Integer)
    slug: Mapped[str] = mapped_column(String(63))
    action: Mapped[str] = mapped_column(String(12))
    who: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer)
    # [[field, before, after], ...]: see briefing.domain.history.diff_snapshots.
    changes: Mapped[list] = mapped_column(JSON)
    snapshot: Mapped[dict] = mapped_column(JSON)

    __table_args__ = (Index("ix_finding_history_finding_id", "finding_id", "id"),)


class MetaRow(Base):
    """Small key/value facts about the database itself (seed progress, the last report used)."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(63), primary_key=True)
    value: Mapped[dict] = mapped_column(JSON)


__all__ = [
    "AudienceRow",
    "Base",
    "ChartRow",
    "DecimalText",
    "FindingRow",
    "HistoryRow",
    "MetaRow",
    "MetricRow",
    "ReportRow",
    "SectionRow",
    "SourceRow",
    "TagRow",
    "UTCDateTime",
    "WordingRow",
    "finding_sources",
]
