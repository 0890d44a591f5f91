"""`briefing reports …` and `--report` on a real SQLite file: a briefing made from nothing on the
command line, a May edition copied from April and the diff that lists exactly what changed."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from briefing.cli import main
from briefing.domain.errors import ValidationError
from briefing.services import open_service


def cli(capsys: pytest.CaptureFixture[str], db: Path, *args: str) -> tuple[int, str, str]:
    code = main(["--db", str(db), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_a_three_section_briefing_from_nothing(capsys, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "lib.sqlite3"
    code, _, err = cli(capsys, db, "reports", "new", "gulf", "--title", "Gulf Energy Monitor", "--edition", "Q2 2026",
                       "--section", "supply=Supply and output", "--section", "prices=Prices",
                       "--section", "outlook=The Outlook=Outlook")
    assert code == 0, err
    for section, title in (("supply", "Output rose"), ("prices", "Brent fell"), ("outlook", "Demand will grow")):
        code, _, err = cli(capsys, db, "findings", "add", "--report", "gulf", "--title", title,
                           "--statement", f"{title} in the quarter.", "--section", section)
        assert code == 0, err
    code, _, err = cli(capsys, db, "findings", "add", "--report", "gulf", "--title", "X", "--statement", "x",
                       "--section", "chips")
    assert code == 2 and "not a section of report “gulf”; choose one of supply, prices, outlook" in err
    out_file = tmp_path / "gulf.md"
    code, _, err = cli(capsys, db, "export", "--report", "gulf", "--audience", "standard", "--format", "md",
                       "--output", str(out_file), "--quiet")
    assert code == 0, err
    headings = [line for line in out_file.read_text(encoding="utf-8").splitlines() if line.startswith("## ")]
    assert [h for h in headings if h[3].isdigit()] == ["## 1. Supply and output", "## 2. Prices", "## 3. The Outlook"]
    # The seed report is untouched, and an audience of the other report is refused with this one's listed.
    code, _, err = cli(capsys, db, "export", "--report", "gulf", "--audience", "asia", "--format", "md",
                       "--output", str(tmp_path / "x.md"))
    assert code == 2 and "choose one of standard" in err
    code, out, _ = cli(capsys, db, "reports", "list", "--json")
    listed = {r["key"]: r for r in json.loads(out)}
    assert set(listed) == {"digital-in-asia-2026-04", "gulf"} and listed["gulf"]["current"]  # the last used


def test_unknown_report_and_section_name_the_valid_keys(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(capsys, seeded_db, "--report", "nope", "findings", "list")
    assert code == 2 and "no report “nope”; choose one of digital-in-asia-2026-04" in err
    code, _, err = cli(capsys, seeded_db, "findings", "list", "--section", "nowhere")
    assert code == 2 and "choose one of overview, model-landscape" in err
    code, out, _ = cli(capsys, seeded_db, "reports", "sections")
    assert code == 0 and "chips: The Chip Question" in out


def test_a_section_in_use_is_kept_and_the_message_says_where(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    code, _, err = cli(capsys, seeded_db, "reports", "sections", "--section", "overview=Overview")
    assert code == 2 and "finding(s) in “chips”" in err and "move them to another section first" in err


def _may(capsys, db: Path) -> None:  # type: ignore[no-untyped-def]
    code, out, err = cli(capsys, db, "reports", "new-edition", "dia-2026-05", "--edition", "May 2026",
                         "--data-as-of", "2026-05-31")
    assert code == 0, err
    assert "103 finding(s) carried over" in out


def test_a_may_edition_carries_everything_over_marked(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    _may(capsys, seeded_db)
    svc = open_service(seeded_db)
    try:
        april = svc.list_findings()
        svc.use_report("dia-2026-05")
        report = svc.get_report()
        assert report.title == "Digital in Asia — May 2026" and report.edition == "May 2026"
        may = svc.list_findings()
        assert [f.slug for f in may] == [f.slug for f in april]
        assert all(f.carried_over for f in may)
        assert [f.predecessor_id for f in may] == [f.id for f in april]
        assert [(f.metrics and [(m.value, m.unit) for m in f.metrics], [s.key for s in f.sources], dict(f.wordings))
                for f in may] == [(f.metrics and [(m.value, m.unit) for m in f.metrics], [s.key for s in f.sources],
                                   dict(f.wordings)) for f in april]
        assert [a.key for a in svc.list_audiences()] == ["full", "asia", "west", "investors"]
        assert len(svc.list_charts()) == 17
        # Confirming or editing clears the mark; the April finding keeps its own.
        confirmed = svc.confirm_finding(may[0].id, may[0].version)
        assert not confirmed.carried_over
        edited = svc.update_finding(may[1].id, replace(may[1].to_draft(), title="Edited in May"), may[1].version)
        assert not edited.carried_over and svc.list_findings()[2].carried_over
    finally:
        svc.close()
    conn = sqlite3.connect(seeded_db)
    assert conn.execute("SELECT COUNT(*) FROM findings WHERE carried_over").fetchone()[0] == 101
    conn.close()


def test_an_edition_before_its_predecessor_is_refused(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    _may(capsys, seeded_db)
    code, _, err = cli(capsys, seeded_db, "reports", "new-edition", "dia-2026-06", "--from", "dia-2026-05",
                       "--edition", "June 2026", "--data-as-of", "2026-05-01")
    assert code == 2 and "data_as_of" in err and "before the previous edition" in err
    code, out, _ = cli(capsys, seeded_db, "reports", "list")
    assert "dia-2026-06" not in out
    code, _, err = cli(capsys, seeded_db, "reports", "new-edition", "dia-2026-05", "--edition", "Again")
    assert code == 2 and "already exists" in err


def test_the_diff_lists_exactly_what_changed(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    _may(capsys, seeded_db)
    svc = open_service(seeded_db)
    try:
        svc.use_report("dia-2026-05")
        may = [f for f in svc.list_findings() if f.metrics]
        changed = {}
        for f in may[:3]:
            m = f.metrics[0]
            new_value = m.value + 1
            metrics = list(f.to_draft().metrics)
            metrics[0] = replace(metrics[0], value=new_value)
            svc.update_finding(f.id, replace(f.to_draft(), metrics=tuple(metrics)), f.version)
            changed[f.slug] = (m, new_value)
        gone = svc.list_findings()[-1]
        svc.delete_finding(gone.id)
        new = svc.create_finding(replace(may[0].to_draft(), slug=None, title="A new finding for May",
                                         statement="Something new in May."))
        diff = svc.diff_editions("digital-in-asia-2026-04", "dia-2026-05")
    finally:
        svc.close()
    assert [f.slug for f in diff.added] == [new.slug]
    assert [f.slug for f in diff.removed] == [gone.slug]
    assert {c.new.slug for c in diff.changed} == set(changed)
    for c in diff.changed:
        old_metric, value = changed[c.new.slug]
        assert [x.field for x in c.fields] == ["metrics.0.value"]
        assert c.fields[0].old == old_metric.display(compact=False)
        assert c.fields[0].new == replace(old_metric, value=value).display(compact=False)
    code, out, _ = cli(capsys, seeded_db, "reports", "diff", "digital-in-asia-2026-04", "dia-2026-05")
    assert code == 0
    assert "1 added, 1 removed, 3 changed" in out
    assert f"+ {new.slug}" in out and f"- {gone.slug}" in out
    for slug, (m, _v) in changed.items():
        assert f"~ {slug}" in out and f"metrics.0.value: {m.display(compact=False)} →" in out


def test_a_template_can_say_what_changed_since_the_last_edition(capsys, seeded_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _may(capsys, seeded_db)
    svc = open_service(seeded_db)
    try:
        svc.use_report("dia-2026-05")
        f = next(f for f in svc.list_findings() if f.metrics)
        metrics = list(f.to_draft().metrics)
        metrics[0] = replace(metrics[0], value=f.metrics[0].value * 2)
        svc.update_finding(f.id, replace(f.to_draft(), metrics=tuple(metrics)), f.version)
        gone = svc.list_findings()[-1]
        svc.delete_finding(gone.id)
        asia = svc.get_audience("asia")
        svc.update_audience("asia", template={**dict(asia.template), "what_changed": True})
        with pytest.raises(ValidationError):  # anything else than true, false or a title is named
            svc.update_audience("asia", template={**dict(asia.template), "what_changed": 3})
        old = f.metrics[0].display(compact=False)
        new = replace(f.metrics[0], value=f.metrics[0].value * 2).display(compact=False)
    finally:
        svc.close()
    out = tmp_path / "asia.md"
    code, _, err = cli(capsys, seeded_db, "--report", "dia-2026-05", "export", "--audience", "asia", "--format", "md",
                       "--output", str(out), "--quiet")
    assert code == 0, err
    text = out.read_text(encoding="utf-8")
    assert "What changed since April 2026" in text
    section = text.split("What changed since April 2026", 2)[-1].split("\n## ", 1)[0]
    assert "0 new, 1 changed and 1 dropped findings since April 2026." in section
    assert f"{f.title} (figure 1 {old} → {new})" in section
    assert f"Dropped:** {gone.title}" in section or f"Dropped: {gone.title}" in section.replace("**", "")
    # The April edition's own briefing has no such section (a first edition).
    code, _, err = cli(capsys, seeded_db, "--report", "digital-in-asia-2026-04", "export", "--audience", "asia",
                       "--format", "md", "--output", str(tmp_path / "april.md"), "--quiet")
    assert code == 0 and "What changed since" not in (tmp_path / "april.md").read_text(encoding="utf-8")


def test_show_edit_and_delete_a_report(capsys, seeded_db: Path) -> None:  # type: ignore[no-untyped-def]
    cli(capsys, seeded_db, "reports", "new", "gulf", "--title", "Gulf", "--section", "supply=Supply")
    code, out, err = cli(capsys, seeded_db, "reports", "edit", "gulf", "--key", "gulf-q2", "--title", "Gulf Energy",
                         "--edition", "Q2 2026", "--data-as-of", "2026-06-30")
    assert code == 0, err
    code, out, _ = cli(capsys, seeded_db, "reports", "show", "gulf-q2")
    assert code == 0 and "Gulf Energy" in out and "edition Q2 2026" in out and "1. supply: Supply" in out
    code, _, err = cli(capsys, seeded_db, "reports", "edit", "gulf-q2", "--title", " ")
    assert code == 2 and "title" in err and "required" in err
    code, _, err = cli(capsys, seeded_db, "reports", "edit", "gulf-q2", "--key", "digital-in-asia-2026-04")
    assert code == 2 and "key" in err and "already exists" in err
    code, _, err = cli(capsys, seeded_db, "reports", "delete", "digital-in-asia-2026-04")
    assert code == 1 and "Refusing without --yes" in err  # asks first; no terminal here
    code, out, _ = cli(capsys, seeded_db, "reports", "delete", "digital-in-asia-2026-04", "--yes")
    assert code == 0
    code, out, _ = cli(capsys, seeded_db, "reports", "list", "--json")
    assert [r["key"] for r in json.loads(out)] == ["gulf-q2"]
    conn = sqlite3.connect(seeded_db)
    assert conn.execute("SELECT COUNT(*) FROM findings").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM metrics").fetchone()[0] == 0
    assert conn.execute("SELECT COUNT(*) FROM sources").fetchone()[0] == 19  # the library's, kept
    conn.close()


def test_an_export_job_names_its_report(capsys, seeded_db: Path, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from briefing.exporting import ExportJob, run_job

    cli(capsys, seeded_db, "reports", "new", "gulf", "--title", "Gulf Energy Monitor", "--section", "supply=Supply")
    cli(capsys, seeded_db, "findings", "add", "--report", "gulf", "--title", "Output rose",
        "--statement", "Output rose in the quarter.", "--section", "supply")
    cli(capsys, seeded_db, "--report", "digital-in-asia-2026-04", "reports", "list")  # the seed is the last used
    target = tmp_path / "gulf.md"
    run_job(ExportJob(f"sqlite:///{seeded_db}", "standard", "md", str(target), report="gulf"))
    text = target.read_text(encoding="utf-8")
    assert "Gulf Energy Monitor" in text and "Output rose in the quarter." in text
