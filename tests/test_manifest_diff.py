"""The manifest in every exported file and `briefing diff`: the real CLI in a subprocess over a real
seeded SQLite file, the files parsed back with pypdf, python-docx's zip and plain text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from pypdf import PdfReader

from briefing.domain.manifest import SCHEMA, Manifest, ManifestError
from briefing.writers.manifest import PART_NAME, read_manifest

FORMATS = ("pdf", "docx", "md")


def run(db: Path, cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_SERVER": "off", **(env or {})}
    full.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=full, cwd=cwd, timeout=180)


@pytest.fixture
def sent(seeded_db: Path, tmp_path: Path) -> Path:
    """The Asia briefing in every format, and a deck of the Asia charts, as sent before any edit."""
    for fmt in FORMATS:
        r = run(seeded_db, tmp_path, "export", "--audience", "asia", "--format", fmt, "-o", f"asia.{fmt}", "-q")
        assert r.returncode == 0, r.stderr
    r = run(seeded_db, tmp_path, "charts", "deck", "--audience", "asia", "--out", "asia.pptx")
    assert r.returncode == 0, r.stderr
    return tmp_path


def test_every_format_carries_the_manifest_where_its_readers_look(sent: Path) -> None:
    pdf = PdfReader(sent / "asia.pdf")
    attached = json.loads(pdf.attachments["briefing-manifest.json"][0])
    assert attached["format"] == "briefing-manifest" and attached["audience"]["key"] == "asia"
    assert attached["report"]["key"] and attached["report"]["edition"] and attached["template_hash"]
    assert attached["app_version"] and attached["generated"].endswith("Z")
    first = attached["findings"][0]
    assert {"id", "slug", "version", "hash", "metrics"} <= set(first) and first["metrics"][0]["value"]
    assert {"key", "hash", "findings"} <= set(attached["charts"][0])
    xmp = pdf.xmp_metadata
    assert xmp is not None and b"<briefing:audience>asia</briefing:audience>" in xmp.stream.get_data()
    for name in ("asia.docx", "asia.pptx"):
        with zipfile.ZipFile(sent / name) as z:
            assert PART_NAME.lstrip("/") in z.namelist()
            rels = [n for n in z.namelist() if n.endswith(".rels")]
            assert any(b"briefing-manifest.xml" in z.read(n) and b"/customXml" in z.read(n) for n in rels)
    md = (sent / "asia.md").read_text(encoding="utf-8")
    assert md.startswith("---\nbriefing-manifest: {") and "\n---\n\n# " in md
    manifests = {name: read_manifest(sent / name) for name in ("asia.pdf", "asia.docx", "asia.md", "asia.pptx")}
    assert manifests["asia.pdf"] == manifests["asia.docx"] == manifests["asia.md"]
    assert manifests["asia.pptx"].kind == "deck" and manifests["asia.pptx"].charts


def test_diff_after_editing_two_findings_and_deleting_one_lists_exactly_those(seeded_db: Path, sent: Path) -> None:
    from briefing.services import open_service

    deck = read_manifest(sent / "asia.pptx")
    briefing = read_manifest(sent / "asia.pdf")
    in_briefing = {f.slug for f in briefing.findings}
    # Three findings both the briefing and the deck show (so every file must report them).
    drawn = [f.slug for f in deck.findings if f.slug in in_briefing]
    assert len(drawn) >= 3
    a, b, c = drawn[:3]
    svc = open_service(seeded_db)
    try:
        fa = svc.get_finding(a)
        metrics = list(fa.to_draft().metrics)
        old_value = fa.metrics[0].display(compact=False)
        metrics[0] = replace(metrics[0], value=fa.metrics[0].value + Decimal(7))
        new_value = replace(fa.metrics[0], value=fa.metrics[0].value + Decimal(7)).display(compact=False)
        svc.update_finding(fa.id, replace(fa.to_draft(), metrics=tuple(metrics)), fa.version)
        fb = svc.get_finding(b)
        svc.update_finding(fb.id, replace(fb.to_draft(), title=fb.title + " (revised)"), fb.version)
        fc = svc.get_finding(c)
        svc.delete_finding(fc.id)
    finally:
        svc.close()
    for name in ("asia.pdf", "asia.docx", "asia.md", "asia.pptx"):
        r = run(seeded_db, sent, "diff", name, "--json")
        assert r.returncode == 1, (name, r.stderr)
        out = json.loads(r.stdout)
        found = out["findings"]
        assert found["added"] == [] and [f["slug"] for f in found["removed"]] == [c], name
        assert {f["slug"] for f in found["changed"]} == {a, b}, name
        changed = {f["slug"]: {d["field"]: d for d in f["fields"]} for f in found["changed"]}
        assert set(changed[b]) == {"title"} and changed[b]["title"]["new"] == fb.title + " (revised)"
        assert changed[a]["metrics.0.value"]["old"] == old_value and changed[a]["metrics.0.value"]["new"] == new_value
        assert set(changed[a]) == {"metrics.0.value"}
        # The charts that plot A's number or the deleted C changed (or, left with no data, dropped
        # out); B's new title is not plotted, so it changes no chart.
        sent_manifest = read_manifest(sent / name)
        touched = {ch.key for ch in sent_manifest.charts if {a, c} & set(ch.findings)}
        charts = out["charts"]
        assert {ch["key"] for ch in charts["changed"] + charts["removed"]} == touched and touched, name
        assert charts["added"] == []
        # A's statement still says the old number: the evidence check that now fails is listed.
        assert any(p["subject"] == a for p in out["new_problems"]), (name, out["new_problems"])
        assert all(p["subject"] in {a, b} or p["kind"] == "chart" for p in out["new_problems"]), name
    text = run(seeded_db, sent, "diff", "asia.pdf")
    assert text.returncode == 1
    lines = text.stdout.splitlines()
    assert lines[0].startswith("asia.pdf (audience asia, report ") and lines[0].endswith("against the database now:")
    assert f"removed  finding {c}: {fc.title}" in lines
    assert f"changed  finding {b}: {fb.title} (revised)" in lines
    assert f"           metrics.0.value: {old_value} → {new_value}" in lines
    assert lines[-1].startswith("0 added, 1 removed, 2 changed findings;")


def test_diff_of_two_files_and_of_an_unchanged_database(seeded_db: Path, sent: Path) -> None:
    r = run(seeded_db, sent, "diff", "asia.pdf")
    assert r.returncode == 0 and r.stdout.splitlines()[-1] == "No changes.", r.stdout + r.stderr
    r = run(seeded_db, sent, "diff", "asia.md", "asia.docx", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["findings"]["changed"] == []
    r = run(seeded_db, sent, "diff", "asia.pptx")
    assert r.returncode == 0, r.stdout + r.stderr


def test_two_exports_of_the_same_data_are_byte_identical_under_a_fixed_clock(seeded_db: Path, tmp_path: Path) -> None:
    fixed = {"SOURCE_DATE_EPOCH": "1767225600"}
    for name in ("one", "two"):
        for fmt in ("pdf", "md"):
            r = run(seeded_db, tmp_path, "export", "--audience", "asia", "--format", fmt, "-o", f"{name}.{fmt}",
                    env=fixed)
            assert r.returncode == 0, r.stderr
    assert (tmp_path / "one.pdf").read_bytes() == (tmp_path / "two.pdf").read_bytes()
    assert (tmp_path / "one.md").read_bytes() == (tmp_path / "two.md").read_bytes()
    assert read_manifest(tmp_path / "one.pdf").generated == "2026-01-01T00:00:00Z"


# ---- Bad input: one clear line, exit 2, never a trace


def _manifest_json(sent: Path) -> dict[str, object]:
    return json.loads(read_manifest(sent / "asia.md").to_json())


def test_files_without_a_manifest_are_named(seeded_db: Path, sent: Path, tmp_path: Path) -> None:
    from docx import Document as WordDocument
    from reportlab.pdfgen.canvas import Canvas

    foreign_pdf = tmp_path / "foreign.pdf"
    canvas = Canvas(str(foreign_pdf))
    canvas.drawString(72, 720, "Not a briefing")
    canvas.save()
    WordDocument().save(str(tmp_path / "hand.docx"))
    (tmp_path / "notes.md").write_text("# Notes\n\nbriefing-manifest: {}\n", encoding="utf-8")
    (tmp_path / "junk.pdf").write_bytes(b"%PDF-1.4\n garbage")
    for name in ("foreign.pdf", "hand.docx", "notes.md", "junk.pdf"):
        r = run(seeded_db, tmp_path, "diff", name)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stderr.startswith(f"briefing diff: No Briefing manifest in {name}"), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1 and "Traceback" not in r.stderr
    r = run(seeded_db, tmp_path, "diff", "missing.pdf")
    assert (r.returncode, r.stderr.strip()) == (2, "briefing diff: missing.pdf: no such file")


def test_a_newer_schema_is_refused_by_name_and_a_damaged_manifest_is_one_line(seeded_db: Path, sent: Path) -> None:
    raw = _manifest_json(sent)
    body = (sent / "asia.md").read_text(encoding="utf-8").split("\n---\n", 1)[1]

    def md_with(value: str, name: str) -> str:
        (sent / name).write_text(f"---\nbriefing-manifest: {value}\n---\n{body}", encoding="utf-8")
        return name

    newer = md_with(json.dumps({**raw, "schema": SCHEMA + 1}), "newer.md")
    r = run(seeded_db, sent, "diff", newer)
    assert r.returncode == 2 and f"is schema {SCHEMA + 1}, newer than this Briefing reads" in r.stderr
    damaged = [
        md_with('{"format": "briefing-manifest", "schema": 1, "find', "cut.md"),
        md_with(json.dumps({**raw, "findings": [{"slug": 3}]}), "wrong-types.md"),
        md_with(json.dumps({**raw, "findings": "all of them"}), "not-a-list.md"),
        md_with(json.dumps({k: v for k, v in raw.items() if k != "charts"}), "no-charts.md"),
        md_with(json.dumps({**raw, "schema": "1"}), "schema-text.md"),
    ]
    for name in damaged:
        r = run(seeded_db, sent, "diff", name)
        assert r.returncode == 2, (name, r.stdout, r.stderr)
        assert r.stderr.startswith(f"briefing diff: The Briefing manifest in {name} is damaged"), r.stderr
        assert len(r.stderr.strip().splitlines()) == 1
    # A damaged custom XML part in a Word file: the same one line.
    with zipfile.ZipFile(sent / "asia.docx") as src, zipfile.ZipFile(sent / "broken.docx", "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            dst.writestr(item, data[: len(data) // 2] if item.filename == PART_NAME.lstrip("/") else data)
    r = run(seeded_db, sent, "diff", "broken.docx")
    assert r.returncode == 2 and r.stderr.startswith("briefing diff: The Briefing manifest in broken.docx is damaged")


def test_the_parser_never_raises_anything_but_manifest_error() -> None:
    """Every truncation of a real manifest's JSON is refused cleanly (the CLI test samples a few)."""
    from briefing.domain.manifest import ChartEntry, FindingEntry, MetricEntry, ProblemEntry

    m = Manifest(kind="briefing", report_key="r", report_title="R", edition="1", audience_key="a",
                 audience_name="A", template_hash="t",
                 findings=(FindingEntry(1, "s", 2, "T", "h", (("title", "T"),), (("statement", "x"),),
                                        (MetricEntry("L", "1.5", "%", "", "1.5%"),)),),
                 charts=(ChartEntry("c", "C", "h", ("s",)),),
                 problems=(ProblemEntry("rule", "finding", "s", "title", "1", "m"),), app_version="0")
    text = m.to_json()
    assert Manifest.from_json(text, "f") == m
    for cut in range(len(text)):
        with pytest.raises(ManifestError):
            Manifest.from_json(text[:cut], "f")
