"""The evidence checks engine on hand-made records and on the seed: what it flags, and what it leaves alone."""

from __future__ import annotations

from decimal import Decimal

import pytest
from test_charts_support import seed_charts, seed_findings

from briefing.checks import Library, Problem, check_chart, check_finding, check_template, run_checks
from briefing.checks.claims import holds
from briefing.checks.scan import numbers
from briefing.checks.tolerances import ABOUT, NEARLY_UNDER
from briefing.domain.charts import validate_chart_spec
from briefing.domain.model import Audience, ClaimKind, Finding, Metric, Scale
from briefing.store.seed import audience_template, load_seed


def metric(value: str, unit: str = "", scale: Scale | None = None, *, label: str = "m", entity: str = "",
           period: str = "", series: str = "") -> Metric:
    return Metric(0, label, Decimal(value), unit, scale, entity, period, None, series)


def make(statement: str, *metrics: Metric, title: str = "A finding", slug: str = "f",
         wordings: dict[str, str] | None = None) -> Finding:
    return Finding(1, slug, title, statement, "overview", ClaimKind.MEASURED, metrics=metrics,
                   wordings=wordings or {})


def rules(problems: list[Problem]) -> list[str]:
    return [p.rule for p in problems]


T = Scale.TRILLION
B = Scale.BILLION
WEEK = (metric("5.16", "tokens", T, label="Chinese models", entity="China"),
        metric("2.7", "tokens", T, label="US models", entity="US"))


# ---- Numbers in text


@pytest.mark.parametrize("text", [
    "Chinese models processed 5.16 trillion tokens, against 2.7 trillion.",
    "5.16T against 2.7T tokens.",
    "Chinese models: 5.16 trillion; US models: 2.7 trillion.",
    "About 5.2 trillion tokens on Chinese models.",  # a rounding of the metric
])
def test_numbers_the_app_prints_are_backed(text: str) -> None:
    assert check_finding(make(text, *WEEK)) == []


def test_currency_percent_and_fraction_forms_are_backed() -> None:
    f = make("DeepSeek charges $0.028 per million tokens, about 1/180th of GPT pricing; 61% of tokens.",
             metric("0.028", "USD"), metric("180", "1/x"), metric("61", "%"))
    assert check_finding(f) == []


def test_an_unbacked_number_names_the_text_and_the_number() -> None:
    [p] = check_finding(make("Chinese models processed 7.3 trillion tokens.", *WEEK, slug="weekly"))
    assert (p.rule, p.kind, p.subject, p.field, p.text) == ("unbacked-number", "finding", "weekly", "statement",
                                                            "7.3 trillion")
    assert "7.3 trillion" in p.message and "weekly" in p.message


def test_a_percentage_must_be_a_percentage_metric() -> None:
    assert rules(check_finding(make("61 tokens and 61%.", metric("61", "tokens")))) == ["unbacked-number"]


@pytest.mark.parametrize("text", [
    "China’s 15th Five-Year Plan (2026–2030) was passed in March 2026.",
    "During the week of 16–22 February the list moved; see section 3 and Figure 2.",
    "Ascend 960 (Q4 2027) and Ascend 970 (Q4 2028) follow the 910C, made on 7nm against 4nm.",
    "GPT-4, R1, H100, M2.5 and Qwen 3.5 are names, as are Ernie 4.5 and the NVL144.",
    "On February 16, 2026 the 1990s ended for the 2nd time.",
])
def test_years_dates_quarters_ordinals_sections_and_names_are_not_claims(text: str) -> None:
    assert numbers(text) == []
    assert check_finding(make(text)) == []


# ---- Derived claims


def test_nearly_twice_is_recomputed_from_the_two_metrics() -> None:
    assert check_finding(make("Chinese models processed nearly twice the tokens of US models.", *WEEK)) == []
    short = (metric("5.16", "tokens", T), metric("2.5", "tokens", T))  # 2.064×: over twice
    [p] = check_finding(make("Chinese models processed nearly twice the tokens of US models.", *short))
    assert p.rule == "derived-claim" and "2.1×" in p.message and "2×" in p.message


def test_more_than_is_strict_and_names_both_numbers() -> None:
    ends = (metric("140", "tokens", T), metric("100", "tokens", B))  # 1,400×
    assert check_finding(make("A more than 1,000-fold rise.", *ends)) == []
    [p] = check_finding(make("A more than 2,000-fold rise.", *ends))
    assert p.rule == "derived-claim" and "1,400×" in p.message and "2,000×" in p.message


def test_about_allows_ten_percent_either_side() -> None:
    cost = (metric("6", "USD", Scale.MILLION), metric("100", "USD", Scale.MILLION))
    assert check_finding(make("R1 cost about 6% of GPT-4’s $6 million and $100 million.", *cost)) == []
    [p] = check_finding(make("R1 cost about 7% of GPT-4.", *cost))
    assert p.rule == "derived-claim" and "6%" in p.message and "7%" in p.message


def test_a_percentage_change_is_recomputed() -> None:
    pair = (metric("140", "users", Scale.MILLION), metric("100", "users", Scale.MILLION))
    assert check_finding(make("Users rose 40%.", *pair)) == []
    assert rules(check_finding(make("Users rose 55%.", *pair))) == ["derived-claim"]


@pytest.mark.parametrize(("stated", "actual", "qualifier", "ok"), [
    ("2", "1.8", "nearly", True), ("2", "1.79", "nearly", False), ("2", "2.01", "nearly", False),
    ("1000", "1000", "more than", False), ("1000", "1000.1", "more than", True),
    ("6", "6.6", "about", True), ("6", "6.61", "about", False), ("6", "5.4", "about", True),
])
def test_tolerances(stated: str, actual: str, qualifier: str, ok: bool) -> None:
    assert NEARLY_UNDER == ABOUT == Decimal("0.10")
    assert holds(Decimal(stated), Decimal(actual), qualifier) is ok


def test_a_duration_metric_backs_a_duration() -> None:
    f = make("A 1,000-fold rise in two years.", metric("1000", "×"), metric("2", "years"))
    assert check_finding(f) == []


# ---- Charts


def _points(periods: list[str]) -> Finding:
    return make("Milestones.", *(metric("2026", "year", label=f"event {i}", period=p, series="ms")
                                 for i, p in enumerate(periods)), slug="ms")


def test_a_duration_in_a_chart_title_is_measured_by_its_periods() -> None:
    data = [_points(["2026-01", "2026-02", "2026-01", "2026-02"])]
    spec = validate_chart_spec({"key": "ms", "kind": "timeline", "title": "Four milestones in six weeks",
                                "series": ["ms"]})
    [p] = check_chart(spec, data)
    assert p.rule == "duration" and "six weeks" in p.message and "8.4 weeks" in p.message
    assert "January 2026 – February 2026" in p.message
    fixed = validate_chart_spec({**spec.to_dict(), "title": "Four milestones in two months"})
    assert check_chart(fixed, data) == []


def _spending(title: str, subtitle: str = "") -> list[Problem]:
    data = [make("Spending.", metric("650", "USD", B, entity="Big Four", period="2026", series="sp"), slug="a"),
            make("Spending.", metric("2.8", "USD", T, entity="US AI compute (total)", label="spending by 2029",
                                     period="2029", series="sp"), slug="b")]
    return check_chart(validate_chart_spec({"key": "sp", "kind": "bar", "title": title, "subtitle": subtitle,
                                            "series": ["sp"]}), data)


def test_an_order_of_magnitude_must_cover_what_the_chart_plots() -> None:
    problems = _spending("US AI spending is measured in the hundreds of billions")
    mag = [p for p in problems if p.rule == "magnitude"]
    assert len(mag) == 1 and "$2.8T" in mag[0].message and mag[0].field == "title"


def test_one_year_beside_a_cumulative_figure_unless_the_chart_says_so() -> None:
    assert "axis-basis" in rules(_spending("US AI spending"))
    assert "axis-basis" not in rules(_spending("US AI spending", "One year beside the cumulative projection"))


def test_one_axis_one_unit_and_no_part_beside_its_total() -> None:
    data = [make("Output.", metric("600000", "chips", entity="Ascend 910C", period="2026", series="asc"), slug="a"),
            make("Output.", metric("1.6", "dies", Scale.MILLION, entity="Ascend line (all models)", period="2026",
                                   series="asc"), slug="b")]
    spec = validate_chart_spec({"key": "out", "kind": "range", "title": "Planned output", "series": ["asc"]})
    problems = check_chart(spec, data)
    assert sorted(rules(problems)) == ["axis-units", "part-beside-total"]
    units = next(p for p in problems if p.rule == "axis-units")
    assert "chips" in units.message and "dies" in units.message


def test_a_headline_comparative_must_agree_with_the_data() -> None:
    data = [make("Output.", metric("300", "units", entity="Cambricon", series="o"), slug="a"),
            make("Output.", metric("200", "units", entity="Hygon", series="o"), slug="b")]
    def title(t: str) -> list[Problem]:
        return check_chart(validate_chart_spec({"key": "o", "kind": "bar", "title": t, "series": ["o"]}), data)
    assert title("Cambricon leads China’s planned output") == []
    [p] = title("Hygon leads China’s planned output")
    assert p.rule == "comparative" and "Hygon" in p.message and "Cambricon" in p.message


# ---- Wordings and templates


def test_an_altered_number_in_one_wording_is_caught() -> None:
    f = make("Chinese models processed 5.16 trillion tokens, US models 2.7 trillion.", *WEEK, slug="w",
             wordings={"asia": "Chinese models processed 5.61 trillion tokens, US models 2.7 trillion.",
                       "west": "5.16 trillion against 2.7 trillion."})
    problems = check_finding(f)
    assert {(p.rule, p.field, p.text) for p in problems} == {
        ("unbacked-number", "wordings.asia", "5.61 trillion"), ("wording-numbers", "wordings.asia", "5.61 trillion")}


def test_a_wording_with_a_number_the_statement_lacks_is_a_problem() -> None:
    f = make("Chinese models processed 5.16 trillion tokens.", *WEEK,
             wordings={"west": "Chinese models processed 5.16 trillion tokens, US models 2.7 trillion."})
    [p] = check_finding(f)
    assert (p.rule, p.field, p.text) == ("wording-numbers", "wordings.west", "2.7 trillion")


def test_template_prose_is_backed_by_the_findings_it_draws_on() -> None:
    f = make("Chinese models processed 5.16 trillion tokens.", *WEEK, slug="weekly")
    other = make("An excluded number.", metric("99", "%"), slug="other")
    template = {"title": "T", "introduction": "Chinese models processed 5.16 trillion tokens, and 99%.",
                "sections": [{"key": "s", "title": "S", "findings": ["weekly"],
                              "callout": {"title": "C", "text": "US models: 2.7 trillion; 3.3 trillion."}}],
                "key_figures": [{"ref": "weekly#0", "label": "Tokens in one week, against 2.7 trillion"}]}
    problems = check_template(Audience("asia", "Asia", template=template), Library([f, other]))
    assert {(p.field, p.text) for p in problems} == {("introduction", "99%"),
                                                    ("sections.0.callout.text", "3.3 trillion"),
                                                    ("key_figures.0.label", "in one week")}


# ---- The seed


def _seed_library() -> Library:
    data = load_seed()
    audiences = [Audience(a["key"], a["name"], template=audience_template(a["key"])) for a in data["audiences"]]
    return Library(seed_findings(), seed_charts(), audiences)


def test_the_seed_checks_clean() -> None:
    assert [p.line() for p in run_checks(_seed_library())] == []


def test_the_old_seed_charts_are_caught_on_their_data() -> None:
    """The three charts as they stood before the seed was fixed: kind, series and title."""
    findings = seed_findings()
    old = [
        {"key": "accelerator-output", "kind": "range",
         "title": "Huawei's Ascend line leads China's planned AI chip output for 2026",
         "series": ["ascend-production", "cambricon-production"]},
        {"key": "hyperscaler-spending", "kind": "bar",
         "title": "US AI spending is measured in the hundreds of billions",
         "series": ["hyperscaler-spending"]},
        {"key": "china-ai-milestones", "kind": "timeline", "title": "Four Chinese model milestones in six weeks",
         "series": ["china-ai-milestones"]},
    ]
    found = {(p.subject, p.rule) for spec in old for p in check_chart(validate_chart_spec(spec), findings)}
    assert found == {
        ("accelerator-output", "axis-units"), ("accelerator-output", "part-beside-total"),
        ("accelerator-output", "comparative"),
        ("hyperscaler-spending", "magnitude"), ("hyperscaler-spending", "axis-basis"),
        ("hyperscaler-spending", "part-beside-total"),
        ("china-ai-milestones", "duration"),
    }


def test_extreme_values_and_hostile_text_never_crash() -> None:
    huge = metric("9" * 29, "tokens", T)
    tiny = metric("0.0000000001", "tokens")
    zero = metric("0", "tokens")
    text = "5 twice, 3,000,000-fold, 99.999999999% and 1/0th, in 0 weeks\ufeff, 1e30 of" + " 7" * 2000
    problems = check_finding(make(text, huge, tiny, zero))
    assert problems and all(isinstance(p.message, str) for p in problems)
    assert check_finding(make(f"{'9' * 29} trillion tokens.", huge)) == []


def test_the_checks_see_what_each_seed_chart_plots() -> None:
    """The engine resolves a chart's metrics itself (it may not import the charts package): the same ones."""
    from briefing.charts.data import resolve_chart_data
    from briefing.checks.charts import plotted

    findings = seed_findings()
    for spec in seed_charts():
        ours = sorted(f"{p.finding}#{p.index}" for p in plotted(spec, findings))
        theirs = sorted(str(p.ref) for p in resolve_chart_data(spec, findings).points)
        assert ours == theirs, spec.key


# ---- Kept answers


def test_a_findings_problems_are_kept_by_its_content_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every export checks the findings it shows; an unchanged finding is not checked twice in a process."""
    from dataclasses import replace

    from briefing.checks import engine

    checked: list[str] = []
    real = engine._check_finding
    monkeypatch.setattr(engine, "_check_finding", lambda f: checked.append(f.statement) or real(f))
    monkeypatch.setattr(engine, "_FINDING_MEMO", {})
    f = make("Chinese models processed 5.61 trillion tokens.", *WEEK, slug="kept")
    first = check_finding(f)
    first.append(first[0])  # a caller's list is its own
    assert rules(check_finding(replace(f, id=99, version=7))) == ["unbacked-number"]  # same content: kept
    assert len(checked) == 1
    assert check_finding(replace(f, statement="Chinese models processed 5.16 trillion tokens.")) == []
    # Equal Decimals that print differently are different evidence: a message may quote either.
    again = replace(f, metrics=(replace(WEEK[0], value=Decimal("5.160")), WEEK[1]))
    assert rules(check_finding(again)) == ["unbacked-number"] and len(checked) == 3
