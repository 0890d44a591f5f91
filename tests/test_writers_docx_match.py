"""Word that matches the PDF: one embedded font family (CJK included), numbered sections, vector
charts with a PNG fallback, and Briefing's own file properties. Files are read back with
python-docx and zipfile; one test renders the .docx with LibreOffice on a font set that lacks
DejaVu and WenQuanYi, so only the embedded faces can draw the text."""

from __future__ import annotations

import collections
import io
import re
import shutil
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from fontTools.ttLib import TTFont
from lxml import etree
from pypdf import PdfReader

from briefing.document.samples import kitchen_sink
from briefing.theme import default_theme
from briefing.writers import WriteOptions, write
from briefing.writers.docx.fonts import obfuscate
from briefing.writers.placeholder import placeholder_chart

OPTIONS = WriteOptions(render_chart=placeholder_chart)
CJK = "词元 (ciyuan)"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"


@pytest.fixture(scope="module")
def sink_bytes() -> bytes:
    return write(kitchen_sink(), "docx", OPTIONS).data


def part(data: bytes, name: str) -> etree._Element:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return etree.fromstring(z.read(name))


def rels(data: bytes, name: str) -> dict[str, str]:
    folder, _, file = name.rpartition("/")
    root = part(data, f"{folder}/_rels/{file}.rels")
    return {r.get("Id"): r.get("Target") for r in root}


# ---- one font family


def test_every_style_names_the_pdf_family_and_no_theme_font(sink_bytes: bytes) -> None:
    styles = part(sink_bytes, "word/styles.xml")
    theme_attrs = [f for f in styles.iter(f"{W}rFonts")
                   if any(f.get(f"{W}{a}") for a in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"))]
    assert theme_attrs == []  # a theme attribute beats the plain name in Word: Calibri/Cambria again
    d = docx.Document(io.BytesIO(sink_bytes))
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Subtitle", "TOC Heading"):
        style = d.styles[name]
        fonts = None
        while style is not None and fonts is None:  # the nearest style that names a font
            rpr = style.element.rPr
            fonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
            style = style.base_style
        assert fonts is not None, name
        assert (fonts.get(qn("w:ascii")), fonts.get(qn("w:hAnsi")), fonts.get(qn("w:eastAsia"))) == \
            ("DejaVu Sans", "DejaVu Sans", "WenQuanYi Micro Hei"), name
    theme = part(sink_bytes, "word/theme/theme1.xml")
    for group in ("majorFont", "minorFont"):
        holder = next(theme.iter(f"{A}{group}"))
        assert holder.find(f"{A}latin").get("typeface") == "DejaVu Sans"
        assert holder.find(f"{A}ea").get("typeface") == "WenQuanYi Micro Hei"


def embedded_faces(data: bytes) -> dict[tuple[str, str], TTFont]:
    table = part(data, "word/fontTable.xml")
    targets = rels(data, "word/fontTable.xml")
    out = {}
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for font in table.iter(f"{W}font"):
            for embed in font:
                slot = etree.QName(embed).localname
                if not slot.startswith("embed"):
                    continue
                blob = z.read("word/" + targets[embed.get(f"{R}id")])
                out[(font.get(f"{W}name"), slot)] = TTFont(io.BytesIO(obfuscate(blob, embed.get(f"{W}fontKey"))))
    return out


def test_fonts_are_embedded_as_word_embeds_them(sink_bytes: bytes) -> None:
    faces = embedded_faces(sink_bytes)
    assert set(faces) == {("DejaVu Sans", "embedRegular"), ("DejaVu Sans", "embedBold"),
                          ("DejaVu Sans", "embedItalic"), ("DejaVu Sans", "embedBoldItalic"),
                          ("WenQuanYi Micro Hei", "embedRegular")}
    for (family, _), font in faces.items():
        assert font["name"].getDebugName(1) == family  # de-obfuscated with the key: a valid TrueType face
        assert "glyf" in font
    d = docx.Document(io.BytesIO(sink_bytes))
    used = {ord(c) for t in d.element.body.iter(qn("w:t")) for c in (t.text or "")}
    cjk_cmap = faces[("WenQuanYi Micro Hei", "embedRegular")].getBestCmap()
    assert {ord(c) for c in "词元日本語のテキスト한국어"} <= set(cjk_cmap)
    latin = set(faces[("DejaVu Sans", "embedRegular")].getBestCmap())
    full = set(TTFont(str(default_theme().fonts.regular), lazy=True).getBestCmap())
    assert {c for c in used if c in full} <= latin  # every character the family has, the subset has
    assert len(latin) < len(full) / 2  # and it is a subset, not the 757 kB face
    settings = [etree.QName(c).localname for c in part(sink_bytes, "word/settings.xml")]
    assert "embedTrueTypeFonts" in settings and "saveSubsetFonts" in settings
    assert settings.index("embedTrueTypeFonts") < settings.index("saveSubsetFonts") < settings.index("defaultTabStop")
    types = part(sink_bytes, "[Content_Types].xml")
    font_types = {o.get("PartName"): o.get("ContentType") for o in types if "fonts/" in (o.get("PartName") or "")}
    assert len(font_types) == 5
    assert set(font_types.values()) == {"application/vnd.openxmlformats-officedocument.obfuscatedFont"}


def test_no_cjk_face_without_cjk_text() -> None:
    data = write(kitchen_sink(hostile=False), "docx", OPTIONS).data
    families = {family for family, _ in embedded_faces(data)}
    assert families == {"DejaVu Sans"}


def test_obfuscation_follows_the_standard() -> None:
    # ECMA-376 Part 1 §17.8.1: key bytes are the GUID's hex digits read from the end.
    key = "{00112233-4455-6677-8899-AABBCCDDEEFF}"
    data = bytes(64)
    out = obfuscate(data, key)
    expected = bytes.fromhex("FFEEDDCCBBAA99887766554433221100")
    assert out[:16] == expected and out[16:32] == expected and out[32:] == bytes(32)
    assert obfuscate(out, key) == data


# ---- numbering


def test_sections_are_numbered_as_in_the_pdf(sink_bytes: bytes) -> None:
    d = docx.Document(io.BytesIO(sink_bytes))
    doc = kitchen_sink()
    h1 = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    numbered = [p.text for p in h1 if p._p.pPr is not None and p._p.pPr.numPr is not None]
    assert numbered == [s.title for s in doc.sections]  # summary and references are not numbered
    num_ids = {p._p.pPr.numPr.numId.val for p in h1 if p._p.pPr.numPr is not None}
    assert len(num_ids) == 1
    numbering = d.part.numbering_part.element
    num = numbering.num_having_numId(num_ids.pop())
    abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                    if a.get(qn("w:abstractNumId")) == num.abstractNumId.get(qn("w:val")))
    lvl = abstract.find(qn("w:lvl"))
    assert lvl.find(qn("w:numFmt")).get(qn("w:val")) == "decimal"
    assert lvl.find(qn("w:lvlText")).get(qn("w:val")) == "%1"
    assert lvl.find(qn("w:start")).get(qn("w:val")) == "1"
    accent = default_theme().text_accent(doc.meta.audience_key).lstrip("#").upper()
    assert lvl.find(qn("w:rPr")).find(qn("w:color")).get(qn("w:val")) == accent
    toc = ["".join(t.text for t in p._p.iter(qn("w:t"))) for p in d.paragraphs if p.style.name == "TOC 1"]
    for i, s in enumerate(doc.sections, start=1):
        assert f"{i}   {s.title}" in toc


def test_bullets_use_the_embedded_family(sink_bytes: bytes) -> None:
    numbering = part(sink_bytes, "word/numbering.xml")
    texts = [lvl.find(f"{W}lvlText").get(f"{W}val") for lvl in numbering.iter(f"{W}lvl")]
    assert "\uf0b7" not in texts and "•" in texts
    fonts = {f.get(f"{W}ascii") for f in numbering.iter(f"{W}rFonts")}
    assert "Symbol" not in fonts


# ---- metadata


def test_the_file_names_briefing_not_word(sink_bytes: bytes) -> None:
    app = part(sink_bytes, "docProps/app.xml")
    ns = "{http://schemas.openxmlformats.org/officeDocument/2006/extended-properties}"
    assert app.findtext(f"{ns}Application") == "Briefing"
    assert app.findtext(f"{ns}Template") == "reference.docx"
    assert app.findtext(f"{ns}Company") == "Briefing tests"
    assert re.fullmatch(r"\d\d\.\d{4}", app.findtext(f"{ns}AppVersion") or "")
    assert app.find(f"{ns}Pages") is None and app.find(f"{ns}Words") is None  # counts only Word can keep
    with zipfile.ZipFile(io.BytesIO(sink_bytes)) as z:
        names = z.namelist()
        assert not any("thumbnail" in n for n in names)
        assert b"Microsoft" not in z.read("docProps/app.xml")
    core = docx.Document(io.BytesIO(sink_bytes)).core_properties
    assert (core.title, core.subject, core.author) == ("Kitchen sink <b>briefing</b> & co", "Writer coverage",
                                                      "Test Author")
    assert core.created.date().isoformat() == "2026-04-20"


def test_the_publisher_signs_when_no_author_is_named() -> None:
    doc = kitchen_sink(hostile=False)
    doc = replace(doc, meta=replace(doc.meta, author=""))
    core = docx.Document(io.BytesIO(write(doc, "docx", OPTIONS).data)).core_properties
    assert core.author == "Briefing tests"


# ---- LibreOffice on a machine without the fonts


def _other_fonts(folder: Path) -> int:
    """Link every installed font file that is neither DejaVu nor WenQuanYi into `folder`."""
    out = subprocess.run(["fc-list", "--format", "%{file}\t%{family}\n"], capture_output=True, text=True,
                         check=False).stdout
    n = 0
    for line in out.splitlines():
        file, _, family = line.partition("\t")
        if not file or re.search(r"dejavu|wenquanyi|wqy", f"{file} {family}", re.I):
            continue
        target = folder / f"{n}-{Path(file).name}"
        target.symlink_to(file)
        n += 1
    return n


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("fc-list") is None,
                    reason="LibreOffice (soffice) or fontconfig is not installed")
def test_libreoffice_without_the_fonts_draws_with_the_embedded_ones(tmp_path: Path, sink_bytes: bytes) -> None:
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    if _other_fonts(fonts) == 0:
        pytest.skip("no font other than DejaVu and WenQuanYi is installed; LibreOffice needs one to start")
    conf = tmp_path / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?><fontconfig><dir>{fonts}</dir>'
                    f'<cachedir>{tmp_path / "fc-cache"}</cachedir></fontconfig>')
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(conf)}
    listed = subprocess.run(["fc-list"], capture_output=True, text=True, env=env, check=True).stdout
    assert "DejaVu" not in listed and "WenQuanYi" not in listed  # the machine we claim to be
    src = tmp_path / "briefing.docx"
    src.write_bytes(sink_bytes)
    subprocess.run([shutil.which("soffice") or "soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}",
                    "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)],
                   env=env, capture_output=True, timeout=180, check=True)
    pdf = tmp_path / "briefing.pdf"
    drawn: dict[str, list[str]] = collections.defaultdict(list)

    def visit(text: str, cm: object, tm: object, font: dict | None, size: object) -> None:
        if font is not None and text.strip():
            drawn[re.sub(r"^/?([A-Z]{6}\+)?", "", str(font.get("/BaseFont")))].append(text)

    for page in PdfReader(pdf).pages:
        page.extract_text(visitor_text=visit)
    faces = set(drawn)
    assert {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "WenQuanYiMicroHei"} <= faces, faces
    # Text the embedded faces can draw never fell back to an installed face (emoji may, on a
    # machine that has an emoji font: no face of ours has them).
    ours = {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSans-Oblique", "DejaVuSans-BoldOblique", "WenQuanYiMicroHei"}
    covered = set().union(*(set(f.getBestCmap()) for f in embedded_faces(sink_bytes).values())) | {0x20, 0xA0}
    strays = [(face, t) for face, texts in drawn.items() if face not in ours for t in texts
              if all(ord(c) in covered for c in t)]
    assert strays == []
    assert any("词元" in t for t in drawn["WenQuanYiMicroHei"])
    assert any("Kitchen sink" in t for t in drawn["DejaVuSans-Bold"])  # the title, not Calibri's stand-in
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert CJK in text
    for i, section in enumerate(kitchen_sink().sections, start=1):
        assert re.search(rf"^\s*{i}\s+{re.escape(section.title[:20])}", text, re.M), section.title


# ---- vector charts at print size


def blips(data: bytes) -> list[tuple[str, str | None]]:
    """(PNG target, SVG target or None) of every picture in the body, in order."""
    body = part(data, "word/document.xml")
    targets = rels(data, "word/document.xml")
    out = []
    for blip in body.iter(f"{A}blip"):
        svg = blip.find(f"{A}extLst/{A}ext/{{http://schemas.microsoft.com/office/drawing/2016/SVG/main}}svgBlip")
        out.append((targets[blip.get(f"{R}embed")], targets[svg.get(f"{R}embed")] if svg is not None else None))
    return out


def test_charts_are_svg_with_a_png_fallback(sink_bytes: bytes) -> None:
    pictures = blips(sink_bytes)
    assert len(pictures) == len(kitchen_sink().figures)
    ext = next(part(sink_bytes, "word/document.xml").iter(f"{A}ext"))
    assert ext.get("uri") == "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"  # the id Word looks for
    types = {o.get("PartName"): o.get("ContentType") for o in part(sink_bytes, "[Content_Types].xml")}
    with zipfile.ZipFile(io.BytesIO(sink_bytes)) as z:
        for png, svg in pictures:
            assert svg is not None
            assert z.read("word/" + png)[:8] == b"\x89PNG\r\n\x1a\n"
            assert etree.fromstring(z.read("word/" + svg)).tag == "{http://www.w3.org/2000/svg}svg"
            assert types[f"/word/{svg}"] == "image/svg+xml"


def test_renderer_is_asked_for_png_at_200_dpi_and_svg() -> None:
    seen: list[tuple[str, int | None]] = []

    def spy(spec, data, **kw):
        seen.append((kw["fmt"], kw["dpi"]))
        return placeholder_chart(spec, data, **kw)

    write(kitchen_sink(hostile=False), "docx", WriteOptions(render_chart=spy, chart_dpi=96))
    assert set(seen) == {("png", 200), ("svg", None)}


def test_real_charts_are_placed_at_the_pdfs_print_size(seeded_template: Path, tmp_path: Path) -> None:
    from briefing.charts.sizes import DOCUMENT_WIDTH_IN
    from briefing.compose import compose
    from briefing.services import open_service
    from briefing.writers import print_size

    path = tmp_path / "briefing.sqlite3"
    shutil.copyfile(seeded_template, path)
    service = open_service(path)
    try:
        doc = compose(service, "asia", author="A. Consultant")
    finally:
        service.close()
    data = write(doc, "docx", WriteOptions()).data
    d = docx.Document(io.BytesIO(data))
    assert len(d.inline_shapes) == len(doc.figures) > 0
    pictures = blips(data)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for fig, shape, (png, svg) in zip(doc.figures, d.inline_shapes, pictures, strict=True):
            size = print_size(fig)
            assert shape.width.inches == pytest.approx(min(size.width_in, DOCUMENT_WIDTH_IN), abs=0.01)
            assert shape.height / shape.width == pytest.approx(size.height_in / size.width_in, rel=0.02)
            assert svg is not None
            root = etree.fromstring(z.read("word/" + svg))
            width_pt = float(root.get("width", "0").removesuffix("pt"))
            assert width_pt == pytest.approx(size.width_in * 72, rel=0.01)  # drawn for the page, not a slide
            assert len(root.findall(".//{http://www.w3.org/2000/svg}path")) > 5  # vector marks
            fallback = z.read("word/" + png)
            assert int.from_bytes(fallback[16:20], "big") == pytest.approx(size.width_in * 200, abs=2)  # 200 dpi


def test_font_subsets_are_cached_on_disk(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from briefing.writers.docx import fonts

    monkeypatch.setenv("BRIEFING_CACHE", str(tmp_path))
    regular = default_theme().fonts.regular
    chars = frozenset(map(ord, "Disk cache test ±"))
    fonts.subset.cache_clear()
    first = fonts.subset(regular, 0, chars)
    assert len(list((tmp_path / "fonts").glob("*.ttf"))) == 1
    fonts.subset.cache_clear()  # a fresh process: only the disk remembers

    def refuse(*args: object) -> bytes:
        raise AssertionError("subset made again although it was on disk")

    monkeypatch.setattr(fonts, "_make_subset", refuse)
    assert fonts.subset(regular, 0, chars) == first
    fonts.subset.cache_clear()
