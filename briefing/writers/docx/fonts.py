"""The Word writer's fonts: the theme's families on every style and in the theme, and the faces
embedded the way Word's "Embed fonts in the file" does (ECMA-376 Part 1 §17.8.1).

An embedded face is a TrueType subset of the characters the document uses (Word's "Embed only the
characters used in the document"), obfuscated with its font key and listed in fontTable.xml, so a
machine without DejaVu Sans or WenQuanYi Micro Hei still shows the PDF's type, CJK included.
"""

from __future__ import annotations

import hashlib
import io
import os
import uuid
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import Part, XmlPart
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.parser import parse_xml

from briefing.fileio import atomic_write
from briefing.paths import user_cache_dir
from briefing.theme import Theme

OBFUSCATED_FONT = "application/vnd.openxmlformats-officedocument.obfuscatedFont"
_THEME_FONT_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")
_MONOSPACE = ("Courier", "Courier New", "Consolas")
# Characters always kept in a Latin subset: field results (page numbers, the TOC Word rebuilds)
# and a reader's small edits need them even when the text so far does not.
# Latin-1 and general punctuation are kept whole as well, so an export after an edit that brings a
# new accented letter or dash usually finds its subsets in the cache.
_ALWAYS = frozenset(range(0x20, 0x7F)) | frozenset(range(0xA0, 0x100)) | frozenset(range(0x2010, 0x2060))
# Settings that precede w:embedTrueTypeFonts in CT_Settings; Word rejects children out of order.
_SETTINGS_BEFORE_EMBED = {"writeProtection", "view", "zoom", "removePersonalInformation", "removeDateAndTime",
                          "doNotDisplayPageBoundaries", "displayBackgroundShape", "printPostScriptOverText",
                          "printFractionalCharacterWidth", "printFormsData", "embedTrueTypeFonts",
                          "embedSystemFonts", "saveSubsetFonts"}
_FONT_CHILD_ORDER = ("altName", "panose1", "charset", "family", "notTrueType", "pitch", "sig",
                     "embedRegular", "embedBold", "embedItalic", "embedBoldItalic")
_CJK_RANGES = ((0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
               (0x20000, 0x3FFFF))


@dataclass(frozen=True)
class Face:
    """One font file as Word embeds it: its family, which cut (the fontTable element) and where it is."""

    family: str
    slot: str  # embedRegular, embedBold, embedItalic or embedBoldItalic
    path: Path
    index: int = 0  # the face inside a .ttc collection


def family_name(path: Path, index: int = 0) -> str:
    """The family name a word processor asks for, read from the font file's name table."""
    return _family_name(path, index)


@lru_cache(maxsize=16)
def _family_name(path: Path, index: int) -> str:
    from fontTools.ttLib import TTCollection, TTFont

    font = TTCollection(str(path), lazy=True).fonts[index] if path.suffix.lower() == ".ttc" \
        else TTFont(str(path), lazy=True)
    return str(font["name"].getDebugName(1) or path.stem)


def theme_families(theme: Theme) -> tuple[str, str]:
    """The Latin and CJK family names of the theme, as the PDF uses them."""
    return family_name(theme.fonts.regular), family_name(theme.fonts.cjk, theme.fonts.cjk_subfont)


def theme_faces(theme: Theme) -> tuple[list[Face], Face]:
    latin, cjk = theme_families(theme)
    f = theme.fonts
    return ([Face(latin, "embedRegular", f.regular), Face(latin, "embedBold", f.bold),
             Face(latin, "embedItalic", f.italic), Face(latin, "embedBoldItalic", f.bold_italic)],
            Face(cjk, "embedRegular", f.cjk, f.cjk_subfont))


# ---- families on styles and theme


def set_style_fonts(doc: Any, theme: Theme) -> None:
    """Name the theme's families on the document defaults and on every style that names a font.

    A style that asks for a theme font (w:asciiTheme="majorHAnsi", as python-docx's template's
    headings and title do) would fall back to Calibri/Cambria; the theme attributes win over the
    plain ones in Word, so they are removed, not just joined. Monospace styles keep their face.
    """
    latin, cjk = theme_families(theme)
    styles = doc.styles.element
    holders = []
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr_default = defaults.find(qn("w:rPrDefault"))
        if rpr_default is None:
            rpr_default = OxmlElement("w:rPrDefault")
            defaults.insert(0, rpr_default)
        rpr = rpr_default.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            rpr_default.append(rpr)
        holders.append(rpr)
    normal = doc.styles["Normal"].element
    holders.append(normal.get_or_add_rPr())
    for rpr in holders:
        if rpr.find(qn("w:rFonts")) is None:
            rpr.insert(0, OxmlElement("w:rFonts"))
    for fonts in styles.iter(qn("w:rFonts")):
        if fonts.get(qn("w:ascii")) in _MONOSPACE and not any(fonts.get(qn(a)) for a in _THEME_FONT_ATTRS):
            continue
        for attr in list(fonts.attrib):
            del fonts.attrib[attr]
        fonts.set(qn("w:ascii"), latin)
        fonts.set(qn("w:hAnsi"), latin)
        fonts.set(qn("w:eastAsia"), cjk)
        fonts.set(qn("w:cs"), latin)
    # Word picks the East Asian face by the theme's East Asian language; ours is a Chinese face.
    lang = doc.settings.element.find(qn("w:themeFontLang"))
    if lang is not None:
        lang.set(qn("w:eastAsia"), "zh-CN")


def set_theme_fonts(doc: Any, theme: Theme) -> None:
    """The theme part's major (headings) and minor (body) fonts become the theme's families, so a
    style a reader adds later from Word's gallery still uses them."""
    latin, cjk = theme_families(theme)
    part = xml_part(doc.part, RT.THEME)
    if part is None:
        return
    a = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
    for group in ("majorFont", "minorFont"):
        for holder in part.element.iter(f"{a}{group}"):
            for tag, face in (("latin", latin), ("ea", cjk), ("cs", latin)):
                el = holder.find(f"{a}{tag}")
                if el is not None:
                    el.set("typeface", face)


def xml_part(owner: Any, reltype: str) -> XmlPart | None:
    """The part `owner` relates to by `reltype`, as an XmlPart whose element can be edited.

    python-docx loads parts it has no class for (font table, theme, extended properties) as
    opaque bytes; such a part is parsed and put in its place under the same name.
    """
    rel = next((r for r in owner.rels.values() if r.reltype == reltype and not r.is_external), None)
    if rel is None:
        return None
    part = rel.target_part
    if isinstance(part, XmlPart):
        return part
    replacement = XmlPart(part.partname, part.content_type, parse_xml(part.blob), part.package)
    for child_rel in part.rels.values():
        target = child_rel.target_ref if child_rel.is_external else child_rel.target_part
        replacement.rels.add_relationship(child_rel.reltype, target, child_rel.rId, child_rel.is_external)
    owner.drop_rel(rel.rId)
    owner.relate_to(replacement, reltype)
    return replacement


# ---- embedding


def document_characters(doc: Any) -> frozenset[int]:
    """Every character of the document's text: body, headers and footers."""
    chars: set[int] = set()
    roots = [doc.element]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                roots.append(part._element)
    for root in roots:
        for t in root.iter(qn("w:t")):
            if t.text:
                chars.update(map(ord, t.text))
    return frozenset(chars)


def is_cjk(cp: int) -> bool:
    return any(lo <= cp <= hi for lo, hi in _CJK_RANGES)


@lru_cache(maxsize=8)
def _cmap(path: Path, index: int) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(path), fontNumber=index, lazy=True).getBestCmap())


_DISK_KEEP = 64  # subsets kept on disk (about 50 kB each), the least recently used beyond go


@lru_cache(maxsize=32)
def subset(path: Path, index: int, chars: frozenset[int]) -> bytes:
    """A TrueType subset of one face with `chars`, its names and layout tables kept.

    Cached in memory and in the user's cache folder: subsetting one DejaVu cut takes 0.1-0.9 s (its
    kerning tables), and a CLI export or a fresh export process would pay it for every face.
    """
    folder = user_cache_dir() / "fonts"
    key = _subset_key(path, index, chars)
    cached = folder / f"{key}.ttf"
    try:
        data = cached.read_bytes()
        os.utime(cached)
        return data
    except OSError:
        pass
    data = _make_subset(path, index, chars)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(cached, data, durable=False)
        _prune(folder)
    except OSError:  # a read-only cache folder costs time, never the export
        pass
    return data


def _subset_key(path: Path, index: int, chars: frozenset[int]) -> str:
    from fontTools import version as fonttools_version

    st = path.stat()
    h = hashlib.sha256(f"{path.name}|{st.st_size}|{st.st_mtime_ns}|{index}|{fonttools_version}|1|".encode())
    h.update(",".join(map(str, sorted(chars))).encode())
    return h.hexdigest()[:40]


def _prune(folder: Path) -> None:
    files = sorted(folder.glob("*.ttf"), key=lambda p: p.stat().st_mtime)
    for old in files[:-_DISK_KEEP]:
        old.unlink(missing_ok=True)


def _make_subset(path: Path, index: int, chars: frozenset[int]) -> bytes:
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTFont

    options = ft_subset.Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False  # same characters, same bytes
    options.drop_tables += ["FFTM"]  # FontForge's timestamps: fontTools cannot subset them
    # lazy: only the kept glyphs are parsed (the CJK face has 49,531); 0.2 s instead of 0.6 s.
    font = TTFont(str(path), fontNumber=index, lazy=True, recalcTimestamp=False)
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(chars))
    subsetter.subset(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


def font_key(data: bytes) -> str:
    """A GUID for the obfuscation, derived from the face's bytes so the same export is the same file."""
    return "{" + str(uuid.UUID(bytes=hashlib.sha256(data).digest()[:16])).upper() + "}"


def obfuscate(data: bytes, key: str) -> bytes:
    """ECMA-376 Part 1 §17.8.1: XOR the first 32 bytes with the key's 16 bytes, taken from the GUID's
    hex digits in reverse order. The same operation undoes it."""
    k = bytes.fromhex(key.strip("{}").replace("-", ""))[::-1]
    head = bytes(b ^ k[i % 16] for i, b in enumerate(data[:32]))
    return head + data[32:]


def embed_fonts(doc: Any, theme: Theme) -> list[Face]:
    """Embed the theme's faces, subset to what the document uses; returns the faces embedded.

    The Latin faces carry every character their family has (Word draws the rest with the East
    Asian face); the CJK face is embedded only when the text has characters the Latin one lacks.
    """
    latin_faces, cjk_face = theme_faces(theme)
    used = document_characters(doc)
    latin_cmap = _cmap(latin_faces[0].path, 0)
    latin_chars = frozenset(c for c in used | _ALWAYS if c in latin_cmap)
    rest = frozenset(c for c in used if c not in latin_cmap or is_cjk(c))
    plan: list[tuple[Face, frozenset[int]]] = [(face, latin_chars) for face in latin_faces]
    if rest:
        cjk_cmap = _cmap(cjk_face.path, cjk_face.index)
        cjk_chars = frozenset(c for c in rest | _ALWAYS if c in cjk_cmap)
        plan.append((cjk_face, cjk_chars))
    table = xml_part(doc.part, RT.FONT_TABLE)
    if table is None:
        return []
    for family in {face.family for face, _ in plan}:
        _font_entry(table.element, family)
    for face, chars in plan:
        data = subset(face.path, face.index, chars)
        key = font_key(data)
        partname = doc.part.package.next_partname("/word/fonts/font%d.odttf")
        font_part = Part(PackURI(partname), OBFUSCATED_FONT, obfuscate(data, key), doc.part.package)
        r_id = table.relate_to(font_part, RT.FONT)
        embed = OxmlElement(f"w:{face.slot}")
        embed.set(qn("r:id"), r_id)
        embed.set(qn("w:fontKey"), key)
        embed.set(qn("w:subsetted"), "1")
        entry = next(f for f in table.element.findall(qn("w:font")) if f.get(qn("w:name")) == face.family)
        _place(entry, embed)
    _embed_settings(doc.settings.element)
    return [face for face, _ in plan]


def _font_entry(fonts: Any, family: str) -> Any:
    """The font table's entry for `family`, with no embedded faces yet (made if missing)."""
    for font in fonts.findall(qn("w:font")):
        if font.get(qn("w:name")) == family:
            for old in list(font):
                if old.tag.rsplit("}", 1)[-1].startswith("embed"):
                    font.remove(old)
            return font
    font = OxmlElement("w:font")
    font.set(qn("w:name"), family)
    for tag, val in (("w:charset", "00"), ("w:family", "swiss"), ("w:pitch", "variable")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        font.append(el)
    fonts.append(font)
    return font


def _place(font: Any, el: Any) -> None:
    rank = _FONT_CHILD_ORDER.index(el.tag.rsplit("}", 1)[-1])
    for child in font:
        name = child.tag.rsplit("}", 1)[-1]
        if name in _FONT_CHILD_ORDER and _FONT_CHILD_ORDER.index(name) > rank:
            child.addprevious(el)
            return
    font.append(el)


def _embed_settings(settings: Any) -> None:
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        for old in settings.findall(qn(tag)):
            settings.remove(old)
    anchor = next((c for c in settings if c.tag.rsplit("}", 1)[-1] not in _SETTINGS_BEFORE_EMBED), None)
    for tag in ("w:embedTrueTypeFonts", "w:saveSubsetFonts"):
        el = OxmlElement(tag)
        if anchor is not None:
            anchor.addprevious(el)
        else:
            settings.append(el)
