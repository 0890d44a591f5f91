"""Turn drafts into clean values, or raise one ValidationError listing every bad field."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import partial
from typing import TypeVar
from urllib.parse import urlsplit

from briefing.domain.colours import Colours, clean_colours
from briefing.domain.errors import FieldError, ValidationError
from briefing.domain.model import (
    ClaimKind,
    FindingDraft,
    MetricDraft,
    ReportDraft,
    Scale,
    Section,
    SourceDraft,
)
from briefing.domain.numbers import check_bounds, parse_number, parse_scale
from briefing.domain.text import MAX_STATEMENT, MAX_TITLE, MAX_URL, clean_tags, clean_text, slugify

T = TypeVar("T")
D = TypeVar("D")
_KEY = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")
_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?$")
MAX_METRICS = 200
# Spaces and the characters no browser accepts unescaped in an address.
_BAD_URL_CHAR = re.compile(r'[\s<>"{}|\\^`]')


_MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
         ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
         ("october", "oct"), ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}
# "March 2026", "Mar. 2026", "2026 March", "5 March 2026", "March 5, 2026": a month by name, a
# four-digit year and maybe a day, in the orders people write them.
_NAMED_DATE = (
    re.compile(r"^(?P<month>[a-z]+)\.?\s+(?:(?P<day>\d{1,2}),?\s+)?(?P<year>\d{4})$"),
    re.compile(r"^(?:(?P<day>\d{1,2})\s+)?(?P<month>[a-z]+)\.?,?\s+(?P<year>\d{4})$"),
    re.compile(r"^(?P<year>\d{4})\s+(?P<month>[a-z]+)(?P<day>)$"),
)
DATE_FORMS = "YYYY-MM-DD, YYYY-MM, YYYY or a month name (“March 2026”, “Mar 2026”)"


def parse_date(value: object, field: str) -> date | None:
    """ISO dates; "2026-03" and "2026" are read as the first day of that month or year, and so are
    "March 2026" and "Mar 2026" (English month names, full or short, with or without a day)."""
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    text = " ".join(str(value).split())
    m = _PARTIAL_DATE.match(text)
    if m:
        year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    else:
        named = next((n for p in _NAMED_DATE if (n := p.match(text.lower())) and n["month"] in _MONTHS), None)
        if named is None:
            raise ValidationError(FieldError(field, f"“{text[:40]}” is not a date; use {DATE_FORMS}"))
        year, month, day = int(named["year"]), _MONTHS[named["month"]], int(named["day"] or 1)
    try:
        return date(year, month, day)
    except ValueError as exc:
        raise ValidationError(FieldError(field, f"“{text}” is not a real date ({exc})")) from None


def clean_url(value: object, field: str = "url") -> str | None:
    text = clean_text(value, field, max_length=MAX_URL)
    if not text:
        return None
    refusal = FieldError(field, "must be a web address starting with http:// or https://, with a host name "
                                "and no spaces (e.g. https://example.com/page)")
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
        _ = parts.port  # reading it raises ValueError for a port that is not a number
    except ValueError:  # "http://[::1": an unclosed IPv6 bracket
        raise ValidationError(refusal) from None
    if parts.scheme.lower() not in ("http", "https") or not host or _BAD_URL_CHAR.search(text):
        raise ValidationError(refusal)
    return text


def clean_key(value: object, field: str) -> str:
    text = clean_text(value, field, max_length=63, required=True).lower()
    if not _KEY.match(text):
        raise ValidationError(
            FieldError(field, "may hold only lower-case letters, digits, '-' and '_' (max 63)")
        )
    return text


class _Collector:
    """Runs each field's check and keeps every error, so a form can mark all bad fields at once."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def check(self, fn: Callable[[], T], default: D) -> T | D:
        try:
            return fn()
        except ValidationError as exc:
            self.errors.extend(exc.errors)
            return default

    def raise_if_any(self, subject: str | None = None) -> None:
        if self.errors:
            raise ValidationError(self.errors, subject)


@dataclass(frozen=True)
class CleanMetric:
    label: str
    value: Decimal
    unit: str
    scale: Scale | None
    entity: str
    period: str
    as_of: date | None
    series: str


@dataclass(frozen=True)
class CleanFinding:
    slug: str
    title: str
    statement: str
    section: str
    kind: ClaimKind
    tags: tuple[str, ...]
    as_of: date | None
    source_ids: tuple[int, ...]
    metrics: tuple[CleanMetric, ...]
    wordings: dict[str, str]


@dataclass(frozen=True)
class CleanSource:
    key: str
    publisher: str
    title: str
    url: str | None
    published: date | None
    accessed: date | None
    notes: str
    via: str | None = None  # a key; the service turns it into the row's via_id


def clean_metric(draft: MetricDraft, prefix: str) -> CleanMetric:
    c = _Collector()
    label = c.check(lambda: clean_text(draft.label, f"{prefix}.label", max_length=MAX_SHORT_LABEL, required=True), "")
    parsed = c.check(lambda: parse_number(draft.value, f"{prefix}.value"), None)
    unit = c.check(lambda: clean_text(draft.unit, f"{prefix}.unit", max_length=40), "")
    scale = c.check(lambda: parse_scale(draft.scale, f"{prefix}.scale"), None)
    entity = c.check(lambda: clean_text(draft.entity, f"{prefix}.entity", max_length=120), "")
    period = c.check(lambda: clean_text(draft.period, f"{prefix}.period", max_length=60), "")
    as_of = c.check(lambda: parse_date(draft.as_of, f"{prefix}.as_of"), None)
    series = c.check(lambda: clean_text(draft.series, f"{prefix}.series", max_length=80), "")
    if parsed is not None:
        # A value typed as "1.2 trillion" or "$0.028" carries its own scale and unit.
        if parsed.scale is not None:
            if scale is not None and scale != parsed.scale:
                c.errors.append(FieldError(f"{prefix}.scale",
                                           f"says {scale.value} but the value says {parsed.scale.value}"))
            scale = parsed.scale
        if parsed.unit is not None:
            if unit and unit != parsed.unit and not (parsed.unit == "×" and unit == "x"):
                c.errors.append(FieldError(f"{prefix}.unit", f"says “{unit}” but the value says “{parsed.unit}”"))
            unit = unit or parsed.unit
        if scale is not None:
            # Charts and the deck work on value × scale: that product meets the same bound.
            c.check(lambda: check_bounds(parsed.value.scaleb(scale.factor.adjusted()), f"{prefix}.value",
                                         f" once counted in {scale.value}s"), None)
    c.raise_if_any()
    assert parsed is not None
    return CleanMetric(label, parsed.value, unit, scale, entity, period, as_of, series)


MAX_SHORT_LABEL = 200


def clean_finding(
    draft: FindingDraft,
    *,
    audience_keys: set[str] | None = None,
    source_ids: set[int] | None = None,
    section_keys: Sequence[str] | None = None,
) -> CleanFinding:
    """`section_keys`: the sections of the finding's report (None: any well-formed key)."""
    c = _Collector()
    title = c.check(lambda: clean_text(draft.title, "title", max_length=MAX_TITLE, required=True), "")
    statement = c.check(
        lambda: clean_text(draft.statement, "statement", max_length=MAX_STATEMENT, multiline=True, required=True), ""
    )
    sec = c.check(lambda: _clean_section(draft.section, section_keys), "")
    kind = c.check(lambda: _clean_kind(draft.kind), ClaimKind.REPORTED)
    tags = c.check(lambda: clean_tags(draft.tags), ())
    as_of = c.check(lambda: parse_date(draft.as_of, "as_of"), None)
    slug_raw = draft.slug if draft.slug else slugify(title or "finding")
    slug = c.check(lambda: clean_key(slug_raw, "slug"), "")
    ids: list[int] = []
    for i, sid in enumerate(draft.source_ids):
        if not isinstance(sid, int) or (source_ids is not None and sid not in source_ids):
            c.errors.append(FieldError(f"sources.{i}", f"no source with id {sid!r}"))
        elif sid not in ids:
            ids.append(sid)
    if len(draft.metrics) > MAX_METRICS:
        c.errors.append(FieldError("metrics", f"has {len(draft.metrics)} rows; the limit is {MAX_METRICS}"))
    metrics = tuple(
        m for m in (c.check(partial(clean_metric, md, f"metrics.{i}"), None) for i, md in enumerate(draft.metrics))
        if m is not None
    )
    wordings: dict[str, str] = {}
    for key, text in (draft.wordings or {}).items():
        if audience_keys is not None and key not in audience_keys:
            c.errors.append(FieldError(f"wordings.{key}", f"no audience “{key}”"))
            continue
        cleaned = c.check(
            partial(clean_text, text, f"wordings.{key}", max_length=MAX_STATEMENT, multiline=True), ""
        )
        if cleaned:
            wordings[key] = cleaned
    c.raise_if_any(f"finding “{title or draft.title}”" if (title or draft.title) else None)
    return CleanFinding(slug, title, statement, sec, kind, tags, as_of, tuple(ids), metrics, wordings)


def clean_source(
    draft: SourceDraft,
    *,
    links: Mapping[str, str | None] | None = None,
    own_key: str | None = None,
) -> CleanSource:
    """`links`: every other source's key and the key it is cited via (None: `via` is only checked
    for form). `own_key`: the stored key of the source being edited, which others may cite it by."""
    c = _Collector()
    # A reference needs both: "Chinese chip industry leaders" with no title, or a title with no
    # publisher, cannot be cited; cite the report that quotes them (`via`) instead.
    publisher = c.check(lambda: clean_text(draft.publisher, "publisher", max_length=200, required=True), "")
    title = c.check(lambda: clean_text(draft.title, "title", max_length=MAX_TITLE, required=True), "")
    url = c.check(lambda: clean_url(draft.url), None)
    published = c.check(lambda: parse_date(draft.published, "published"), None)
    accessed = c.check(lambda: parse_date(draft.accessed, "accessed"), None)
    notes = c.check(lambda: clean_text(draft.notes, "notes", max_length=10_000, multiline=True), "")
    key_raw = draft.key or slugify(f"{publisher} {title}", 60)
    key = c.check(lambda: clean_key(key_raw, "key"), "")
    via = c.check(lambda: _clean_via(draft.via, key, links, own_key), None)
    c.raise_if_any(f"source “{draft.key or publisher or title or draft.publisher}”")
    return CleanSource(key, publisher, title, url, published, accessed, notes, via)


def _clean_via(value: object, key: str, links: Mapping[str, str | None] | None, own_key: str | None) -> str | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    via = clean_key(value, "via")
    own = {k for k in (key, own_key) if k}
    if via in own:
        raise ValidationError(FieldError("via", "a source cannot be cited via itself"))
    if links is None:
        return via
    if via not in links:
        raise ValidationError(FieldError("via", f"no source with key “{via}”"))
    path = [via]
    nxt = links.get(via)
    while nxt is not None and nxt not in path:
        if nxt in own:
            chain = " → ".join([key, *path, key])
            raise ValidationError(FieldError("via", f"would make a loop ({chain}); a source cannot be cited "
                                                    "via a source cited via it"))
        path.append(nxt)
        nxt = links.get(nxt)
    return via


def _clean_section(value: object, keys: Sequence[str] | None) -> str:
    text = clean_text(value, "section", required=True).lower()
    if keys is not None and text not in keys:
        choices = ", ".join(keys) if keys else "none: the report has no sections yet"
        raise ValidationError(FieldError("section",
                                         f"“{text}” is not a section of this report; choose one of {choices}"))
    return text


@dataclass(frozen=True)
class CleanReport:
    key: str
    title: str
    subtitle: str
    publisher: str
    author: str
    edition: str
    data_as_of: date | None
    published: date | None
    summary: str
    sections: tuple[Section, ...]
    colours: Colours | None  # None: leave as is


def clean_report(draft: ReportDraft) -> CleanReport:
    """A report's fields, every bad one named; sections need a unique key and a title each."""
    c = _Collector()
    key = c.check(lambda: clean_key(draft.key, "key"), "")
    title = c.check(lambda: clean_text(draft.title, "title", max_length=MAX_TITLE, required=True), "")
    subtitle = c.check(lambda: clean_text(draft.subtitle, "subtitle", max_length=1000, multiline=True), "")
    publisher = c.check(lambda: clean_text(draft.publisher, "publisher", max_length=200), "")
    author = c.check(lambda: clean_text(draft.author, "author", max_length=200), "")
    edition = c.check(lambda: clean_text(draft.edition, "edition", max_length=120), "")
    data_as_of = c.check(lambda: parse_date(draft.data_as_of, "data_as_of"), None)
    published = c.check(lambda: parse_date(draft.published, "published"), None)
    summary = c.check(lambda: clean_text(draft.summary, "summary", max_length=MAX_STATEMENT, multiline=True), "")
    sections = c.check(lambda: clean_sections(draft.sections), ())
    colours = None if draft.colours is None else c.check(lambda: clean_colours(draft.colours), Colours())
    c.raise_if_any(f"report “{title or draft.title}”" if (title or draft.title) else "report")
    return CleanReport(key, title, subtitle, publisher, author, edition, data_as_of, published, summary, sections,
                       colours)


def clean_sections(raw: Sequence[Section | tuple[str, str, str]]) -> tuple[Section, ...]:
    c = _Collector()
    out: list[Section] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        key, title, short = (item.key, item.title, item.short) if isinstance(item, Section) else item
        k = c.check(partial(clean_key, key, f"sections.{i}.key"), "")
        if len(k) > 40:
            c.errors.append(FieldError(f"sections.{i}.key", "is longer than 40 characters"))
        t = c.check(partial(clean_text, title, f"sections.{i}.title", max_length=300, required=True), "")
        sh = c.check(partial(clean_text, short, f"sections.{i}.short", max_length=80), "")
        if k and k in seen:
            c.errors.append(FieldError(f"sections.{i}.key",
                                       f"“{k}” is used by another section; section keys must be unique"))
        seen.add(k)
        out.append(Section(k, t, sh or t))
    c.raise_if_any()
    return tuple(out)


def _clean_kind(value: object) -> ClaimKind:
    if isinstance(value, ClaimKind):
        return value
    text = clean_text(value, "kind", required=True).lower()
    try:
        return ClaimKind(text)
    except ValueError:
        choices = ", ".join(k.value for k in ClaimKind)
        raise ValidationError(FieldError("kind", f"“{text}” is not a claim kind; choose one of {choices}")) from None
