"""The PDF writer leaves reportlab as it found it: no replaced functions, no overridden private
methods, no process-wide settings left changed; its one speed lever, the layout memo, has a kill
switch and changes no byte; reportlab is pinned to the minor release these byte tests cover."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

import pytest
import reportlab
from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics, ttfonts

import briefing.writers.pdf
from briefing.compose import compose
from briefing.document import Document
from briefing.document.samples import kitchen_sink
from briefing.services import BriefingService
from briefing.writers import WriteOptions, write
from briefing.writers.pdf import memo
from briefing.writers.placeholder import placeholder_chart

ROOT = Path(__file__).resolve().parent.parent
OPTIONS = WriteOptions(render_chart=placeholder_chart)


def _pdf(doc: Document) -> bytes:
    return write(doc, "pdf", OPTIONS).data


@pytest.mark.parametrize("which", ["kitchen sink", "seeded full report"])
def test_the_memo_switched_off_gives_the_same_bytes_and_keeps_nothing(
        which: str, service: BriefingService, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = kitchen_sink(long=True) if which == "kitchen sink" else compose(service, "full")
    memo.clear()
    cold = _pdf(doc)
    assert memo.PARSED.items and memo.LAYOUTS.items, "with the memo on, an export keeps its layout"
    warm = _pdf(doc)
    monkeypatch.setenv("BRIEFING_PDF_MEMO", "off")
    memo.clear()
    off = _pdf(doc)
    assert not memo.PARSED.items and not memo.LAYOUTS.items, "BRIEFING_PDF_MEMO=off keeps nothing"
    assert len(off) > 20_000
    assert cold == warm == off


def test_the_memo_switch_reads_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for value, on in [("", True), ("on", True), ("off", False), ("OFF", False), ("0", False), ("no", False)]:
        monkeypatch.setenv("BRIEFING_PDF_MEMO", value)
        assert memo.enabled() is on, value


def test_ascii85_is_off_only_while_a_pdf_builds() -> None:
    """reportlab's process-wide `useA85` is switched off for the build and given back after it,
    also when the build fails, so other reportlab users in the process see their own setting."""
    assert rl_config.useA85 == 1, "reportlab's default"
    seen: list[object] = []

    def progress(fraction: float, message: str) -> None:
        seen.append(rl_config.useA85)

    data = write(kitchen_sink(), "pdf", OPTIONS, progress=progress).data
    assert rl_config.useA85 == 1
    assert 0 in seen  # off while laying out pages
    assert b"/ASCII85Decode" not in data and b"/FlateDecode" in data

    def fail(fraction: float, message: str) -> None:
        if message == "Laying out pages":
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write(kitchen_sink(), "pdf", OPTIONS, progress=fail)
    assert rl_config.useA85 == 1


def _pdf_modules() -> list[object]:
    pkg = briefing.writers.pdf
    return [pkg] + [importlib.import_module(f"{pkg.__name__}.{m.name}") for m in pkgutil.iter_modules(pkg.__path__)]


def test_no_reportlab_function_is_replaced_after_an_export() -> None:
    _pdf(kitchen_sink())
    for module in (pdfdoc, ttfonts, pdfmetrics):
        for name, value in vars(module).items():
            owner = getattr(value, "__module__", None) or ""
            if callable(value) or inspect.isfunction(getattr(value, "__wrapped__", None)):
                assert not owner.startswith("briefing") and not hasattr(value, "__wrapped__"), (
                    f"{module.__name__}.{name} was replaced by {owner}.{getattr(value, '__qualname__', value)}")


def test_no_subclass_overrides_a_private_reportlab_method() -> None:
    """Subclassing reportlab is fine; overriding what reportlab keeps private (`_setup`,
    `_endBuild`) is a patch that breaks silently on the next release."""
    found: list[str] = []
    for module in _pdf_modules():
        for cls in vars(module).values():
            if not inspect.isclass(cls) or cls.__module__ != getattr(module, "__name__", None):
                continue
            bases = [b for b in cls.__mro__[1:] if b.__module__.startswith("reportlab")]
            for name in vars(cls):
                if name.startswith("_") and not name.startswith("__") and any(name in vars(b) for b in bases):
                    found.append(f"{cls.__module__}.{cls.__qualname__}.{name}")
    assert not found, f"private reportlab methods overridden: {found}"


def test_reportlab_is_pinned_to_the_minor_release_the_byte_tests_cover() -> None:
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    spec = next(d for d in deps if d.startswith("reportlab"))
    low = re.search(r">=(\d+)\.(\d+)", spec)
    high = re.search(r"<(\d+)\.(\d+)", spec)
    assert low and high, spec
    major, minor = int(low[1]), int(low[2])
    assert (int(high[1]), int(high[2])) == (major, minor + 1), f"one minor release only: {spec}"
    installed = tuple(int(x) for x in reportlab.Version.split(".")[:2])
    assert installed == (major, minor), f"reportlab {reportlab.Version} is outside the pin {spec}"
