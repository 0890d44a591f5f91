"""Turns a benchmark run into docs/performance.md: targets with pass/fail, then every figure."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def _get(d: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else ("met" if ok else "**missed**")


def lead(results: dict[str, Any], run_at: dict[str, str]) -> list[str]:
    """What a user waits for a PDF: without the server, with it, in the app, and LibreOffice beside them."""
    export, peer = results.get("export") or {}, results.get("peer") or {}
    in_app = _get(results, "reexport", "in_app_warm_s") or {}
    same = len({run_at.get(name) for name in ("export", "peer", "reexport")} - {None}) == 1
    lines = ["## What you get", "",
             "A PDF briefing, charts already drawn once (warm chart cache), wall-clock time of the whole command. "
             + ("All columns come from the same run." if same else
                "The columns come from the latest runs of `export`, `reexport` and `peer`, not one run."),
             "", "| briefing | `briefing export`, no server | with `briefing server` running | in the app "
             "| LibreOffice, .docx → PDF |", "|---|---|---|---|---|"]
    for key in sorted(k for k in export if isinstance(export[k], dict) and k.endswith("/pdf")):
        aud, ours, lo = key[:-4], export[key], peer.get(key[:-4]) if isinstance(peer, dict) else None
        app = in_app.get(key)
        lines.append(f"| {aud} | {ours['warm_s']:.2f} s | {ours.get('server_warm_s', float('nan')):.2f} s | "
                     + (f"{app:.2f} s" if app is not None else "not run") + " | "
                     + (f"{lo['warm_s']:.2f} s |" if isinstance(lo, dict) and "warm_s" in lo else "not run |"))
    ab = results.get("server_ab") or {}
    if "this_server_s" in ab:
        lines += ["", f"The same full PDF, the plain server against revision {ab['baseline']}'s in one "
                  f"interleaved run: {ab['this_server_s']:.2f} s vs {ab['baseline_server_s']:.2f} s "
                  f"({ab['vs_baseline']:.2f}×); "
                  f"without a server {ab['no_server_s']:.2f} s ({ab['speedup_vs_no_server']:.1f}× the server's time)."]
    return [*lines, ""]


def targets(results: dict[str, Any]) -> list[tuple[str, str, str]]:
    rows: list[tuple[str, str, str]] = []
    ab = results.get("server_ab") or {}
    if "this_server_s" in ab:
        rows.append((f"Full PDF through the plain server within 20 % of the server at {ab['baseline']} (same run)",
                     f"{ab['this_server_s']:.2f} s vs {ab['baseline_server_s']:.2f} s = {ab['vs_baseline']:.2f}×",
                     _verdict(ab["vs_baseline"] <= 1.2)))
        rows.append(("Full PDF through the server ≥ 3× faster than a fresh process without it (same run)",
                     f"{ab['no_server_s']:.2f} s / {ab['this_server_s']:.2f} s = {ab['speedup_vs_no_server']:.1f}×",
                     _verdict(ab["speedup_vs_no_server"] >= 3)))
    peer = results.get("peer", {})
    export = results.get("export", {})
    if isinstance(peer, dict) and "absent" not in peer and "error" not in peer:
        for aud, lo in peer.items():
            ours = export.get(f"{aud}/pdf") if isinstance(export, dict) else None
            if not ours:
                continue
            r_cold = ours["cold_s"] / lo["warm_s"]
            r_warm = ours["warm_s"] / lo["warm_s"]
            if "server_cold_s" in ours:
                s_cold = ours["server_cold_s"] / lo["warm_s"]
                s_warm = ours["server_warm_s"] / lo["warm_s"]
                rows.append((f"PDF export, fresh `briefing export` process with `briefing server` running, cold chart "
                             f"cache ({aud}) ≤ 0.5 × LibreOffice warm",
                             f"{ours['server_cold_s']:.2f} s vs {lo['warm_s']:.2f} s = {s_cold:.2f}×",
                             _verdict(s_cold <= 0.5)))
                rows.append((f"PDF export, fresh `briefing export` process with `briefing server` running, warm chart "
                             f"cache ({aud}) ≤ 0.15 × LibreOffice warm",
                             f"{ours['server_warm_s']:.2f} s vs {lo['warm_s']:.2f} s = {s_warm:.2f}×",
                             _verdict(s_warm <= 0.15)))
                if "server_warm_all_text_edited_s" in ours:
                    e = ours["server_warm_all_text_edited_s"]
                    rows.append((f"… the same, every finding's text edited since the seed the server warmed up on "
                                 f"({aud}) ≤ 0.15 × LibreOffice warm",
                                 f"{e:.2f} s vs {lo['warm_s']:.2f} s = {e / lo['warm_s']:.2f}×",
                                 _verdict(e / lo["warm_s"] <= 0.15)))
            rows.append((f"PDF export, fresh process without the server, cold chart cache ({aud}) ≤ 0.5 × "
                         f"LibreOffice warm",
                         f"{ours['cold_s']:.2f} s vs {lo['warm_s']:.2f} s = {r_cold:.2f}×", _verdict(r_cold <= 0.5)))
            rows.append((f"PDF export, fresh process without the server, warm chart cache ({aud}) ≤ 0.15 × "
                         f"LibreOffice warm",
                         f"{ours['warm_s']:.2f} s vs {lo['warm_s']:.2f} s = {r_warm:.2f}×", _verdict(r_warm <= 0.15)))
        in_app = _get(results, "reexport", "in_app_warm_s") or {}
        for aud, lo in peer.items():
            ours = in_app.get(f"{aud}/pdf")
            if ours is None:
                continue
            r = ours / lo["warm_s"]
            rows.append((f"PDF export in the app, warm process and chart cache ({aud}) ≤ 0.15 × LibreOffice warm",
                         f"{ours:.2f} s vs {lo['warm_s']:.2f} s = {r:.2f}×", _verdict(r <= 0.15)))
    else:
        rows.append(("PDF export vs LibreOffice", str(peer.get("absent") or peer.get("error") or "not run"), "—"))
    re = _get(results, "reexport", "after_one_edit_s")
    rows.append(("Re-export in the app after one edit ≤ 0.5 s", f"{re:.3f} s" if re is not None else "not run",
                 _verdict(None if re is None else re <= 0.5)))
    png = _get(results, "charts", "png_1920x1080_median_ms")
    rows.append(("1920×1080 PNG chart ≤ 120 ms median", f"{png:.0f} ms" if png is not None else "not run",
                 _verdict(None if png is None else png <= 120)))
    pack = _get(results, "charts", "pack")
    if pack:
        rows.append(("Cold chart pack uses both cores", f"{pack['parallel_s']:.2f} s parallel vs "
                     f"{pack['serial_s']:.2f} s serial ({pack['ratio']:.2f}×)", _verdict(pack["ratio"] <= 0.75)))
    gui = results.get("gui", {})
    if isinstance(gui, dict) and "ratio" in gui:
        heavy = gui.get("heavy_modules_at_first_paint", [])
        rows.append(("GUI first paint ≤ 1.5 × bare PySide6 window",
                     f"{gui['app_first_paint_s']:.2f} s vs {gui['bare_window_s']:.2f} s = {gui['ratio']:.2f}×"
                     + (f"; heavy modules loaded: {', '.join(heavy)}" if heavy else "; no heavy module loaded"),
                     _verdict(gui["ratio"] <= 1.5 and not heavy)))
        stall = gui.get("stall", {})
        if "max_gap_ms" in stall:
            rows.append(("GUI event loop never stalls > 50 ms during an export", f"{stall['max_gap_ms']:.0f} ms",
                         _verdict(stall["max_gap_ms"] <= 50)))
    checks = _get(results, "checks", "with_reads_ms")
    rows.append(("Checks over the whole seed ≤ 1 s (service reads and engine)",
                 f"{checks:.0f} ms ({_get(results, 'checks', 'engine_ms'):.0f} ms engine; a fresh `briefing check` "
                 f"{_get(results, 'checks', 'cli_fresh_process_s'):.2f} s)" if checks is not None else "not run",
                 _verdict(None if checks is None else checks <= 1000)))
    s100k = _get(results, "search", "100000", "search_page_ms")
    rows.append(("Search over 100k findings ≤ 50 ms (first page of matches)",
                 f"{s100k:.1f} ms" if s100k is not None else "not run",
                 _verdict(None if s100k is None else s100k <= 50)))
    scaling = results.get("scaling", {})
    if isinstance(scaling, dict) and "error" not in scaling and scaling:
        sizes = sorted(int(k) for k in scaling)
        lo_n, hi_n = sizes[1] if len(sizes) > 2 else sizes[0], sizes[-1]
        lo_t, hi_t = scaling[str(lo_n)]["pdf_s"], scaling[str(hi_n)]["pdf_s"]
        per = (hi_t / hi_n) / (lo_t / lo_n)
        rows.append(("Export cost grows at most linearly; 10,000 findings export",
                     f"PDF {lo_n}: {lo_t:.2f} s → {hi_n}: {hi_t:.2f} s (cost per finding {per:.2f}× as large)",
                     _verdict(per <= 1.2)))
    mem = results.get("memory", {})
    if isinstance(mem, dict) and "growth_mb" in mem:
        rows.append((f"Memory after {mem['exports']} in-app exports: no growth",
                     f"{mem['rss_after_5_mb']:.0f} MB after 5 → {mem['rss_after_all_mb']:.0f} MB "
                     f"({mem['growth_mb']:+.1f} MB)", _verdict(mem["growth_mb"] <= 25)))
    return rows


def write_markdown(doc: dict[str, Any], path: Path) -> None:
    res = doc["results"]
    m = doc["machine"]
    lines = [
        "# Performance",
        "",
        f"Measured by `python -m benchmarks` on {m['date']}: Python {m['python']}, {m['cpus']} cores, "
        f"{m['platform']}. Every figure is a median over 3–9 repetitions (the latest run, `--only` "
        f"{', '.join(doc.get('ran', [])) or 'all'}, used {doc['reps']}{'; quick' if doc.get('quick') else ''}); "
        "sections not re-run keep their previous figures. The table and figures are regenerated by each run; "
        "the notes at the end come from docs/performance-notes.md. This machine is a shared VM: repeated "
        "runs of the same export vary by up to ±30 %.",
        "",
        *lead(res, doc.get("run_at", {})),
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---|---|",
    ]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in targets(res)]
    lines += ["", "## Figures", ""]
    for name, value in res.items():
        lines += [f"### {name}", "", "```json", _json(value), "```", ""]
    notes = path.with_name("performance-notes.md")
    if notes.exists():
        lines += [notes.read_text(encoding="utf-8")]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _json(value: Any) -> str:
    import json

    return json.dumps(value, indent=2, ensure_ascii=False)
