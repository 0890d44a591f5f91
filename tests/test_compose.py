"""compose(): templates select, order and word findings; numbers link to numbered references."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

import pytest

from briefing.compose import compose, compose_from, select_findings
from briefing.compose.inline import linked_runs, split_paragraphs
from briefing.document import Callout, Cite, Figure, KeyFigures, NumberRef, Paragraph, Strong, Table, Text
from briefing.domain.charts import ChartKind, ChartSpec, MetricRef
from briefing.domain.errors import NotFoundError, ValidationError
from briefing.domain.model import Audience, ClaimKind, Finding, Metric, Scale, Section, Source
from briefing.store.seed import load_report

TODAY = date(2026, 4, 20)
NDA = Source(1, "nda", "National Data Administration", "Token figures", "https://nda.example/tokens")
OPENROUTER = Source(2, "openrouter", "OpenRouter", "Rankings")
RAND = Source(3, "rand", "RAND", "Cost report")


def finding(slug: str, section: str, statement: str, *, kind: ClaimKind = ClaimKind.MEASURED,
            tags: Sequence[str] = (), sources: Sequence[Source] = (), metrics: Sequence[Metric] = (),
            wordings: Mapping[str, str] | None = None, title: str | None = None, fid: int = 0) -> Finding:
    return Finding(id=fid or abs(hash(slug)) % 100_000, slug=slug, title=title or slug.replace("-", " ").capitalize(),
                   statement=statement, section=section, kind=kind, tags=tuple(tags), sources=tuple(sources),
                   metrics=tuple(metrics), wordings=MappingProxyType(dict(wordings or {})))


def metric(value: str, unit: str = "", scale: Scale | None = None, label: str = "m", series: str = "") -> Metric:
    return Metric(id=0, label=label, value=Decimal(value), unit=unit, scale=scale, series=series)


TOKENS = finding(
    "tokens", "overview",
    "China’s daily AI token usage surpassed 140 trillion in March 2026. "
    "That’s up from 100 billion at the start of 2024.",
    tags=("tokens",), sources=(NDA,), fid=1,
    metrics=(metric("140", "tokens", Scale.TRILLION, "March 2026", "daily"),
             metric("100", "tokens", Scale.BILLION, "Start of 2024", "daily")),
    wordings={"asia": "For Asia: usage passed 140 trillion a day, up from 100 billion."},
)
SHARE = finding("share", "overview", "Chinese models took 61% of top-ten token use.", sources=(OPENROUTER,),
                metrics=(metric("61", "%", label="Share"),), fid=2, tags=("openrouter",))
OPINION = finding("opinion", "overview", "This is the author's view, with no number.", kind=ClaimKind.OPINION,
                  sources=(NDA, OPENROUTER), fid=3)
COST = finding("cost", "cost", "Chinese models cost $0.028 per million tokens.", sources=(RAND,), fid=4,
               metrics=(metric("0.028", "USD", label="Price"),), tags=("pricing",))
CHIPS = finding("chips", "chips", "Huawei plans about 600,000 chips in 2026.", kind=ClaimKind.PROJECTION, fid=5,
                sources=(RAND,), metrics=(metric("600000", "chips", label="Ascend 910C"),), tags=("ascend",))
ASIA = finding("asia-view", "for-asia", "Southeast Asia runs a dual stack.", kind=ClaimKind.OPINION, fid=6,
               sources=(OPENROUTER,))
FINDINGS = [TOKENS, SHARE, OPINION, COST, CHIPS, ASIA]
CHART = ChartSpec(key="daily", kind=ChartKind.LINE, title="Daily tokens", subtitle="Per day", series=("daily",))


@dataclass(frozen=True)
class Point:
    finding: str


@dataclass(frozen=True)
class Data:
    points: tuple[Point, ...]
    source: str = ""
    warnings: tuple[str, ...] = ()


class FakeCharts:
    """Stands in for briefing.charts: data is the slugs whose metrics belong to the spec's series."""

    def resolve_chart_data(self, spec: ChartSpec, findings: Sequence[Finding]) -> Data:
        pts = tuple(Point(f.slug) for f in findings for m in f.metrics if m.series in spec.series)
        pts += tuple(Point(r.finding) for r in spec.metrics)
        return Data(pts, "Source: made up", () if pts else ("no data",))

    def alt_text(self, spec: ChartSpec, data: Data) -> str:
        return f"Line chart: {spec.title}"


# The seed report's sections: an audience record carries its report's.
SEED_SECTIONS = tuple(Section(x["key"], x["title"], x["short"]) for x in load_report()["sections"])


@dataclass
class FakeService:
    templates: dict[str, Mapping[str, Any]]
    findings: list[Finding] = field(default_factory=lambda: list(FINDINGS))
    charts: list[ChartSpec] = field(default_factory=lambda: [CHART])

    def get_audience(self, key: str) -> Audience:
        if key not in self.templates:
            raise NotFoundError("audience", key)
        return Audience(key, key.capitalize(), f"The {key} audience", True, MappingProxyType(dict(self.templates[key])),
                        SEED_SECTIONS)

    def list_audiences(self) -> list[Audience]:
        return [self.get_audience(k) for k in self.templates]

    def list_findings(self) -> list[Finding]:
        return list(self.findings)

    def count_findings(self) -> int:
        return len(self.findings)

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]:
        return [c for c in self.charts if c.in_audience(audience)]

    def report(self) -> dict[str, Any]:
        return {"title": "Report", "author": "Report Author", "publisher": "Pub", "summary": "Report summary."}


def make(template: Mapping[str, Any], key: str = "asia", **kw: Any) -> Any:
    svc = FakeService({key: template})
    return compose(svc, key, today=TODAY, charts=FakeCharts(), **kw)  # type: ignore[arg-type]


def text_of(doc: Any) -> str:
    out = []
    for s in doc.sections:
        for b in s.blocks:
            if isinstance(b, Paragraph):
                out.append(b.plain)
    return "\n".join(out)


def test_default_template_follows_the_report() -> None:
    doc = make({"title": "All"})
    assert [s.key for s in doc.sections] == ["overview", "cost", "chips", "for-asia"]
    assert doc.sections[0].title.startswith("Overview")
    assert doc.meta.title == "All" and doc.meta.author == "Report Author" and doc.meta.date == TODAY
    assert doc.meta.audience_key == "asia" and doc.meta.audience_name == "Asia"
    assert doc.summary is not None and doc.summary.paragraphs[0].plain == "Report summary."
    assert any("has no content" in w for w in doc.warnings)  # the empty report sections are reported


def test_wording_for_the_audience_is_used() -> None:
    assert "For Asia: usage passed" in text_of(make({"title": "T"}, "asia"))
    other = text_of(make({"title": "T"}, "west"))
    assert "For Asia" not in other and "surpassed 140 trillion" in other


def test_rules_pick_by_section_tag_kind_and_id_in_written_order() -> None:
    doc = make({"title": "T", "sections": [
        {"key": "mine", "title": "Mine", "findings": ["cost", {"tags": ["tokens", "openrouter"]}]},
        {"key": "proj", "title": "Projections", "findings": [{"kinds": ["projection"]}]},
        {"key": "rest", "title": "Rest", "findings": [{"section": "overview"}, 6]},
    ]})
    # One-sentence findings share a paragraph with a neighbour now, so read every finding cited.
    cited = [list(dict.fromkeys(r.finding for b in s.blocks if isinstance(b, Paragraph) for r in b.runs
                                if isinstance(r, (NumberRef, Cite)))) for s in doc.sections]
    assert cited == [["cost", "tokens", "share"], ["chips"], ["opinion", "asia-view"]]


def _finding_of(runs: tuple) -> str | None:
    for r in runs:
        if isinstance(r, (NumberRef, Cite)):
            return r.finding
    return None


def test_excluded_and_order() -> None:
    template = {"title": "T", "sections": ["overview"], "excluded": ["share"], "order": ["opinion", "tokens"]}
    doc = make(template)
    assert [_finding_of(p.runs) for p in doc.sections[0].blocks if isinstance(p, Paragraph)] == ["opinion", "tokens"]
    audience = Audience("asia", "Asia", template=MappingProxyType(template), sections=SEED_SECTIONS)
    assert [f.slug for f in select_findings(audience, FINDINGS)] == ["opinion", "tokens"]


def test_a_finding_appears_once_and_limit_applies() -> None:
    doc = make({"title": "T", "sections": [{"key": "overview", "limit": 1}, {"key": "again", "title": "Again",
                                                                           "findings": [{"section": "overview"}]}]})
    first = [_finding_of(p.runs) for p in doc.sections[0].blocks if isinstance(p, Paragraph)]
    second = [_finding_of(p.runs) for p in doc.sections[1].blocks if isinstance(p, Paragraph)]
    assert first == ["tokens"] and second == ["share", "opinion"]


def test_numbers_link_to_numbered_references() -> None:
    doc = make({"title": "T", "sections": ["overview", "cost"], "key_figures": ["cost#0"]}, "west")
    para = next(b for b in doc.sections[0].blocks if isinstance(b, Paragraph))
    refs = [r for r in para.runs if isinstance(r, NumberRef)]
    assert [r.text for r in refs] == ["140 trillion", "100 billion"]
    assert all(r.finding == "tokens" and r.source_ids == (1,) and not r.marker for r in refs)
    # The key figure cites RAND first, so it is [1]; the overview's NDA is [2], OpenRouter [3].
    assert refs[0].refs == (2,)
    cites = [r for r in para.runs if isinstance(r, Cite)]
    assert [c.refs for c in cites] == [(2,), (2,)]  # once per sentence, at its end
    assert para.plain.endswith("start of 2024.[2]")
    assert [(e.number, e.publisher) for e in doc.references.entries] == [
        (1, "RAND"), (2, "National Data Administration"), (3, "OpenRouter")]
    assert doc.references.entries[1].url == "https://nda.example/tokens"
    opinion = [b for b in doc.sections[0].blocks if isinstance(b, Paragraph)][2]
    assert opinion.plain.endswith("no number.[2, 3]")


def test_titles_lead_and_kinds_are_labelled() -> None:
    # A title that adds to its text leads it (one the text restates is dropped: test_editing_pass.py).
    chips = replace(CHIPS, title="A second source of accelerators")
    svc = FakeService({"asia": {"title": "T", "sections": ["chips"]}}, findings=[chips])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    para = next(b for b in doc.sections[0].blocks if isinstance(b, Paragraph))
    assert isinstance(para.runs[0], Strong) and para.runs[0].text == "A second source of accelerators."
    assert para.plain.startswith("A second source of accelerators. Projection. Huawei plans about 600,000 chips")


def test_a_title_the_text_repeats_is_not_printed_twice() -> None:
    f = finding("dup", "overview", "Four of the top five models were Chinese.", title="Four of the top five models "
                "were Chinese", fid=9)
    svc = FakeService({"asia": {"title": "T", "sections": ["overview"]}}, findings=[f])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    para = doc.sections[0].blocks[0]
    assert isinstance(para, Paragraph) and para.plain == "Four of the top five models were Chinese."


def test_key_figures_tiles() -> None:
    doc = make({"title": "T", "key_figures": ["tokens#0", "share", {"ref": "cost#0", "label": "Price", "context": "c"},
                                              "chips#0", "missing#0", "tokens#9", "opinion"]})
    kf = doc.summary.key_figures  # type: ignore[union-attr]
    assert isinstance(kf, KeyFigures)
    assert [(t.value, t.label) for t in kf.items] == [
        ("140 trillion", "Tokens"), ("61%", "Share"), ("$0.028", "Price"), ("600,000", "Chips")]
    assert kf.items[0].refs == (1,) and kf.items[2].context == "c"
    warnings = " ".join(doc.warnings)
    assert "missing#0" in warnings and "tokens#9" in warnings and "opinion" in warnings


def test_unknown_slugs_and_charts_become_warnings() -> None:
    doc = make({"title": "T", "sections": [{"key": "cost", "findings": ["cost", "no-such-finding"],
                                            "charts": ["no-such-chart"]}]})
    assert [s.key for s in doc.sections] == ["cost"]
    assert any("no-such-finding" in w for w in doc.warnings)
    assert any("no-such-chart" in w for w in doc.warnings)


def test_charts_follow_the_finding_they_draw_on() -> None:
    doc = make({"title": "T", "sections": [{"key": "overview", "charts": ["daily"]}]})
    blocks = doc.sections[0].blocks
    fig_at = next(i for i, b in enumerate(blocks) if isinstance(b, Figure))
    assert _finding_of(blocks[fig_at - 1].runs) == "tokens"  # type: ignore[union-attr]
    fig = blocks[fig_at]
    assert isinstance(fig, Figure)
    assert fig.number == 1 and fig.caption == "Daily tokens" and fig.subtitle == "Per day"
    assert fig.alt_text == "Line chart: Daily tokens" and fig.spec.accent == "asia"
    assert fig.source.startswith("Source: made up") and fig.source.endswith("[1]")


def test_a_chart_without_data_is_left_out_with_a_warning() -> None:
    empty = ChartSpec(key="empty", kind=ChartKind.BAR, title="Empty", metrics=(MetricRef("none", 0),))
    svc = FakeService({"asia": {"title": "T", "sections": [{"key": "cost", "charts": ["empty"]}]}},
                      charts=[CHART, ChartSpec(key="nodata", kind=ChartKind.BAR, title="No data", series=("zz",))])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert not doc.figures and any("empty" in w for w in doc.warnings)
    svc.templates["asia"] = {"title": "T", "sections": [{"key": "cost", "charts": ["nodata"]}]}
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert not doc.figures and any("no data" in w for w in doc.warnings)
    del empty


def test_metric_table_and_what_this_means() -> None:
    doc = make({"title": "T", "sections": [{"key": "overview", "table": True}], "what_this_means": {
        "title": "What it means", "intro": "Lead.", "text": "One.\n\nTwo.", "bullets": ["A", "B"],
        "findings": [{"section": "for-asia"}], "callout": {"title": "Bottom line", "text": "Act."}}})
    table = next(b for b in doc.sections[0].blocks if isinstance(b, Table))
    # `table: true` lists each finding's key number; the citation has its own column, never glued on.
    assert table.number == 1 and [c.title for c in table.columns] == ["Measure", "Value", "Source"]
    assert [(row[1].plain, row[2].plain) for row in table.rows] == [("140 trillion tokens", "[1]"), ("61%", "[2]")]
    own = doc.sections[-1]
    assert own.key == "what-this-means" and own.title == "What it means"
    kinds = [type(b).__name__ for b in own.blocks]
    assert kinds == ["Paragraph", "Paragraph", "Paragraph", "BulletList", "Paragraph", "Callout"]
    assert own.blocks[0].style == "lead"  # type: ignore[union-attr]
    assert isinstance(own.blocks[-1], Callout) and own.blocks[-1].title == "Bottom line"


def test_errors() -> None:
    with pytest.raises(NotFoundError):
        compose(FakeService({}), "nobody", charts=FakeCharts())  # type: ignore[arg-type]
    with pytest.raises(ValidationError) as info:
        make({"title": "T", "sections": [{"key": "cost", "findings": [{"kind": "rumour"}]}]})
    assert "sections.0.findings.0.kind" in str(info.value)


def test_compose_is_deterministic_and_compose_from_matches() -> None:
    template = {"title": "T", "sections": ["overview", "cost"], "key_figures": ["cost#0"]}
    assert make(template) == make(template)
    audience = Audience("asia", "Asia", "The asia audience", True, MappingProxyType(template), SEED_SECTIONS)
    svc = FakeService({"asia": template})
    doc = compose_from(audience, FINDINGS, [CHART], report=svc.report(), charts=FakeCharts(), today=TODAY)
    assert doc == make(template)


def test_linked_runs_match_numbers_as_prose_prints_them() -> None:
    f = finding("n", "cost", "", sources=(RAND,), metrics=(
        metric("1.4", "USD", Scale.TRILLION), metric("10", "CNY", Scale.TRILLION), metric("1000", "×"),
        metric("26.7", "%"), metric("2026", "year")))
    text = "Worth ¥10 trillion ($1.4 trillion) by 2030, a 1,000-fold rise; 26.7% adoption; M2.5 and 16–22 Feb 2026."
    runs = linked_runs(text, f, lambda _: (1,))
    linked = [r.text for r in runs if isinstance(r, NumberRef)]
    assert linked == ["¥10 trillion", "$1.4 trillion", "1,000", "26.7%", "2026"]
    assert "".join(r.text for r in runs if isinstance(r, (Text, NumberRef))) == text


def test_split_paragraphs() -> None:
    assert split_paragraphs("One\nline.\n\n  Two.  \n \n\nThree") == ["One line.", "Two.", "Three"]
    assert split_paragraphs("  ") == []
