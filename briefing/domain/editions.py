"""What changed between two editions of a report: findings added, removed and changed, field by field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from briefing.domain.model import Finding, Metric


@dataclass(frozen=True)
class FieldChange:
    field: str  # "title", "metrics.0.value", "sources", "wordings.asia"…
    old: str
    new: str


@dataclass(frozen=True)
class FindingChange:
    old: Finding
    new: Finding
    fields: tuple[FieldChange, ...]


@dataclass(frozen=True)
class EditionDiff:
    old_key: str
    new_key: str
    added: tuple[Finding, ...]
    removed: tuple[Finding, ...]
    changed: tuple[FindingChange, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_findings(old_key: str, old: Sequence[Finding], new_key: str, new: Sequence[Finding]) -> EditionDiff:
    """Pairs each new finding with its predecessor (the link an edition's copy keeps), else with
    the old finding of the same slug; what pairs with nothing was added or removed."""
    by_id = {f.id: f for f in old}
    by_slug = {f.slug: f for f in old}
    paired: set[int] = set()
    added: list[Finding] = []
    changed: list[FindingChange] = []
    for f in new:
        before = by_id.get(f.predecessor_id) if f.predecessor_id is not None else None
        if before is None:
            before = by_slug.get(f.slug)
        if before is None or before.id in paired:
            added.append(f)
            continue
        paired.add(before.id)
        fields = finding_changes(before, f)
        if fields:
            changed.append(FindingChange(before, f, fields))
    removed = tuple(f for f in old if f.id not in paired)
    return EditionDiff(old_key, new_key, tuple(added), removed, tuple(changed))


def finding_changes(old: Finding, new: Finding) -> tuple[FieldChange, ...]:
    out: list[FieldChange] = []

    def compare(name: str, a: object, b: object) -> None:
        if a != b:
            out.append(FieldChange(name, _text(a), _text(b)))

    compare("title", old.title, new.title)
    compare("statement", old.statement, new.statement)
    compare("section", old.section, new.section)
    compare("kind", old.kind.value, new.kind.value)
    compare("tags", ", ".join(old.tags), ", ".join(new.tags))
    compare("as_of", old.as_of, new.as_of)
    for i in range(max(len(old.metrics), len(new.metrics))):
        a = old.metrics[i] if i < len(old.metrics) else None
        b = new.metrics[i] if i < len(new.metrics) else None
        if a is None or b is None:
            compare(f"metrics.{i}", _metric(a), _metric(b))
            continue
        compare(f"metrics.{i}.label", a.label, b.label)
        if (a.value, a.unit, a.scale) != (b.value, b.unit, b.scale):
            out.append(FieldChange(f"metrics.{i}.value", a.display(compact=False), b.display(compact=False)))
        for name in ("entity", "period", "as_of", "series"):
            compare(f"metrics.{i}.{name}", getattr(a, name), getattr(b, name))
    compare("sources", ", ".join(s.key for s in old.sources), ", ".join(s.key for s in new.sources))
    for key in sorted(set(old.wordings) | set(new.wordings)):
        compare(f"wordings.{key}", old.wordings.get(key, ""), new.wordings.get(key, ""))
    return tuple(out)


def _metric(m: Metric | None) -> str:
    return "" if m is None else f"{m.label}: {m.display(compact=False)}"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
