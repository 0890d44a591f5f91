"""The service API: CRUD, validated edits, the version conflict, search and filters, on a real
SQLite file and on a real PostgreSQL database (every test taking `service` runs on both)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from briefing.domain.errors import ConflictError, NotFoundError, ValidationError
from briefing.domain.model import FindingDraft, MetricDraft, SourceDraft
from briefing.services import BriefingService, open_service


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest) -> Iterator[BriefingService]:
    """The seeded service on each engine: SQLite's file copy, or PostgreSQL's database copy."""
    if request.param == "sqlite":
        svc = open_service(request.getfixturevalue("seeded_db"))
        yield svc
        svc.close()
    else:
        yield request.getfixturevalue("pg_service")


def _draft(**kw) -> FindingDraft:
    base = dict(
        title="Test finding",
        statement="A statement.",
        section="cost",
        kind="estimate",
        tags="alpha, Beta",
        as_of="2026-03",
        metrics=(MetricDraft(label="Price", value="$0.028", unit="", entity="DeepSeek"),),
        wordings={"asia": "For Asia."},
    )
    base.update(kw)
    return FindingDraft(**base)


def test_create_get_update_delete(service) -> None:
    src = service.list_sources()[0]
    f = service.create_finding(_draft(source_ids=(src.id,)))
    assert f.slug == "test-finding" and f.version == 1
    assert f.tags == ("alpha", "beta")
    assert f.metrics[0].value == Decimal("0.028") and f.metrics[0].unit == "USD"
    assert f.sources == (src,)
    assert f.wording_for("asia") == "For Asia." and f.wording_for("west") == "A statement."

    g = service.update_finding(f.id, replace(f.to_draft(), title="Renamed"), expected_version=1)
    assert g.title == "Renamed" and g.version == 2 and g.updated_at >= f.updated_at
    assert service.get_finding(f.slug).title == "Renamed"

    snapshot = service.delete_finding(f.id)
    with pytest.raises(NotFoundError):
        service.get_finding(f.id)
    with service.db.engine.connect() as con:  # the real rows, on either engine
        left = con.execute(text("select count(*) from metrics where finding_id = :id"), {"id": f.id}).scalar()
    assert left == 0

    restored = service.restore_finding(snapshot)
    assert restored.id == f.id and restored.metrics[0].value == Decimal("0.028")
    assert restored.sources == (src,) and restored.wordings["asia"] == "For Asia."


def test_stale_version_is_a_conflict_and_overwrites_nothing(service) -> None:
    f = service.list_findings(section="cost")[0]
    other = open_service(service.db.url)  # a second session, as another window or process would be
    other.update_finding(f.id, replace(f.to_draft(), title="Changed elsewhere"), f.version)
    with pytest.raises(ConflictError) as info:
        service.update_finding(f.id, replace(f.to_draft(), title="Mine"), f.version)
    assert "version" in str(info.value)
    assert service.get_finding(f.id).title == "Changed elsewhere"
    other.close()


def test_a_bad_number_saves_nothing(service) -> None:
    f = service.list_findings(section="overview")[0]
    bad = replace(f.to_draft(), title="New title", metrics=(MetricDraft(label="x", value="abc"),))
    with pytest.raises(ValidationError) as info:
        service.update_finding(f.id, bad, f.version)
    assert info.value.for_field("metrics.0.value")
    after = service.get_finding(f.id)
    assert after == f


def test_duplicate_slug_and_unknown_references_are_refused(service) -> None:
    existing = service.list_findings()[0]
    with pytest.raises(ValidationError) as info:
        service.create_finding(_draft(slug=existing.slug))
    assert info.value.errors[0].field == "slug"
    with pytest.raises(ValidationError) as info:
        service.create_finding(_draft(source_ids=(999_999,)))
    assert info.value.errors[0].field == "sources.0"
    with pytest.raises(ValidationError) as info:
        service.create_finding(_draft(wordings={"martians": "hi"}))
    assert info.value.errors[0].field == "wordings.martians"


def test_full_text_search_and_filters(service) -> None:
    hits = service.list_findings(search="OpenRouter")
    assert hits and all("openrouter" in (f.title + f.statement + " ".join(f.tags)).lower() for f in hits)
    assert service.list_findings(search="Ascend", section="chips")
    assert all(f.section == "chips" for f in service.list_findings(section="chips"))
    assert all(f.kind.value == "target" for f in service.list_findings(kind="target"))
    # FTS syntax and SQL in a query are words to look for, never syntax: no error, no match, no harm.
    n = service.count_findings()
    assert service.list_findings(search='"; DROP TABLE findings; -- NEAR( OR *') == []
    assert service.list_findings(search='Ascend"*') and service.count_findings() == n
    tag = service.list_findings()[0].tags[0]
    assert all(tag in f.tags for f in service.list_findings(tag=tag))


def test_search_index_follows_edits(service) -> None:
    f = service.create_finding(_draft(title="Zebrafish accelerator", statement="Quokka."))
    assert [x.id for x in service.list_findings(search="zebrafish")] == [f.id]
    service.update_finding(f.id, replace(f.to_draft(), title="Plain"), f.version)
    assert service.list_findings(search="zebrafish") == []
    assert [x.id for x in service.list_findings(search="quokka")] == [f.id]
    service.delete_finding(f.id)
    assert service.list_findings(search="quokka") == []


def test_sources_crud_and_protection(service) -> None:
    s = service.create_source(SourceDraft(publisher="Test Org", title="A paper", url="https://example.org/a",
                                          published="2026-01"))
    assert s.key == "test-org-a-paper" and s.published.isoformat() == "2026-01-01"
    s2 = service.update_source(s.id, SourceDraft(publisher="Test Org", title="A paper", url="https://example.org/b",
                                                 key=s.key))
    assert s2.url == "https://example.org/b"
    with pytest.raises(ValidationError):
        service.update_source(s.id, SourceDraft(publisher="Test Org", title="A paper", url="javascript:x"))
    cited = next(src for src in service.list_sources() if service.source_usage(src.id))
    with pytest.raises(ValidationError) as info:
        service.delete_source(cited.id)
    assert "cited by" in str(info.value)
    service.delete_source(s.id)
    with pytest.raises(NotFoundError):
        service.get_source(s.id)


def test_a_deleted_source_is_restored_under_its_own_id(service) -> None:
    first = service.create_source(SourceDraft(publisher="Undo Org", title="First", published="2026-02"))
    second = service.create_source(SourceDraft(publisher="Undo Org", title="Second"))
    assert second.id > first.id
    deleted = service.delete_source(first.id)
    later = service.create_source(SourceDraft(publisher="Undo Org", title="Later"))
    restored = service.restore_source(deleted)
    assert restored == first  # same id, key and fields, although newer sources exist
    assert later.id != first.id
    # A key taken meanwhile is refused with the field named, and nothing is written.
    service.delete_source(first.id)
    service.create_source(SourceDraft(publisher="Someone", title="Else", key=first.key))
    with pytest.raises(ValidationError) as info:
        service.restore_source(first)
    assert info.value.errors[0].field == "key"


def test_a_restored_finding_brings_back_its_deleted_source_under_the_same_id(service) -> None:
    src = service.create_source(SourceDraft(publisher="Gone Org", title="Gone"))
    f = service.create_finding(_draft(title="Cites a source", source_ids=(src.id,)))
    snapshot = service.delete_finding(f.id)
    service.delete_source(src.id)
    restored = service.restore_finding(snapshot)
    assert restored.id == f.id and restored.sources == (src,)


def test_a_copy_gets_the_first_free_slug(service) -> None:
    f = service.create_finding(_draft(title="Copied finding"))
    one = service.create_finding(replace(f.to_draft(), slug=f.slug), fresh_slug=True)
    two = service.create_finding(replace(f.to_draft(), slug=f.slug), fresh_slug=True)
    assert (one.slug, two.slug) == (f"{f.slug}-2", f"{f.slug}-3")
    with pytest.raises(ValidationError):  # without the flag a taken slug is still refused
        service.create_finding(replace(f.to_draft(), slug=f.slug))


def test_the_change_counter_moves_when_another_process_commits(seeded_db) -> None:
    import time

    service = open_service(seeded_db)

    before = service.change_counter()
    assert before is not None and service.change_counter() == before  # nothing committed
    conn = sqlite3.connect(seeded_db)
    conn.execute("UPDATE findings SET title = 'Changed by hand' WHERE id = 1")
    conn.commit()
    conn.close()
    after = service.change_counter()
    assert after != before
    start = time.perf_counter()
    for _ in range(1000):
        service.change_counter()
    per_call = (time.perf_counter() - start) / 1000
    assert per_call < 0.001  # cheap enough to poll from the GUI thread twice a second
    service.close()
    memory = open_service("sqlite://", seed=False)
    try:
        assert memory.change_counter() is None  # nothing to watch
    finally:
        memory.close()


def test_user_audiences(service) -> None:
    keys = [a.key for a in service.list_audiences()]
    assert keys[:4] == ["full", "asia", "west", "investors"]
    a = service.create_audience("board", "The board", "Directors, quarterly.")
    assert a.key == "board" and not a.builtin
    with pytest.raises(ValidationError):
        service.create_audience("Bad Key!", "x")
    with pytest.raises(ValidationError):
        service.delete_audience("asia")
    service.delete_audience("board")
    assert "board" not in [x.key for x in service.list_audiences()]


def _template_text(db: Path, key: str) -> bytes:
    """The audience's template exactly as the database file holds it."""
    with sqlite3.connect(db) as con:
        (raw,) = con.execute("select template from audiences where key = ?", (key,)).fetchone()
    return raw.encode() if isinstance(raw, str) else raw


def _stored_template(service: BriefingService, key: str) -> bytes:
    """The template's stored text in the service's own database, on either engine."""
    with service.db.engine.connect() as con:
        raw = con.execute(text("select cast(template as text) from audiences where key = :k"), {"k": key}).scalar()
    return raw.encode()


def test_reset_audience_restores_the_shipped_template_byte_for_byte(
    service, seeded_template: Path
) -> None:
    shipped = _template_text(seeded_template, "asia")
    template = dict(service.get_audience("asia").template)
    service.update_audience("asia", name="Asia (trimmed)", description="mine",
                            template={**template, "title": "Changed", "excluded": ["x-y"]})
    assert _stored_template(service, "asia") != shipped
    reset = service.reset_audience("asia")
    assert _stored_template(service, "asia") == shipped
    assert (reset.name, reset.builtin) == ("Asia", True)
    assert reset.description.startswith("Business leaders and policymakers across Asia")
    board = service.create_audience("board", "The board")
    with pytest.raises(ValidationError) as err:
        service.reset_audience(board.key)
    assert err.value.errors[0].field == "audience" and "not built in" in err.value.errors[0].message
    with pytest.raises(NotFoundError):
        service.reset_audience("nobody")


def test_deleted_audience_comes_back_whole_and_keys_stay_free(service) -> None:
    board = service.create_audience("board", "The board", "Directors.", {"title": "For the board",
                                                                        "subtitle": "Quarterly"})
    assert service.free_audience_key("The Board") == "the-board"
    assert service.free_audience_key("Board") == "board-2"
    service.delete_audience("board")
    back = service.restore_audience(board)
    assert back == board
    assert service.get_audience("board").template["subtitle"] == "Quarterly"
    with pytest.raises(ValidationError):
        service.restore_audience(board)


def test_compose_takes_an_unsaved_template_and_leaves_the_saved_one(service) -> None:
    from briefing.compose import compose

    saved = dict(service.get_audience("asia").template)
    working = {**saved, "title": "Asia, trimmed once"}
    doc = compose(service, "asia", template=working)
    assert doc.meta.title == "Asia, trimmed once"
    assert dict(service.get_audience("asia").template) == saved


def test_audience_filter_follows_the_template_and_its_exclusions(service) -> None:
    everything = service.list_findings()
    asia = service.list_findings(audience="asia")
    assert 0 < len(asia) < len(everything)
    assert {f.slug for f in asia} != {f.slug for f in service.list_findings(audience="west")}
    dropped = asia[0]
    template = dict(service.get_audience("asia").template)
    template["excluded"] = [*template.get("excluded", []), dropped.slug]
    service.update_audience("asia", template=template)
    assert dropped.slug not in {f.slug for f in service.list_findings(audience="asia")}
    with pytest.raises(ValidationError):
        service.update_audience("asia", template={"title": "x", "no_such_field": 1})


def test_search_in_report_order_matches_the_ranked_search(service) -> None:
    ranked = service.list_findings(search="Chinese models")
    in_order = service.list_findings(search="Chinese models", order="report")
    assert ranked and {f.id for f in ranked} == {f.id for f in in_order}
    assert [f.position for f in in_order] == sorted(f.position for f in in_order)
    page = service.list_findings(search="Chinese models", order="report", limit=3)
    assert [f.id for f in page] == [f.id for f in in_order[:3]]
    chips = service.list_findings(search="Ascend", order="report", section="chips")
    assert chips and all(f.section == "chips" for f in chips)
    assert service.list_findings(search="Ascend", order="report", kind="opinion") == [
        f for f in service.list_findings(search="Ascend", order="report") if f.kind.value == "opinion"]


def test_all_findings_match_the_filtered_queries_record_for_record(service) -> None:
    """list_findings() with no filter reads plain rows; a filtered query loads ORM objects. Both give
    the same records: children in their order, wordings by audience, a bare finding with none."""
    bare = service.create_finding(_draft(title="Bare", tags="", metrics=(), wordings={}, as_of=""))
    src = service.list_sources()
    rich = service.create_finding(_draft(title="Rich", source_ids=(src[1].id, src[0].id),
                                         wordings={"west": "W.", "asia": "A.", "investors": "I."}))
    everything = service.list_findings()
    by_section = [f for s in sorted({f.section for f in everything}) for f in service.list_findings(section=s)]
    by_section.sort(key=lambda f: (f.position, f.id))
    assert everything == by_section
    assert [list(f.wordings) for f in everything] == [list(f.wordings) for f in by_section]
    found = {f.id: f for f in everything}
    assert found[bare.id] == bare and found[bare.id].tags == () and found[bare.id].metrics == ()
    assert found[rich.id] == rich and found[rich.id].sources == (src[1], src[0])
    assert list(found[rich.id].wordings) == ["asia", "investors", "west"]


def _titles(findings) -> list[str]:
    return [f.title for f in findings]


def test_search_is_forgiving_words_in_any_order_prefixes_joined_words_and_plurals(service) -> None:
    """The reported misses: "deepseek price" and "deep seek" found nothing though "pric" and "deeps" did."""
    def ids(query: str) -> set[int]:
        return {f.id for f in service.list_findings(search=query)}

    deepseek = ids("DeepSeek")
    assert deepseek
    assert ids("deep seek") >= deepseek and ids("Deep-Seek") >= deepseek
    assert ids("deeps") >= deepseek
    # The DeepSeek finding on its API pricing says "pricing", never "price".
    priced = ids("deepseek price")
    assert priced and priced <= deepseek
    assert any("$0.028" in f.title for f in service.list_findings(search="deepseek price"))
    assert ids("price deepseek") == priced == ids("deepseek pricing") == ids("DeepSeek prices")
    assert ids("pric") == ids("price") == ids("prices") == ids("pricing")
    # Plural and singular both ways, and a regular -ies plural.
    assert ids("chip") == ids("chips") and ids("chip")
    assert ids("company") == ids("companies") and ids("company")
    assert ids("model") == ids("models")
    # Every word still has to match: a word found nowhere empties the result.
    assert ids("deepseek zebrafish") == set()


def test_search_for_a_new_finding_in_any_word_form(service) -> None:
    f = service.create_finding(_draft(title="Quokka accelerators ship", statement="Zebrafish pricing."))
    for query in ("quokka", "QUOKKA accelerator", "accelerator quokka", "quokka shipping", "zebra fish",
                  "zebrafish price", "quok acc"):
        assert [x.id for x in service.list_findings(search=query)] == [f.id], query
    assert service.search_ids("zebra fish price") == [f.id]
    assert [x.id for x in service.list_findings(search="zebra fish", order="report", section="cost")] == [f.id]
    assert service.list_findings(search="zebra fish", section="chips") == []


def test_search_terms_are_prefix_stems_and_never_fts_syntax() -> None:
    from briefing.store import fts

    assert fts.search_terms("deep seek") == [("deep",), ("seek", "deepseek")]
    # "zebrafish" needs no place in the first group: "zebra"* finds it already.
    assert fts.search_terms("zebra fish price") == [("zebra",), ("fish", "zebrafish"), ("pric", "fishpric")]
    assert fts.search_terms("Prices") == [("pric",)]
    assert [fts.stem(w) for w in ("price", "pricing", "priced", "prices", "pric")] == ["pric"] * 5
    assert [fts.stem(w) for w in ("uses", "class", "thing", "r1", "910C")] == ["use", "class", "thing", "r1", "910c"]
    assert [fts.stem(w) for w in ("shipping", "stopped", "calling")] == ["ship", "stop", "call"]
    assert fts.match_expression("NEAR( OR *") == '"near"* AND ("or"* OR "nearor"*)'
    # One letter matches as a word, never as a prefix (which expands to much of the vocabulary).
    assert fts.match_expression("China’s a") == '"china"* AND ("s" OR "china"* OR "sa"*) AND ("a" OR "sa"*)'
    assert fts.match_expression(" -- ") is None
    assert len(fts.search_terms(" ".join(f"w{i}" for i in range(40)))) == fts.MAX_WORDS


def test_search_without_fts5_uses_the_same_terms(seeded_db) -> None:
    """A database with no FTS table (as on PostgreSQL) answers the same forgiving queries with LIKE."""
    with sqlite3.connect(seeded_db) as conn:
        conn.execute("DROP TABLE findings_fts")
    svc = open_service(seeded_db)
    try:
        assert not svc.db.has_fts()
        hits = svc.list_findings(search="deepseek price")
        assert hits and all("deepseek" in (f.title + f.statement).lower() for f in hits)
        assert {f.id for f in svc.list_findings(search="deep seek")} >= {
            f.id for f in svc.list_findings(search="DeepSeek")}
        assert svc.list_findings(search="chip") and {f.id for f in svc.list_findings(search="chips")} == {
            f.id for f in svc.list_findings(search="chip")}
        # % and _ separate words (as in FTS5's tokenizer): never LIKE wildcards.
        assert svc.list_findings(search="%_") == []
        assert svc.list_findings(search="100%_") == svc.list_findings(search="100")
        assert svc.search_ids("deepseek price", limit=None) == [f.id for f in hits]
    finally:
        svc.close()


def test_month_names_are_accepted_wherever_dates_are_typed(service) -> None:
    """A finding's as-of, a metric's as-of, a source's published and accessed dates: one parser."""
    from datetime import date

    f = service.create_finding(_draft(as_of="March 2026", metrics=(
        MetricDraft(label="Price", value="1", as_of="Feb 2026"),)))
    assert f.as_of == date(2026, 3, 1) and f.metrics[0].as_of == date(2026, 2, 1)
    s = service.create_source(SourceDraft(publisher="Org", title="Paper", published="Sept 2025",
                                          accessed="5 March 2026"))
    assert (s.published, s.accessed) == (date(2025, 9, 1), date(2026, 3, 5))
    with pytest.raises(ValidationError) as info:
        service.create_finding(_draft(as_of="Marchember 2026"))
    assert info.value.errors[0].field == "as_of" and "March 2026" in info.value.errors[0].message


def test_a_chart_kind_that_does_not_fit_its_data_is_refused_naming_the_kind(service) -> None:
    from briefing.domain.charts import ChartKind, ChartSpec, MetricRef

    share = MetricRef("openrouter-chinese-models-61pct-of-top-ten", 0)
    one_dot = ChartSpec("one-share", ChartKind.TIMELINE, "Chinese models' share", metrics=(share,))
    with pytest.raises(ValidationError) as err:
        service.save_chart(one_dot)
    (e,) = err.value.errors
    assert e.field == "kind" and "timeline" in e.message and "at least two" in e.message
    assert service.unfit_chart_kinds(one_dot)[ChartKind.LINE].startswith("A line needs")
    assert ChartKind.SHARE not in service.unfit_chart_kinds(one_dot)
    with pytest.raises(NotFoundError):
        service.get_chart("one-share")  # nothing was written
    service.save_chart(replace(one_dot, kind=ChartKind.SHARE))

    mixed = ChartSpec("mixed", ChartKind.BAR, "Tokens and shares",
                      metrics=(share, MetricRef("china-daily-tokens-140-trillion", 0)))
    with pytest.raises(ValidationError) as err:
        service.save_chart(mixed)
    assert "mixes units" in err.value.errors[0].message
    service.save_chart(replace(mixed, kind=ChartKind.MULTIPLES))  # one panel per unit: fine


def test_a_deleted_chart_comes_back_whole_in_its_place(service) -> None:
    keys = [c.key for c in service.list_charts()]
    spec = service.get_chart(keys[2])
    deleted = service.delete_chart(keys[2])
    assert keys[2] not in [c.key for c in service.list_charts()]
    service.save_chart(deleted)
    assert [c.key for c in service.list_charts()] == keys
    assert service.get_chart(keys[2]) == spec
