"""The seed: the whole report is in the database, numbers exact, seeding idempotent, reset restores it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from briefing.services.seeding import seed_database
from briefing.store.seed import load_report, load_seed

SECTION_KEYS = [x["key"] for x in load_report()["sections"]]


def _metric(service, series: str, entity: str):
    for f in service.list_findings():
        for m in f.metrics:
            if m.series == series and m.entity == entity:
                return f, m
    raise AssertionError(f"no metric {series}/{entity}")


def test_every_section_and_enough_content(service) -> None:
    findings = service.list_findings()
    assert len(findings) > 50
    assert sum(len(f.metrics) for f in findings) > 80
    assert {f.section for f in findings} == set(SECTION_KEYS)
    assert all(f.sources for f in findings), [f.slug for f in findings if not f.sources]
    assert sum(1 for f in findings if f.wordings) >= 20
    for key in ("for-asia", "for-the-west", "for-investors"):
        assert service.list_findings(section=key)


def test_named_numbers_round_trip_exactly(service) -> None:
    f, china = _metric(service, "openrouter-weekly-tokens", "China")
    _, us = _metric(service, "openrouter-weekly-tokens", "US")
    assert str(china.value) == "5.16" and str(us.value) == "2.7"
    assert china.display(compact=False) == "5.16 trillion tokens"
    assert any(s.publisher.startswith("OpenRouter") for s in f.sources)
    _, daily = _metric(service, "china-daily-tokens", "China")
    values = {str(m.value) for g in service.list_findings() for m in g.metrics if m.series == "china-daily-tokens"}
    assert {"100", "140"} <= values and daily.unit == "tokens"
    _, japan = _metric(service, "ai-adoption-public", "Japan")
    assert japan.value == Decimal("26.7") and japan.unit == "%"
    prices = [m for g in service.list_findings() for m in g.metrics if m.value == Decimal("0.028")]
    assert prices and prices[0].unit == "USD"


def test_sources_named_by_the_report_are_present(service) -> None:
    publishers = " | ".join(s.publisher for s in service.list_sources())
    for name in ("National Data Administration", "OpenRouter", "RAND", "USCC", "QuestMobile", "AlixPartners",
                 "Brookings", "Carnegie", "Andreessen Horowitz"):
        assert name in publishers, name


def test_seeding_again_never_duplicates(service) -> None:
    before = (service.count_findings(), len(service.list_sources()), len(service.list_audiences()),
              len(service.list_charts()))
    seed_database(service)
    seed_database(service)
    after = (service.count_findings(), len(service.list_sources()), len(service.list_audiences()),
             len(service.list_charts()))
    assert before == after


def test_reset_restores_the_seed(service) -> None:
    n = service.count_findings()
    f = service.list_findings()[0]
    service.delete_finding(f.id)
    service.reset(seed=True)
    assert service.count_findings() == n
    assert service.get_finding(f.slug).title == f.title


def test_seed_files_match_the_database(service) -> None:
    data = load_seed()
    assert len(data["findings"]) == service.count_findings()
    assert [a["key"] for a in data["audiences"]][:4] == ["full", "asia", "west", "investors"]


def test_a_seeding_cut_short_is_completed_on_the_next_open(tmp_path, monkeypatch) -> None:
    """Ctrl+C on the very first open (audiences written, findings not yet) must not leave a half
    report forever: the next open finds the seed unfinished and adds what is missing."""
    import sqlite3

    from briefing.services import open_service
    from briefing.services.service import BriefingService

    path = tmp_path / "first.sqlite3"

    def interrupted(*_args, **_kwargs):
        raise KeyboardInterrupt

    with monkeypatch.context() as m:
        m.setattr(BriefingService, "import_records", interrupted)
        with pytest.raises(KeyboardInterrupt):
            open_service(path)
    with sqlite3.connect(path) as conn:
        assert conn.execute("SELECT count(*) FROM audiences").fetchone()[0] > 0
        assert conn.execute("SELECT count(*) FROM findings").fetchone()[0] == 0
    svc = open_service(path)
    try:
        assert len(svc.list_findings()) == 103
        assert svc.list_charts()
    finally:
        svc.close()
    with sqlite3.connect(path) as conn:
        (value,) = conn.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone()
    assert '"complete": true' in value
