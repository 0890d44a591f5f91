"""Import and export of findings as JSON and CSV round-trip losslessly, all or nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, MetricDraft, ReportDraft
from briefing.domain.text import clean_text
from briefing.services import open_service
from briefing.store.transfer import finding_dict


def _comparable(service) -> list[dict]:
    return [finding_dict(f) for f in service.list_findings()]


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_seed_round_trips_through_a_file(service, empty_service, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"findings{suffix}"
    n = service.export_findings(path)
    assert n == service.count_findings()
    summary = empty_service.import_findings(path)
    assert summary.created == n and summary.updated == 0
    assert _comparable(empty_service) == _comparable(service)
    # Importing again matches by slug, never duplicates; equal findings are left alone.
    again = empty_service.import_findings(path)
    assert again.created == 0 and again.updated == 0 and again.unchanged == n
    assert empty_service.count_findings() == n


def test_a_bad_row_imports_nothing(empty_service, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    good = {"slug": "good", "title": "Good", "statement": "Fine.", "section": "cost", "kind": "estimate"}
    bad = {"slug": "bad", "title": "Bad", "statement": "x", "section": "cost",
           "metrics": [{"label": "Price", "value": "nan"}]}
    path.write_text(json.dumps({"findings": [good, bad]}), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        empty_service.import_findings(path)
    assert "findings[1].metrics[0].value" in str(info.value)
    assert empty_service.count_findings() == 0


def test_unreadable_files_get_a_clear_message(empty_service, tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError, match="not valid JSON"):
        empty_service.import_findings(tmp_path / "x.json")
    (tmp_path / "x.txt").write_text("", encoding="utf-8")
    with pytest.raises(ValidationError, match="must end in"):
        empty_service.import_findings(tmp_path / "x.txt")
    with pytest.raises(ValidationError, match="does not exist"):
        empty_service.import_findings(tmp_path / "missing.csv")


_text = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)
_value = st.decimals(allow_nan=False, allow_infinity=False, min_value=-10**12, max_value=10**12, places=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=_text, statement=st.text(min_size=1, max_size=200), tags=st.lists(_text, max_size=3),
       values=st.lists(_value, max_size=3), wording=st.text(max_size=80))
def test_arbitrary_unicode_round_trips(tmp_path_factory, title, statement, tags, values, wording) -> None:
    if not clean_text(title, "t") or not clean_text(statement, "s", multiline=True, max_length=10**6):
        return  # all-whitespace/control text is refused by validation, tested elsewhere
    root = tmp_path_factory.mktemp("rt")
    src = open_service(root / "a.db", seed=False)
    dst = open_service(root / "b.db", seed=False)
    try:
        for svc in (src, dst):
            svc.create_report(ReportDraft(key="r", title="R", sections=(("deployment", "Deployment", ""),)))
            svc.create_audience("asia", "Asia")
        src.create_finding(FindingDraft(
            title=title, statement=statement, section="deployment", kind="opinion", tags=tuple(tags),
            metrics=tuple(MetricDraft(label=f"m{i}", value=v, unit="%") for i, v in enumerate(values)),
            wordings={"asia": wording},
        ))
        for suffix in (".json", ".csv"):
            path = root / f"x{suffix}"
            src.export_findings(path)
            dst.import_findings(path)
            assert _comparable(dst) == _comparable(src)
    finally:
        src.close()
        dst.close()
