"""An export whose charts are all cached loads no drawing code: matplotlib stays unimported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CODE = (
    "import sys; from briefing.cli import main; "
    "code = main(['export', '--audience', 'asia', '--format', '{fmt}', '--output', '{out}', '-q']); "
    "print('matplotlib' in sys.modules); sys.exit(code)"
)


def _export(db: Path, cache: Path, fmt: str, out: Path) -> bool:
    env = {**os.environ, "BRIEFING_DB": str(db), "BRIEFING_CACHE": str(cache)}
    r = subprocess.run([sys.executable, "-c", CODE.format(fmt=fmt, out=out)], capture_output=True, text=True,
                       env=env, timeout=300)
    assert r.returncode == 0, r.stderr
    return r.stdout.strip().splitlines()[-1] == "True"


def test_a_warm_export_imports_no_matplotlib(seeded_db: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    for fmt in ("pdf", "docx"):
        out = tmp_path / f"b.{fmt}"
        assert _export(seeded_db, cache, fmt, out) is True  # cold: the charts are drawn
        assert _export(seeded_db, cache, fmt, out) is False  # warm: every chart is a file read
        assert out.stat().st_size > 10_000
