"""One bound for metric values on every way in, exact to 28 significant digits (issue 13, item 2)."""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from briefing.domain.errors import ValidationError
from briefing.domain.model import FindingDraft, MetricDraft
from briefing.domain.numbers import MAX_DIGITS, format_quantity, group, parse_number, plain

LARGEST = "9999999999999999999999999999"  # 28 nines
SMALLEST = "0.0000000000000000000000000001"  # 1E-28
EXACT = "1234567890.123456789012345678"  # 28 significant digits


def _cli(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_SERVER": "off", "BRIEFING_DB": str(db)}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", *args], check=False, capture_output=True, text=True,
                          env=env, timeout=300)


def _message(value: object) -> str:
    with pytest.raises(ValidationError) as info:
        parse_number(value, "value")
    assert [e.field for e in info.value.errors] == ["value"]
    return info.value.errors[0].message


def test_the_bound_is_28_significant_digits() -> None:
    assert MAX_DIGITS == 28
    for text in (LARGEST, "-" + LARGEST, SMALLEST, "-" + SMALLEST, EXACT, "0", "0.000"):
        assert parse_number(text).value == Decimal(text)
    for text in ("99999999999999999999999999999", "999999999999999999999999999999",
                 "1234567890.1234567890123456789"):
        assert "at most 28 significant digits" in _message(text)
    assert "at most 28 significant digits" in _message(Decimal("1.00000000000000000000000000001"))
    assert "too large" in _message("10000000000000000000000000000")  # 1E+28, one digit but 29 places
    assert "too small" in _message("0.00000000000000000000000000001")  # 1E-29
    # Whole numbers from JSON skip the text path; they meet the same bound.
    assert "too large" in _message(10**400)
    assert "too large" in _message(10**28)
    assert parse_number(10**28 - 1).value == Decimal(LARGEST)
    assert "finite" in _message(float("inf"))


def test_floats_and_exponents_are_read_exactly() -> None:
    assert parse_number(0.00001).value == Decimal("0.00001")
    assert parse_number(1e-05).value == Decimal("1E-5")
    assert parse_number("1e-05").value == Decimal("0.00001")
    assert parse_number("2.5E3").value == Decimal(2500)
    assert parse_number(0.1).value == Decimal("0.1")
    assert plain(Decimal("1E-5")) == "0.00001"
    assert format_quantity(Decimal("1E-5"), "%", None) == "0.00001%"
    assert "is not a number" not in _message("1e-40") and "too small" in _message("1e-40")


def test_formatting_the_extremes_is_exact() -> None:
    assert plain(Decimal(LARGEST)) == LARGEST
    assert group(Decimal(LARGEST)) == f"{int(LARGEST):,}"
    assert plain(Decimal(SMALLEST)) == SMALLEST
    assert plain(Decimal(EXACT)) == EXACT
    assert group(Decimal("-" + EXACT)) == "-1,234,567,890.123456789012345678"
    from briefing.domain.model import Scale

    assert format_quantity(Decimal(LARGEST), "USD", Scale.TRILLION) == f"${int(LARGEST):,}T"


def test_the_service_refuses_past_the_bound_and_saves_nothing(service) -> None:  # type: ignore[no-untyped-def]
    n = service.count_findings()
    for value in ("99999999999999999999999999999", Decimal("1" * 29), 10**400, "1e-29"):
        draft = FindingDraft(title="Big", statement="Too big.", section="cost",
                             metrics=(MetricDraft(label="L", value=value),))
        with pytest.raises(ValidationError) as info:
            service.create_finding(draft)
        assert info.value.for_field("metrics.0.value"), info.value
    assert service.count_findings() == n


def test_a_value_with_a_scale_is_bounded_as_a_whole(service) -> None:  # type: ignore[no-untyped-def]
    draft = FindingDraft(title="Scaled", statement="Too big once scaled.", section="cost",
                         metrics=(MetricDraft(label="L", value=LARGEST, scale="trillion"),))
    with pytest.raises(ValidationError) as info:
        service.create_finding(draft)
    assert "too large" in str(info.value) and info.value.for_field("metrics.0")
    ok = FindingDraft(title="Scaled", statement="Fits.", section="cost",
                      metrics=(MetricDraft(label="L", value="9999999999999999", scale="trillion"),))
    assert service.create_finding(ok).metrics[0].value == Decimal(9999999999999999)


def test_the_metric_flag_refuses_29_digits_with_a_clear_message(seeded_db: Path) -> None:
    r = _cli(seeded_db, "findings", "add", "--slug", "big", "--title", "Big", "--statement", "Big.",
             "--section", "cost", "--metric", "label=L;value=99999999999999999999999999999")
    assert r.returncode == 2
    assert "metrics.0.value" in r.stderr and "at most 28 significant digits" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1
    con = sqlite3.connect(seeded_db)
    assert con.execute("select count(*) from findings where slug='big'").fetchone() == (0,)
    con.close()


def test_json_and_csv_imports_meet_the_same_bound(seeded_db: Path, tmp_path: Path) -> None:
    def finding(value: object, slug: str) -> dict[str, object]:
        return {"slug": slug, "title": slug, "statement": "x", "section": "cost",
                "metrics": [{"label": "L", "value": value}]}

    huge = tmp_path / "huge.json"
    huge.write_text('{"findings": [{"slug": "huge", "title": "Huge", "statement": "x", "section": "cost", '
                    '"metrics": [{"label": "L", "value": 1' + "0" * 400 + '}]}]}', encoding="utf-8")
    assert json.loads(huge.read_text())["findings"][0]["metrics"][0]["value"] == 10**400
    r = _cli(seeded_db, "findings", "import", str(huge))
    assert r.returncode == 2 and "metrics[0].value" in r.stderr and "too large" in r.stderr, r.stderr
    wide = tmp_path / "wide.json"
    wide.write_text(json.dumps({"findings": [finding("99999999999999999999999999999", "wide")]}), encoding="utf-8")
    r = _cli(seeded_db, "findings", "import", str(wide))
    assert r.returncode == 2 and "at most 28 significant digits" in r.stderr, r.stderr
    rows = tmp_path / "wide.csv"
    with rows.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["slug", "title", "statement", "section", "metrics"])
        w.writerow(["wide-csv", "Wide", "x", "cost", json.dumps([{"label": "L", "value": "1" * 30}])])
    r = _cli(seeded_db, "findings", "import", str(rows))
    assert r.returncode == 2 and "at most 28 significant digits" in r.stderr, r.stderr
    small = tmp_path / "small.json"
    small.write_text('{"findings": [{"slug": "small", "title": "Small", "statement": "x", "section": "cost", '
                     '"metrics": [{"label": "L", "value": 0.00001}, {"label": "M", "value": 1e-05}, '
                     '{"label": "N", "value": ' + EXACT + '}]}]}',
                     encoding="utf-8")
    r = _cli(seeded_db, "findings", "import", str(small))
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(seeded_db)
    assert con.execute("select count(*) from findings where slug in ('huge','wide','wide-csv')").fetchone() == (0,)
    values = [Decimal(v) for (v,) in con.execute(
        "select m.value from metrics m join findings f on f.id=m.finding_id where f.slug='small'")]
    con.close()
    # A JSON number is read as written, not through a float (which would keep 17 of its 28 digits).
    assert values == [Decimal("0.00001"), Decimal("0.00001"), Decimal(EXACT)]


def test_the_extremes_survive_list_show_every_export_and_the_deck(seeded_db: Path, tmp_path: Path) -> None:
    from briefing.services import open_service

    svc = open_service(seeded_db)
    try:
        metrics = tuple(
            MetricDraft(label=label, value=value, unit=unit, entity=label, series="training-cost")
            for label, value, unit in (("Largest", LARGEST, "USD"), ("Negative", "-" + LARGEST, ""),
                                       ("Smallest", SMALLEST, "USD"), ("Exact", EXACT, "%"))
        ) + tuple(
            # A log line whose growth label divides the largest by the smallest (1E+56).
            MetricDraft(label="Tokens", value=value, unit="tokens per day", series="china-daily-tokens",
                        entity="China", as_of=day)
            for value, day in ((SMALLEST, "2020-01-01"), (LARGEST, "2028-01-01"))
        )
        svc.create_finding(FindingDraft(slug="extremes", title="Extremes", statement="The extremes.",
                                        section="cost", metrics=metrics, tags=("extremes",)))
    finally:
        svc.close()
    r = _cli(seeded_db, "findings", "list")
    assert r.returncode == 0, r.stderr
    r = _cli(seeded_db, "findings", "show", "extremes")
    assert r.returncode == 0, r.stderr
    assert f"{int(LARGEST):,}" in r.stdout and SMALLEST in r.stdout and "1,234,567,890.123456789012345678" in r.stdout
    out = tmp_path / "out"
    out.mkdir()
    r = _cli(seeded_db, "findings", "export", str(out / "all.json"))
    assert r.returncode == 0, r.stderr
    doc = json.loads((out / "all.json").read_text(encoding="utf-8"))
    exported = next(f for f in doc["findings"] if f["slug"] == "extremes")
    assert [m["value"] for m in exported["metrics"]] == [LARGEST, "-" + LARGEST, SMALLEST, EXACT, SMALLEST, LARGEST]
    r = _cli(seeded_db, "findings", "export", str(out / "all.csv"))
    assert r.returncode == 0, r.stderr
    assert LARGEST in (out / "all.csv").read_text(encoding="utf-8-sig")
    r = _cli(seeded_db, "export", "--audience", "full", "--format", "md,docx,pdf", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert len(list(out.glob("briefing-full-*"))) == 3
    assert "could not be drawn" not in r.stderr and "drawing failed" not in r.stderr.lower(), r.stderr
    r = _cli(seeded_db, "charts", "deck", "--chart", "training-cost", "china-daily-tokens", "--out",
             str(out / "deck.pptx"))
    assert r.returncode == 0 and "warning" not in r.stderr, r.stderr
    for fmt in ("svg", "pdf"):
        r = _cli(seeded_db, "charts", "render", "--chart", "training-cost", "china-daily-tokens", "--format", fmt,
                 "--out", str(out))
        assert r.returncode == 0 and "drawing failed" not in r.stderr.lower(), r.stderr
    assert "1E+56" not in (out / "china-daily-tokens.svg").read_text(encoding="utf-8")
    # And the exported JSON comes back exactly.
    other = tmp_path / "other.sqlite3"
    r = _cli(other, "findings", "import", str(out / "all.json"))
    assert r.returncode == 0, r.stderr
    con = sqlite3.connect(other)
    back = [v for (v,) in con.execute(
        "select m.value from metrics m join findings f on f.id=m.finding_id where f.slug='extremes' "
        "order by m.position")]
    con.close()
    assert [Decimal(v) for v in back] == [Decimal(LARGEST), Decimal("-" + LARGEST), Decimal(SMALLEST), Decimal(EXACT),
                                          Decimal(SMALLEST), Decimal(LARGEST)]


def test_a_wide_value_stored_by_an_earlier_version_still_lists_shows_and_exports(seeded_db: Path,
                                                                               tmp_path: Path) -> None:
    # The reproduction saved a 29-digit value; a database made then still holds it.
    wide = "99999999999999999999999999999"
    con = sqlite3.connect(seeded_db)
    fid, slug = con.execute("select id, slug from findings where id = (select finding_id from metrics "
                            "where series = 'training-cost' limit 1)").fetchone()
    con.execute("update metrics set value = ? where finding_id = ? and series = 'training-cost'", (wide, fid))
    con.commit()
    con.close()
    for args in (("findings", "list"), ("findings", "show", slug),
                 ("export", "--audience", "full", "--format", "md", "-o", str(tmp_path / "b.md")),
                 ("charts", "deck", "--chart", "training-cost", "--out", str(tmp_path / "d.pptx"))):
        r = _cli(seeded_db, *args)
        assert r.returncode == 0, (args, r.stderr)
        assert "InvalidOperation" not in r.stderr and "drawing failed" not in r.stderr.lower(), r.stderr
    assert f"{int(wide):,}" in _cli(seeded_db, "findings", "show", slug).stdout
