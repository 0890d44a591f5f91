"""The checks over a whole library: findings, charts and audience templates in, problems out."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from briefing.checks.charts import honesty, plotted
from briefing.checks.claims import Evidence, Fault, check_text, rounds_to
from briefing.checks.prose import library_terms, stock_phrases
from briefing.checks.scan import Mention, numbers
from briefing.domain.charts import ChartSpec
from briefing.domain.model import Audience, Finding, Metric

# Rules that find a number without evidence rather than evidence against the number.
UNBACKED_RULES = frozenset({"unbacked-number", "unbacked-duration"})
# Rules about how the briefing reads, not about its evidence.
STYLE_RULES = frozenset({"stock-phrase"})


@dataclass(frozen=True)
class Problem:
    """One thing a check found wrong, named so a reader can go and fix it."""

    rule: str  # unbacked-number, derived-claim, duration, magnitude, axis-units, axis-basis, ...
    kind: str  # "finding", "chart" or "template"
    subject: str  # the finding's slug, the chart's key or the audience's key
    field: str  # where in it: "statement", "wordings.asia", "title", "sections.2.intro"
    text: str  # the words at fault, as written
    message: str

    @property
    def severity(self) -> str:
        """"error" when the data contradicts the text (a claim recomputed, a chart's axis);
        "warning" when the text states a number the data does not hold, which may still be true, or
        when the prose repeats itself."""
        return "warning" if self.rule in UNBACKED_RULES | STYLE_RULES else "error"

    def line(self) -> str:
        return f"{self.kind} {self.subject} · {self.field} [{self.rule}]: {self.message}"

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class Library:
    """What the checks read: every finding, chart and audience (as the service returns them)."""

    findings: Sequence[Finding]
    charts: Sequence[ChartSpec] = ()
    audiences: Sequence[Audience] = ()


def run_checks(library: Library) -> list[Problem]:
    problems: list[Problem] = []
    for f in library.findings:
        problems += check_finding(f)
    for spec in library.charts:
        problems += check_chart(spec, library.findings)
    for audience in library.audiences:
        problems += check_template(audience, library)
    return problems


def _problems(kind: str, subject: str, field: str, faults: Sequence[Fault]) -> list[Problem]:
    return [Problem(f.rule, kind, subject, field, f.text, f.message) for f in faults]


# check_finding's answers by the finding's content. Every export runs the checks over the findings it
# shows, and most have not changed since the last: the app's export process keeps this between exports,
# and the command-line server fills it in its warm-up, which every command it forks inherits. A finding's
# id, dates and sources are not read by the checks, so they are not part of the key.
_FINDING_MEMO: dict[tuple[Any, ...], tuple[Problem, ...]] = {}
_FINDING_MEMO_LIMIT = 20_000


def check_finding(f: Finding) -> list[Problem]:
    # repr keeps what equality would merge: Decimal("5.0") == Decimal("5.00"), yet a message prints either.
    key = (f.slug, f.title, f.statement, tuple(f.wordings.items()), repr(f.metrics))
    found = _FINDING_MEMO.get(key)
    if found is None:
        if len(_FINDING_MEMO) >= _FINDING_MEMO_LIMIT:
            _FINDING_MEMO.clear()  # a library this large is checked once through; no LRU bookkeeping
        found = _FINDING_MEMO[key] = tuple(_check_finding(f))
    return list(found)


def _check_finding(f: Finding) -> list[Problem]:
    evidence = Evidence(f.metrics, f"finding “{f.slug}”")
    out: list[Problem] = []
    texts = [("title", f.title), ("statement", f.statement)]
    texts += [(f"wordings.{key}", text) for key, text in f.wordings.items()]
    for field, text in texts:
        out += _problems("finding", f.slug, field, check_text(text, evidence))
    stated = numbers(f.statement)
    for key, text in f.wordings.items():
        for mention in numbers(text):
            if not any(_same(mention, s) for s in stated):
                out.append(Problem("wording-numbers", "finding", f.slug, f"wordings.{key}", mention.text,
                                   f"the {key} wording states {mention.text}; the statement does not"))
    return out


def _same(a: Mention, b: Mention) -> bool:
    """Two mentions state one number when either prints as the other (5.16 trillion, 5.2T)."""
    if a.unit != b.unit and a.unit and b.unit:
        return False
    return rounds_to(a.value, b, a.scale) or rounds_to(b.value, a, b.scale)


def check_chart(spec: ChartSpec, findings: Sequence[Finding]) -> list[Problem]:
    points = plotted(spec, findings)
    evidence = Evidence([p.metric for p in points], f"chart “{spec.key}”")
    out: list[Problem] = []
    for field, text in (("title", spec.title), ("subtitle", spec.subtitle)):
        if text:
            out += _problems("chart", spec.key, field, check_text(text, evidence, describes_all=field == "title"))
    out += _problems("chart", spec.key, "data", honesty(spec, points))
    return out


# ---- Audience templates

# The template's own prose, by dotted path; key-figure labels are prose too.
def _template_texts(template: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    if isinstance(template.get("introduction"), str):
        yield "introduction", template["introduction"]
    for i, fig in enumerate(template.get("key_figures") or ()):
        if isinstance(fig, Mapping):
            for name in ("label", "context"):
                if isinstance(fig.get(name), str):
                    yield f"key_figures.{i}.{name}", fig[name]
    blocks = [(f"sections.{i}", s) for i, s in enumerate(template.get("sections") or ()) if isinstance(s, Mapping)]
    if isinstance(template.get("what_this_means"), Mapping):
        blocks.append(("what_this_means", template["what_this_means"]))
    for path, block in blocks:
        for name in ("intro", "text"):
            if isinstance(block.get(name), str):
                yield f"{path}.{name}", block[name]
        for j, bullet in enumerate(block.get("bullets") or ()):
            if isinstance(bullet, str):
                yield f"{path}.bullets.{j}", bullet
        callout = block.get("callout")
        if isinstance(callout, Mapping):
            for name in ("title", "text"):
                if isinstance(callout.get(name), str):
                    yield f"{path}.callout.{name}", callout[name]
        table = block.get("table")
        rows = table.get("rows") if isinstance(table, Mapping) else None
        for j, row in enumerate(rows if isinstance(rows, (list, tuple)) else ()):
            if isinstance(row, Mapping):
                for name in ("label", "note"):
                    if isinstance(row.get(name), str):
                        yield f"{path}.table.rows.{j}.{name}", row[name]


def _template_metrics(template: Mapping[str, Any], library: Library) -> list[Metric]:
    """The metrics a briefing from this template can draw on: the findings its rules, key figures and
    charts name (by slug, report section or tag), less those it excludes. A generous superset: a
    number in the template's prose must come from somewhere in the briefing."""
    slugs: set[str] = set()
    sections: set[str] = set()
    tags: set[str] = set()
    charts: set[str] = set()
    known = {f.slug for f in library.findings}
    # The report's sections, as far as they matter here: the ones its findings sit in.
    section_keys = {f.section for f in library.findings}

    def walk(value: Any, key: str = "") -> None:
        if isinstance(value, Mapping):
            for k, v in value.items():
                if k != "excluded":
                    walk(v, str(k))
        elif isinstance(value, (list, tuple)):
            for v in value:
                walk(v, key)
        elif isinstance(value, str):
            head = value.partition("#")[0]
            if key in ("tag", "tags"):
                tags.add(value)
            elif key == "charts":
                charts.add(value)
            elif head in known:
                slugs.add(head)
            elif value in section_keys and key in ("key", "section", "sections"):
                sections.add(value)

    walk(template)
    excluded = set(template.get("excluded") or ())
    metrics = [m for f in library.findings if f.slug not in excluded
               and (f.slug in slugs or f.section in sections or tags & set(f.tags)) for m in f.metrics]
    for spec in library.charts:
        if spec.key in charts:
            metrics += [p.metric for p in plotted(spec, library.findings)]
    return metrics


def _key_figure_finding(template: Mapping[str, Any], field: str, library: Library) -> Finding | None:
    """The finding a key figure's label speaks of: its tile shows that finding's metric."""
    if not field.startswith("key_figures."):
        return None
    entry = (template.get("key_figures") or ())[int(field.split(".")[1])]
    ref = entry.get("ref") if isinstance(entry, Mapping) else entry
    slug = str(ref or "").partition("#")[0]
    return next((f for f in library.findings if f.slug == slug), None)


def _table_row_findings(template: Mapping[str, Any], field: str, library: Library) -> list[Finding]:
    """The findings a key-numbers row's label or note speaks of: those of its metric (and range end)."""
    parts = field.split(".")
    if len(parts) != 6 or parts[0] != "sections" or parts[2:4] != ["table", "rows"]:
        return []
    row = template["sections"][int(parts[1])]["table"]["rows"][int(parts[4])]
    slugs = {str(row.get(k) or "").partition("#")[0] for k in ("metric", "to")}
    return [f for f in library.findings if f.slug in slugs]


def check_template(audience: Audience, library: Library) -> list[Problem]:
    template = audience.template
    evidence = Evidence(_template_metrics(template, library), f"the {audience.key} briefing", dated=False)
    out: list[Problem] = []
    for field, text in _template_texts(template):
        finding = _key_figure_finding(template, field, library)
        row = _table_row_findings(template, field, library)
        if finding:
            own = Evidence(finding.metrics, f"finding “{finding.slug}”")
        elif row:  # a row's words are checked against the numbers of the row's own findings
            own = Evidence([m for f in row for m in f.metrics], " and ".join(f"finding “{f.slug}”" for f in row))
        else:
            own = evidence
        out += _problems("template", audience.key, field, check_text(text, own))
    # Repeated phrases belong to the briefing as a whole, so they are the template's ("prose").
    terms = library_terms(library.findings, library.charts, audience)
    out += _problems("template", audience.key, "prose",
                     stock_phrases(audience, library.findings, _template_texts(template), terms))
    return out
