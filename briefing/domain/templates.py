"""The audience-template schema: parse a YAML/JSON mapping into a typed Template, or say which field is wrong.

The schema is documented in docs/templates.md and at the top of templates/audiences/full.yaml.
Validation is strict about shape (a typo such as `exclude:` is an error naming the field) and
tolerant about content that may go stale (a finding slug or chart key that no longer exists is
compose's business: it becomes a warning in the Document, never an error here).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import ClaimKind, Section
from briefing.domain.text import MAX_STATEMENT, clean_text

SCHEMA_VERSION = 1
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_METRIC_REF = re.compile(r"^(?P<slug>[a-z0-9][a-z0-9_-]{0,79})(?:#(?P<index>\d{1,3}))?$")
MAX_LIST = 10_000  # a GUI-saved `order` lists every finding; the seed has ~40, stay generous

TOP_LEVEL_KEYS = (
    "version", "title", "subtitle", "description", "introduction", "summary_title",
    "key_figures", "key_figures_title", "sections", "what_this_means", "excluded", "order",
    "keywords", "references_title", "contents_title", "what_changed", "reader", "method_note", "disclaimer",
    "evidence",
)
# `what_changed: true` (or a title, where "{edition}" names the previous edition) opens the briefing
# with what changed since the report's previous edition: findings added, removed and changed.
WHAT_CHANGED_TITLE = "What changed since {edition}"
SECTION_FIELDS = ("key", "title", "intro", "findings", "charts", "table", "limit")
WHAT_FIELDS = ("key", "title", "intro", "text", "bullets", "findings", "charts", "table", "limit", "callout")
RULE_FIELDS = ("section", "sections", "tag", "tags", "kind", "kinds", "id", "ids")
TABLE_FIELDS = ("title", "rows")
ROW_FIELDS = ("metric", "to", "label", "note")
TABLE_TITLE = "Key numbers"
MAX_TABLE_ROWS = 40


@dataclass(frozen=True)
class Rule:
    """Which findings a rule picks. Criteria given together must all hold; empty means "any".

    `ids` holds Finding ids (int) or slugs (str); a rule with ids picks exactly those, in that order.
    """

    sections: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    kinds: tuple[ClaimKind, ...] = ()
    ids: tuple[int | str, ...] = ()


@dataclass(frozen=True)
class MetricRef:
    """"finding-slug#index" (index into the finding's metrics, from 0) or a bare slug (its first metric)."""

    slug: str
    index: int | None = None
    label: str = ""
    context: str = ""

    def __str__(self) -> str:
        return self.slug if self.index is None else f"{self.slug}#{self.index}"


@dataclass(frozen=True)
class TableRow:
    """One curated row of a key-numbers table: which metric, what to call it, an optional note.
    `to` names a second metric that closes a range ("5–10 years" from a low and a high)."""

    metric: MetricRef
    label: str
    note: str = ""
    to: MetricRef | None = None


@dataclass(frozen=True)
class TableSpec:
    """A section's key-numbers table. No rows (`table: true`): the key number of each of the
    section's findings, labelled by its metric; rows: exactly those, in that order."""

    title: str = TABLE_TITLE
    rows: tuple[TableRow, ...] = ()


@dataclass(frozen=True)
class CalloutSpec:
    title: str
    text: str


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: str = ""
    intro: str = ""
    findings: tuple[Rule, ...] | None = None  # None: the findings of the report section named by `key`
    charts: tuple[str, ...] = ()
    table: TableSpec | None = None
    limit: int | None = None
    # Only the audience's own "what this means" section uses these.
    text: str = ""
    bullets: tuple[str, ...] = ()
    callout: CalloutSpec | None = None

    def rules(self) -> tuple[Rule, ...]:
        if self.findings is not None:
            return self.findings
        # Findings only ever sit in their report's sections, so a key that names none picks nothing.
        return (Rule(sections=(self.key,)),)


@dataclass(frozen=True)
class Template:
    title: str
    subtitle: str = ""
    description: str = ""
    introduction: str = ""
    summary_title: str = "At a glance"
    key_figures_title: str = "Key figures"
    key_figures: tuple[MetricRef, ...] = ()
    sections: tuple[SectionSpec, ...] = ()
    what_this_means: SectionSpec | None = None
    excluded: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    references_title: str = "References"
    contents_title: str = "Contents"
    what_changed: str = ""  # the title of the "what changed" section; "" for none
    # The cover: whom the briefing is prepared for ("" prints no "Prepared for": an audience's name
    # such as "Full report" is not a reader), and a method note and disclaimer under the dates.
    reader: str = ""
    method_note: str = ""
    disclaimer: str = ""
    # Where the automatic evidence rule is wrong for this audience's wording of a finding: slug ->
    # how many of the wording's first sentences carry the finding's evidence (0: all analysis).
    evidence: tuple[tuple[str, int], ...] = ()

    def all_sections(self) -> tuple[SectionSpec, ...]:
        """The sections in reading order, the audience's own "what this means" last."""
        return self.sections + ((self.what_this_means,) if self.what_this_means else ())


def default_sections(sections: Sequence[Section]) -> tuple[SectionSpec, ...]:
    """Every report section in report order: what a template without `sections` gets."""
    return tuple(SectionSpec(key=s.key) for s in sections)


def validate_template(raw: Mapping[str, Any] | None, sections: Sequence[Section] | None = None) -> Template:
    """Parse a template mapping; raise one ValidationError listing every bad field (dotted paths).

    `sections`: the report's sections (an audience record carries them). Section keys are checked
    against them and a template without `sections` gets them all; None checks only the shape."""
    v = _Validator(None if sections is None else tuple(s.key for s in sections))
    template = v.template(raw)
    if v.errors:
        raise ValidationError(v.errors, "audience template")
    assert template is not None
    return template


def parse_metric_ref(text: str) -> MetricRef | None:
    """"slug#2" -> MetricRef("slug", 2); None if the text is not a metric reference."""
    m = _METRIC_REF.match(text.strip())
    if not m:
        return None
    return MetricRef(m["slug"], int(m["index"]) if m["index"] is not None else None)


class _Validator:
    """Collects every error rather than stopping at the first, so a form can mark them all."""

    def __init__(self, section_keys: tuple[str, ...] | None) -> None:
        self.errors: list[FieldError] = []
        self.section_keys = section_keys

    def fail(self, path: str, message: str) -> None:
        self.errors.append(FieldError(path, message))

    # ---- Scalars

    def text(self, raw: Mapping[str, Any], key: str, path: str, *, required: bool = False,
             multiline: bool = False, max_length: int = 300) -> str:
        value = raw.get(key)
        if value is None:
            if required:
                self.fail(path, "is required")
            return ""
        if not isinstance(value, str):
            self.fail(path, f"must be text, not {_kind(value)}")
            return ""
        try:
            return clean_text(value, path, max_length=max_length, multiline=multiline, required=required)
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return ""

    def strings(self, raw: Mapping[str, Any], key: str, path: str, *, max_length: int = 200) -> tuple[str, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, Sequence):
            self.fail(path, f"must be a list of text, not {_kind(value)}")
            return ()
        if len(value) > MAX_LIST:
            self.fail(path, f"has {len(value):,} entries; the limit is {MAX_LIST:,}")
            return ()
        out: list[str] = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.fail(f"{path}.{i}", f"must be text, not {_kind(item)}")
                continue
            try:
                text = clean_text(item, f"{path}.{i}", max_length=max_length)
            except ValidationError as exc:
                self.errors.extend(exc.errors)
                continue
            if text:
                out.append(text)
        return tuple(out)

    def keys(self, raw: Mapping[str, Any], allowed: Sequence[str], path: str) -> None:
        for key in raw:
            if key not in allowed:
                where = f"{path}.{key}" if path else str(key)
                self.fail(where, f"is not a template field; expected one of {', '.join(allowed)}")

    # ---- Structure

    def template(self, raw: Mapping[str, Any] | None) -> Template | None:
        if raw is None:
            raw = {}
        if not isinstance(raw, Mapping):
            self.fail("template", f"must be a mapping of fields, not {_kind(raw)}")
            return None
        self.keys(raw, TOP_LEVEL_KEYS, "")
        version = raw.get("version", SCHEMA_VERSION)
        if version != SCHEMA_VERSION:
            self.fail("version", f"is {version!r}; this version of Briefing reads version {SCHEMA_VERSION}")
        title = self.text(raw, "title", "title", required=True)
        sections_raw = raw.get("sections")
        if sections_raw is None:
            sections = tuple(SectionSpec(key=k) for k in self.section_keys or ())
        else:
            sections = self.sections(sections_raw, "sections")
        what = None
        if raw.get("what_this_means") is not None:
            what = self.section(raw["what_this_means"], "what_this_means", own=True)
        seen: set[str] = set()
        for i, spec in enumerate(sections + ((what,) if what else ())):
            if spec.key in seen:
                where = "what_this_means.key" if spec is what else f"sections.{i}.key"
                self.fail(where, f"“{spec.key}” is used by another section; section keys must be unique")
            seen.add(spec.key)
        return Template(
            title=title,
            subtitle=self.text(raw, "subtitle", "subtitle"),
            description=self.text(raw, "description", "description", multiline=True, max_length=2000),
            introduction=self.text(raw, "introduction", "introduction", multiline=True, max_length=MAX_STATEMENT),
            summary_title=self.text(raw, "summary_title", "summary_title") or "At a glance",
            key_figures_title=self.text(raw, "key_figures_title", "key_figures_title") or "Key figures",
            key_figures=self.metric_refs(raw.get("key_figures"), "key_figures"),
            sections=sections,
            what_this_means=what,
            excluded=self.strings(raw, "excluded", "excluded", max_length=120),
            order=self.strings(raw, "order", "order", max_length=120),
            keywords=self.strings(raw, "keywords", "keywords", max_length=60),
            references_title=self.text(raw, "references_title", "references_title") or "References",
            contents_title=self.text(raw, "contents_title", "contents_title") or "Contents",
            what_changed=self.what_changed(raw.get("what_changed")),
            reader=self.text(raw, "reader", "reader", max_length=200),
            method_note=self.text(raw, "method_note", "method_note", multiline=True, max_length=2000),
            disclaimer=self.text(raw, "disclaimer", "disclaimer", multiline=True, max_length=2000),
            evidence=self.evidence(raw.get("evidence")),
        )

    def evidence(self, value: object) -> tuple[tuple[str, int], ...]:
        if value is None:
            return ()
        if not isinstance(value, Mapping):
            self.fail("evidence", f"must map finding slugs to a number of sentences, not {_kind(value)}")
            return ()
        out: list[tuple[str, int]] = []
        for slug, count in value.items():
            if not isinstance(slug, str) or not slug.strip():
                self.fail("evidence", "must map finding slugs (text) to a number of sentences")
                continue
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100:
                self.fail(f"evidence.{slug}", "must be how many of the wording’s first sentences carry the "
                                              "finding’s evidence: a whole number from 0 (all analysis) to 100")
                continue
            out.append((slug.strip(), count))
        return tuple(out)

    def what_changed(self, value: object) -> str:
        if value is None or value is False:
            return ""
        if value is True:
            return WHAT_CHANGED_TITLE
        if isinstance(value, str) and value.strip():
            try:
                return clean_text(value, "what_changed", max_length=300, required=True)
            except ValidationError as exc:
                self.errors.extend(exc.errors)
                return ""
        self.fail("what_changed", "must be true, false or a title (\"{edition}\" names the previous edition)")
        return ""

    def sections(self, raw: object, path: str) -> tuple[SectionSpec, ...]:
        if not isinstance(raw, Sequence) or isinstance(raw, str):
            self.fail(path, f"must be a list of sections, not {_kind(raw)}")
            return ()
        out = []
        for i, item in enumerate(raw):
            spec = self.section(item, f"{path}.{i}", own=False)
            if spec is not None:
                out.append(spec)
        return tuple(out)

    def section(self, raw: object, path: str, *, own: bool) -> SectionSpec | None:
        if isinstance(raw, str) and not own:
            raw = {"key": raw}  # "- cost" is shorthand for the report section of that key
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be a mapping with at least a key, not {_kind(raw)}")
            return None
        self.keys(raw, WHAT_FIELDS if own else SECTION_FIELDS, path)
        if own:
            key = raw.get("key", "what-this-means")
            if not isinstance(key, str) or not _KEY.match(key):
                self.fail(f"{path}.key", "may hold only lower-case letters, digits, '-' and '_'")
                key = "what-this-means"
        else:
            key = raw.get("key")
            if not isinstance(key, str) or not _KEY.match(key):
                self.fail(f"{path}.key", "is required: lower-case letters, digits, '-' and '_'"
                          if key is None else "may hold only lower-case letters, digits, '-' and '_'")
                key = f"section-{path.rsplit('.', 1)[-1]}"
        title = self.text(raw, "title", f"{path}.title", required=own)
        if (not own and not title and self.section_keys is not None and key not in self.section_keys
                and raw.get("key") is not None):
            self.fail(f"{path}.title", f"is required: “{key}” is not one of the report's sections")
        findings = None
        if raw.get("findings") is not None:
            findings = self.rules(raw["findings"], f"{path}.findings")
        limit = raw.get("limit")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            self.fail(f"{path}.limit", "must be a whole number of findings (0 or more)")
            limit = None
        table = self.table(raw.get("table"), f"{path}.table")
        callout = None
        if own and raw.get("callout") is not None:
            callout = self.callout(raw["callout"], f"{path}.callout")
        return SectionSpec(
            key=key,
            title=title,
            intro=self.text(raw, "intro", f"{path}.intro", multiline=True, max_length=MAX_STATEMENT),
            findings=findings,
            charts=self.strings(raw, "charts", f"{path}.charts", max_length=120),
            table=table,
            limit=limit,
            text=self.text(raw, "text", f"{path}.text", multiline=True, max_length=MAX_STATEMENT) if own else "",
            bullets=self.strings(raw, "bullets", f"{path}.bullets", max_length=2000) if own else (),
            callout=callout,
        )

    def table(self, raw: object, path: str) -> TableSpec | None:
        if raw is None or raw is False:
            return None
        if raw is True:
            return TableSpec()
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be true, false or a mapping with title and rows, not {_kind(raw)}")
            return None
        self.keys(raw, TABLE_FIELDS, path)
        title = self.text(raw, "title", f"{path}.title", max_length=200) or TABLE_TITLE
        if ":" in title:
            # The writers print "Table 2: <title>"; a colon inside reads "Table 2: Key numbers: Chips".
            self.fail(f"{path}.title", "may not hold a colon: it is printed after “Table n:”")
        rows_raw = raw.get("rows")
        if rows_raw is None:
            return TableSpec(title)
        if not isinstance(rows_raw, Sequence) or isinstance(rows_raw, str):
            self.fail(f"{path}.rows", f"must be a list of rows, not {_kind(rows_raw)}")
            return TableSpec(title)
        if not rows_raw:
            self.fail(f"{path}.rows", "is empty; leave it out to list the key number of each finding")
        if len(rows_raw) > MAX_TABLE_ROWS:
            self.fail(f"{path}.rows", f"has {len(rows_raw)} rows; the limit is {MAX_TABLE_ROWS}")
            return TableSpec(title)
        rows: list[TableRow] = []
        for i, item in enumerate(rows_raw):
            where = f"{path}.rows.{i}"
            if not isinstance(item, Mapping):
                self.fail(where, f"must be a mapping with metric, label and note, not {_kind(item)}")
                continue
            self.keys(item, ROW_FIELDS, where)
            label = self.text(item, "label", f"{where}.label", required=True, max_length=200)
            note = self.text(item, "note", f"{where}.note", max_length=300)
            ref = self.row_ref(item.get("metric"), f"{where}.metric", required=True)
            to = self.row_ref(item.get("to"), f"{where}.to", required=False)
            if ref is not None and label and (to is not None or item.get("to") is None):
                rows.append(TableRow(ref, label, note, to))
        return TableSpec(title, tuple(rows))

    def row_ref(self, raw: object, path: str, *, required: bool) -> MetricRef | None:
        if raw is None and not required:
            return None
        if not isinstance(raw, str):
            self.fail(path, "is required: “finding-slug#index” or a finding slug"
                      if raw is None else "must be “finding-slug#index” or a finding slug")
            return None
        ref = parse_metric_ref(raw)
        if ref is None:
            self.fail(path, f"“{raw[:60]}” is not “finding-slug#index” or a finding slug")
        return ref

    def callout(self, raw: object, path: str) -> CalloutSpec | None:
        if isinstance(raw, str):
            raw = {"text": raw}
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be a mapping with title and text, not {_kind(raw)}")
            return None
        self.keys(raw, ("title", "text"), path)
        return CalloutSpec(
            title=self.text(raw, "title", f"{path}.title") or "The bottom line",
            text=self.text(raw, "text", f"{path}.text", required=True, multiline=True, max_length=MAX_STATEMENT),
        )

    def rules(self, raw: object, path: str) -> tuple[Rule, ...]:
        if isinstance(raw, (str, int, Mapping)) and not isinstance(raw, bool):
            raw = [raw]
        if not isinstance(raw, Sequence):
            self.fail(path, f"must be a list of rules, not {_kind(raw)}")
            return ()
        out: list[Rule] = []
        for i, item in enumerate(raw):
            rule = self.rule(item, f"{path}.{i}")
            if rule is not None:
                out.append(rule)
        return tuple(out)

    def rule(self, raw: object, path: str) -> Rule | None:
        if isinstance(raw, bool):
            self.fail(path, "must be a finding slug or a mapping of criteria")
            return None
        if isinstance(raw, (str, int)):
            ident = self.ident(raw, path)
            return Rule(ids=(ident,)) if ident is not None else None
        if not isinstance(raw, Mapping):
            self.fail(path, f"must be a finding slug or a mapping of criteria, not {_kind(raw)}")
            return None
        self.keys(raw, RULE_FIELDS, path)
        if not any(raw.get(k) is not None for k in RULE_FIELDS):
            self.fail(path, f"needs at least one criterion: {', '.join(RULE_FIELDS)}")
            return None
        sections = self.merged(raw, "section", "sections", path)
        for s in sections:
            if self.section_keys is not None and s not in self.section_keys:
                self.fail(f"{path}.section",
                          f"“{s}” is not a section of this report; choose one of {', '.join(self.section_keys)}")
        kinds: list[ClaimKind] = []
        for k in self.merged(raw, "kind", "kinds", path):
            try:
                kinds.append(ClaimKind(k.lower()))
            except ValueError:
                choices = ", ".join(c.value for c in ClaimKind)
                self.fail(f"{path}.kind", f"“{k}” is not a claim kind; choose one of {choices}")
        ids: list[int | str] = []
        for key in ("id", "ids"):
            value = raw.get(key)
            if value is None:
                continue
            items = value if isinstance(value, Sequence) and not isinstance(value, str) else [value]
            for j, item in enumerate(items):
                ident = self.ident(item, f"{path}.{key}.{j}" if items is value else f"{path}.{key}")
                if ident is not None:
                    ids.append(ident)
        tags = tuple(t.lower() for t in self.merged(raw, "tag", "tags", path))
        return Rule(sections=sections, tags=tags, kinds=tuple(kinds), ids=tuple(ids))

    def merged(self, raw: Mapping[str, Any], one: str, many: str, path: str) -> tuple[str, ...]:
        return self.strings(raw, one, f"{path}.{one}", max_length=120) + self.strings(
            raw, many, f"{path}.{many}", max_length=120)

    def ident(self, raw: object, path: str) -> int | str | None:
        if isinstance(raw, bool):
            self.fail(path, "must be a finding slug or id")
            return None
        if isinstance(raw, int):
            return raw
        if isinstance(raw, str) and _KEY.match(raw.strip()):
            return raw.strip()
        self.fail(path, f"“{str(raw)[:60]}” is not a finding slug or id")
        return None

    def metric_refs(self, raw: object, path: str) -> tuple[MetricRef, ...]:
        if raw is None:
            return ()
        if isinstance(raw, (str, Mapping)):
            raw = [raw]
        if not isinstance(raw, Sequence):
            self.fail(path, f"must be a list of metric references, not {_kind(raw)}")
            return ()
        out: list[MetricRef] = []
        for i, item in enumerate(raw):
            where = f"{path}.{i}"
            label = context = ""
            if isinstance(item, Mapping):
                self.keys(item, ("ref", "label", "context"), where)
                label = self.text(item, "label", f"{where}.label")
                context = self.text(item, "context", f"{where}.context")
                item = item.get("ref")
                where = f"{where}.ref"
            if not isinstance(item, str):
                self.fail(where, "must be “finding-slug#index” or a finding slug")
                continue
            ref = parse_metric_ref(item)
            if ref is None:
                self.fail(where, f"“{item[:60]}” is not “finding-slug#index” or a finding slug")
                continue
            out.append(MetricRef(ref.slug, ref.index, label, context))
        return tuple(out)


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "a mapping"
    if isinstance(value, Sequence):
        return "a list"
    return type(value).__name__
