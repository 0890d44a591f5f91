"""The checks benchmark's verdict in the performance report: under a second over the whole seed."""

from __future__ import annotations

from benchmarks.report import targets


def _row(results: dict) -> tuple[str, str]:  # type: ignore[type-arg]
    return next((m, v) for name, m, v in targets(results) if name.startswith("Checks over the whole seed"))


def test_the_checks_target_is_judged_on_reads_and_engine() -> None:
    run = {"checks": {"engine_ms": 100.6, "with_reads_ms": 137.4, "cli_fresh_process_s": 2.04}}
    assert _row(run) == ("137 ms (101 ms engine; a fresh `briefing check` 2.04 s)", "met")
    run["checks"]["with_reads_ms"] = 1200.0
    assert _row(run)[1] == "**missed**"
    assert _row({})[0] == "not run"
