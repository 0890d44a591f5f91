"""Findings as portable files: JSON (whole records) and CSV (one row a finding, nested fields as JSON)."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, Sequence

from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import Finding, FindingDraft, MetricDraft, Source, SourceDraft
from briefing.fileio import UnsafeTargetError, atomic_write

FORMAT = "briefing-findings"
FORMAT_VERSION = 1
CSV_COLUMNS = ["slug", "title", "statement", "section", "kind", "tags", "as_of", "sources", "metrics", "wordings"]


@dataclass(frozen=True)
class Payload:
    sources: list[SourceDraft]
    findings: list[tuple[FindingDraft, list[str]]]  # each draft with its source keys


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def source_dict(src: Source) -> dict[str, Any]:
    return {
        "key": src.key,
        "publisher": src.publisher,
        "title": src.title,
        "url": src.url,
        "published": _iso(src.published),
        "accessed": _iso(src.accessed),
        "notes": src.notes,
    }


def finding_dict(f: Finding) -> dict[str, Any]:
    return {
        "slug": f.slug,
        "title": f.title,
        "statement": f.statement,
        "section": f.section,
        "kind": f.kind.value,
        "tags": list(f.tags),
        "as_of": _iso(f.as_of),
        "sources": [s.key for s in f.sources],
        "metrics": [
            {
                "label": m.label,
                # A string keeps the Decimal exact; JSON numbers would become floats.
                "value": format(m.value, "f"),
                "unit": m.unit,
                "scale": m.scale.value if m.scale else None,
                "entity": m.entity,
                "period": m.period,
                "as_of": _iso(m.as_of),
                "series": m.series,
            }
            for m in f.metrics
        ],
        "wordings": dict(sorted(f.wordings.items())),
    }


def _atomic_write(path: Path, data: bytes) -> None:
    if not path.parent.is_dir():
        raise ValidationError(FieldError("file", f"folder {path.parent} does not exist"))
    try:
        atomic_write(path, data)
    except UnsafeTargetError as exc:
        raise ValidationError(FieldError("file", str(exc))) from None
    except OSError as exc:
        raise ValidationError(FieldError("file", f"cannot write {path}: {exc.strerror or exc}")) from None


def write_findings(path: Path, findings: Sequence[Finding]) -> None:
    suffix = path.suffix.lower()
    if suffix == ".json":
        sources: dict[str, Source] = {}
        for f in findings:
            for s in f.sources:
                sources.setdefault(s.key, s)
        doc = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "sources": [source_dict(s) for s in sorted(sources.values(), key=lambda s: s.key)],
            "findings": [finding_dict(f) for f in findings],
        }
        _atomic_write(path, json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8"))
    elif suffix == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for f in findings:
            d = finding_dict(f)
            d["tags"] = json.dumps(d["tags"], ensure_ascii=False)
            d["sources"] = json.dumps([source_dict(s) for s in f.sources], ensure_ascii=False)
            d["metrics"] = json.dumps(d["metrics"], ensure_ascii=False)
            d["wordings"] = json.dumps(d["wordings"], ensure_ascii=False)
            d["as_of"] = d["as_of"] or ""
            writer.writerow(d)
        _atomic_write(path, buf.getvalue().encode("utf-8-sig"))
    else:
        raise ValidationError(FieldError("file", f"“{path.name}” must end in .json or .csv"))


def read_findings(path: Path) -> Payload:
    if not path.is_file():
        raise ValidationError(FieldError("file", f"{path} does not exist"))
    suffix = path.suffix.lower()
    try:
        if suffix == ".json":
            return _read_json(path)
        if suffix == ".csv":
            return _read_csv(path)
    except (json.JSONDecodeError, UnicodeDecodeError, csv.Error) as exc:
        raise ValidationError(FieldError("file", f"{path.name} is not readable: {exc}")) from None
    raise ValidationError(FieldError("file", f"“{path.name}” must end in .json or .csv"))


def source_draft(d: dict[str, Any]) -> SourceDraft:
    return SourceDraft(
        publisher=d.get("publisher") or "",
        title=d.get("title") or "",
        url=d.get("url"),
        published=d.get("published"),
        accessed=d.get("accessed"),
        notes=d.get("notes") or "",
        key=d.get("key"),
    )


def _metric_draft(d: dict[str, Any]) -> MetricDraft:
    value = d.get("value")
    if isinstance(value, float):
        value = repr(value)
    return MetricDraft(
        label=d.get("label") or "",
        value=value if value is not None else "",
        unit=d.get("unit") or "",
        scale=d.get("scale"),
        entity=d.get("entity") or "",
        period=str(d.get("period") or ""),
        as_of=d.get("as_of"),
        series=d.get("series") or "",
    )


def finding_draft(d: dict[str, Any]) -> tuple[FindingDraft, list[str]]:
    draft = FindingDraft(
        title=d.get("title") or "",
        statement=d.get("statement") or "",
        section=d.get("section") or "",
        kind=d.get("kind") or "reported",
        tags=tuple(d.get("tags") or ()),
        as_of=d.get("as_of") or None,
        metrics=tuple(_metric_draft(m) for m in d.get("metrics") or ()),
        wordings=dict(d.get("wordings") or {}),
        slug=d.get("slug") or None,
    )
    return draft, [str(k) for k in d.get("sources") or ()]


def _read_json(path: Path) -> Payload:
    doc = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)  # numbers exact, not floats
    if isinstance(doc, list):
        doc = {"findings": doc, "sources": []}
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise ValidationError(FieldError("file", f"{path.name} has no “findings” list"))
    return Payload(
        sources=[source_draft(s) for s in doc.get("sources") or []],
        findings=[finding_draft(f) for f in doc["findings"]],
    )


def _read_csv(path: Path) -> Payload:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("title", "statement", "section") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(FieldError("file", f"{path.name} lacks column(s): {', '.join(missing)}"))
    sources: dict[str, SourceDraft] = {}
    findings = []
    for n, row in enumerate(reader, start=2):
        def cell(name: str, default: Any) -> Any:
            raw = row.get(name)
            if raw in (None, ""):
                return default
            try:
                return json.loads(raw, parse_float=Decimal)
            except json.JSONDecodeError:
                raise ValidationError(FieldError(name, f"line {n}: not valid JSON")) from None

        src_objs = cell("sources", [])
        keys = []
        for s in src_objs:
            if isinstance(s, str):
                keys.append(s)
            else:
                draft = source_draft(s)
                sources.setdefault(str(draft.key), draft)
                keys.append(str(draft.key))
        d = {
            "slug": row.get("slug") or None,
            "title": row.get("title") or "",
            "statement": row.get("statement") or "",
            "section": row.get("section") or "",
            "kind": row.get("kind") or "reported",
            "tags": cell("tags", []),
            "as_of": row.get("as_of") or None,
            "metrics": cell("metrics", []),
            "wordings": cell("wordings", {}),
        }
        draft, _ = finding_draft(d)
        findings.append((draft, keys))
    return Payload(sources=list(sources.values()), findings=findings)
