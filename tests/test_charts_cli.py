"""`briefing charts list|render|deck` over a stand-in service: paths printed, one-line errors, exit codes."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
from pptx import Presentation
from test_charts_support import seed_charts, seed_findings

from briefing.cli.charts import add_parser
from briefing.domain.charts import ChartSpec
from briefing.domain.errors import NotFoundError
from briefing.domain.model import Audience, Finding, Report
from briefing.store.seed import load_report


class FakeService:
    """The calls the charts commands make, over the seed YAML."""

    def list_charts(self, audience: str | None = None) -> list[ChartSpec]:
        return sorted((c for c in seed_charts() if c.in_audience(audience)), key=lambda c: c.position)

    def get_chart(self, key: str) -> ChartSpec:
        for c in seed_charts():
            if c.key == key:
                return c
        raise NotFoundError("chart", key)

    def list_findings(self) -> list[Finding]:
        return list(seed_findings())

    def get_audience(self, key: str) -> Audience:
        if key not in ("full", "asia", "west", "investors"):
            raise NotFoundError("audience", key)
        return Audience(key, key.title())

    def report(self) -> dict[str, object]:
        return self.get_report().cover()

    def get_report(self, key: str | None = None) -> Report:
        # The seed report's cover fields; no colours of its own: the house theme.
        raw = load_report()
        return Report(1, raw["key"], raw["title"], raw["subtitle"], raw["publisher"], raw["author"], raw["edition"])


@pytest.fixture(autouse=True)
def _own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path / "cache"))


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="briefing")
    add_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(argv)
    return args.func(args, FakeService())  # type: ignore[no-any-return]


def test_list_prints_charts_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["charts", "list", "--audience", "asia"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("china-daily-tokens")
    assert len(lines) == sum(1 for c in seed_charts() if c.in_audience("asia"))


def test_render_writes_files_and_prints_their_paths(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    code = run(["charts", "render", "--audience", "west", "--chart", "cost-vs-us", "policy-eras",
                "--format", "svg", "--size", "column", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out.split()
    assert printed == [str(out / "cost-vs-us.svg"), str(out / "policy-eras.svg")]
    assert all(Path(p).read_bytes().lstrip().startswith(b"<?xml") for p in printed)
    # The audience accent (west: green) colours the chart.
    assert b"#009e73" in Path(printed[0]).read_bytes().lower()


def test_render_png_with_a_pixel_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["charts", "render", "--chart", "job-functions-ai", "--format", "png", "--size", "640x360",
                "--transparent", "--out", str(tmp_path)]) == 0
    from PIL import Image

    image = Image.open(capsys.readouterr().out.strip())
    assert image.size == (640, 360) and image.mode == "RGBA"


def test_deck_writes_a_pptx(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "asia.pptx"
    assert run(["charts", "deck", "--audience", "asia", "--out", str(target)]) == 0
    assert capsys.readouterr().out.strip() == str(target)
    prs = Presentation(str(target))
    assert len(prs.slides) == 1 + sum(1 for c in seed_charts() if c.in_audience("asia"))  # a cover first
    cover = "\n".join(s.text_frame.text for s in prs.slides[0].shapes if s.has_text_frame)
    assert prs.slides[0].shapes.title.text_frame.text == "Digital in Asia — April 2026"
    assert "April 2026 · Asia" in cover
    assert prs.core_properties.title == "Digital in Asia — April 2026" and prs.core_properties.author == "Tom Simpson"
    from briefing.writers.manifest import read_manifest

    made = read_manifest(target)  # what the deck was made from, for `briefing diff`
    assert (made.kind, made.report_key, made.audience_key) == ("deck", FakeService().get_report().key, "asia")
    assert [c.key for c in made.charts] == [c.key for c in FakeService().list_charts("asia")]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["charts", "render", "--chart", "nope", "--out", "{tmp}"], "No chart 'nope'"),
        (["charts", "render", "--size", "huge", "--out", "{tmp}"], "not a chart size"),
        (["charts", "render", "--audience", "mars", "--out", "{tmp}"], "No audience 'mars'"),
        (["charts", "deck", "--out", "{tmp}/deck.ppt"], "must end in .pptx"),
        (["charts", "deck", "--out", "{tmp}/missing/deck.pptx"], "does not exist"),
    ],
)
def test_errors_are_one_line_and_exit_2(argv: list[str], message: str, tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    code = run([a.replace("{tmp}", str(tmp_path)) for a in argv])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert message in err and "\n" not in err and "Traceback" not in err
