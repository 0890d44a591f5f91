"""The manifest itself (pure): what it records, that it round-trips, and what diff_manifests says."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from types import MappingProxyType

from briefing.domain.charts import ChartKind, ChartSpec
from briefing.domain.manifest import Manifest, build_manifest, diff_manifests, shown_change
from briefing.domain.model import Audience, ClaimKind, Finding, Metric, Scale
from briefing.domain.templates import MetricRef

REPORT = {"key": "r", "title": "The report", "edition": "April 2026"}
AUDIENCE = Audience("asia", "Asia", template=MappingProxyType({"title": "T", "sections": ["overview"]}))
TOKENS = Finding(1, "tokens", "Tokens passed 140 trillion", "Daily tokens passed 140 trillion.", "overview",
                 ClaimKind.MEASURED, metrics=(Metric(1, "tokens a day", Decimal("140"), "tokens", Scale.TRILLION),),
                 wordings=MappingProxyType({"asia": "Asia: 140 trillion a day."}), version=3)
SHARE = Finding(2, "share", "Share at 61%", "Chinese models took 61%.", "overview", ClaimKind.MEASURED,
                metrics=(Metric(2, "share", Decimal("61"), "%"),))
CHART = ChartSpec(key="daily", kind=ChartKind.BAR, title="Daily tokens", metrics=(MetricRef("tokens", 0),))


class Problem:
    def __init__(self, subject: str, text: str, message: str = "m") -> None:
        self.rule, self.kind, self.subject, self.field, self.text, self.message = (
            "unbacked-number", "finding", subject, "statement", text, message)


class Data:
    def __init__(self, *points: object) -> None:
        self.points = points


def made(findings: list[Finding], *, data: object = None, problems: tuple[Problem, ...] = (),
         audience: Audience = AUDIENCE) -> Manifest:
    return build_manifest(kind="briefing", report=REPORT, audience=audience, findings=findings,
                          charts=[(CHART, data if data is not None else Data("p1"))], problems=problems,
                          app_version="9.9", generated="2026-04-01T00:00:00Z")


def test_it_records_ids_versions_hashes_and_numbers_and_round_trips() -> None:
    m = made([TOKENS, SHARE])
    tokens = m.findings[0]
    assert (tokens.id, tokens.slug, tokens.version, tokens.title) == (1, "tokens", 3, TOKENS.title)
    assert dict(tokens.values)["metrics.0.value"] == "140 trillion tokens"
    assert (tokens.metrics[0].value, tokens.metrics[0].scale) == ("140", "trillion")
    assert "statement" not in dict(tokens.values) and set(dict(tokens.hashes)) == {"statement", "wordings.asia"}
    assert (m.report_key, m.edition, m.audience_key, m.app_version) == ("r", "April 2026", "asia", "9.9")
    assert m.template_hash and m.charts[0].key == "daily"
    assert Manifest.from_json(m.to_json(), "f") == m
    assert made([TOKENS, SHARE]) == m  # the same records, the same manifest (and hashes)
    assert made([replace(TOKENS, created_at=None, position=9)]).findings[0].hash == tokens.hash  # not content


def test_the_diff_names_fields_old_and_new_numbers_charts_template_and_new_checks() -> None:
    old = made([TOKENS, SHARE], problems=(Problem("share", "61%"),))
    edited = replace(TOKENS, metrics=(replace(TOKENS.metrics[0], value=Decimal("147")),),
                     wordings=MappingProxyType({}), statement="Daily tokens passed 147 trillion.")
    added = Finding(3, "new", "New", "New finding.", "overview", ClaimKind.OPINION)
    template = replace(AUDIENCE, template=MappingProxyType({"title": "T2", "sections": ["overview"]}))
    new = made([edited, added], data=Data("p2"), problems=(Problem("share", "61%", "reworded"),
                                                           Problem("tokens", "140 trillion")), audience=template)
    d = diff_manifests(old, new)
    assert [f.slug for f in d.added] == ["new"] and [f.slug for f in d.removed] == ["share"]
    (change,) = d.changed
    fields = {x.field: (x.old, x.new) for x in change.fields}
    assert fields == {"metrics.0.value": ("140 trillion tokens", "147 trillion tokens"),
                      "statement": (None, None), "wordings.asia": (None, "")}
    assert [shown_change(*fields[k]) for k in ("metrics.0.value", "statement", "wordings.asia")] == [
        "140 trillion tokens → 147 trillion tokens", "text changed", "text removed"]
    assert [c.key for c in d.charts_changed] == ["daily"] and d.template_changed
    assert [p.subject for p in d.new_problems] == ["tokens"]  # the reworded one was there before
    assert "changed  finding tokens: Tokens passed 140 trillion" in d.lines()
    assert "           metrics.0.value: 140 trillion tokens → 147 trillion tokens" in d.lines()
    assert diff_manifests(old, old).empty and diff_manifests(old, old).lines() == []
