"""A synthetic findings database of any size, built from the seed report's own findings.

Rows are bulk-inserted with SQLAlchemy Core (the ORM's add_all is ~5x slower at 100k rows) and
the FTS index is filled in the same transaction, so search timings see a realistic index.
"""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

from sqlalchemy import insert, select, text

from briefing.services import open_service
from briefing.store.models import FindingRow, MetricRow, TagRow, finding_sources

_WORDS = [
    "tokens", "model", "chips", "Ascend", "deployment", "open-source", "cost", "inference",
    "training", "data", "centre", "subsidy", "Qwen", "DeepSeek", "Doubao", "Kimi", "MiniMax",
    "adoption", "agents", "robotics", "Southeast", "Asia", "Japan", "India", "Europe", "pricing",
    "revenue", "export", "controls", "semiconductor", "compute", "bandwidth", "memory", "platform",
    "enterprise",
]


def make_database(path: Path, n: int, seed: int = 7) -> Path:
    """Seeds `path` with the report, then adds synthetic findings until it holds `n` in all."""
    path = Path(path)
    if path.exists():
        path.unlink()
    svc = open_service(path)
    base = svc.list_findings()
    sources = [s.id for s in svc.list_sources()]
    have = len(base)
    report_id = svc.report_id  # the synthetic findings belong to the seed report
    rng = random.Random(seed)
    fts = svc.db.has_fts()
    with svc.db.writing() as s:
        next_id = (s.scalar(select(FindingRow.id).order_by(FindingRow.id.desc()).limit(1)) or 0) + 1
        findings, metrics, tags, links, index = [], [], [], [], []
        for i in range(max(0, n - have)):
            proto = base[i % len(base)]
            fid = next_id + i
            extra = " ".join(rng.choice(_WORDS) for _ in range(12))
            title = f"{proto.title} ({i})"
            statement = f"{proto.statement} {extra}."
            findings.append(dict(id=fid, report_id=report_id, slug=f"synthetic-{i}", title=title, statement=statement,
                                 section=proto.section, kind=proto.kind.value, as_of=proto.as_of or date(2026, 4, 1),
                                 position=have + i + 1, version=1))
            for j, m in enumerate(proto.metrics):
                metrics.append(dict(finding_id=fid, position=j, label=m.label, value=m.value, unit=m.unit,
                                    scale=m.scale.value if m.scale else None, entity=m.entity, period=m.period,
                                    as_of=m.as_of, series=""))
            for j, t in enumerate(proto.tags):
                tags.append(dict(finding_id=fid, tag=t, position=j))
            links.append(dict(finding_id=fid, source_id=rng.choice(sources), position=0))
            index.append(dict(id=fid, t=title, s=statement, g=" ".join(proto.tags)))
        for table, rows in ((FindingRow.__table__, findings), (MetricRow.__table__, metrics),
                            (TagRow.__table__, tags), (finding_sources, links)):
            for k in range(0, len(rows), 5000):
                if rows[k:k + 5000]:
                    s.execute(insert(table), rows[k:k + 5000])
        if fts and index:
            s.execute(text("INSERT INTO findings_fts(rowid, title, statement, tags) VALUES (:id, :t, :s, :g)"), index)
    svc.close()
    return path
