"""Chart data from findings: lookup order, source lines, missing metrics, number and period text, alt text."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from test_charts_support import finding, seed_charts, seed_findings

from briefing.charts import ChartSpec, alt_text, resolve_chart_data
from briefing.charts.data import Point
from briefing.charts.fmt import compact, period_span, period_text, tick, value_text, value_texts
from briefing.domain.charts import ChartKind, MetricRef
from briefing.domain.model import Scale


def _spec(key: str) -> ChartSpec:
    return next(c for c in seed_charts() if c.key == key)


def test_series_in_finding_then_metric_order_and_time_sorted_for_lines() -> None:
    data = resolve_chart_data(_spec("openrouter-weekly-tokens"), seed_findings())
    assert [(p.entity, str(p.value)) for p in data.points] == [("China", "5.16"), ("US", "2.7")]
    assert data.points[0].scale is Scale.TRILLION and data.points[0].unit == "tokens"
    assert data.points[0].period == "2026-02-16/2026-02-22"
    line = resolve_chart_data(_spec("china-daily-tokens"), seed_findings())
    # The finding lists March 2026 first; a line reads left to right in time.
    assert [p.as_of for p in line.points] == sorted(p.as_of for p in line.points if p.as_of)
    assert [str(p.absolute) for p in line.points] == ["100000000000", "140000000000000"]


def test_source_line_is_derived_and_deduplicated() -> None:
    # RAND is known through the report, and the line says so (the references print the same chain).
    assert (resolve_chart_data(_spec("cost-vs-us"), seed_findings()).source
            == "Source: RAND, 2026, cited in Digital in Asia, April 2026")
    milestones = resolve_chart_data(_spec("china-ai-milestones"), seed_findings()).source
    assert milestones.startswith("Sources: ")
    parts = milestones.removeprefix("Sources: ").split("; ")
    assert len(parts) == len(set(parts)) > 1
    override = dataclasses.replace(_spec("cost-vs-us"), source="Source: our own sums")
    assert resolve_chart_data(override, seed_findings()).source == "Source: our own sums"


def test_a_number_changed_in_a_finding_changes_the_chart_data() -> None:
    findings = list(seed_findings())
    i, f = next((i, f) for i, f in enumerate(findings) if f.slug == "openrouter-weekly-tokens-china-vs-us")
    edited = dataclasses.replace(f.metrics[0], value=Decimal("6.01"))
    findings[i] = dataclasses.replace(f, metrics=(edited, *f.metrics[1:]))
    data = resolve_chart_data(_spec("openrouter-weekly-tokens"), findings)
    assert value_text(data.points[0]) == "6.01T"


def test_missing_series_and_refs_become_warnings() -> None:
    f = finding("one", ("A", "5", "%", None, "X", "2026", None))
    spec = ChartSpec("k", ChartKind.BAR, "T", series=("s", "ghost-series"),
                     metrics=(MetricRef("ghost", 0), MetricRef("one", 3), MetricRef("one", 0)))
    data = resolve_chart_data(spec, [f])
    assert len(data.points) == 1  # the series point, not repeated by the explicit ref
    assert any("ghost-series" in w for w in data.warnings)
    assert any("ghost#0" in w and "no finding" in w for w in data.warnings)
    assert any("one#3" in w and "1 metric" in w for w in data.warnings)


def test_key_figures_take_the_latest_point_of_each_series() -> None:
    data = resolve_chart_data(_spec("key-numbers"), seed_findings())
    values = [value_text(p) for p in data.points]
    assert values[:2] == ["140T", "61%"]
    assert "5.16T" in values and "81.2%" in values


def _point(value: str, unit: str = "", scale: Scale | None = None) -> Point:
    return Point(MetricRef("f", 0), "s", "label", "entity", Decimal(value), unit, scale)


def test_numbers_print_with_units() -> None:
    assert value_text(_point("140", "tokens", Scale.TRILLION)) == "140T"
    assert value_text(_point("0.028", "USD")) == "$0.028"
    assert value_text(_point("61", "%")) == "61%"
    assert value_text(_point("6.7", "×")) == "6.7×"
    assert value_text(_point("6", "1/x")) == "1/6"
    assert value_text(_point("2026", "year")) == "2026"
    assert value_text(_point("650", "USD", Scale.BILLION)) == "$650B"
    assert value_text(_point("600000", "chips")) == "600,000"
    assert value_texts([_point("600000", "chips"), _point("1.6", "dies", Scale.MILLION)]) == ["600K", "1.6M"]
    assert value_text(_point("5.16", "tokens", Scale.TRILLION), "long") == "5.16 trillion tokens"
    assert compact(Decimal("-2500000"), "USD") == "−$2.5M"
    assert tick(1e12, "USD") == r"\$1T"  # tick labels escape "$" from mathtext


def test_period_text_and_positions() -> None:
    assert period_text("2026-02-16/2026-02-22") == "16–22 February 2026"
    assert period_text("2026-03") == "March 2026"
    assert period_text("2027-Q4") == "Q4 2027"
    assert period_text("2025–") == "2025 onward"
    assert period_text("anything else") == "anything else"
    assert period_span("2017–2020") == (2017.0, 2020.0)
    assert period_span("2025–") == (2025.0, None)
    assert period_span("2026-Q1") == (2026.0, 2026.25)
    assert period_span("nonsense") is None


def test_alt_text_names_kind_values_units_and_period() -> None:
    text = alt_text(_spec("openrouter-weekly-tokens"), resolve_chart_data(_spec("openrouter-weekly-tokens"),
                                                                         seed_findings()))
    assert text.startswith("Grouped bar chart")
    assert "5.16 trillion tokens" in text and "2.7 trillion tokens" in text
    assert "16–22 February 2026" in text and "OpenRouter" in text
    line = alt_text(_spec("china-daily-tokens"), resolve_chart_data(_spec("china-daily-tokens"), seed_findings()))
    assert "log scale" in line and "100 billion tokens" in line and "140 trillion tokens" in line
    assert "March 2026" in line
    cost = alt_text(_spec("cost-vs-us"), resolve_chart_data(_spec("cost-vs-us"), seed_findings()))
    assert "one-sixth" in cost and "one-quarter" in cost
    own = dataclasses.replace(_spec("cost-vs-us"), alt_text="Written by hand.")
    assert alt_text(own, resolve_chart_data(own, seed_findings())) == "Written by hand."


def test_every_default_chart_has_alt_text_with_a_number() -> None:
    for spec in seed_charts():
        text = alt_text(spec, resolve_chart_data(spec, seed_findings()))
        assert spec.kind.label.split()[0].lower() in text.lower(), spec.key
        assert any(ch.isdigit() for ch in text), spec.key


def test_points_carry_their_origin() -> None:
    data = resolve_chart_data(_spec("training-cost"), seed_findings())
    assert {p.finding for p in data.points} == {"deepseek-r1-training-cost-6-million"}
    assert all(isinstance(p.as_of, (date, type(None))) for p in data.points)
