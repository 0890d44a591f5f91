"""Bad input at the boundary: numbers as people type them, text hygiene, URLs and drafts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, MetricDraft, Scale, SourceDraft
from briefing.domain.numbers import format_quantity, parse_number
from briefing.domain.text import clean_tags, clean_text
from briefing.domain.validate import clean_finding, clean_source, clean_url, parse_date


@pytest.mark.parametrize(
    ("text", "value", "scale", "unit"),
    [
        ("1,234.5", Decimal("1234.5"), None, None),
        ("1.2 trillion", Decimal("1.2"), Scale.TRILLION, None),
        ("61%", Decimal("61"), None, "%"),
        ("$0.028", Decimal("0.028"), None, "USD"),
        ("\u22125", Decimal("-5"), None, None),
        ("5.16", Decimal("5.16"), None, None),
        ("6.7×", Decimal("6.7"), None, "×"),
        ("140T", Decimal("140"), Scale.TRILLION, None),
        ("¥380 billion", Decimal("380"), Scale.BILLION, "CNY"),
    ],
)
def test_numbers_people_type_parse_exactly(text: str, value: Decimal, scale: Scale | None, unit: str | None) -> None:
    parsed = parse_number(text)
    assert parsed.value == value and str(parsed.value) == str(value)
    assert parsed.scale == scale
    assert parsed.unit == unit


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "", "   ", "abc", "1,23", "1.2.3", "Infinity", "12 bananas"])
def test_non_numbers_are_refused_with_the_field_named(text: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_number(text, "metrics.0.value")
    assert info.value.errors[0].field == "metrics.0.value"
    assert info.value.errors[0].message


def test_float_and_decimal_inputs_keep_their_digits() -> None:
    assert parse_number(0.028).value == Decimal("0.028")
    assert parse_number(Decimal("5.16")).value == Decimal("5.16")
    with pytest.raises(ValidationError):
        parse_number(Decimal("NaN"))


def test_quantities_print_with_units() -> None:
    assert format_quantity(Decimal("140"), "tokens", Scale.TRILLION) == "140T"
    assert format_quantity(Decimal("0.028"), "USD", None) == "$0.028"
    assert format_quantity(Decimal("61"), "%", None) == "61%"
    assert format_quantity(Decimal("5.16"), "tokens", Scale.TRILLION, compact=False) == "5.16 trillion tokens"
    assert format_quantity(Decimal("600000"), "chips", None, compact=False) == "600,000 chips"
    assert format_quantity(Decimal("2027"), "year", None) == "2027"


def test_text_is_normalised_and_stripped() -> None:
    assert clean_text("e\u0301", "t") == "\u00e9"  # NFC
    assert clean_text("a\x00b\x07c", "t") == "a b c"  # one line: controls become spaces
    assert "\x00" not in clean_text("a\x00b", "t", multiline=True)
    assert clean_text("one\r\ntwo\rthree", "t", multiline=True) == "one\ntwo\nthree"
    assert clean_text("x\ud800y", "t") == "x\ufffdy"  # lone surrogate repaired
    assert clean_text("\ud83d\ude00", "t") == "\U0001F600"  # a valid pair is joined
    with pytest.raises(ValidationError) as info:
        clean_text("x" * 301, "title", max_length=300)
    assert info.value.errors[0].field == "title"


@pytest.mark.parametrize("url", ["javascript:alert(1)", "file:///etc/passwd", "ftp://x.org/a", "http://",
                                 "www.rand.org"])
def test_only_web_urls_are_accepted(url: str) -> None:
    with pytest.raises(ValidationError) as info:
        clean_url(url)
    assert info.value.errors[0].field == "url"


def test_dates_accept_partial_iso_and_refuse_nonsense() -> None:
    assert parse_date("2026-03", "as_of").isoformat() == "2026-03-01"
    assert parse_date("2026", "as_of").isoformat() == "2026-01-01"
    for bad in ("Marchember 2026", "2026-13-01", "2026-02-30", "March", "31 February 2026", "Mar 26"):
        with pytest.raises(ValidationError) as info:
            parse_date(bad, "as_of")
        assert info.value.errors[0].field == "as_of"
    assert "March 2026" in str(info.value)  # the message shows the forms it accepts


def test_dates_accept_month_names() -> None:
    """The report says "as of March 2026"; the form refused that though it is how people write it."""
    cases = {
        "March 2026": "2026-03-01", "Mar 2026": "2026-03-01", "march 2026": "2026-03-01",
        "Sept 2025": "2025-09-01", "Sep. 2025": "2025-09-01", "2026 March": "2026-03-01",
        "5 March 2026": "2026-03-05", "March 5, 2026": "2026-03-05", "Mar 5 2026": "2026-03-05",
        "2026-03-05": "2026-03-05", " 2026-3 ": "2026-03-01",
    }
    assert {text: parse_date(text, "as_of").isoformat() for text in cases} == cases


def test_a_bad_draft_reports_every_field_at_once() -> None:
    draft = FindingDraft(
        title="",
        statement="ok",
        section="nowhere",
        kind="rumour",
        metrics=(MetricDraft(label="x", value="abc"), MetricDraft(label="y", value="1", scale="gazillion")),
    )
    with pytest.raises(ValidationError) as info:
        clean_finding(draft, section_keys=["overview", "cost"])
    fields = {e.field for e in info.value.errors}
    assert "overview, cost" in next(e.message for e in info.value.errors if e.field == "section")
    assert {"title", "section", "kind", "metrics.0.value", "metrics.1.scale"} <= fields


def test_source_draft_validation_names_fields() -> None:
    with pytest.raises(ValidationError) as info:
        clean_source(SourceDraft(publisher="", title="T", url="javascript:x"))
    assert {e.field for e in info.value.errors} == {"publisher", "url"}


def test_the_key_number_is_a_quantity_not_a_year() -> None:
    from briefing.domain.model import ClaimKind, Finding, Metric

    year = Metric(1, "Launched", Decimal("2026"), "year")
    share = Metric(2, "Share", Decimal("61"), "%")
    f = Finding(1, "f", "T", "S", "overview", ClaimKind.REPORTED, metrics=(year, share))
    assert f.key_metric == share and f.key_metric_index == 1
    only_year = Finding(2, "g", "T", "S", "overview", ClaimKind.REPORTED, metrics=(year,))
    assert only_year.key_metric == year
    assert Finding(3, "h", "T", "S", "overview", ClaimKind.REPORTED).key_metric is None


def test_tags_from_a_list_or_text_and_a_clear_error_for_anything_else() -> None:
    assert clean_tags(" AI, chips ,ai") == ("ai", "chips")
    assert clean_tags(["Tokens", "tokens", ""]) == ("tokens",)
    with pytest.raises(ValidationError) as err:
        clean_tags(42)
    assert err.value.errors[0].field == "tags"
