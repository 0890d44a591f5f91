"""The "scale" part of the benchmarks: `findings list`, CLI search, import and a briefing at 100k findings.

Each command runs in a fresh process without the server (BRIEFING_SERVER=off), as a user's first
command of the day would; peak RSS is the child's own (wait4). Wall times on a shared machine swing
with its load, so user+system CPU seconds are given beside them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _env(db: Path, state: Path) -> dict[str, str]:
    return {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_SERVER": "off", "XDG_STATE_HOME": str(state)}


def _run(args: list[str], env: dict[str, str], first_line: bool = False) -> dict[str, Any]:
    """Runs `python -m briefing ARGS`: wall time, time to the first stdout line, CPU, peak RSS.

    Through GNU time: a child forked from this (large) process would report this process's RSS
    at the fork as its own peak."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as stats:
        started = time.perf_counter()
        p = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", stats.name, sys.executable, "-m", "briefing",
                              *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
        assert p.stdout is not None and p.stderr is not None
        first = None
        if first_line:
            p.stdout.readline()
            first = time.perf_counter() - started
        out = p.stdout.read()
        err = p.stderr.read()
        p.wait()
        wall = time.perf_counter() - started
        rss_kb, user, system = stats.read().split()[-3:]
    row: dict[str, Any] = {"wall_s": round(wall, 3), "cpu_s": round(float(user) + float(system), 2),
                           "peak_rss_mb": round(int(rss_kb) / 1024, 1), "exit": p.returncode,
                           "stdout_lines": out.count(b"\n") + (1 if first_line else 0),
                           "stderr": err.decode(errors="replace").strip()[-300:]}
    if first is not None:
        row["first_line_s"] = round(first, 3)
    return row


def _pipe_to_head(db: Path, state: Path) -> dict[str, Any]:
    """`briefing findings list | head -1` through a shell: what a user sees on stderr, and the status."""
    cmd = f"{sys.executable} -m briefing findings list | head -1 >/dev/null; echo ${{PIPESTATUS[0]}}"
    r = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True, env=_env(db, state), cwd=ROOT,
                       check=False)
    return {"stderr": r.stderr.strip(), "briefing_exit": int(r.stdout.strip() or -1)}


def bench_scale(n: int = 100_000, make_db: Any = None) -> dict[str, Any]:
    from benchmarks.synth import make_database
    from briefing.services import open_service

    work = Path(tempfile.mkdtemp(prefix="scale-"))
    state = work / "state"
    db = make_db(n) if make_db else make_database(work / f"synthetic-{n}.sqlite3", n)
    env = _env(db, state)
    out: dict[str, Any] = {"findings": n}

    # The cost of any command before it touches the database: Python, imports, argument parsing.
    out["start_only"] = _run(["db", "path"], env, first_line=True)
    out["list"] = _run(["findings", "list"], env, first_line=True)
    out["list_search"] = _run(["findings", "list", "--search", "tokens"], env, first_line=True)
    out["list_into_head"] = _pipe_to_head(db, state)

    svc = open_service(db)
    try:
        svc.search_ids("tokens", None)  # warm the page cache as a second search would find it
        t = time.perf_counter()
        ids = svc.search_ids("tokens", None)
        search_s = time.perf_counter() - t
        t = time.perf_counter()
        next(iter(svc.iter_findings(search="tokens")))
        first_s = time.perf_counter() - t
        t = time.perf_counter()
        next(iter(svc.iter_findings()))
        first_all_s = time.perf_counter() - t
    finally:
        svc.close()
    out["in_process"] = {"search_ids_all_hits_s": round(search_s, 3), "hits": len(ids),
                         "search_first_record_s": round(first_s, 3), "list_first_record_s": round(first_all_s, 3)}

    export = work / "all.json"
    out["export_json"] = _run(["findings", "export", str(export)], env)
    out["export_json"]["bytes"] = export.stat().st_size
    fresh = _env(work / "imported.sqlite3", state)
    out["import_json"] = _run(["findings", "import", str(export)], fresh)
    out["import_json_dry_run_again"] = _run(["findings", "import", "--dry-run", str(export)], fresh)

    out["briefing_pdf"] = _run(["export", "--audience", "full", "--format", "pdf", "-o", str(work / "b.pdf")], env)
    out["load_avg_1min"] = round(os.getloadavg()[0], 2)
    shutil.rmtree(work, ignore_errors=True)
    return out


if __name__ == "__main__":
    import json

    size = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    print(json.dumps(bench_scale(size), indent=2))
