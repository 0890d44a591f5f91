"""`briefing check` end to end: the real CLI in a subprocess over a real seeded SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from briefing.paths import SEED_DATA

# The chart titles the seed carried before it was fixed: each claims what its data does not support.
OLD_TITLES = {
    "china-ai-milestones": "Four Chinese model milestones in six weeks",
    "accelerator-output": "Huawei's Ascend line leads China's planned AI chip output for 2026",
    "hyperscaler-spending": "US AI spending is measured in the hundreds of billions",
}


def check(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_SERVER": "off"}
    env.pop("BRIEFING_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "briefing", "check", *args], check=False, capture_output=True,
                          text=True, env=env, timeout=120)


def test_the_seed_checks_clean(seeded_db: Path) -> None:
    r = check(seeded_db)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.strip() == "No problems in 103 findings, 17 charts, 4 audience templates."
    r = check(seeded_db, "--json")
    assert r.returncode == 0 and json.loads(r.stdout)["problems"] == []


def _seed_copy_with_old_titles(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(SEED_DATA, data)
    charts = data / "charts.yaml"
    lines = charts.read_text(encoding="utf-8").splitlines()
    key = None
    for i, line in enumerate(lines):
        if line.startswith("- key: "):
            key = line.removeprefix("- key: ").strip()
        elif line.startswith("  title: ") and key in OLD_TITLES:
            lines[i] = f"  title: {OLD_TITLES[key]}"
    charts.write_text("\n".join(lines) + "\n", encoding="utf-8")
    from briefing.services import open_service
    from briefing.services.seeding import seed_database

    db = tmp_path / "old-titles.sqlite3"
    svc = open_service(db, seed=False)
    try:
        seed_database(svc, root=data)
        assert {c.key: c.title for c in svc.list_charts() if c.key in OLD_TITLES} == OLD_TITLES
    finally:
        svc.close()
    return db


def test_the_three_old_chart_titles_are_named(tmp_path: Path) -> None:
    db = _seed_copy_with_old_titles(tmp_path)
    r = check(db)
    assert r.returncode == 1, r.stdout + r.stderr
    lines = r.stdout.splitlines()
    assert lines[-1].startswith("3 problems in 3 of 103 findings, 17 charts")
    assert any(line.startswith("chart china-ai-milestones · title [duration]") and "six weeks" in line
               and "8.4 weeks" in line for line in lines)
    assert any(line.startswith("chart accelerator-output · data [comparative]") and "“leads”" in line
               and "dies" in line and "units" in line for line in lines)
    assert any(line.startswith("chart hyperscaler-spending · title [magnitude]") and "hundreds of billions" in line
               and "$2.8T" in line for line in lines)

    r = check(db, "--json")
    assert r.returncode == 1
    problems = json.loads(r.stdout)["problems"]
    assert {(p["subject"], p["text"]) for p in problems} == {
        ("china-ai-milestones", "in six weeks"), ("accelerator-output", "leads"),
        ("hyperscaler-spending", "hundreds of billions")}


def test_an_altered_number_in_one_audience_wording_is_caught(seeded_db: Path) -> None:
    from briefing.services import open_service

    svc = open_service(seeded_db)
    try:
        f = svc.get_finding("openrouter-weekly-tokens-china-vs-us")
        asia = f.wordings["asia"]
        assert "5.16 trillion" in asia
        draft = f.to_draft()
        svc.update_finding(f.id, type(draft)(**{**draft.__dict__, "wordings": {
            **f.wordings, "asia": asia.replace("5.16 trillion", "5.61 trillion")}}), f.version)
    finally:
        svc.close()
    r = check(seeded_db)
    assert r.returncode == 1
    assert r.stdout.splitlines()[:2] == [
        ("finding openrouter-weekly-tokens-china-vs-us · wordings.asia [unbacked-number]: 5.61 trillion is not a "
        "metric of finding “openrouter-weekly-tokens-china-vs-us”"),
        ("finding openrouter-weekly-tokens-china-vs-us · wordings.asia [wording-numbers]: the asia wording states "
        "5.61 trillion; the statement does not"),
    ]
