"""The benchmark runner: measures Briefing against its targets and its peers; writes docs/performance.{json,md}.

Usage: python -m benchmarks [--quick] [--only NAME ...] [--reps N]
Every figure is a median over repetitions. Ratios against LibreOffice come from the same run, so
they carry across machines; absolute times are for the machine in the header.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / ".work"
AUDIENCES = ("full", "asia", "west", "investors")


@dataclass
class Context:
    quick: bool
    reps: int
    results: dict[str, Any] = field(default_factory=dict)

    def tmp(self, name: str) -> Path:
        base = WORK / "tmp"
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f"{name}-", dir=base))


def median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def timed(fn: Callable[[], Any]) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def py(*args: str, env: dict[str, str] | None = None, timeout: int = 600,
       cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, env=full_env, timeout=timeout,
                          cwd=cwd)


def seeded_db(ctx: Context) -> Path:
    path = WORK / "seeded.sqlite3"
    if not path.exists():
        from briefing.services import open_service

        open_service(path).close()
    return path


def synthetic_db(n: int) -> Path:
    path = WORK / f"synthetic-{n}.sqlite3"
    if not path.exists():
        from benchmarks.synth import make_database

        make_database(path, n)
    return path


def _edited_db(db: Path) -> Path:
    """A copy of the seeded database in which every finding's title, statement and wording differ."""
    import sqlite3

    path = WORK / "edited.sqlite3"
    if not path.exists():
        shutil.copyfile(db, path)
        with sqlite3.connect(path) as conn:
            conn.execute("UPDATE findings SET title = title || ' (rev.)', statement = statement || ' Revised.'")
            conn.execute("UPDATE wordings SET text = text || ' Revised.'")
    return path


# ---- Benchmarks
def bench_search(ctx: Context) -> dict[str, Any]:
    from briefing.services import open_service

    sizes = (1_000, 10_000) if ctx.quick else (1_000, 10_000, 100_000)
    out: dict[str, Any] = {}
    queries = ("Ascend", "tokens model", "DeepSeek cost", "Southeast Asia")
    for n in sizes:
        svc = open_service(synthetic_db(n))
        row: dict[str, float] = {}
        for name, call in (
            ("filter_section_page_ms", lambda q: svc.list_findings(section="chips", limit=50)),
            ("search_page_ms", lambda q: svc.list_findings(search=q, limit=50, order="report")),
            ("search_ranked_top50_ms", lambda q: svc.list_findings(search=q, limit=50)),
            ("search_ids_ms", lambda q: svc.search_ids(q, limit=50)),
        ):
            times = []
            for q in queries:
                call(q)  # warm the page cache once per query
                times += [timed(lambda: call(q)) for _ in range(ctx.reps)]
            row[name] = round(median(times) * 1000, 2)
        out[str(n)] = row
        svc.close()
    return out


def bench_charts(ctx: Context) -> dict[str, Any]:
    from briefing import charts
    from briefing.services import open_service

    svc = open_service(seeded_db(ctx))
    findings = svc.list_findings()
    specs = svc.list_charts()
    svc.close()
    per_kind: dict[str, dict[str, float]] = {}
    os.environ["BRIEFING_CACHE"] = str(ctx.tmp("chartcache"))
    for spec in specs:
        data = charts.resolve_chart_data(spec, findings)
        kind = spec.kind.value
        if kind in per_kind:
            continue
        row = {}
        for fmt in ("png", "svg", "pdf"):
            times = []
            for _ in range(ctx.reps):
                os.environ["BRIEFING_CACHE"] = str(ctx.tmp("cold"))
                times.append(timed(lambda: charts.render_bytes(spec, data, fmt=fmt, size="16:9")))
            row[f"{fmt}_cold_ms"] = round(median(times) * 1000, 1)
        warm = [timed(lambda: charts.render_bytes(spec, data, fmt="png", size="16:9")) for _ in range(ctx.reps)]
        row["png_cached_ms"] = round(median(warm) * 1000, 2)
        per_kind[kind] = row
    png = [r["png_cold_ms"] for r in per_kind.values()]
    out: dict[str, Any] = {"per_kind": per_kind, "png_1920x1080_median_ms": round(median(png), 1)}
    pack = [(s, charts.resolve_chart_data(s, findings)) for s in specs]
    serial, parallel = [], []
    for _ in range(max(1, ctx.reps // 2)):
        os.environ["BRIEFING_CACHE"] = str(ctx.tmp("pack"))
        serial.append(timed(lambda: [charts.render_bytes(s, d, fmt="png", size="16:9") for s, d in pack]))
        os.environ["BRIEFING_CACHE"] = str(ctx.tmp("pack"))
        parallel.append(timed(lambda: charts.render_many(_jobs(pack))))
    out["pack"] = {"charts": len(pack), "serial_s": round(median(serial), 3),
                   "parallel_s": round(median(parallel), 3),
                   "ratio": round(median(parallel) / median(serial), 2)}
    return out


def _jobs(pack):  # type: ignore[no-untyped-def]
    from briefing import charts

    return [charts.RenderJob(spec=s, data=d, fmt="png", size="16:9") for s, d in pack]


def _export_cli(db: Path, audience: str, fmt: str, out: Path, cache: Path) -> tuple[float, int]:
    env = {"BRIEFING_CACHE": str(cache), "BRIEFING_DB": str(db)}
    t = time.perf_counter()
    r = py("-m", "benchmarks.probes.export_once", audience, fmt, str(out), env=env)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"export {audience}/{fmt} failed: {r.stderr.strip()[-500:]}")
    info = json.loads(r.stdout.strip().splitlines()[-1])
    return wall, int(info["peak_rss_kb"])


class CliServer:
    """`briefing server` for the length of a benchmark, in a private socket folder."""

    def __init__(self, db: Path, pythonpath: Path | None = None) -> None:
        self.runtime = Path(tempfile.mkdtemp(prefix="brb-", dir="/tmp"))  # short: a socket path is ≤ 107 bytes
        self.env = {"XDG_RUNTIME_DIR": str(self.runtime), "BRIEFING_DB": str(db)}
        self.cwd = pythonpath or ROOT  # `python -m` puts its folder first on the path
        if pythonpath is not None:  # another checkout's code, with this one's libraries
            self.env["PYTHONPATH"] = str(pythonpath)

    def __enter__(self) -> CliServer:
        t = time.perf_counter()
        r = py("-m", "briefing", "server", "start", "--idle", "30", env=self.env, cwd=self.cwd)
        if r.returncode != 0:
            raise RuntimeError(f"briefing server start failed: {r.stderr.strip()[-500:]}")
        self.start_s = time.perf_counter() - t
        return self

    def served(self) -> int:
        r = py("-m", "briefing", "server", "status", env=self.env, cwd=self.cwd)
        return int(r.stdout.split(" command(s) served")[0].rsplit(" ", 1)[1]) if r.returncode == 0 else -1

    def settle(self, limit: float = 30.0) -> None:
        """Wait while the server works between commands (a spare server's rehearsals), then a second more."""
        deadline = time.monotonic() + limit
        while "warming up" in py("-m", "briefing", "server", "status", env=self.env, cwd=self.cwd).stdout:
            if time.monotonic() > deadline:
                break
            time.sleep(0.2)
        time.sleep(1.0)

    def __exit__(self, *exc: object) -> None:
        py("-m", "briefing", "server", "stop", env=self.env, cwd=self.cwd)
        shutil.rmtree(self.runtime, ignore_errors=True)

    def export(self, audience: str, fmt: str, out: Path, cache: Path, db: Path | None = None) -> float:
        """A fresh `python -m briefing export` process, handed to the running server."""
        env = {**os.environ, **self.env, "BRIEFING_CACHE": str(cache)}
        if db is not None:
            env["BRIEFING_DB"] = str(db)
        t = time.perf_counter()
        r = subprocess.run([sys.executable, "-m", "briefing", "export", "--audience", audience, "--format", fmt,
                            "--output", str(out)], capture_output=True, text=True, env=env, cwd=self.cwd, timeout=600)
        wall = time.perf_counter() - t
        if r.returncode != 0:
            raise RuntimeError(f"export {audience}/{fmt} through the server failed: {r.stderr.strip()[-500:]}")
        return wall


def bench_export(ctx: Context) -> dict[str, Any]:
    db = seeded_db(ctx)
    out: dict[str, Any] = {}
    audiences = ("full", "asia") if ctx.quick else AUDIENCES
    with CliServer(db) as srv:
        out["server_start_s"] = round(srv.start_s, 2)
        expected = 0
        for audience in audiences:
            for fmt in ("pdf", "docx", "md"):
                cold, warm, rss, cold_srv, warm_srv = [], [], [], [], []
                warm_cache = ctx.tmp("warm")
                _export_cli(db, audience, fmt, ctx.tmp("o") / f"x.{fmt}", warm_cache)  # fill the warm cache
                for _ in range(ctx.reps):
                    t, peak = _export_cli(db, audience, fmt, ctx.tmp("o") / f"x.{fmt}", ctx.tmp("cold"))
                    cold.append(t)
                    rss.append(peak)
                    warm.append(_export_cli(db, audience, fmt, ctx.tmp("o") / f"x.{fmt}", warm_cache)[0])
                    cold_srv.append(srv.export(audience, fmt, ctx.tmp("o") / f"x.{fmt}", ctx.tmp("cold")))
                    warm_srv.append(srv.export(audience, fmt, ctx.tmp("o") / f"x.{fmt}", warm_cache))
                    expected += 2
                out[f"{audience}/{fmt}"] = {
                    "cold_s": round(median(cold), 3), "warm_s": round(median(warm), 3),
                    "peak_rss_mb": round(median(rss) / 1024, 1),
                    "server_cold_s": round(median(cold_srv), 3), "server_warm_s": round(median(warm_srv), 3),
                }
        # The server's warm-up lays out the seed report, so the figures above reuse its paragraph
        # layouts. A database where every text differs shows the export without that head start.
        edited = _edited_db(db)
        edited_cache = ctx.tmp("edited")
        srv.export("full", "pdf", ctx.tmp("o") / "x.pdf", edited_cache)  # charts unchanged: fill the cache
        out["full/pdf"]["server_warm_all_text_edited_s"] = round(median(
            [srv.export("full", "pdf", ctx.tmp("o") / "x.pdf", edited_cache, db=edited) for _ in range(ctx.reps)]), 3)
        expected += 1 + ctx.reps
        served = srv.served()
        if served != expected:  # a command the server declined ran in-process: the figures would lie
            raise RuntimeError(f"the server ran {served} of {expected} exports")
    return out


def bench_server_ab(ctx: Context) -> dict[str, Any]:
    """The full PDF through this checkout's server and through another revision's, interleaved in one run.

    BRIEFING_BENCH_BASELINE names the other revision (e.g. the spare-assisted server, a5d59b1). Commands
    are spaced as a person types them: after each, the baseline's spares may finish their rehearsal.
    """
    rev = os.environ.get("BRIEFING_BENCH_BASELINE")
    if not rev:
        return {"absent": "set BRIEFING_BENCH_BASELINE to a git revision to compare this server with"}
    base = WORK / f"baseline-{rev}"
    if not base.exists():
        base.mkdir(parents=True)
        archive = subprocess.run(["git", "archive", rev], cwd=ROOT, capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(base)], input=archive, check=True)
    db, cache, out = seeded_db(ctx), ctx.tmp("ab-cache"), ctx.tmp("ab") / "x.pdf"
    _export_cli(db, "full", "pdf", out, cache)  # a warm chart cache for all three
    # The baseline gets a database of its own, seeded by its own code: a newer schema is one it cannot open.
    this, other = CliServer(db), CliServer(ctx.tmp("ab-base") / "base.sqlite3", pythonpath=base)
    times: dict[str, list[float]] = {"this_server_s": [], "baseline_server_s": [], "no_server_s": []}
    with this, other:
        other.export("full", "pdf", out, cache)  # seeds it and warms its layout memo; not timed
        other.settle()
        for i in range(max(ctx.reps, 5) * 2):
            for name, srv in (("this_server_s", this), ("baseline_server_s", other))[:: 1 if i % 2 else -1]:
                times[name].append(srv.export("full", "pdf", out, cache))
                srv.settle()
            if i % 2:
                times["no_server_s"].append(_export_cli(db, "full", "pdf", out, cache)[0])
        if this.served() != len(times["this_server_s"]):
            raise RuntimeError("this checkout's server declined some exports")
    res: dict[str, Any] = {k: round(median(v), 3) for k, v in times.items()}
    res.update(baseline=rev, runs={k: [round(t, 3) for t in v] for k, v in times.items()},
               vs_baseline=round(res["this_server_s"] / res["baseline_server_s"], 2),
               speedup_vs_no_server=round(res["no_server_s"] / res["this_server_s"], 2))
    return res


def bench_peer(ctx: Context) -> dict[str, Any]:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        return {"absent": "LibreOffice (soffice) is not installed; no peer ratios in this run"}
    db = seeded_db(ctx)
    out: dict[str, Any] = {}
    audiences = ("full", "asia") if ctx.quick else AUDIENCES
    profile = ctx.tmp("lo-profile")
    for audience in audiences:
        docx = ctx.tmp("peer") / f"briefing-{audience}.docx"
        _export_cli(db, audience, "docx", docx, ctx.tmp("cache"))
        runs = []
        for _i in range(ctx.reps + 1):
            outdir = ctx.tmp("lo-out")
            cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
                   "--outdir", str(outdir), str(docx)]
            t = time.perf_counter()
            subprocess.run(cmd, capture_output=True, timeout=300, check=True)
            runs.append(time.perf_counter() - t)
        out[audience] = {"cold_s": round(runs[0], 3), "warm_s": round(median(runs[1:]), 3)}
    return out


def bench_reexport(ctx: Context) -> dict[str, Any]:
    from dataclasses import replace

    from briefing.compose import compose
    from briefing.domain.model import MetricDraft
    from briefing.services import open_service
    from briefing.writers import export

    db = WORK / "reexport.sqlite3"
    shutil.copyfile(seeded_db(ctx), db)
    os.environ["BRIEFING_CACHE"] = str(ctx.tmp("reexport-cache"))
    svc = open_service(db)
    target = ctx.tmp("reexport") / "briefing.pdf"
    export(compose(svc, "full"), "pdf", target)  # warm: the everyday state of an open app
    finding = next(f for f in svc.list_findings() if any(m.series == "openrouter-weekly-tokens" for m in f.metrics))
    # The everyday case: the app's export process is warm (imports, database, chart cache).
    in_app: dict[str, float] = {}
    for audience in AUDIENCES:
        for fmt in ("pdf", "docx"):
            out = ctx.tmp("inapp") / f"b.{fmt}"
            export(compose(svc, audience), fmt, out)
            in_app[f"{audience}/{fmt}"] = round(
                median([timed(lambda: export(compose(svc, audience), fmt, out)) for _ in range(ctx.reps)]), 3)
    times = []
    for _i in range(ctx.reps):
        f = svc.get_finding(finding.id)
        metrics = tuple(
            MetricDraft(m.label, m.value + (1 if m.entity == "China" else 0), m.unit, m.scale, m.entity, m.period,
                        m.as_of, m.series) for m in f.metrics)
        svc.update_finding(f.id, replace(f.to_draft(), metrics=metrics), f.version)
        times.append(timed(lambda: export(compose(svc, "full"), "pdf", target)))
    svc.close()
    return {"after_one_edit_s": round(median(times), 3), "runs": [round(t, 3) for t in times],
            "in_app_warm_s": in_app}


def bench_scaling(ctx: Context) -> dict[str, Any]:
    sizes = (10, 100, 1_000) if ctx.quick else (10, 100, 1_000, 10_000)
    out: dict[str, Any] = {}
    for n in sizes:
        db = _scaled_db(n)
        row = {}
        for fmt in ("pdf", "docx", "md"):
            cache = ctx.tmp("scale-cache")
            _export_cli(db, "full", fmt, ctx.tmp("o") / f"x.{fmt}", cache)  # warm charts: measure text cost
            times, rss = [], []
            for _ in range(max(1, ctx.reps // 2)):
                t, peak = _export_cli(db, "full", fmt, ctx.tmp("o") / f"x.{fmt}", cache)
                times.append(t)
                rss.append(peak)
            row[f"{fmt}_s"] = round(median(times), 3)
            row[f"{fmt}_peak_rss_mb"] = round(median(rss) / 1024, 1)
        out[str(n)] = row
    return out


def _scaled_db(n: int) -> Path:
    """A database of exactly n findings: the seed cut down, or grown synthetically."""
    path = WORK / f"scaled-{n}.sqlite3"
    if path.exists():
        return path
    if n >= 103:
        from benchmarks.synth import make_database

        return make_database(path, n)
    from briefing.services import open_service

    svc = open_service(path)
    for f in svc.list_findings()[n:]:
        svc.delete_finding(f.id)
    svc.close()
    return path


def bench_memory(ctx: Context) -> dict[str, Any]:
    r = py("-m", "benchmarks.probes.memory", str(seeded_db(ctx)), "20" if ctx.quick else "50",
           env={"BRIEFING_CACHE": str(ctx.tmp("mem-cache"))})
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip()[-500:])
    return json.loads(r.stdout.strip().splitlines()[-1])


def bench_scale(ctx: Context) -> dict[str, Any]:
    from benchmarks.scale import bench_scale as run_scale

    n = 10_000 if ctx.quick else 100_000
    return run_scale(n, make_db=synthetic_db)


def bench_gui(ctx: Context) -> dict[str, Any]:
    env = {"QT_QPA_PLATFORM": "offscreen", "BRIEFING_DB": str(seeded_db(ctx))}
    out: dict[str, Any] = {}
    probes = (("bare_window_s", "benchmarks.probes.bare_window"),
              ("app_first_paint_s", "benchmarks.probes.gui_first_paint"))
    runs: dict[str, list[float]] = {name: [] for name, _ in probes}
    # Interleaved, so a change in the machine's load touches both sides of the ratio alike.
    for _ in range(ctx.reps):
        for name, module in probes:
            r = py("-m", module, env={**env, "BENCH_T0": repr(time.time())})
            if r.returncode != 0:
                raise RuntimeError(f"{module}: {r.stderr.strip()[-500:]}")
            info = json.loads(r.stdout.strip().splitlines()[-1])
            runs[name].append(info["first_paint_s"])
            if "heavy_modules" in info:
                out["heavy_modules_at_first_paint"] = info["heavy_modules"]
    for name, values in runs.items():
        out[name] = round(median(values), 3)
    out["ratio"] = round(out["app_first_paint_s"] / out["bare_window_s"], 2)
    r = py("-m", "benchmarks.probes.gui_stall", env={**env, "BRIEFING_CACHE": str(ctx.tmp("stall"))})
    if r.returncode != 0:
        raise RuntimeError(f"gui_stall: {r.stderr.strip()[-500:]}")
    out["stall"] = json.loads(r.stdout.strip().splitlines()[-1])
    return out


def bench_checks(ctx: Context) -> dict[str, Any]:
    """The evidence checks over the whole seed: the engine alone, with the service's reads, and the command."""
    from briefing.checks import run_checks
    from briefing.cli.check import gather
    from briefing.services import open_service

    db = seeded_db(ctx)
    svc = open_service(db)
    try:
        library = gather(svc)
        problems = run_checks(library)  # warm: regex compilation, imports
        engine = [timed(lambda: run_checks(library)) for _ in range(ctx.reps)]
        with_reads = [timed(lambda: run_checks(gather(svc))) for _ in range(ctx.reps)]
    finally:
        svc.close()
    cli = []
    for _ in range(ctx.reps):
        t = time.perf_counter()
        r = py("-m", "briefing", "--db", str(db), "check", env={"BRIEFING_SERVER": "off"})
        cli.append(time.perf_counter() - t)
        if r.returncode not in (0, 1):
            raise RuntimeError(r.stderr.strip() or f"briefing check exited {r.returncode}")
    return {"findings": len(library.findings), "charts": len(library.charts), "templates": len(library.audiences),
            "problems": len(problems), "engine_ms": round(median(engine) * 1000, 1),
            "with_reads_ms": round(median(with_reads) * 1000, 1), "cli_fresh_process_s": round(median(cli), 2)}


BENCHES: dict[str, Callable[[Context], dict[str, Any]]] = {
    "search": bench_search,
    "charts": bench_charts,
    "export": bench_export,
    "peer": bench_peer,
    "server_ab": bench_server_ab,
    "reexport": bench_reexport,
    "scaling": bench_scaling,
    "memory": bench_memory,
    "gui": bench_gui,
    "scale": bench_scale,
    "checks": bench_checks,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes and repetitions (a smoke run)")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    parser.add_argument("--reps", type=int, default=None, help="repetitions per measurement (default 5, quick 3)")
    parser.add_argument("--no-write", action="store_true", help="print results; leave docs/ alone")
    args = parser.parse_args(argv)
    WORK.mkdir(parents=True, exist_ok=True)
    ctx = Context(quick=args.quick, reps=args.reps or (3 if args.quick else 5))
    previous = _load_previous()
    for name in args.only or list(BENCHES):
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            ctx.results[name] = BENCHES[name](ctx)
        except Exception as exc:  # noqa: BLE001 - one failing benchmark must not hide the rest
            ctx.results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f}s: "
              f"{json.dumps(ctx.results[name])[:400]}", file=sys.stderr, flush=True)
    merged = {**previous.get("results", {}), **ctx.results}
    run_at = {**previous.get("run_at", {}), **{name: time.strftime("%Y-%m-%d %H:%M") for name in ctx.results}}
    doc = {"machine": _machine(), "quick": args.quick, "reps": ctx.reps, "ran": list(ctx.results), "run_at": run_at,
           "results": merged}
    if not args.no_write:
        (ROOT / "docs" / "performance.json").write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        from benchmarks.report import write_markdown

        write_markdown(doc, ROOT / "docs" / "performance.md")
    print(json.dumps(ctx.results, indent=2))
    shutil.rmtree(WORK / "tmp", ignore_errors=True)
    return 0


def _load_previous() -> dict[str, Any]:
    path = ROOT / "docs" / "performance.json"
    if path.exists():
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError:
            return {}
    return {}


def _machine() -> dict[str, Any]:
    return {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d")}
