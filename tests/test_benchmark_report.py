"""The benchmark report's verdicts: the same run's ratios against LibreOffice, with and without the server."""

from __future__ import annotations

from benchmarks.report import targets


def test_export_targets_are_judged_with_and_without_the_server() -> None:
    results = {
        "peer": {"full": {"cold_s": 4.0, "warm_s": 3.0}},
        "export": {"full/pdf": {"cold_s": 3.3, "warm_s": 1.8, "server_cold_s": 1.2, "server_warm_s": 0.5}},
    }
    rows = {name: (measured, verdict) for name, measured, verdict in targets(results)}
    with_server = [n for n in rows if "with `briefing server` running" in n]
    without = [n for n in rows if "without the server" in n]
    assert len(with_server) == 2 and len(without) == 2
    cold_srv = next(n for n in with_server if "cold" in n)
    warm_srv = next(n for n in with_server if "warm chart" in n)
    assert rows[cold_srv] == ("1.20 s vs 3.00 s = 0.40×", "met")
    assert rows[warm_srv] == ("0.50 s vs 3.00 s = 0.17×", "**missed**")
    assert all(rows[n][1] == "**missed**" for n in without)


def test_an_absent_peer_is_said_plainly() -> None:
    rows = targets({"peer": {"absent": "LibreOffice (soffice) is not installed; no peer ratios in this run"}})
    assert rows[0] == ("PDF export vs LibreOffice",
                       "LibreOffice (soffice) is not installed; no peer ratios in this run", "—")


def test_the_lead_sets_the_server_beside_no_server_the_app_and_libreoffice() -> None:
    from benchmarks.report import lead

    results = {
        "peer": {"full": {"cold_s": 4.0, "warm_s": 3.0}},
        "export": {"full/pdf": {"cold_s": 3.3, "warm_s": 1.8, "server_cold_s": 1.2, "server_warm_s": 0.5}},
        "reexport": {"in_app_warm_s": {"full/pdf": 0.2}},
        "server_ab": {"baseline": "a5d59b1", "this_server_s": 0.3, "baseline_server_s": 0.27, "no_server_s": 1.2,
                      "vs_baseline": 1.11, "speedup_vs_no_server": 4.0},
    }
    text = "\n".join(lead(results, dict.fromkeys(["export", "peer", "reexport"], "2026-11-30 12:30")))
    assert "| full | 1.80 s | 0.50 s | 0.20 s | 3.00 s |" in text
    assert "same run" in text and "0.30 s vs 0.27 s (1.11×)" in text
    rows = {name: verdict for name, _measured, verdict in targets(results)}
    assert rows["Full PDF through the plain server within 20 % of the server at a5d59b1 (same run)"] == "met"
    assert rows["Full PDF through the server ≥ 3× faster than a fresh process without it (same run)"] == "met"
    assert "not one run" in "\n".join(lead(results, {"export": "2026-11-30 12:30", "peer": "2026-11-29 09:00"}))
