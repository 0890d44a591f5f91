"""The manifest inside each exported file: put it in (PDF, Word, Markdown) and read it back from any format.

Where it lives: a PDF carries `briefing-manifest.json` as an embedded file plus an XMP packet; a Word
document and a PowerPoint deck a custom XML part (`/customXml/briefing-manifest.xml`); Markdown a
YAML front-matter block whose one key holds the manifest's JSON. Reading looks only there, so a
hand-made file that merely mentions Briefing is still "No Briefing manifest".
"""

from __future__ import annotations

import logging
import re
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from briefing.domain.manifest import FILE_NAME, XML_NAMESPACE, Manifest, ManifestError

PART_NAME = "/customXml/briefing-manifest.xml"
FRONT_MATTER_KEY = "briefing-manifest"
_FRONT_MATTER = re.compile(r"\A(?:\ufeff)?---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# A Markdown file is read whole; a front matter longer than this is not one of ours.
_MAX_READ = 64 * 1024 * 1024


# ---- Putting it in


def pdf_canvas_with_manifest(canvas: Any, manifest: Manifest | None) -> Any:
    """Give a reportlab canvas, before it draws, the manifest as an embedded file (catalog ▸ Names ▸
    EmbeddedFiles) and the XMP packet (catalog ▸ Metadata), written with the rest of the document.

    reportlab has no public API for either, but its catalog takes both entries (`Names`, `Metadata`
    are among its known keys) and its XMP stream class exists for this. Appending them afterwards
    with pypdf's incremental writer cost 0.3-0.5 s a briefing (it parses the whole file)."""
    if manifest is None:
        return canvas
    from reportlab.pdfbase.pdfdoc import (
        XMP,
        PDFArray,
        PDFDictionary,
        PDFName,
        PDFStream,
        PDFString,
        PDFZCompress,
    )

    doc = canvas._doc
    data = PDFStream(PDFDictionary({"Type": PDFName("EmbeddedFile"), "Subtype": PDFName("application#2Fjson")}),
                     content=manifest.to_json(), filters=[PDFZCompress])
    spec = PDFDictionary({"Type": PDFName("Filespec"), "F": PDFString(FILE_NAME), "UF": PDFString(FILE_NAME),
                          "Desc": PDFString("What this briefing was made from (read by briefing diff)"),
                          "EF": PDFDictionary({"F": doc.Reference(data)})})
    names = PDFArray([PDFString(FILE_NAME), doc.Reference(spec)])
    doc.Catalog.Names = PDFDictionary({"EmbeddedFiles": PDFDictionary({"Names": names})})
    packet = xmp_packet(manifest)  # bytes: reportlab would encode a str as PDFDocEncoding, which lacks U+FEFF
    doc.Catalog.Metadata = XMP(creator=lambda _doc: packet)
    return canvas


def xmp_packet(manifest: Manifest) -> bytes:
    """XMP for the PDF: the creation time and tool in standard terms, the report, edition and
    audience under Briefing's own namespace (readers that know XMP show them; the attachment holds
    the rest)."""
    e = escape
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
      xmlns:briefing="{XML_NAMESPACE}#">
   <xmp:CreateDate>{e(manifest.generated)}</xmp:CreateDate>
   <xmp:CreatorTool>Briefing {e(manifest.app_version)}</xmp:CreatorTool>
   <briefing:schema>{manifest.schema}</briefing:schema>
   <briefing:report>{e(manifest.report_key)}</briefing:report>
   <briefing:edition>{e(manifest.edition)}</briefing:edition>
   <briefing:audience>{e(manifest.audience_key)}</briefing:audience>
   <briefing:template>{e(manifest.template_hash)}</briefing:template>
   <briefing:manifest>{FILE_NAME}</briefing:manifest>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode()


def add_docx_manifest(word: Any, manifest: Manifest | None) -> None:
    """Add the custom XML part to a python-docx Document before it is saved."""
    if manifest is None:
        return
    from docx.opc.constants import RELATIONSHIP_TYPE as RT
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part

    part = Part(PackURI(PART_NAME), "application/xml", manifest.to_xml(), word.part.package)
    word.part.relate_to(part, RT.CUSTOM_XML)


def md_front_matter(manifest: Manifest | None) -> str:
    """The YAML front matter that opens a Markdown briefing: its title for tools that show one, and
    the manifest as one JSON value (JSON is YAML, so any front-matter reader takes it)."""
    if manifest is None:
        return ""
    return f"---\n{FRONT_MATTER_KEY}: {manifest.to_json()}\n---\n\n"


# ---- Reading it back


def read_manifest(path: str | Path) -> Manifest:
    """The manifest of an exported PDF, .docx, .pptx or .md file. Raises ManifestError naming the
    file (no manifest, a damaged one, one from a newer Briefing) or OSError (unreadable)."""
    path = Path(path)
    with path.open("rb") as fh:
        head = fh.read(8)
    name = path.name
    if head.startswith(b"%PDF-"):
        return Manifest.from_json(_pdf_attachment(path), name)
    if head.startswith(b"PK\x03\x04"):
        return Manifest.from_json(_zip_part(path), name)
    return Manifest.from_json(_front_matter(path), name)


def _pdf_attachment(path: Path) -> bytes:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    # pypdf logs what it repairs in a damaged file ("EOF marker not found") on stderr; the one line
    # the user reads is ours.
    log = logging.getLogger("pypdf")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)
    try:
        reader = PdfReader(path)
        found = reader.attachments.get(FILE_NAME)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise ManifestError(f"No Briefing manifest in {path.name} (the PDF cannot be read: {exc})") from None
    finally:
        log.setLevel(level)
    if not found:
        raise ManifestError(f"No Briefing manifest in {path.name}")
    return found[-1]  # an update appended later wins, as in the PDF itself


def _zip_part(path: Path) -> bytes:
    import xml.etree.ElementTree as ET

    try:
        with zipfile.ZipFile(path) as z:
            blob = z.read(PART_NAME.lstrip("/"))
    except KeyError:
        raise ManifestError(f"No Briefing manifest in {path.name}") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise ManifestError(f"No Briefing manifest in {path.name} (not a readable Office file: {exc})") from None
    try:
        root = ET.fromstring(blob)
    except ET.ParseError as exc:
        raise ManifestError(f"The Briefing manifest in {path.name} is damaged (bad XML: {exc}); "
                            "it cannot be compared") from None
    if root.tag != f"{{{XML_NAMESPACE}}}manifest":
        raise ManifestError(f"No Briefing manifest in {path.name}")
    return (root.text or "").encode("utf-8")


def _front_matter(path: Path) -> str:
    with path.open("rb") as fh:
        raw = fh.read(_MAX_READ)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise ManifestError(f"No Briefing manifest in {path.name}") from None
    block = _FRONT_MATTER.match(text)
    if block is None:
        raise ManifestError(f"No Briefing manifest in {path.name}")
    for line in block.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() == FRONT_MATTER_KEY:
            return value.strip()
    raise ManifestError(f"No Briefing manifest in {path.name}")


__all__ = ["PART_NAME", "add_docx_manifest", "md_front_matter", "pdf_canvas_with_manifest", "read_manifest",
           "xmp_packet"]
