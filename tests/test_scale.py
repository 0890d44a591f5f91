"""Scale: `findings list` streams in chunks (bounded memory, first line at once), a closed pipe ends it
quietly, bulk-imported findings are searchable, and an oversized briefing is refused up front."""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from briefing.domain.errors import ValidationError


@pytest.fixture(scope="module")
def db5k(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from benchmarks.synth import make_database

    return make_database(tmp_path_factory.mktemp("scale") / "5k.sqlite3", 5_000)


def test_iter_findings_matches_list_and_holds_one_chunk(db5k: Path) -> None:
    from briefing.services import open_service

    svc = open_service(db5k)
    try:
        assert [f.id for f in svc.iter_findings(chunk=400)] == [f.id for f in svc.list_findings()]
        assert [f.id for f in svc.iter_findings(search="tokens", chunk=400)] == svc.search_ids("tokens", None)
        chips = [f.id for f in svc.list_findings(section="chips")]
        assert [f.id for f in svc.iter_findings(section="chips", chunk=400)] == chips
        for _ in svc.iter_findings(chunk=100):  # warm: statement caches are not what is measured
            pass
        tracemalloc.start()
        for _ in svc.iter_findings(chunk=100):
            pass
        streamed = tracemalloc.get_traced_memory()[1]
        tracemalloc.reset_peak()
        everything = svc.list_findings()
        whole = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        assert len(everything) == 5_000
        assert streamed * 3 < whole, (streamed, whole)
    finally:
        svc.close()


def test_list_into_a_closed_pipe_ends_quietly(db5k: Path, tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFING_DB": str(db5k), "BRIEFING_SERVER": "off", "XDG_STATE_HOME": str(tmp_path)}
    env.pop("BRIEFING_DEBUG", None)
    p = subprocess.Popen([sys.executable, "-m", "briefing", "findings", "list"], stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, env=env)
    assert p.stdout is not None and p.stderr is not None
    first = p.stdout.readline()
    p.stdout.close()  # `| head -1`
    err = p.stderr.read().decode()
    code = p.wait(timeout=120)
    assert first.strip().startswith(b"1 ")
    assert err == "" and code == 141, (code, err)


def test_list_json_streams_valid_json(db5k: Path) -> None:
    from briefing.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(db5k), "findings", "list", "--json", "--search", "Ascend", "--section", "chips"]) == 0
    records = json.loads(out.getvalue())
    assert records and all(r["section"] == "chips" and "id" in r for r in records)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", str(db5k), "findings", "list", "--json", "--search", "zzzznothing"]) == 0
    assert json.loads(out.getvalue()) == []


def test_bulk_imported_findings_are_searchable_and_whole(empty_service, tmp_path: Path) -> None:
    doc = {"findings": [{"slug": f"bulk-{i}", "title": f"Bulk quokka {i}", "statement": "S.", "section": "cost",
                         "tags": ["t1", "t2"], "metrics": [{"label": "L", "value": str(i), "unit": "%"}],
                         "wordings": {"asia": "Hi"}} for i in range(3000)]}
    path = tmp_path / "bulk.json"
    path.write_text(json.dumps(doc))
    assert empty_service.import_findings(path).created == 3000
    assert len(empty_service.search_ids("quokka", None)) == 3000
    f = empty_service.get_finding("bulk-2999")
    assert (f.title, f.tags, str(f.metrics[0].value), dict(f.wordings)) == ("Bulk quokka 2999", ("t1", "t2"), "2999",
                                                                           {"asia": "Hi"})
    assert f.version == 1 and f.position == 3000


def test_an_oversized_briefing_is_refused_up_front_with_count_and_limit(
    seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import importlib

    from briefing.cli import main

    compose_module = importlib.import_module("briefing.compose.compose")
    from briefing.services import open_service

    monkeypatch.setattr(compose_module, "MAX_BRIEFING_FINDINGS", 50)
    svc = open_service(seeded_db)
    try:
        n = svc.count_findings()
        with pytest.raises(ValidationError) as info:
            compose_module.compose(svc, "full")
        assert f"holds {n:,} findings" in str(info.value) and "at most 50" in str(info.value)
    finally:
        svc.close()
    folder = tmp_path / "out"
    folder.mkdir()
    assert main(["--db", str(seeded_db), "export", "--audience", "full", "--format", "pdf",
                 "-o", str(folder / "full.pdf")]) == 2
    err = capsys.readouterr().err
    assert f"holds {n:,} findings" in err and len(err.strip().splitlines()) == 1
    assert list(folder.iterdir()) == []


def test_findings_export_streams_and_writes_the_same_bytes(service, tmp_path: Path) -> None:
    from briefing.store.transfer import FORMAT, FORMAT_VERSION, finding_dict, source_dict

    path = tmp_path / "all.json"
    n = service.export_findings(path)  # streamed through iter_findings
    findings = service.list_findings()
    sources = {s.key: s for f in findings for s in f.sources}
    whole = {"format": FORMAT, "version": FORMAT_VERSION,
             "sources": [source_dict(sources[k]) for k in sorted(sources)],
             "findings": [finding_dict(f) for f in findings]}
    assert n == len(findings)
    assert path.read_bytes() == json.dumps(whole, ensure_ascii=False, indent=2).encode("utf-8")
    empty = tmp_path / "none.json"
    assert service.export_findings(empty, section="no-such-section") == 0
    assert json.loads(empty.read_text()) == {"format": FORMAT, "version": FORMAT_VERSION, "sources": [],
                                             "findings": []}
