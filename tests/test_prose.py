"""The editing pass piece by piece: the overlap measures (`briefing.domain.prose`), what compose does
with them, and the stock-phrase check (`briefing.checks`) on export, in the CLI and the app's engine."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest
from test_compose import TODAY, FakeCharts, FakeService, finding

from briefing.checks import Library, check_template, run_checks
from briefing.compose import compose
from briefing.compose.inline import merge_single_sentences
from briefing.document import Callout, Paragraph, Strong
from briefing.domain.prose import (
    REPEATS,
    RESTATES,
    containment,
    prints_lead_in,
    repeated_phrases,
    repeats,
    restated_by,
    stem,
)

# ---- The measures, on pairs from the seed either side of the thresholds


@pytest.mark.parametrize(("lead", "text"), [
    ("China’s daily AI token usage passed 140 trillion",
     "China’s daily AI token usage surpassed 140 trillion in March 2026. That’s up from 100 billion."),
    ("The software stack is the harder problem — CUDA versus Huawei’s CANN",
     "The software stack is the harder problem. NVIDIA’s CUDA platform has over a decade of ecosystem."),
    ("R1’s mixture-of-experts design activates 37 billion of 671 billion parameters",
     "The R1 model used mixture of experts (MoE) architecture to activate only 37 billion of its 671 "
     "billion parameters per inference."),
    # Spread over two sentences: the paragraph, not one sentence, restates it.
    ("The cost advantage is structural, rooted in three reinforcing factors",
     "China’s AI cost advantage isn’t a temporary subsidy or a pricing-war tactic. It is structural: "
     "algorithmic efficiency, infrastructure economics and an open-source feedback loop reinforce each other."),
])
def test_a_paragraph_that_says_the_lead_in_again_restates_it(lead: str, text: str) -> None:
    assert restated_by(lead, text)
    assert not prints_lead_in(lead, text)


@pytest.mark.parametrize(("lead", "text"), [
    ("Vietnam’s AI Law, the EU AI Act and ASEAN frameworks will shape Chinese models abroad",
     "The EU AI Act and other regimes create compliance requirements Chinese model providers must "
     "navigate; whether open-weight Chinese models are treated differently from closed Western APIs "
     "could significantly affect adoption patterns."),
    ("China’s open-source commitment is strategic, not ideological",
     "China has positioned itself as the global provider of open AI development, aiming for the kind of "
     "dependency NVIDIA’s CUDA created in hardware."),
    ("China’s model ecosystem has at least seven major players, not just DeepSeek",
     "The most common mistake in Western coverage of Chinese AI is treating the story as a "
     "single-company narrative."),
])
def test_a_lead_in_that_adds_to_its_paragraph_is_kept(lead: str, text: str) -> None:
    assert containment(lead, text) < RESTATES
    assert prints_lead_in(lead, text)


def test_only_the_first_paragraph_counts_and_a_text_opening_with_the_title_needs_no_lead() -> None:
    lead = "Kimi’s revenue beat all of 2025"
    assert prints_lead_in(lead, "Moonshot released a model.\n\nKimi’s revenue beat all of 2025 in a month.")
    assert not prints_lead_in(lead, "Kimi’s revenue beat all of 2025, in under a month.")
    assert not prints_lead_in("", "Anything.")


def test_stems_join_the_forms_of_a_word() -> None:
    assert stem("models") == stem("model") and stem("activates") == stem("activate")
    assert stem("returns") == stem("return") and stem("China’s") == "china"
    assert stem("status") == "status" and stem("910C") == "910c"


def test_repeats_reads_either_way() -> None:
    long = ("China isn’t building the same AI future as the United States. It is building a different one: "
            "cheaper, more distributed and more integrated into daily commerce.")
    assert repeats("China is building a different AI future from the United States.", long)
    assert not repeats("Huawei plans about 600,000 Ascend chips in 2026.", long)
    assert REPEATS == 0.7
    assert not repeats("Export controls, Huawei’s plans and the chip question.", long + " Export controls bite.")


def test_repeated_phrases_count_runs_of_content_words_and_allow_terms() -> None:
    texts = ["The ecosystem is generating real commercial returns.",
             "MiniMax doubled: real commercial returns again.",
             "Kimi shows real commercial returns, and open-weight models spread.",
             "Real commercial returns — said a fourth time — with open-weight models everywhere.",
             "More open-weight models, and open-weight models."]
    found = repeated_phrases(texts, count=4, allowed=["open-weight models"])
    assert [(p.text, p.count) for p in found] == [("real commercial returns", 4)]  # not its parts, not the term
    assert found[0].where == (0, 1, 2, 3)
    # Names and numbers break a run: they are the subject, not style.
    assert repeated_phrases(["140 trillion tokens, 61 per cent"] * 5, count=4) == []
    assert repeated_phrases(["They chose DeepSeek models over OpenRouter rankings."] * 4, count=4) == []


# ---- Compose


def test_compose_drops_a_restated_lead_in_and_keeps_one_that_adds() -> None:
    same = finding("same", "overview", "Chinese models took 61% of top-ten token use in February.",
                   title="Chinese models took 61% of top-ten token use", fid=11)
    adds = finding("adds", "overview", "Chinese models took 61% of top-ten token use in February.",
                   title="A lead for OpenRouter", fid=12)
    svc = FakeService({"asia": {"title": "T", "sections": ["overview"]}}, findings=[same, adds])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    first, second = [b for b in doc.sections[0].blocks if isinstance(b, Paragraph)]
    assert not any(isinstance(r, Strong) for r in first.runs)
    assert first.plain.startswith("Chinese models took 61%")
    assert isinstance(second.runs[0], Strong) and second.runs[0].text == "A lead for OpenRouter."


def test_one_sentence_paragraphs_of_a_finding_merge() -> None:
    assert merge_single_sentences(["One. Two.", "Three.", "Four. Five."]) == ["One. Two. Three.", "Four. Five."]
    assert merge_single_sentences(["Alone.", "Then two. And more."]) == ["Alone. Then two. And more."]
    assert merge_single_sentences(["A. B.", "C. D."]) == ["A. B.", "C. D."]
    f = finding("split", "overview", "Qwen leads on Hugging Face. It has many derivatives.\n\nAirbnb uses it.",
                title="An open ecosystem", fid=13)
    svc = FakeService({"asia": {"title": "T", "sections": ["overview"]}}, findings=[f])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    paras = [b.plain for b in doc.sections[0].blocks if isinstance(b, Paragraph)]
    assert paras == ["An open ecosystem. Qwen leads on Hugging Face. It has many derivatives. Airbnb uses it."]


CLOSING = finding("closing", "for-asia",
                  "China isn’t building the same AI future as the United States. It is building a different "
                  "one: cheaper, more distributed and more integrated into daily commerce.",
                  title="A different AI future", fid=14)


def test_a_bottom_line_that_repeats_the_briefing_is_left_out_with_a_warning() -> None:
    template = {"title": "T", "sections": ["for-asia"], "what_this_means": {
        "key": "bottom-line", "title": "The bottom line",
        "text": "China is building a different AI future from the United States: cheaper and more "
                "distributed.\n\nWatch the Ascend roadmap and the R2 release date.",
        "callout": {"title": "Again", "text": "Cheaper, more distributed, more integrated into daily commerce: "
                                              "a different AI future from the United States."}}}
    svc = FakeService({"asia": template}, findings=[CLOSING])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    last = doc.sections[-1]
    assert last.title == "The bottom line"
    assert [b.plain for b in last.blocks if isinstance(b, Paragraph)] == [
        "Watch the Ascend roadmap and the R2 release date."]  # the new words stay
    assert not any(isinstance(b, Callout) for b in last.blocks)
    assert sum("repeats what the briefing already says" in w for w in doc.warnings) == 2
    assert any("The bottom line" in w and "callout “Again”" in w for w in doc.warnings)


def test_a_callout_that_repeats_its_own_sections_text_goes_and_one_that_adds_stays() -> None:
    closing = {"key": "for-asia", "title": "What this means for Asia",
               "text": "Southeast Asia runs US clouds with Chinese open models on top.",
               "callout": {"title": "Twice", "text": "Southeast Asia runs Chinese open models on US clouds."}}
    svc = FakeService({"asia": {"title": "T", "sections": [], "what_this_means": closing}}, findings=[CLOSING])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert not any(isinstance(b, Callout) for b in doc.sections[-1].blocks)
    closing["callout"] = {"title": "New", "text": "Governments should decide how much of their foundation "
                                                  "layer to take from one supplier."}
    svc = FakeService({"asia": {"title": "T", "sections": [], "what_this_means": closing}}, findings=[CLOSING])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert [b.title for b in doc.sections[-1].blocks if isinstance(b, Callout)] == ["New"]
    assert doc.warnings == ()


# ---- The check


def _stock_library() -> tuple[Library, FakeService]:
    texts = ["The ecosystem is generating real commercial returns.",
             "MiniMax listed — real commercial returns.",
             "Kimi shows real commercial returns."]
    findings = [finding(f"f{i}", "overview", t, title=f"Lead {'abc'[i]}", fid=20 + i) for i, t in enumerate(texts)]
    template = {"title": "T", "sections": ["overview"], "introduction": "China’s AI makes real commercial returns."}
    svc = FakeService({"investors": template}, findings=findings, charts=[])
    return Library(findings, (), svc.list_audiences()), svc


def test_a_phrase_four_times_in_one_briefing_is_a_warning_naming_where() -> None:
    library, svc = _stock_library()
    problems = [p for p in check_template(svc.get_audience("investors"), library) if p.rule == "stock-phrase"]
    assert len(problems) == 1
    p = problems[0]
    assert (p.kind, p.subject, p.field, p.text, p.severity) == (
        "template", "investors", "prose", "real commercial returns", "warning")
    assert p.message.startswith("“real commercial returns” comes 4 times in this briefing (finding f0 · statement; "
                                "finding f1 · statement; finding f2 · statement; template · introduction)")
    assert [q.rule for q in run_checks(library)] == ["stock-phrase"]
    # Three times is below the count: drop one and the warning goes.
    quieter = replace(library, audiences=[replace(svc.get_audience("investors"), template=MappingProxyType(
        {"title": "T", "sections": ["overview"]}))])
    assert run_checks(quieter) == []


def test_the_seed_has_no_stock_phrase(service) -> None:
    library = Library(service.list_findings(), service.list_charts(None), service.list_audiences())
    assert [p.line() for p in run_checks(library) if p.rule == "stock-phrase"] == []


def test_export_prints_a_stock_phrase_as_a_warning(seeded_db: Path, capsys: pytest.CaptureFixture[str],
                                                   tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from briefing.cli import main
    from briefing.services import open_service

    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    svc = open_service(seeded_db)
    try:  # the Investors wording of one finding says it four times, as a user might save it
        f = next(f for f in svc.list_findings() if f.slug == "token-pricing-creates-service-economy")
        draft = f.to_draft()
        text = ("A vanity metric? No vanity metric, they say: not a vanity metric, "
                "and never a vanity metric.")
        svc.update_finding(f.id, replace(draft, wordings={**draft.wordings, "investors": text}), f.version)
    finally:
        svc.close()
    assert main(["--db", str(seeded_db), "export", "--audience", "investors", "--format", "md",
                 "-o", str(tmp_path / "investors.md")]) == 0
    err = capsys.readouterr().err
    assert "warning: template investors · prose [stock-phrase]: “vanity metric” comes 5 times" in err
    assert (tmp_path / "investors.md").exists()
    assert main(["--db", str(seeded_db), "export", "--audience", "investors", "--format", "md", "--strict",
                 "-o", str(tmp_path / "strict.md")]) == 1
    assert not (tmp_path / "strict.md").exists()


def test_a_section_intro_that_repeats_one_of_its_findings_is_left_out() -> None:
    section = {"key": "overview", "intro": "Chinese models took 61% of top-ten token use on OpenRouter in February, "
                                          "ahead of every US model family."}
    share = finding("share-61", "overview", "Chinese models took 61% of top-ten token use on OpenRouter in "
                    "February; no US model family came close.", title="A lead for OpenRouter", fid=15)
    svc = FakeService({"asia": {"title": "T", "sections": [section]}}, findings=[share])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert [b.style for b in doc.sections[0].blocks if isinstance(b, Paragraph)] == ["body"]
    assert doc.warnings == (f"Section “{doc.sections[0].title}”: a paragraph of its intro repeats what the briefing "
                            "already says (“Chinese models took 61% of top-ten token use…”); it was left out",)
    section["intro"] = "Where Chinese models stand on the largest model marketplace."  # a signpost stays
    svc = FakeService({"asia": {"title": "T", "sections": [section]}}, findings=[share])
    doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
    assert [b.style for b in doc.sections[0].blocks if isinstance(b, Paragraph)] == ["lead", "body"]


def test_one_sentence_findings_join_a_neighbour_but_never_across_a_figure_lead_in_or_label() -> None:
    from test_compose import CHART, metric

    from briefing.document import Figure
    from briefing.domain.model import ClaimKind

    alpha = finding("alpha-one", "overview", "Alpha one rises. It rises fast.", fid=31)
    beta = finding("beta-two", "overview", "Beta two falls.", fid=32)
    gamma = finding("gamma", "overview", "Gamma holds.", title="A new angle", fid=33)
    delta = finding("delta", "overview", "Delta drops.", kind=ClaimKind.ESTIMATE, fid=34)
    many = [finding(f"many-{i}", "overview", f"Many {i} stays.", fid=40 + i) for i in range(6)]

    def paragraphs(findings: list, charts: list | None = None) -> list[str]:
        template = {"title": "T", "sections": [{"key": "overview", "charts": ["daily"] if charts else []}]}
        svc = FakeService({"asia": template}, findings=findings, charts=charts or [])
        doc = compose(svc, "asia", today=TODAY, charts=FakeCharts())  # type: ignore[arg-type]
        return ["[figure]" if isinstance(b, Figure) else b.plain for b in doc.sections[0].blocks
                if isinstance(b, Paragraph | Figure)]

    assert paragraphs([alpha, beta, gamma, delta]) == [
        "Alpha one rises. It rises fast. Beta two falls.",  # joined to the paragraph before it
        "A new angle. Gamma holds.",  # its lead-in cannot sit mid-paragraph; the next opens with a label
        "Estimate. Delta drops."]
    fed = replace(alpha, metrics=(metric("1", "tokens", series="daily"),))
    assert paragraphs([fed, beta, many[0]], [CHART]) == [
        "Alpha one rises. It rises fast.", "[figure]", "Beta two falls. Many 0 stays."]  # not across the figure
    # A run of one-liners makes paragraphs of at most four sentences, not one long list.
    assert paragraphs(many) == ["Many 0 stays. Many 1 stays. Many 2 stays. Many 3 stays.",
                                "Many 4 stays. Many 5 stays."]
