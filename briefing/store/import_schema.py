"""The schema of an import document: every field's type, checked before anything is cleaned or
saved, with each problem named by its JSON path (`findings[3].metrics[0].value: ...`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from briefing.domain.errors import FieldError

FORMAT = "briefing-findings"
FORMAT_VERSION = 1
MAX_REPORTED = 20  # a file with 10,000 bad rows gets the first few named, not a wall of text


@dataclass(frozen=True)
class Kind:
    """One JSON type a field accepts: a name users read and the Python types json gives for it
    (exact types: `bool` is a subclass of `int`, and true is not a number)."""

    name: str
    types: tuple[type, ...]

    def test(self, value: Any) -> bool:
        return type(value) in self.types


TEXT = Kind("text", (str,))
NULL = Kind("null", (type(None),))
# The reader parses JSON decimals as Decimal (exact); a float only comes from a caller's own dict.
NUMBER = Kind("a number", (int, float, Decimal))
WHOLE = Kind("a whole number", (int,))
OBJECT = Kind("an object", (dict,))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _one_of(*kinds: Kind) -> tuple[Kind, ...]:
    return kinds


SOURCE = {
    "key": _one_of(TEXT, NULL), "publisher": _one_of(TEXT), "title": _one_of(TEXT), "url": _one_of(TEXT, NULL),
    "published": _one_of(TEXT, NULL), "accessed": _one_of(TEXT, NULL), "notes": _one_of(TEXT, NULL),
    "via": _one_of(TEXT, NULL, OBJECT),  # the key of the source this one is cited in (CSV: the source)
    "id": _one_of(WHOLE, NULL),  # in `findings show --json`; ignored
}
METRIC = {
    "label": _one_of(TEXT, NULL), "value": _one_of(TEXT, NUMBER), "unit": _one_of(TEXT, NULL),
    "scale": _one_of(TEXT, NULL), "entity": _one_of(TEXT, NULL), "period": _one_of(TEXT, WHOLE, NULL),
    "as_of": _one_of(TEXT, NULL), "series": _one_of(TEXT, NULL),
}
FINDING_SCALARS = {
    "slug": _one_of(TEXT, NULL), "title": _one_of(TEXT), "statement": _one_of(TEXT), "section": _one_of(TEXT),
    "kind": _one_of(TEXT, NULL), "as_of": _one_of(TEXT, NULL),
    "id": _one_of(WHOLE, NULL), "version": _one_of(WHOLE, NULL),  # in `findings list/show --json`; ignored
}
_TYPES = {kinds: frozenset(t for k in kinds for t in k.types)
          for kinds in {*SOURCE.values(), *METRIC.values(), *FINDING_SCALARS.values(), (TEXT,), (TEXT, NULL)}}
FINDING_KEYS = [*FINDING_SCALARS, "tags", "sources", "metrics", "wordings"]
TOP_KEYS = ["format", "version", "sources", "findings"]


class _Checker:
    def __init__(self) -> None:
        self.errors: list[FieldError] = []
        self.more = 0

    def fail(self, path: str, message: str) -> None:
        if len(self.errors) < MAX_REPORTED:
            self.errors.append(FieldError(path, message))
        else:
            self.more += 1

    def scalar(self, path: str, value: Any, kinds: tuple[Kind, ...]) -> None:
        if type(value) in _TYPES[kinds]:  # the common case, checked in one step
            return
        if not any(k.test(value) for k in kinds):
            want = " or ".join(k.name for k in kinds)
            self.fail(path, f"must be {want}, not {_type_name(value)}")

    def record(self, path: str, value: Any, fields: dict[str, tuple[Kind, ...]], known: list[str]) -> bool:
        if not isinstance(value, dict):
            self.fail(path, f"must be an object, not {_type_name(value)}")
            return False
        for key in value:
            if key not in known:
                self.fail(f"{path}.{key}", f"is not a known field; expected one of {', '.join(known)}")
        for key, kinds in fields.items():
            if key in value:
                self.scalar(f"{path}.{key}", value[key], kinds)
        return True

    def listed(self, path: str, value: Any) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(path, f"must be a list, not {_type_name(value)}")
            return []
        return value

    def source(self, path: str, value: Any, depth: int = 0) -> None:
        if self.record(path, value, SOURCE, list(SOURCE)) and isinstance(value.get("via"), dict) and depth < 20:
            self.source(f"{path}.via", value["via"], depth + 1)

    def finding(self, path: str, value: Any) -> None:
        if not self.record(path, value, FINDING_SCALARS, FINDING_KEYS):
            return
        tags = value.get("tags")
        if isinstance(tags, str):
            pass  # "a, b" is read as a comma-separated list, as the CLI's --tags
        else:
            for i, tag in enumerate(self.listed(f"{path}.tags", tags)):
                self.scalar(f"{path}.tags[{i}]", tag, (TEXT,))
        for i, src in enumerate(self.listed(f"{path}.sources", value.get("sources"))):
            if not isinstance(src, str):  # a key, or a whole source (CSV cells and `show --json` carry those)
                self.source(f"{path}.sources[{i}]", src)
        for i, metric in enumerate(self.listed(f"{path}.metrics", value.get("metrics"))):
            self.record(f"{path}.metrics[{i}]", metric, METRIC, list(METRIC))
        wordings = value.get("wordings")
        if wordings is not None:
            if not isinstance(wordings, dict):
                self.fail(f"{path}.wordings", "must be an object of audience key to text, "
                                              f"not {_type_name(wordings)}")
            else:
                for key, text in wordings.items():
                    self.scalar(f"{path}.wordings.{key}", text, (TEXT, NULL))


def check_document(doc: Any) -> list[FieldError]:
    """Every type problem in a parsed import document (a `{format, version, sources, findings}`
    object or a bare list of findings), each named by its JSON path; empty when it fits."""
    c = _Checker()
    if isinstance(doc, list):
        doc = {"findings": doc}
    if not isinstance(doc, dict):
        return [FieldError("(document)", f"must be an object with a “findings” list, not {_type_name(doc)}")]
    for key in doc:
        if key not in TOP_KEYS:
            c.fail(key, f"is not a known field; expected one of {', '.join(TOP_KEYS)}")
    fmt = doc.get("format", FORMAT)
    if fmt != FORMAT:
        c.fail("format", f"is “{fmt}”; Briefing imports only “{FORMAT}” files")
    version = doc.get("version", FORMAT_VERSION)
    if not WHOLE.test(version):
        c.fail("version", f"must be a whole number, not {_type_name(version)}")
    elif version > FORMAT_VERSION:
        c.fail("version", f"is {version}, newer than this Briefing reads ({FORMAT_VERSION}); update Briefing")
    elif version < 1:
        c.fail("version", f"is {version}; versions start at 1")
    if "findings" not in doc:
        c.fail("findings", "is missing: the file has no list of findings")
    for i, src in enumerate(c.listed("sources", doc.get("sources"))):
        c.source(f"sources[{i}]", src)
    for i, finding in enumerate(c.listed("findings", doc.get("findings"))):
        c.finding(f"findings[{i}]", finding)
    if c.more:
        c.errors.append(FieldError("…", f"and {c.more} more problem(s)"))
    return c.errors


def check_finding(path: str, value: Any) -> list[FieldError]:
    """The type problems of one finding record (for a reader that checks one record at a time)."""
    c = _Checker()
    c.finding(path, value)
    return c.errors


def json_path(prefix: str, dotted: str) -> str:
    """A domain field path (`metrics.0.value`) under a JSON path (`findings[3]`): `findings[3].metrics[0].value`."""
    out = prefix
    for part in dotted.split("."):
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out
