"""validate_template: the built-in templates parse; every malformed field is named by its dotted path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from briefing.domain.errors import ValidationError
from briefing.domain.model import ClaimKind, Section
from briefing.domain.templates import Rule, SectionSpec, default_sections, parse_metric_ref, validate_template
from briefing.paths import TEMPLATES
from briefing.store.seed import load_report

SECTIONS = tuple(Section(x["key"], x["title"], x["short"]) for x in load_report()["sections"])
SECTION_KEYS = [s.key for s in SECTIONS]

BUILT_IN = ("full", "asia", "west", "investors")


def load(key: str) -> dict[str, Any]:
    return yaml.safe_load((TEMPLATES / "audiences" / f"{key}.yaml").read_text(encoding="utf-8"))


def errors_of(raw: Any) -> dict[str, str]:
    with pytest.raises(ValidationError) as info:
        validate_template(raw, SECTIONS)
    return {e.field: e.message for e in info.value.errors}


@pytest.mark.parametrize("key", BUILT_IN)
def test_built_in_templates_are_valid(key: str) -> None:
    t = validate_template(load(key), SECTIONS)
    assert t.title and t.subtitle and t.introduction
    assert t.sections and t.what_this_means is not None and t.what_this_means.title
    assert len(t.key_figures) >= 4
    assert any(s.charts for s in t.all_sections())


def test_every_template_file_is_built_in() -> None:
    assert {p.stem for p in (TEMPLATES / "audiences").glob("*.yaml")} == set(BUILT_IN)


def test_a_minimal_template_gets_every_report_section() -> None:
    t = validate_template({"title": "Just a title"}, SECTIONS)
    assert t.title == "Just a title"
    assert [s.key for s in t.sections] == list(SECTION_KEYS)
    assert t.sections == default_sections(SECTIONS)
    assert t.sections[2].rules() == (Rule(sections=("cost",)),)
    assert t.summary_title == "At a glance" and t.references_title == "References"


def test_rules_parse_every_spelling() -> None:
    t = validate_template({
        "title": "T",
        "sections": [
            "cost",
            {"key": "mix", "title": "Mix", "findings": [
                "slug-one", 42, {"ids": ["a", "b"]}, {"section": "chips", "kinds": ["Projection"], "tag": "ascend"},
            ]},
        ],
    })
    assert t.sections[0] == SectionSpec(key="cost")
    rules = t.sections[1].findings
    assert rules == (Rule(ids=("slug-one",)), Rule(ids=(42,)), Rule(ids=("a", "b")),
                     Rule(sections=("chips",), tags=("ascend",), kinds=(ClaimKind.PROJECTION,)))


def test_metric_refs() -> None:
    assert parse_metric_ref("slug#2").index == 2  # type: ignore[union-attr]
    assert parse_metric_ref("slug").index is None  # type: ignore[union-attr]
    assert parse_metric_ref("Not A Slug#x") is None
    t = validate_template({"title": "T", "key_figures": ["a#1", {"ref": "b", "label": "L", "context": "C"}]})
    assert [str(k) for k in t.key_figures] == ["a#1", "b"]
    assert t.key_figures[1].label == "L" and t.key_figures[1].context == "C"


def test_text_is_cleaned_not_interpreted() -> None:
    t = validate_template({"title": "  <b>Bold</b>\x00 & co  ", "introduction": "One\n\nTwo <i>"})
    assert t.title == "<b>Bold</b> & co"
    assert t.introduction == "One\n\nTwo <i>"


@pytest.mark.parametrize(
    ("raw", "field", "fragment"),
    [
        ({}, "title", "required"),
        ({"title": 3}, "title", "must be text"),
        ({"title": "T", "exclude": ["x"]}, "exclude", "not a template field"),
        ({"title": "T", "version": 2}, "version", "version 1"),
        ({"title": "T", "sections": "cost"}, "sections", "list of sections"),
        ({"title": "T", "sections": [{"title": "No key"}]}, "sections.0.key", "required"),
        ({"title": "T", "sections": [{"key": "Bad Key!"}]}, "sections.0.key", "lower-case"),
        ({"title": "T", "sections": [{"key": "mine"}]}, "sections.0.title", "not one of the report's sections"),
        ({"title": "T", "sections": [{"key": "cost", "colour": "red"}]}, "sections.0.colour", "not a template field"),
        ({"title": "T", "sections": [{"key": "cost", "findings": [{"kind": "rumour"}]}]},
         "sections.0.findings.0.kind", "not a claim kind"),
        ({"title": "T", "sections": [{"key": "cost", "findings": [{"section": "nowhere"}]}]},
         "sections.0.findings.0.section", "not a section"),
        ({"title": "T", "sections": [{"key": "cost", "findings": [{}]}]}, "sections.0.findings.0", "at least one"),
        ({"title": "T", "sections": [{"key": "cost", "findings": [True]}]}, "sections.0.findings.0", "slug"),
        ({"title": "T", "sections": [{"key": "cost", "limit": -1}]}, "sections.0.limit", "whole number"),
        ({"title": "T", "sections": [{"key": "cost", "table": "yes"}]}, "sections.0.table", "true, false or a mapping"),
        ({"title": "T", "sections": ["cost", "cost"]}, "sections.1.key", "unique"),
        ({"title": "T", "key_figures": ["Not#A#Ref"]}, "key_figures.0", "finding-slug#index"),
        ({"title": "T", "key_figures": [{"label": "no ref"}]}, "key_figures.0.ref", "finding-slug#index"),
        ({"title": "T", "what_this_means": {"text": "x"}}, "what_this_means.title", "required"),
        ({"title": "T", "what_this_means": {"title": "W", "callout": {"title": "C"}}},
         "what_this_means.callout.text", "required"),
        ({"title": "T", "excluded": "slug"}, None, None),  # a single slug is accepted as a list of one
        ({"title": "T", "order": [1, 2]}, "order.0", "must be text"),
        ({"title": "T", "keywords": {"a": 1}}, "keywords", "list of text"),
    ],
)
def test_malformed_templates_name_the_field(raw: dict[str, Any], field: str | None, fragment: str | None) -> None:
    if field is None:
        validate_template(raw, SECTIONS)
        return
    errors = errors_of(raw)
    assert field in errors, errors
    assert fragment in errors[field]  # type: ignore[operator]


def test_all_errors_are_reported_at_once() -> None:
    errors = errors_of({"sections": [{"key": "cost", "findings": [{"kind": "x"}]}], "nonsense": 1})
    assert {"title", "nonsense", "sections.0.findings.0.kind"} <= set(errors)


def test_not_a_mapping() -> None:
    assert "template" in errors_of(["a", "list"])


def test_full_template_documents_its_schema() -> None:
    text = (TEMPLATES / "audiences" / "full.yaml").read_text(encoding="utf-8")
    header = text.split("\nversion: 1\n")[0]
    for name in ("title", "key_figures", "sections", "findings", "charts", "what_this_means", "excluded", "order"):
        assert name in header
    assert Path(TEMPLATES.parent / "docs" / "templates.md").exists()
