"""The import contracts in pyproject.toml hold (layers, no cycles, no Qt or SQL where it does not
belong), and the code passes mypy and ruff with the settings there."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_import_contracts_hold() -> None:
    exe = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(exe), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    assert "0 broken" in r.stdout


def test_the_layers_contract_names_every_top_level_module() -> None:
    """A new package or top-level module of briefing must take a place in the layers, or fail here."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]["contracts"]
    layers = next(c for c in contracts if c["type"] == "layers" and c.get("containers") == ["briefing"])
    named = [name for layer in layers["layers"] for name in re.split(r"[|:]", layer)]
    named = [name.strip() for name in named]
    package = ROOT / "briefing"
    present = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    present |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert len(named) == len(set(named)), f"named twice: {named}"
    assert set(named) == present, (
        f"not in a layer: {sorted(present - set(named))}; in a layer but gone: {sorted(set(named) - present)}")


def test_data_layers_import_without_qt() -> None:
    code = (
        "import sys; import briefing.services, briefing.store, briefing.domain, briefing.cli; "
        "bad = [m for m in ('PySide6', 'reportlab', 'docx', 'matplotlib') if m in sys.modules]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, f"heavy modules imported by the data layers: {r.stdout} {r.stderr}"


def test_ruff_passes_with_the_rule_set_in_pyproject() -> None:
    """The rules are listed in [tool.ruff.lint] (not ruff's default), checked with the pinned ruff."""
    exe = Path(sys.executable).with_name("ruff")
    r = subprocess.run([str(exe), "check", "--output-format", "concise", "briefing", "tests", "benchmarks"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]


def test_mypy_passes_over_the_package() -> None:
    """Settings in [tool.mypy]; the cache lives in .mypy_cache in the checkout, so a warm run takes
    a few seconds."""
    r = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-6000:] + r.stderr[-2000:]
    assert "Success: no issues found" in r.stdout
