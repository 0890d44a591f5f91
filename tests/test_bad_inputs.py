"""The bad-input table: each row is a mistake a user can make (a path, a URL, a database file, an import
document, a flag). Through the CLI (in process, stderr captured) and, for import documents, the service:
the refusal is one or two lines naming the thing, with no traceback or library text, and nothing on disk
changes (the database and the folder around it are hashed before and after)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from briefing.domain.errors import BriefingError

LIBRARY_WORDS = ("Traceback", "sqlite3.", "sqlalche", "OperationalError", "DatabaseError", "CommandError",
                 "ValueError", "TypeError", "KeyError", "AttributeError", "RecursionError", "IndexError",
                 "unexpected", "Errno")


def _f(**extra: Any) -> dict[str, Any]:
    return {"slug": "x1", "title": "T", "statement": "S.", "section": "cost", **extra}


def _src(**extra: Any) -> dict[str, Any]:
    return {"key": "k1", "publisher": "P", "title": "T", **extra}


# (row id, import document: a JSON-able value or raw bytes, what the message must name)
DOCUMENTS: list[tuple[str, Any, str]] = [
    ("finding-not-object", {"findings": [1]}, "findings[0]"),
    ("sources-a-string", {"sources": "abc", "findings": []}, "sources"),
    ("tags-a-number", {"findings": [_f(tags=5)]}, "findings[0].tags"),
    ("tag-a-number", {"findings": [_f(tags=["a", 5])]}, "findings[0].tags[1]"),
    ("wordings-a-list", {"findings": [_f(wordings=[1])]}, "findings[0].wordings"),
    ("wording-unknown-audience", {"findings": [_f(wordings={"nope": "x"})]}, "findings[0].wordings.nope"),
    ("metrics-a-string", {"findings": [_f(metrics="x")]}, "findings[0].metrics"),
    ("metric-a-number", {"findings": [_f(metrics=[1])]}, "findings[0].metrics[0]"),
    ("metric-value-bool", {"findings": [_f(metrics=[{"label": "L", "value": True}])]}, "findings[0].metrics[0].value"),
    ("metric-value-nan", {"findings": [_f(metrics=[{"label": "L", "value": "nan"}])]}, "findings[0].metrics[0].value"),
    ("metric-value-words", {"findings": [_f(metrics=[{"label": "L", "value": "lots"}])]},
     "findings[0].metrics[0].value"),
    ("metric-no-label", {"findings": [_f(metrics=[{"value": "1"}])]}, "findings[0].metrics[0].label"),
    ("metric-unknown-field", {"findings": [_f(metrics=[{"label": "L", "value": "1", "colour": "red"}])]},
     "findings[0].metrics[0].colour"),
    ("metric-bad-scale", {"findings": [_f(metrics=[{"label": "L", "value": "1", "scale": "zillion"}])]},
     "findings[0].metrics[0].scale"),
    ("title-a-number", {"findings": [_f(title=5)]}, "findings[0].title"),
    ("title-missing", {"findings": [{"statement": "S", "section": "cost"}]}, "findings[0].title"),
    ("title-too-long", {"findings": [_f(title="t" * 400)]}, "findings[0].title"),
    ("section-unknown", {"findings": [_f(section="nope")]}, "findings[0].section"),
    ("kind-unknown", {"findings": [_f(kind="rumour")]}, "findings[0].kind"),
    ("as-of-words", {"findings": [_f(as_of="March")]}, "findings[0].as_of"),
    ("slug-bad-chars", {"findings": [_f(slug="Bad Slug!")]}, "findings[0].slug"),
    ("too-many-metrics", {"findings": [_f(metrics=[{"label": "L", "value": "1"}] * 201)]}, "findings[0].metrics"),
    ("unknown-finding-field", {"findings": [_f(statment="typo")]}, "findings[0].statment"),
    ("unknown-top-field", {"findings": [], "extra": 1}, "extra"),
    ("foreign-format", {"format": "other-app", "findings": []}, "format"),
    ("future-version", {"format": "briefing-findings", "version": 999, "findings": []}, "version"),
    ("version-text", {"version": "1", "findings": []}, "version"),
    ("findings-missing", {"sources": []}, "findings"),
    ("findings-a-number", {"findings": 7}, "findings"),
    ("document-a-string", "abc", "(document)"),
    ("duplicate-slugs", {"findings": [_f(), _f(title="Other")]}, "findings[1].slug"),
    ("slugs-differ-in-case", {"findings": [_f(slug="Case"), _f(slug="case", title="U")]}, "findings[1].slug"),
    ("same-title-no-slug", {"findings": [{**_f(), "slug": None}, {**_f(), "slug": None}]}, "findings[1].slug"),
    ("duplicate-source-keys", {"sources": [_src(), _src(publisher="Q")], "findings": []}, "sources[1].key"),
    ("unknown-source-key", {"findings": [_f(sources=["nope"])]}, "findings[0].sources"),
    ("url-open-bracket", {"sources": [_src(url="http://[::1")], "findings": []}, "sources[0].url"),
    ("url-with-space", {"sources": [_src(url="http://exa mple.com")], "findings": []}, "sources[0].url"),
    ("url-not-web", {"sources": [_src(url="ftp://example.com/x")], "findings": []}, "sources[0].url"),
    ("url-bad-port", {"sources": [_src(url="http://example.com:port/")], "findings": []}, "sources[0].url"),
    ("url-no-host", {"sources": [_src(url="http:///path")], "findings": []}, "sources[0].url"),
    ("source-no-publisher", {"sources": [{"key": "k", "title": "T"}], "findings": []}, "sources[0].publisher"),
    ("source-bad-date", {"sources": [_src(published="soon")], "findings": []}, "sources[0].published"),
    ("source-a-number", {"sources": [5], "findings": []}, "sources[0]"),
    ("field-twice", b'{"findings": [{"title": "A", "title": "B", "statement": "S", "section": "cost"}]}', "title"),
    ("not-json", b"{not json", "not valid JSON"),
    ("empty-file", b"", "not valid JSON"),
    ("not-utf8", b'{"findings": [{"title": "\xff\xfe"}]}', "UTF-8"),
    ("deep-nesting", b'{"findings": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested"),
]


def _digest(folder: Path) -> dict[str, str]:
    """Every file under `folder` by content; SQLite's -shm index changes on reads and is left out."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.name.endswith("-shm")}


@pytest.fixture
def place(seeded_db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder holding the database and the files of one row; the error log goes elsewhere."""
    folder = tmp_path / "place"
    folder.mkdir()
    shutil.copyfile(seeded_db, folder / "briefing.sqlite3")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("BRIEFING_DB", str(folder / "briefing.sqlite3"))
    monkeypatch.delenv("BRIEFING_DEBUG", raising=False)
    return folder


def _write_doc(folder: Path, doc: Any) -> Path:
    path = folder / "in.json"
    path.write_bytes(doc if isinstance(doc, bytes) else json.dumps(doc).encode())
    return path


def _refused(code: int, err: str, needle: str) -> None:
    lines = err.strip().splitlines()
    assert code != 0, err
    assert 1 <= len(lines) <= 2, err
    for word in LIBRARY_WORDS:
        assert word not in err, err
    assert needle in err, err


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    from briefing.cli import main

    capsys.readouterr()
    code = main(list(args))
    return code, capsys.readouterr().err


@pytest.mark.parametrize(("doc", "needle"), [pytest.param(d, n, id=i) for i, d, n in DOCUMENTS])
def test_import_document_through_the_cli(place: Path, capsys: pytest.CaptureFixture[str], doc: Any,
                                         needle: str) -> None:
    path = _write_doc(place, doc)
    before = _digest(place)
    code, err = _cli(capsys, "findings", "import", str(path))
    _refused(code, err, needle)
    assert _digest(place) == before


@pytest.mark.parametrize(("doc", "needle"), [pytest.param(d, n, id=i) for i, d, n in DOCUMENTS])
def test_import_document_through_the_service(place: Path, doc: Any, needle: str) -> None:
    from briefing.services import open_service

    path = _write_doc(place, doc)
    before = _digest(place)
    svc = open_service(place / "briefing.sqlite3")
    try:
        with pytest.raises(BriefingError) as info:
            svc.import_findings(path)
    finally:
        svc.close()
    assert needle in str(info.value)
    assert "\n" not in str(info.value)
    assert _digest(place) == before


CSV_HEAD = "slug,title,statement,section,kind,tags,as_of,sources,metrics,wordings\r\n"

# (row id, a command line with {db}, {dir} and {csv} filled in, CSV text or None, what the message must name)
COMMANDS: list[tuple[str, list[str], str | None, str]] = [
    ("csv-missing-columns", ["findings", "import", "{csv}"], "slug,title\r\na,b\r\n", "lacks column"),
    ("csv-tags-not-json", ["findings", "import", "{csv}"], CSV_HEAD + "a,T,S,cost,reported,[oops,,,,\r\n", "tags"),
    ("csv-sources-a-number", ["findings", "import", "{csv}"], CSV_HEAD + "a,T,S,cost,reported,,,5,,\r\n",
     "line 2.sources"),
    ("csv-bad-section", ["findings", "import", "{csv}"], CSV_HEAD + "a,T,S,nope,reported,,,,,\r\n", "line 2.section"),
    ("csv-metric-nan", ["findings", "import", "{csv}"],
     CSV_HEAD + 'a,T,S,cost,reported,,,,"[{""label"": ""L"", ""value"": ""nan""}]",\r\n', "line 2.metrics[0].value"),
    ("import-missing-file", ["findings", "import", "{dir}/nope.json"], None, "nope.json"),
    ("import-wrong-suffix", ["findings", "import", "{dir}/notes.txt"], None, "notes.txt"),
    ("import-a-folder", ["findings", "import", "{dir}/sub.json"], None, "sub.json"),
    ("export-into-missing-folder", ["findings", "export", "{dir}/no/such/out.json"], None, "does not exist"),
    ("export-wrong-suffix", ["findings", "export", "{dir}/out.xlsx"], None, "out.xlsx"),
    ("metric-nan", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                    "--metric", "label=a;value=nan"], None, "metrics.0.value"),
    ("metric-not-name-value", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                               "--metric", "nonsense"], None, "not name=value"),
    ("metric-unknown-field", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                              "--metric", "label=a;colour=red;value=1"], None, "colour"),
    ("metric-no-value", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                         "--metric", "label=a"], None, "metrics.0.value"),
    ("as-of-words", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                     "--as-of", "March"], None, "as_of"),
    ("unknown-source", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                        "--source", "nope"], None, "nope"),
    ("wording-no-equals", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                           "--wording", "hello"], None, "AUDIENCE=TEXT"),
    ("wording-unknown-audience", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                                  "--wording", "zz=hi"], None, "wordings.zz"),
    ("slug-bad-chars", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                        "--slug", "Bad Slug!"], None, "slug"),
    ("slug-taken", ["findings", "add", "--title", "T", "--statement", "S", "--section", "cost",
                    "--slug", "{taken}"], None, "already used"),
    ("title-too-long", ["findings", "add", "--title", "t" * 400, "--statement", "S", "--section", "cost"],
     None, "title"),
    ("statement-missing", ["findings", "add", "--title", "T", "--section", "cost"], None, "statement"),
    ("edit-missing-finding", ["findings", "edit", "999999", "--title", "T"], None, "999999"),
    ("show-missing-finding", ["findings", "show", "no-such-finding"], None, "no-such-finding"),
    ("delete-without-yes", ["findings", "delete", "1"], None, "--yes"),
    ("source-missing", ["sources", "show", "no-such-source"], None, "no-such-source"),
    ("list-unknown-audience", ["findings", "list", "--audience", "nope"], None, "nope"),
    ("export-unknown-audience", ["export", "--audience", "nope", "--format", "md", "-o", "{dir}/b.md"], None, "nope"),
    ("db-in-memory", ["--db", "sqlite:///:memory:", "findings", "list"], None, "in memory"),
    ("db-random-bytes", ["--db", "{dir}/random.sqlite3", "findings", "list"], None, "random.sqlite3"),
    ("db-text-file", ["--db", "{dir}/notes.sqlite3", "findings", "list"], None, "notes.sqlite3"),
    ("db-truncated", ["--db", "{dir}/cut.sqlite3", "findings", "list"], None, "cut.sqlite3"),
    ("db-future-schema", ["--db", "{dir}/future.sqlite3", "findings", "list"], None, "newer version of Briefing"),
    ("db-is-a-folder", ["--db", "{dir}/sub.json", "findings", "list"], None, "sub.json"),
]


def _prepare(place: Path, seeded: Path) -> None:
    (place / "sub.json").mkdir()
    (place / "notes.txt").write_text("hello")
    (place / "random.sqlite3").write_bytes(os.urandom(8192))
    (place / "notes.sqlite3").write_text("not a database\n" * 100)
    data = seeded.read_bytes()
    (place / "cut.sqlite3").write_bytes(data[: len(data) // 3])
    shutil.copyfile(seeded, place / "future.sqlite3")
    con = sqlite3.connect(place / "future.sqlite3")
    con.execute("UPDATE alembic_version SET version_num='ffff'")
    con.commit()
    con.close()


@pytest.mark.parametrize(("args", "csv_text", "needle"), [pytest.param(a, c, n, id=i) for i, a, c, n in COMMANDS])
def test_command_line(place: Path, seeded_db: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                      csv_text: str | None, needle: str) -> None:
    _prepare(place, seeded_db)
    csv_path = place / "in.csv"
    if csv_text is not None:
        csv_path.write_text(csv_text, encoding="utf-8")
    con = sqlite3.connect(place / "briefing.sqlite3")
    taken = con.execute("select slug from findings limit 1").fetchone()[0]
    con.close()
    filled = [a.format(db=place / "briefing.sqlite3", dir=place, csv=csv_path, taken=taken) for a in args]
    needle = needle.format(taken=taken)
    before = _digest(place)
    code, err = _cli(capsys, *filled)
    _refused(code, err, needle)
    assert _digest(place) == before


def test_the_table_has_at_least_sixty_rows() -> None:
    assert len(DOCUMENTS) * 2 + len(COMMANDS) >= 60
