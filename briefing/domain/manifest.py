"""The manifest every exported file carries (what was in it, by content hash) and the diff of two manifests."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any, Protocol

from briefing.domain.charts import ChartSpec
from briefing.domain.errors import BriefingError
from briefing.domain.model import Audience, Finding

FORMAT = "briefing-manifest"
SCHEMA = 1  # raise when a reader of this version could misread a newer manifest
FILE_NAME = "briefing-manifest.json"  # the PDF attachment's name
XML_NAMESPACE = "urn:briefing:manifest"  # the root element of the Word/PowerPoint custom XML part

# Fields whose text is long or personal (a statement, an audience's wording): the manifest keeps
# only their hash, enough to say "changed" without shipping the prose twice in every file.
_HASHED_ONLY = ("statement", "wordings.")


class ManifestError(BriefingError):
    """A file has no manifest, a damaged one, or one from a newer Briefing; the message names the file."""


class ProblemLike(Protocol):
    """briefing.checks.Problem's shape (the domain does not import the checks)."""

    @property
    def rule(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def field(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def message(self) -> str: ...


@dataclass(frozen=True)
class MetricEntry:
    label: str
    value: str  # the exact Decimal as text
    unit: str
    scale: str
    display: str  # "5.16 trillion", as the diff prints it


@dataclass(frozen=True)
class FindingEntry:
    id: int
    slug: str
    version: int
    title: str
    hash: str
    # Field names as editions.finding_changes names them ("title", "metrics.0.value", "wordings.asia").
    values: tuple[tuple[str, str], ...]  # (field, text) for the short fields a diff prints old → new
    hashes: tuple[tuple[str, str], ...]  # (field, hash of its text) for the statement and the wordings
    metrics: tuple[MetricEntry, ...]


@dataclass(frozen=True)
class ChartEntry:
    key: str
    title: str
    hash: str  # the spec and the plotted points
    findings: tuple[str, ...]  # slugs of the findings it draws


@dataclass(frozen=True)
class ProblemEntry:
    rule: str
    kind: str
    subject: str
    field: str
    text: str
    message: str

    @property
    def fingerprint(self) -> tuple[str, str, str, str, str]:
        # The message's wording may change between versions of Briefing; what it is about does not.
        return (self.rule, self.kind, self.subject, self.field, self.text)

    def line(self) -> str:
        return f"{self.kind} {self.subject} · {self.field} [{self.rule}]: {self.message}"


@dataclass(frozen=True)
class Manifest:
    """What one exported file was made from. `kind` is "briefing" (an audience's document) or "deck"."""

    kind: str
    report_key: str
    report_title: str
    edition: str
    audience_key: str
    audience_name: str
    template_hash: str
    findings: tuple[FindingEntry, ...]
    charts: tuple[ChartEntry, ...]
    problems: tuple[ProblemEntry, ...]
    app_version: str
    # Two manifests of the same content are equal whenever they were made (compose twice, compare).
    generated: str = field(default="", compare=False)
    schema: int = SCHEMA

    # ---- Serialised forms

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "schema": self.schema,
            "kind": self.kind,
            "app_version": self.app_version,
            "generated": self.generated,
            "report": {"key": self.report_key, "title": self.report_title, "edition": self.edition},
            "audience": {"key": self.audience_key, "name": self.audience_name},
            "template_hash": self.template_hash,
            "findings": [{
                "id": f.id, "slug": f.slug, "version": f.version, "title": f.title, "hash": f.hash,
                "values": dict(f.values), "hashes": dict(f.hashes),
                "metrics": [{"label": m.label, "value": m.value, "unit": m.unit, "scale": m.scale,
                             "display": m.display} for m in f.metrics],
            } for f in self.findings],
            "charts": [{"key": c.key, "title": c.title, "hash": c.hash, "findings": list(c.findings)}
                       for c in self.charts],
            "problems": [{"rule": p.rule, "kind": p.kind, "subject": p.subject, "field": p.field,
                          "text": p.text, "message": p.message} for p in self.problems],
        }

    def to_json(self) -> str:
        """One line of ASCII JSON: safe in a YAML front matter, an XML text node and a PDF stream."""
        return json.dumps(self.to_dict(), ensure_ascii=True, separators=(",", ":"))

    def to_xml(self) -> bytes:
        """The custom XML part of a Word document or deck: the JSON inside one namespaced element."""
        from xml.sax.saxutils import escape

        return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                f'<manifest xmlns="{XML_NAMESPACE}" schema="{self.schema}">{escape(self.to_json())}</manifest>'
                ).encode()

    @classmethod
    def from_json(cls, text: str | bytes, where: str) -> Manifest:
        """Parse a manifest read from `where` (a file name, for messages). Raises ManifestError, never
        anything else, whatever the text holds."""
        try:
            raw = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise ManifestError(f"The Briefing manifest in {where} is damaged (not JSON: {exc}); "
                                "it cannot be compared") from None
        return cls.from_dict(raw, where)

    @classmethod
    def from_dict(cls, raw: object, where: str) -> Manifest:
        if not isinstance(raw, dict) or raw.get("format") != FORMAT:
            raise ManifestError(f"No Briefing manifest in {where}")
        schema = raw.get("schema")
        if not isinstance(schema, int) or isinstance(schema, bool) or schema < 1:
            raise ManifestError(f"The Briefing manifest in {where} is damaged (schema {schema!r}); "
                                "it cannot be compared")
        if schema > SCHEMA:
            raise ManifestError(f"The Briefing manifest in {where} is schema {schema}, newer than this "
                                f"Briefing reads (schema {SCHEMA}); update Briefing to compare it")
        try:
            return _parse(raw, schema)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            what = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ManifestError(f"The Briefing manifest in {where} is damaged ({what}); "
                                "it cannot be compared") from None


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected text, found {type(value).__name__}")
    return value


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"expected a whole number, found {type(value).__name__}")
    return value


def _list(value: object) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError(f"expected a list, found {type(value).__name__}")
    return value


def _dict(value: object) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _pairs(value: object) -> tuple[tuple[str, str], ...]:
    return tuple((_str(k), _str(v)) for k, v in _dict(value).items())


def _parse(raw: dict[str, Any], schema: int) -> Manifest:
    report = _dict(raw["report"])
    audience = _dict(raw["audience"])
    findings = []
    for item in _list(raw["findings"]):
        f = _dict(item)
        metrics = tuple(MetricEntry(_str(m["label"]), _str(m["value"]), _str(m["unit"]), _str(m["scale"]),
                                    _str(m["display"])) for m in map(_dict, _list(f["metrics"])))
        findings.append(FindingEntry(_int(f["id"]), _str(f["slug"]), _int(f["version"]), _str(f["title"]),
                                     _str(f["hash"]), _pairs(f["values"]), _pairs(f["hashes"]), metrics))
    charts = tuple(ChartEntry(_str(c["key"]), _str(c["title"]), _str(c["hash"]),
                              tuple(_str(s) for s in _list(c["findings"]))) for c in map(_dict, _list(raw["charts"])))
    problems = tuple(ProblemEntry(_str(p["rule"]), _str(p["kind"]), _str(p["subject"]), _str(p["field"]),
                                  _str(p["text"]), _str(p["message"])) for p in map(_dict, _list(raw["problems"])))
    return Manifest(kind=_str(raw["kind"]), report_key=_str(report["key"]), report_title=_str(report["title"]),
                    edition=_str(report["edition"]), audience_key=_str(audience["key"]),
                    audience_name=_str(audience["name"]), template_hash=_str(raw["template_hash"]),
                    findings=tuple(findings), charts=charts, problems=problems,
                    app_version=_str(raw["app_version"]), generated=_str(raw["generated"]), schema=schema)


# ---- Building


def generation_time() -> str:
    """Now, in UTC to the second; SOURCE_DATE_EPOCH (the reproducible-builds convention) fixes it,
    so two exports of the same data can be byte-identical."""
    fixed = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(fixed), UTC) if fixed.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def content_hash(value: object) -> str:
    """A short SHA-256 of a value's canonical JSON (mappings sorted, Decimals exact)."""
    text = json.dumps(_canonical(value), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _canonical(value: object) -> object:
    if isinstance(value, Mapping):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, Enum):
        return _canonical(value.value)
    if isinstance(value, (Decimal, date)):
        return str(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def finding_fields(f: Finding) -> dict[str, str]:
    """A finding flattened to named texts, by the names editions.finding_changes uses."""
    out = {"title": f.title, "statement": f.statement, "section": f.section, "kind": f.kind.value,
           "tags": ", ".join(f.tags), "as_of": f.as_of.isoformat() if f.as_of else ""}
    for i, m in enumerate(f.metrics):
        out[f"metrics.{i}.label"] = m.label
        out[f"metrics.{i}.value"] = m.display(compact=False)
        out[f"metrics.{i}.entity"] = m.entity
        out[f"metrics.{i}.period"] = m.period
        out[f"metrics.{i}.as_of"] = m.as_of.isoformat() if m.as_of else ""
        out[f"metrics.{i}.series"] = m.series
    out["sources"] = ", ".join(s.key for s in f.sources)
    for key in sorted(f.wordings):
        out[f"wordings.{key}"] = f.wordings[key]
    return out


def finding_entry(f: Finding) -> FindingEntry:
    fields = finding_fields(f)
    return FindingEntry(
        id=f.id, slug=f.slug, version=f.version, title=f.title, hash=content_hash(fields),
        # An empty field is left out (the diff reads a missing one as empty): a third of the size.
        values=tuple((name, text) for name, text in fields.items() if text and not name.startswith(_HASHED_ONLY)),
        hashes=tuple((name, content_hash(text)) for name, text in fields.items() if name.startswith(_HASHED_ONLY)),
        metrics=tuple(MetricEntry(m.label, str(m.value), m.unit, m.scale.value if m.scale else "",
                                  m.display(compact=False)) for m in f.metrics),
    )


def chart_entry(spec: ChartSpec, data: object) -> ChartEntry:
    """`data` is the chart's resolved data (briefing.charts.ChartData, opaque here): its points are
    frozen records whose repr is stable, so their hash changes exactly when what is plotted does."""
    points = getattr(data, "points", ()) or ()
    # Deck order and the accent colour (an audience's deck is drawn in its colour) are not content.
    described = {k: v for k, v in spec.to_dict().items() if k not in ("position", "accent")}
    slugs = tuple(dict.fromkeys(str(getattr(p, "finding", "")) for p in points))
    return ChartEntry(spec.key, spec.title, content_hash([described, [repr(p) for p in points]]), slugs)


def build_manifest(*, kind: str, report: Mapping[str, object], audience: Audience | None,
                   findings: Iterable[Finding], charts: Sequence[tuple[ChartSpec, object]],
                   problems: Iterable[ProblemLike] = (), app_version: str, generated: str | None = None) -> Manifest:
    """The manifest of a file made from these records. `report` is Report.cover()'s mapping."""
    return Manifest(
        kind=kind,
        report_key=str(report.get("key") or ""),
        report_title=str(report.get("title") or ""),
        edition=str(report.get("edition") or ""),
        audience_key=audience.key if audience else "",
        audience_name=audience.name if audience else "",
        template_hash=content_hash(audience.template) if audience else "",
        findings=tuple(finding_entry(f) for f in findings),
        charts=tuple(chart_entry(spec, data) for spec, data in charts),
        problems=tuple(ProblemEntry(p.rule, p.kind, p.subject, p.field, p.text, p.message) for p in problems),
        app_version=app_version,
        generated=generation_time() if generated is None else generated,
    )


# ---- Comparing


@dataclass(frozen=True)
class FieldDiff:
    field: str
    # None: the field has a text the manifest keeps only as a hash (a statement, a wording); "" for
    # such a field means it has no text on that side (a wording added or removed).
    old: str | None
    new: str | None


@dataclass(frozen=True)
class FindingDiff:
    slug: str
    title: str
    fields: tuple[FieldDiff, ...]


@dataclass(frozen=True)
class ManifestDiff:
    """What changed from `old` (a file sent earlier) to `new` (the database now, or a second file)."""

    old: Manifest
    new: Manifest
    added: tuple[FindingEntry, ...]
    removed: tuple[FindingEntry, ...]
    changed: tuple[FindingDiff, ...]
    charts_added: tuple[ChartEntry, ...]
    charts_removed: tuple[ChartEntry, ...]
    charts_changed: tuple[ChartEntry, ...]
    template_changed: bool
    new_problems: tuple[ProblemEntry, ...]

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.charts_added or self.charts_removed
                    or self.charts_changed or self.template_changed or self.new_problems)

    def lines(self) -> list[str]:
        """The diff as text, one line per finding, chart or check, details indented."""
        out: list[str] = []
        for f in self.added:
            out.append(f"added    finding {f.slug}: {f.title}")
        for f in self.removed:
            out.append(f"removed  finding {f.slug}: {f.title}")
        for c in self.changed:
            out.append(f"changed  finding {c.slug}: {c.title}")
            out += [f"           {d.field}: {_shown(d)}" for d in c.fields]
        for ch in self.charts_added:
            out.append(f"added    chart {ch.key}: {ch.title}")
        for ch in self.charts_removed:
            out.append(f"removed  chart {ch.key}: {ch.title}")
        for ch in self.charts_changed:
            out.append(f"changed  chart {ch.key}: {ch.title}")
        if self.template_changed:
            out.append(f"changed  template of audience {self.new.audience_key or self.old.audience_key}")
        for p in self.new_problems:
            out.append(f"fails    check {p.line()}")
        return out

    def to_dict(self) -> dict[str, Any]:
        def finding(f: FindingEntry) -> dict[str, Any]:
            return {"slug": f.slug, "id": f.id, "title": f.title,
                    "metrics": [{"label": m.label, "value": m.display} for m in f.metrics]}

        def chart(c: ChartEntry) -> dict[str, str]:
            return {"key": c.key, "title": c.title}

        return {
            "old": {"generated": self.old.generated, "report": self.old.report_key, "edition": self.old.edition,
                    "audience": self.old.audience_key},
            "new": {"generated": self.new.generated, "report": self.new.report_key, "edition": self.new.edition,
                    "audience": self.new.audience_key},
            "findings": {
                "added": [finding(f) for f in self.added],
                "removed": [finding(f) for f in self.removed],
                "changed": [{"slug": c.slug, "title": c.title,
                             "fields": [{"field": d.field, "old": d.old, "new": d.new} for d in c.fields]}
                            for c in self.changed],
            },
            "charts": {"added": [chart(c) for c in self.charts_added],
                       "removed": [chart(c) for c in self.charts_removed],
                       "changed": [chart(c) for c in self.charts_changed]},
            "template_changed": self.template_changed,
            "new_problems": [{"rule": p.rule, "kind": p.kind, "subject": p.subject, "field": p.field,
                              "text": p.text, "message": p.message} for p in self.new_problems],
        }


def _shown(d: FieldDiff) -> str:
    return shown_change(d.old, d.new)


def shown_change(old: str | None, new: str | None) -> str:
    """"140 trillion tokens → 147 trillion tokens"; for a text the manifest keeps only as a hash
    (None), "text changed", "text added" or "text removed"."""
    if old is None or new is None:
        if old is None and new is None:
            return "text changed"
        return "text removed" if old is None else "text added"
    return f"{old or '—'} → {new or '—'}"


def diff_manifests(old: Manifest, new: Manifest) -> ManifestDiff:
    """Findings paired by slug (unique in a report), charts by key; a check fails newly when no
    problem about the same rule, subject, field and words was recorded in `old`."""
    old_f = {f.slug: f for f in old.findings}
    new_f = {f.slug: f for f in new.findings}
    changed = []
    for slug, f in new_f.items():
        before = old_f.get(slug)
        if before is not None and before.hash != f.hash:
            changed.append(FindingDiff(slug, f.title, _field_diffs(before, f)))
    old_c = {c.key: c for c in old.charts}
    new_c = {c.key: c for c in new.charts}
    seen = {p.fingerprint for p in old.problems}
    return ManifestDiff(
        old=old, new=new,
        added=tuple(f for slug, f in new_f.items() if slug not in old_f),
        removed=tuple(f for slug, f in old_f.items() if slug not in new_f),
        changed=tuple(changed),
        charts_added=tuple(c for key, c in new_c.items() if key not in old_c),
        charts_removed=tuple(c for key, c in old_c.items() if key not in new_c),
        charts_changed=tuple(c for key, c in new_c.items() if key in old_c and old_c[key].hash != c.hash),
        template_changed=bool(old.template_hash and new.template_hash and old.template_hash != new.template_hash),
        new_problems=tuple(p for p in new.problems if p.fingerprint not in seen),
    )


def _field_diffs(old: FindingEntry, new: FindingEntry) -> tuple[FieldDiff, ...]:
    out = []
    va, vb = dict(old.values), dict(new.values)
    for name in dict.fromkeys([*va, *vb]):
        if va.get(name) != vb.get(name):
            out.append(FieldDiff(name, va.get(name, ""), vb.get(name, "")))
    ha, hb = dict(old.hashes), dict(new.hashes)
    for name in dict.fromkeys([*ha, *hb]):
        if ha.get(name) != hb.get(name):  # None: text there but not kept; "": no such text
            out.append(FieldDiff(name, None if name in ha else "", None if name in hb else ""))
    return tuple(out)
