"""ChartSpec as data: JSON round trips, validation messages, and the shipped default charts."""

from __future__ import annotations

import json
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_charts_support import seed_charts, seed_findings

from briefing.domain.charts import (
    NUMBER_FORMATS,
    SIZE_PRESETS,
    ChartKind,
    ChartSpec,
    MetricRef,
    parse_pixel_size,
    validate_chart_spec,
)
from briefing.domain.errors import ValidationError

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
_key = st.from_regex(r"[a-z0-9][a-z0-9_-]{0,20}", fullmatch=True)
_option_values = st.one_of(st.booleans(), st.integers(-5, 5), _text, st.dictionaries(_key, _text, max_size=3))


@st.composite
def specs(draw: st.DrawFn) -> ChartSpec:
    return ChartSpec(
        key=draw(_key),
        kind=draw(st.sampled_from(list(ChartKind))),
        title=draw(_text),
        subtitle=draw(_text),
        series=tuple(draw(st.lists(_key, max_size=3))),
        metrics=tuple(MetricRef(draw(_key), draw(st.integers(0, 99))) for _ in range(draw(st.integers(0, 3)))),
        unit=draw(_text),
        number_format=draw(st.sampled_from(NUMBER_FORMATS)),
        source=draw(_text),
        note=draw(_text),
        alt_text=draw(_text),
        size=draw(st.sampled_from((*SIZE_PRESETS, "1920x1080"))),
        accent=draw(st.sampled_from(["", "asia", "west"])),
        audiences=tuple(draw(st.lists(st.sampled_from(["full", "asia", "west", "investors"]), max_size=4))),
        options=draw(st.dictionaries(_key, _option_values, max_size=4)),
        position=draw(st.integers(0, 1000)),
    )


@given(specs())
@settings(max_examples=60, deadline=None)
def test_to_dict_is_json_and_round_trips_exactly(spec: ChartSpec) -> None:
    d = spec.to_dict()
    again = json.loads(json.dumps(d))
    assert ChartSpec.from_dict(again) == spec
    assert ChartSpec.from_dict(spec.to_dict(omit_defaults=True)) == spec
    assert pickle.loads(pickle.dumps(spec)) == spec


def test_spec_is_frozen_and_options_read_only() -> None:
    spec = ChartSpec("k", ChartKind.BAR, "T", options={"labels": {"a": "b"}})
    with pytest.raises(AttributeError):
        spec.title = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        spec.options["log"] = True  # type: ignore[index]
    with pytest.raises(TypeError):
        spec.options["labels"]["a"] = "c"  # type: ignore[index]
    assert hash(spec) == hash(ChartSpec("k", ChartKind.BAR, "T"))


def test_metric_ref_text_form() -> None:
    ref = MetricRef.parse("china-daily-tokens-140-trillion#1")
    assert ref == MetricRef("china-daily-tokens-140-trillion", 1)
    assert str(ref) == "china-daily-tokens-140-trillion#1"
    with pytest.raises(ValidationError):
        MetricRef.parse("no-index")


def test_validation_names_every_bad_field() -> None:
    with pytest.raises(ValidationError) as info:
        validate_chart_spec({
            "key": "Bad Key!",
            "kind": "pie",
            "title": "   ",
            "size": "9:7",
            "number_format": "roman",
            "metrics": ["nope"],
            "options": {"log": "yes", "colour": "red", "sort": "sideways"},
            "position": -1,
        })
    fields = {e.field for e in info.value.errors}
    assert {"key", "kind", "title", "size", "number_format", "metrics.0", "options.log", "options.colour",
            "options.sort", "position"} <= fields
    assert "pie" in str(info.value)


def test_validation_requires_something_to_plot_and_cleans_text() -> None:
    with pytest.raises(ValidationError) as info:
        validate_chart_spec({"key": "k", "kind": "bar", "title": "T"})
    assert info.value.for_field("series")
    spec = validate_chart_spec({"key": "k", "kind": "grouped-bar", "title": "  Two\nlines ",
                                "series": ["s", "s"], "size": "1920x1080"})
    assert spec.kind is ChartKind.GROUPED_BAR and spec.title == "Two lines" and spec.series == ("s",)


def test_pixel_sizes() -> None:
    assert parse_pixel_size("1920x1080") == (1920, 1080)
    assert parse_pixel_size("1920×1080") == (1920, 1080)
    assert parse_pixel_size("16:9") is None
    assert parse_pixel_size("99999x10") is None


def test_default_charts_cover_the_kinds_and_audiences() -> None:
    charts = seed_charts()
    assert len(charts) >= 12
    assert len({c.key for c in charts}) == len(charts)
    kinds = {c.kind for c in charts}
    assert kinds == set(ChartKind)
    for audience in ("asia", "west", "investors"):
        assert sum(1 for c in charts if c.in_audience(audience)) >= 5, audience
    assert all(c.in_audience("full") for c in charts)
    # Every chart is tied to metrics that exist in the seed.
    series = {m.series for f in seed_findings() for m in f.metrics if m.series}
    slugs = {f.slug: f for f in seed_findings()}
    for c in charts:
        assert set(c.series) <= series, c.key
        for ref in c.metrics:
            assert ref.finding in slugs and ref.index < len(slugs[ref.finding].metrics), (c.key, str(ref))
