"""Findings as portable files: JSON (whole records) and CSV (one row a finding, nested fields as JSON)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import Finding, FindingDraft, MetricDraft, Source, SourceDraft
from briefing.fileio import UnsafeTargetError, atomic_write
from briefing.store.import_schema import FORMAT, FORMAT_VERSION, check_document, check_finding

# A spreadsheet runs a cell that starts with one of these as a formula ("=cmd|' /C calc'!A0").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CSV_COLUMNS = ["slug", "title", "statement", "section", "kind", "tags", "as_of", "sources", "metrics", "wordings"]


@dataclass(frozen=True)
class ImportItem:
    """One finding record of a file: where it sits ("findings[3]", "line 5"), its draft and source
    keys, or, when its shape is wrong, no draft and the problems."""

    path: str
    draft: FindingDraft | None
    source_keys: list[str]
    problems: tuple[FieldError, ...] = ()


@dataclass(frozen=True)
class Payload:
    sources: list[SourceDraft]
    # Read lazily from a large JSON file, so only a chunk of records is in memory at a time.
    findings: Iterable[ImportItem]
    source_paths: list[str] = field(default_factory=list)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def source_dict(src: Source, *, nested: bool = False) -> dict[str, Any]:
    """`nested`: `via` as the whole source it names (down the chain), for a CSV cell, which has no
    list of sources of its own to hold it; else its key."""
    via: Any = None
    if src.via is not None:
        via = source_dict(src.via, nested=True) if nested else src.via.key
    return {
        "key": src.key,
        "publisher": src.publisher,
        "title": src.title,
        "url": src.url,
        "published": _iso(src.published),
        "accessed": _iso(src.accessed),
        "notes": src.notes,
        "via": via,
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


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: a leading formula character gets a `'` before it.

    Text that already starts with `'`s before such a character gets one more, so that `csv_text`
    (which drops exactly one) gives back the original either way."""
    return "'" + text if text.lstrip("'").startswith(_FORMULA_START) else text


def csv_text(cell: str) -> str:
    """The original text of a cell written by `csv_cell`."""
    return cell[1:] if cell.startswith("'") and cell.lstrip("'").startswith(_FORMULA_START) else cell


def _atomic_write(path: Path, data: bytes) -> None:
    if not path.parent.is_dir():
        raise ValidationError(FieldError("file", f"folder {path.parent} does not exist"))
    try:
        atomic_write(path, data)
    except UnsafeTargetError as exc:
        raise ValidationError(FieldError("file", str(exc))) from None
    except OSError as exc:
        raise ValidationError(FieldError("file", f"cannot write {path}: {exc.strerror or exc}")) from None


def write_findings(path: Path, findings: Iterable[Finding]) -> int:
    """Writes the findings (a list, or a stream such as `iter_findings`) and returns how many. Each
    finding is encoded as it comes, so memory holds the encoded file, not every record (at 100k
    findings the records took ~840 MB)."""
    suffix = path.suffix.lower()
    count = 0
    if suffix == ".json":
        sources: dict[str, Source] = {}
        parts: list[bytes] = []
        for f in findings:
            for s in f.sources:
                for one in (s, *s.via_chain()):  # a via names a source the file must carry too
                    sources.setdefault(one.key, one)
            # One level deeper than a finding's own dump: the same bytes as dumping the whole document.
            text = json.dumps(finding_dict(f), ensure_ascii=False, indent=2)
            parts.append(("    " + text.replace("\n", "\n    ")).encode("utf-8"))
        head = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "sources": [source_dict(s) for s in sorted(sources.values(), key=lambda s: s.key)],
            "findings": [],
        }
        top = json.dumps(head, ensure_ascii=False, indent=2).encode("utf-8")
        count = len(parts)
        if parts:
            cut = top.rindex(b"[]")  # "findings" is the last key: its empty list ends the document
            top = b"".join([top[:cut], b"[\n", b",\n".join(parts), b"\n  ]", top[cut + 2:]])
        _atomic_write(path, top)
    elif suffix == ".csv":
        buf = io.StringIO(newline="")
        writer = csv.DictWriter(buf, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for f in findings:
            count += 1
            d = finding_dict(f)
            d["tags"] = json.dumps(d["tags"], ensure_ascii=False)
            d["sources"] = json.dumps([source_dict(s, nested=True) for s in f.sources], ensure_ascii=False)
            d["metrics"] = json.dumps(d["metrics"], ensure_ascii=False)
            d["wordings"] = json.dumps(d["wordings"], ensure_ascii=False)
            d["as_of"] = d["as_of"] or ""
            writer.writerow({k: csv_cell(v) for k, v in d.items()})
        _atomic_write(path, buf.getvalue().encode("utf-8-sig"))
    else:
        raise ValidationError(FieldError("file", f"“{path.name}” must end in .json or .csv"))
    return count


def read_findings(path: Path) -> Payload:
    if not path.is_file():
        raise ValidationError(FieldError("file", f"{path} does not exist"))
    suffix = path.suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ValidationError(FieldError("file", f"“{path.name}” must end in .json or .csv"))
    try:
        if suffix == ".json":
            return _read_json(path)
        return _read_csv(path)
    except json.JSONDecodeError as exc:
        raise ValidationError(FieldError("file", f"{path.name} is not valid JSON (line {exc.lineno}, "
                                                 f"column {exc.colno}: {exc.msg.lower()})")) from None
    except UnicodeDecodeError as exc:
        raise ValidationError(FieldError("file", f"{path.name} is not UTF-8 text (byte {exc.start})")) from None
    except csv.Error:
        raise ValidationError(FieldError("file", f"{path.name} is not a readable CSV file")) from None
    except RecursionError:
        raise ValidationError(FieldError("file", f"{path.name} is nested too deeply to be a findings file")) from None
    except OSError as exc:
        raise ValidationError(FieldError("file", f"cannot read {path}: {(exc.strerror or 'error').lower()}")) from None


def source_draft(d: dict[str, Any]) -> SourceDraft:
    return SourceDraft(
        publisher=d.get("publisher") or "",
        title=d.get("title") or "",
        url=d.get("url"),
        published=d.get("published"),
        accessed=d.get("accessed"),
        notes=d.get("notes") or "",
        key=d.get("key"),
        via=(str(via.get("key") or "") or None) if isinstance(via := d.get("via"), dict) else via or None,
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
        tags=d["tags"] if isinstance(d.get("tags"), str) else tuple(d.get("tags") or ()),
        as_of=d.get("as_of") or None,
        metrics=tuple(_metric_draft(m) for m in d.get("metrics") or ()),
        wordings=dict(d.get("wordings") or {}),
        slug=d.get("slug") or None,
    )
    # A source given whole (as `findings show --json` writes it) is cited by its key.
    keys = [k if isinstance(k, str) else str(k.get("key") or "") for k in d.get("sources") or ()]
    return draft, keys


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    d = dict(pairs)
    if len(d) != len(pairs):
        seen: set[str] = set()
        twice = ""
        for k, _ in pairs:  # the first key met a second time
            if k in seen:
                twice = k
                break
            seen.add(k)
        # Two values for one field: json keeps the last silently; the user meant one of them.
        raise ValidationError(FieldError("file", f"the field “{twice}” appears twice in one record; keep one"))
    return d


# A file this large is read one finding record at a time: a 110 MB export of 100k findings parsed
# whole took ~480 MB; split, it needs its bytes and one record at a time.
STREAM_MIN_BYTES = 4 << 20
_JSON_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_WS = b" \t\r\n"
# Inside the findings array only brackets matter: one match runs over everything up to the next
# bracket outside a string (in C), so Python sees ~10 matches per record instead of ~50 tokens.
_NEXT_BRACKET = re.compile(rb'[^"\[\]{}]*(?:"[^"\\]*(?:\\.[^"\\]*)*"[^"\[\]{}]*)*([\[\]{}])')


def _item(path: str, value: Any) -> ImportItem:
    problems = check_finding(path, value)
    if problems:
        return ImportItem(path, None, [], tuple(problems))
    draft, keys = finding_draft(value)
    return ImportItem(path, draft, keys)


def _read_json(path: Path) -> Payload:
    data = path.read_bytes()
    data = data.removeprefix(codecs.BOM_UTF8)  # Windows editors add one; it is not part of the document
    split = _findings_array(data) if len(data) >= STREAM_MIN_BYTES else None
    if split is None:
        doc = json.loads(data, object_pairs_hook=_object, parse_float=Decimal)
        records: list[Any] = []
        top = doc
        if isinstance(doc, list):  # a bare list of findings
            records, top = doc, {"findings": []}
        elif isinstance(doc, dict) and isinstance(doc.get("findings"), list):
            records, top = doc["findings"], {**doc, "findings": []}
        errors = check_document(top)
        if errors:
            raise ValidationError(errors, path.name)
        findings: Iterable[ImportItem] = [_item(f"findings[{i}]", v) for i, v in enumerate(records)]
    else:
        start, end, spans = split
        top = json.loads(data[:start] + b"[]" + data[end + 1:], object_pairs_hook=_object, parse_float=Decimal)
        errors = check_document(top)
        if errors:
            raise ValidationError(errors, path.name)
        findings = _streamed(data, spans, path.name)
    sources = top.get("sources") or [] if isinstance(top, dict) else []
    return Payload(sources=[source_draft(s) for s in sources], findings=findings,
                   source_paths=[f"sources[{i}]" for i in range(len(sources))])


def _streamed(data: bytes, spans: list[tuple[int, int]], name: str) -> Iterator[ImportItem]:
    for i, (a, b) in enumerate(spans):
        try:
            value = json.loads(data[a:b], object_pairs_hook=_object, parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValidationError(FieldError(f"findings[{i}]", "is not valid JSON"), name) from None
        except RecursionError:
            raise ValidationError(FieldError(f"findings[{i}]", "is nested too deeply"), name) from None
        yield _item(f"findings[{i}]", value)


def _findings_array(data: bytes) -> tuple[int, int, list[tuple[int, int]]] | None:
    """Where the top-level object's "findings" array starts and ends, and the span of each object in
    it; None when the file is shaped otherwise (it is then parsed whole, and its errors named)."""
    depth = 0
    tokens = _JSON_TOKEN.finditer(data)
    for m in tokens:
        tok = m.group()
        if tok[0] == 0x22:  # a string
            if depth == 1 and tok == b'"findings"':
                j = m.end()
                while data[j:j + 1] and data[j] in _WS:
                    j += 1
                if data[j:j + 1] != b":":
                    continue
                j += 1
                while data[j:j + 1] and data[j] in _WS:
                    j += 1
                return _array_items(data, j) if data[j:j + 1] == b"[" else None
            continue
        depth += 1 if tok in (b"[", b"{") else -1
        if depth == 0:
            return None
    return None


def _array_items(data: bytes, start: int) -> tuple[int, int, list[tuple[int, int]]] | None:
    spans: list[tuple[int, int]] = []
    depth = 0
    prev = start + 1
    begin = start
    for m in _NEXT_BRACKET.finditer(data, start):
        tok = m.group(1)
        if tok in (b"[", b"{"):
            if depth == 1:
                begin = m.start(1)
            depth += 1
            continue
        depth -= 1
        if depth == 1:
            # Only objects separated by single commas: anything else is left to the whole parse.
            if tok != b"}" or data[prev:begin].strip(_WS) != (b"," if spans else b""):
                return None
            spans.append((begin, m.end()))
            prev = m.end()
        elif depth == 0:
            if data[prev:m.start(1)].strip(_WS):
                return None
            return start, m.start(1), spans
    return None


def _read_csv(path: Path) -> Payload:
    text = path.read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""))
    missing = [c for c in ("title", "statement", "section") if c not in (reader.fieldnames or [])]
    if missing:
        raise ValidationError(FieldError("file", f"{path.name} lacks column(s): {', '.join(missing)}"))
    sources: dict[str, SourceDraft] = {}
    source_lines: dict[str, int] = {}
    findings: list[ImportItem] = []
    for n, row in enumerate(reader, start=2):
        row = {k: csv_text(v) if isinstance(v, str) else v for k, v in row.items()}

        def cell(name: str, default: Any, row: dict[str, Any] = row, n: int = n) -> Any:
            raw = row.get(name)
            if raw in (None, ""):
                return default
            try:
                return json.loads(raw, parse_float=Decimal)  # numbers exact, not floats
            except json.JSONDecodeError:
                raise ValidationError(FieldError(name, f"line {n}: not valid JSON")) from None

        src_objs = cell("sources", [])
        if not isinstance(src_objs, list):
            raise ValidationError(FieldError(f"line {n}.sources", "must be a list of source keys or sources"))
        keys = []
        for s in src_objs:
            if isinstance(s, str):
                keys.append(s)
            elif isinstance(s, dict):
                keys.append(str(source_draft(s).key))
                chain: Any = s
                walked: set[str] = set()
                while isinstance(chain, dict):  # the source, then the ones it is cited via
                    source = source_draft(chain)
                    key = str(source.key)
                    if key in sources and sources[key] != source:
                        raise ValidationError(FieldError(
                            f"line {n}.sources", f"source “{key}” differs from the one on line "
                                                 f"{source_lines[key]}; one key, one source"))
                    sources.setdefault(key, source)
                    source_lines.setdefault(key, n)
                    walked.add(key)
                    chain = chain.get("via")
                    if isinstance(chain, dict) and str(chain.get("key")) in walked:
                        break  # a loop written by hand: the import's own check names it
            else:
                raise ValidationError(FieldError(f"line {n}.sources", "must list source keys or source objects"))
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
        item = _item(f"line {n}", d)
        findings.append(ImportItem(item.path, item.draft, keys, item.problems))
    return Payload(sources=list(sources.values()), findings=findings,
                   source_paths=[f"line {source_lines[k]}.sources" for k in sources])
