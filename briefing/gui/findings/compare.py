"""Field-by-field comparison of the form's unsaved finding with the saved one, as the conflict dialog shows it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from briefing.domain.model import (
    Audience,
    ClaimKind,
    Finding,
    FindingDraft,
    MetricDraft,
    Section,
    Source,
)
from briefing.gui.dialogs import FieldPair
from briefing.gui.findings.metrics import MetricRow


def form_draft(finding: Finding) -> FindingDraft:
    """The draft the editor holds right after loading `finding`: both sides of a comparison are
    written the same way, so only real differences show (not "2026-03" against a date)."""
    return FindingDraft(
        title=finding.title,
        statement=finding.statement,
        section=finding.section,
        kind=finding.kind.value,
        tags=", ".join(finding.tags),
        as_of=finding.as_of.isoformat() if finding.as_of else None,
        source_ids=tuple(s.id for s in finding.sources),
        metrics=tuple(MetricRow.from_metric(m).draft() for m in finding.metrics),
        wordings={k: v for k, v in finding.wordings.items() if v.strip()},
        slug=finding.slug,
    )


def compare(
    mine: FindingDraft,
    theirs: Finding,
    *,
    sources: Sequence[Source] = (),
    audiences: Sequence[Audience] = (),
    sections: Sequence[Section] = (),
) -> list[FieldPair]:
    """One row per field a user edits; wordings one row per audience either side has text for."""
    other = form_draft(theirs)
    known = {s.id: s for s in (*sources, *theirs.sources)}
    pairs = [
        FieldPair("Title", mine.title, other.title),
        FieldPair("Statement", mine.statement, other.statement),
        FieldPair("Section", _section(str(mine.section), sections), _section(str(other.section), sections)),
        FieldPair("Claim kind", _kind(str(mine.kind)), _kind(str(other.kind))),
        FieldPair("Tags", _tags(mine.tags), _tags(other.tags)),
        FieldPair("As of", str(mine.as_of or ""), str(other.as_of or "")),
        FieldPair("Sources", _sources(mine.source_ids, known), _sources(other.source_ids, known)),
        FieldPair("Metrics", _metrics(mine.metrics), _metrics(other.metrics)),
    ]
    names = {a.key: a.name for a in audiences}
    for key in sorted({*mine.wordings, *other.wordings}, key=lambda k: (k not in names, k)):
        pairs.append(FieldPair(f"Wording: {names.get(key, key)}",
                               mine.wordings.get(key, ""), other.wordings.get(key, "")))
    return pairs


def _section(key: str, sections: Sequence[Section]) -> str:
    return next((s.short or s.title for s in sections if s.key == key), key)


def _kind(value: str) -> str:
    try:
        return ClaimKind(value).label
    except ValueError:
        return value


def _tags(tags: str | Sequence[str]) -> str:
    """A draft's tags, as typed ("a, b") or as a tuple, shown one way."""
    items = tags.split(",") if isinstance(tags, str) else list(tags)
    return ", ".join(t.strip().lower() for t in items if t.strip())


def _sources(ids: Sequence[int], known: Mapping[int, Source]) -> str:
    lines = []
    for sid in ids:
        s = known.get(sid)
        lines.append(f"{s.publisher}: {s.title}" if s else f"source {sid}")
    return "\n".join(lines)


def _metrics(metrics: Sequence[MetricDraft]) -> str:
    lines = []
    for m in metrics:
        parts = [str(m.value), m.unit, str(m.scale or ""), m.entity, m.period, str(m.as_of or "")]
        lines.append(f"{m.label}: " + " ".join(p for p in parts if p))
    return "\n".join(lines)
