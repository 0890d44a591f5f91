"""The Word file's own description: core properties from the briefing, and extended properties
(docProps/app.xml) that name Briefing as the application and its reference document as template.

python-docx's template carries "Microsoft Macintosh Word" and stale page and word counts in its
app.xml, and a thumbnail of its own blank page; a briefing must not claim any of them.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from xml.sax.saxutils import escape

from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.opc.packuri import PackURI
from docx.opc.part import XmlPart
from docx.oxml.parser import parse_xml

from briefing import __version__
from briefing.document import Metadata
from briefing.writers.docx.ooxml import core_text

APPLICATION = "Briefing"
EXTENDED_PROPERTIES = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
_THUMBNAIL = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail"


def app_version() -> str:
    """Briefing's version in the schema's "XX.YYYY" form (0.1.0 -> "00.0100")."""
    parts = [int(p) if p.isdigit() else 0 for p in __version__.split(".")[:3]] + [0, 0]
    return f"{parts[0]:02d}.{parts[1]:02d}{parts[2]:02d}"


def set_core_properties(word: Any, meta: Metadata) -> None:
    """Title, subject, author (the publisher when no author is named), keywords and dates from the
    briefing: the properties a file manager, a search index or Word's Info pane shows."""
    core = word.core_properties
    author = meta.author or meta.publisher
    core.title = core_text(meta.title)
    core.subject = core_text(meta.subject or meta.subtitle)
    core.author = core_text(author)
    core.last_modified_by = core_text(author)
    core.keywords = ", ".join(core_text(k) for k in meta.keywords)
    core.category = "Briefing"
    core.comments = core_text(f"Briefing for {meta.audience_name}" if meta.audience_name else "Briefing")
    core.language = meta.language or ""
    core.revision = 1
    if meta.date is not None:
        stamp = datetime.combine(meta.date, time(0, 0), tzinfo=UTC)
        core.created = stamp
        core.modified = stamp


def set_extended_properties(word: Any, meta: Metadata, template: str) -> None:
    """A fresh docProps/app.xml: Briefing as application, `template` (the reference document's file
    name) as template, the publisher as company; no counts, which only Word can keep true."""
    xml = (
        '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
        'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
        f"<Template>{escape(core_text(template))}</Template>"
        f"<Application>{APPLICATION}</Application>"
        "<DocSecurity>0</DocSecurity>"
        "<ScaleCrop>false</ScaleCrop>"
        f"<Company>{escape(core_text(meta.publisher))}</Company>"
        "<LinksUpToDate>false</LinksUpToDate>"
        "<SharedDoc>false</SharedDoc>"
        "<HyperlinksChanged>false</HyperlinksChanged>"
        f"<AppVersion>{app_version()}</AppVersion>"
        "</Properties>"
    )
    package = word.part.package
    for rel in list(package.rels.values()):
        if rel.reltype in (RT.EXTENDED_PROPERTIES, _THUMBNAIL):
            del package.rels[rel.rId]
    part = XmlPart(PackURI("/docProps/app.xml"), EXTENDED_PROPERTIES, parse_xml(xml.encode()), package)
    package.relate_to(part, RT.EXTENDED_PROPERTIES)
