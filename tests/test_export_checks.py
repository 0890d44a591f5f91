"""Checks on export: `briefing export` warns of the problems in the exported briefing, and
`--strict` refuses to write; only the audience's own findings, charts and template count."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from briefing.cli import main

WORDING_SLUG = "china-daily-tokens-140-trillion"  # in the Asia briefing, with an Asia wording


@pytest.fixture
def db(seeded_db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    return seeded_db


def _introduce_problems(db: Path) -> None:
    """Through the service, as a user would: a number changed in one Asia wording, and a chart
    that only the full, investors' briefings show given its old “six weeks” title back."""
    from briefing.services import open_service

    svc = open_service(db)
    try:
        f = next(f for f in svc.list_findings() if f.slug == WORDING_SLUG)
        draft = f.to_draft()
        asia = draft.wordings["asia"].replace("140 trillion", "180 trillion")
        assert asia != draft.wordings["asia"]
        svc.update_finding(f.id, replace(draft, wordings={**draft.wordings, "asia": asia}), f.version)
        chart = svc.get_chart("china-ai-milestones")
        svc.save_chart(replace(chart, title="Four Chinese model milestones in six weeks"))
    finally:
        svc.close()


def test_a_clean_seed_exports_without_check_warnings(db: Path, capsys: pytest.CaptureFixture[str],
                                                     tmp_path: Path) -> None:
    assert main(["--db", str(db), "export", "--audience", "asia", "--format", "md", "--strict",
                 "-o", str(tmp_path / "asia.md")]) == 0
    err = capsys.readouterr().err
    assert "problem" not in err and "[" not in err
    assert (tmp_path / "asia.md").exists()


def test_problems_are_warnings_for_the_audience_that_shows_them(db: Path, capsys: pytest.CaptureFixture[str],
                                                                tmp_path: Path) -> None:
    _introduce_problems(db)
    assert main(["--db", str(db), "export", "--audience", "asia", "--format", "md",
                 "-o", str(tmp_path / "asia.md")]) == 0
    err = capsys.readouterr().err.splitlines()
    checks = [line for line in err if line.startswith(("warning: finding", "warning: chart"))]
    # The Asia wording's number twice (no metric says 180 trillion; the statement does not say it);
    # not the chart, which the Asia briefing does not show.
    assert checks == [
        (f"warning: finding {WORDING_SLUG} · wordings.asia [unbacked-number]: 180 trillion is not a metric "
        f"of finding “{WORDING_SLUG}”"),
        (f"warning: finding {WORDING_SLUG} · wordings.asia [wording-numbers]: the asia wording states 180 "
        "trillion; the statement does not"),
    ]
    assert "warning: 2 problems in the asia briefing; exported anyway (--strict refuses; `briefing check` " \
           "lists the whole library)" in err
    # Printed once in the briefing; the manifest in its front matter records the two problems too.
    front, body = (tmp_path / "asia.md").read_text(encoding="utf-8").removeprefix("---\n").split("\n---\n", 1)
    assert body.count("180 trillion") == 1 and front.count("180 trillion") == 4

    # The full briefing shows the chart, and no Asia wording.
    assert main(["--db", str(db), "export", "--audience", "full", "--format", "md",
                 "-o", str(tmp_path / "full.md")]) == 0
    err = capsys.readouterr().err.splitlines()
    assert [line for line in err if "[" in line] == [
        ("warning: chart china-ai-milestones · title [duration]: “in six weeks” does not hold: the data of "
        "chart “china-ai-milestones” spans up to 8.4 weeks (January 2026 – February 2026)")]
    assert any(line.startswith("warning: 1 problem in the full briefing; exported anyway") for line in err)


def test_strict_refuses_a_batch_and_writes_nothing(db: Path, capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:
    _introduce_problems(db)
    out = tmp_path / "pack"
    out.mkdir()
    code = main(["--db", str(db), "export", "--audience", "asia,west,full", "--format", "md,pdf",
                 "--output", str(out), "--strict"])
    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    assert not any(out.iterdir())
    err = captured.err.splitlines()
    assert sum(f"finding {WORDING_SLUG} · wordings.asia" in line for line in err) == 2
    assert sum("chart china-ai-milestones · title [duration]" in line for line in err) == 1
    assert err[-1] == ("briefing export: --strict: 3 problems in the briefings for asia (2), full (1); "
                       "nothing was written")


def test_quiet_leaves_the_warnings_out(db: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _introduce_problems(db)
    assert main(["--db", str(db), "export", "--audience", "asia", "--format", "md", "-q",
                 "-o", str(tmp_path / "asia.md")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(tmp_path / "asia.md")
    assert "problem" not in captured.err


def test_each_briefing_gets_the_library_s_problems_it_shows(db: Path) -> None:
    """check_briefings (run once per finding and chart) equals the whole library's problems filtered
    to what each audience's briefing shows; a wording for one audience is nobody else's problem."""
    from briefing.checks import Library, in_briefing, run_checks
    from briefing.checks.audience import check_briefings
    from briefing.compose.scope import briefing_contents
    from briefing.services import open_service

    _introduce_problems(db)
    svc = open_service(db)
    try:
        library = Library(svc.list_findings(), svc.list_charts(), svc.list_audiences())
    finally:
        svc.close()
    scopes = {a.key: briefing_contents(a, library.findings) for a in library.audiences}
    everything = run_checks(library)
    assert len(everything) == 3
    found = check_briefings(library, scopes)
    for key, (slugs, charts) in scopes.items():
        assert found[key] == [p for p in everything if in_briefing(p, key, slugs, charts)], key
    assert {key: len(found[key]) for key in scopes} == {"full": 1, "asia": 2, "west": 0, "investors": 1}


def test_an_export_reads_the_findings_once_for_its_checks_and_its_briefing(
        db: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from collections import Counter

    from pypdf import PdfReader

    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.services.service import BriefingService
    from briefing.writers import WriteOptions, export

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # the manifest's generation time, fixed in both exports
    reads: Counter[str] = Counter()
    originals = {name: getattr(BriefingService, name) for name in ("list_findings", "list_charts")}
    for name, real in originals.items():

        def counted(self: BriefingService, *args: object, _real=real, _name=name, **kw: object) -> object:
            reads[_name] += 1
            return _real(self, *args, **kw)

        monkeypatch.setattr(BriefingService, name, counted)
    assert main(["--db", str(db), "export", "--audience", "full", "-o", "full.pdf", "-q"]) == 0
    assert reads == {"list_findings": 1, "list_charts": 2}  # all charts, and the audience's
    for name, real in originals.items():
        monkeypatch.setattr(BriefingService, name, real)
    svc = open_service(db)
    try:  # the same bytes as a briefing composed straight from the service
        export(compose(svc, "full"), "pdf", tmp_path / "direct.pdf", WriteOptions(), None)
    finally:
        svc.close()
    assert (tmp_path / "full.pdf").read_bytes() == (tmp_path / "direct.pdf").read_bytes()
    assert "China’s AI machine" in PdfReader(tmp_path / "full.pdf").pages[0].extract_text()
