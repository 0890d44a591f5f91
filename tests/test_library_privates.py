"""What the writers still take from a library's private or undocumented side, checked one by one, so
an upgrade that moves it fails here with a message naming the place instead of deep in an export."""

from __future__ import annotations

import io
import zlib

from docx import Document as new_docx
from docx.oxml.text.paragraph import CT_P
from docx.oxml.text.run import CT_R
from pptx.shared import ElementProxy
from pypdf import PdfReader
from pypdf.generic import DecodedStreamObject, EncodedStreamObject, NameObject
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFDocument
from reportlab.pdfgen.canvas import Canvas

from briefing.theme import default_theme
from briefing.writers.pdf.fonts import Face


def test_reportlab_canvas_keeps_its_pdf_document_as_doc() -> None:
    """flowables.ChartForm adds chart forms through `canvas._doc` (reportlab has no public handle)."""
    doc = getattr(Canvas(io.BytesIO()), "_doc", None)
    assert isinstance(doc, PDFDocument), (
        "reportlab's Canvas no longer keeps its PDFDocument in `_doc`: briefing/writers/pdf/flowables.py "
        "(ChartForm.draw) needs another way to add the chart forms")
    assert callable(getattr(doc, "hasForm", None)) and callable(getattr(doc, "addForm", None)), (
        "reportlab's PDFDocument lost hasForm/addForm, which briefing/writers/pdf/forms.py add_form uses")


def test_reportlab_names_tounicode_streams_as_the_astral_fix_expects() -> None:
    """fonts.Face rewrites the ToUnicode streams reportlab registers as `toUnicodeCMap:<font>`."""
    path = str(default_theme().fonts.regular)
    face = Face("PrivatesCheck", path)
    pdfmetrics.registerFont(face)
    out = io.BytesIO()
    c = Canvas(out)
    c.setFont("PrivatesCheck", 10)
    c.drawString(10, 10, "A \U0001f600")
    c.save()
    doc = c._doc
    names = [n for n in doc.idToObject if isinstance(n, str) and n.startswith("toUnicodeCMap:")]
    assert names, ("reportlab no longer names a font subset's ToUnicode stream 'toUnicodeCMap:…': "
                   "briefing/writers/pdf/fonts.py Face.addObjects cannot find the maps it fixes")
    text = PdfReader(out).pages[0].extract_text()
    assert "\U0001f600" in text, f"a character beyond U+FFFF did not survive text extraction: {text!r}"


def test_pypdf_keeps_an_encoded_streams_raw_bytes_in_data() -> None:
    """forms._plan copies a chart's streams still encoded, from pypdf's `StreamObject._data`."""
    stream = DecodedStreamObject()
    stream.set_data(b"0 0 m 10 10 l S")
    encoded = stream.flate_encode()
    assert isinstance(encoded, EncodedStreamObject)
    raw = getattr(encoded, "_data", None)
    assert isinstance(raw, bytes), (
        "pypdf's stream objects no longer keep their raw bytes in `_data`: briefing/writers/pdf/forms.py "
        "(_plan) needs another way to copy a chart's streams without decoding them")
    assert zlib.decompress(raw) == b"0 0 m 10 10 l S"
    assert encoded[NameObject("/Filter")] == "/FlateDecode"


def test_python_docx_element_handles() -> None:
    """docx/ooxml.py and docx/writer.py edit OOXML through python-docx's element handles."""
    word = new_docx()
    p = word.add_paragraph("x")
    run = p.runs[0]
    table = word.add_table(rows=1, cols=1)
    row, cell = table.rows[0], table.cell(0, 0)
    header = word.sections[0].header
    handles = {
        "Paragraph._p": (getattr(p, "_p", None), CT_P),
        "Run._r": (getattr(run, "_r", None), CT_R),
        "Table._tbl": (getattr(table, "_tbl", None), None),
        "_Row._tr": (getattr(row, "_tr", None), None),
        "_Cell._tc": (getattr(cell, "_tc", None), None),
        "_Header._element": (getattr(header, "_element", None), None),
    }
    for name, (element, kind) in handles.items():
        assert element is not None and hasattr(element, "getparent"), (
            f"python-docx no longer exposes {name} as an lxml element: briefing/writers/docx needs updating")
        if kind is not None:
            assert isinstance(element, kind), f"python-docx's {name} is no longer a {kind.__name__}"
    assert table._tbl.tblPr is not None, "python-docx's table element lost tblPr (used by docx/ooxml.py)"
    assert hasattr(row._tr, "get_or_add_trPr") and hasattr(cell._tc, "get_or_add_tcPr"), (
        "python-docx's row/cell elements lost get_or_add_trPr/get_or_add_tcPr (used by docx/ooxml.py)")
    shape = run.add_picture(_png(), width=None)
    assert getattr(shape, "_inline", None) is not None and hasattr(shape._inline, "docPr"), (
        "python-docx's InlineShape no longer exposes `_inline.docPr`: the Word writer sets chart alt text there")


def test_python_pptx_element_proxy() -> None:
    """charts/deck.py reaches OOXML through python-pptx's `ElementProxy._element`."""
    marker = object()
    assert getattr(ElementProxy(marker), "_element", None) is marker, (
        "python-pptx's ElementProxy no longer keeps its element in `_element`: briefing/charts/deck.py needs updating")


def test_python_pptx_point_label_element() -> None:
    """charts/deck_charts.py sets a point label's number format on the `c:dLbl` that python-pptx's
    `DataLabel._get_or_add_dLbl` returns (python-pptx has no API for it)."""
    from pptx import Presentation
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    prs = Presentation()
    data = CategoryChartData()
    data.categories = ["a"]
    data.add_series("s", [1.0])
    frame = prs.slides.add_slide(prs.slide_layouts[6]).shapes.add_chart(
        XL_CHART_TYPE.BAR_CLUSTERED, 0, 0, Inches(4), Inches(3), data)
    label = frame.chart.plots[0].series[0].points[0].data_label  # type: ignore[attr-defined]
    dlbl = getattr(label, "_get_or_add_dLbl", lambda: None)()
    assert dlbl is not None and dlbl.tag.endswith("}dLbl"), (
        "python-pptx's DataLabel lost `_get_or_add_dLbl`: briefing/charts/deck_charts.py `_label` needs updating")


def test_matplotlib_canvas_scales_by_the_figures_original_dpi() -> None:
    """gui/charts/canvas.py keeps `Figure._original_dpi` in step with the dpi it sets, because
    matplotlib's canvas derives the dpi from it when the device pixel ratio changes."""
    from matplotlib.backend_bases import FigureCanvasBase
    from matplotlib.figure import Figure

    fig = Figure(dpi=100)
    canvas = FigureCanvasBase(fig)
    assert getattr(fig, "_original_dpi", None) == 100, (
        "matplotlib's canvas no longer records Figure._original_dpi: briefing/gui/charts/canvas.py "
        "(resizeEvent) sets it and needs another way to keep the chart's size in inches")
    fig._original_dpi = 50  # what the GUI canvas does on resize
    canvas._set_device_pixel_ratio(2)
    assert fig.dpi == 100, "matplotlib no longer derives the dpi from Figure._original_dpi on a pixel-ratio change"


def _png() -> io.BytesIO:
    """A 1x1 PNG, built by hand so the test needs no imaging library."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", (1).to_bytes(4, "big") * 2 + b"\x08\x02\x00\x00\x00")
           + chunk(b"IDAT", zlib.compress(b"\x00\xff\xff\xff")) + chunk(b"IEND", b""))
    return io.BytesIO(png)


def test_reportlab_frame_keeps_its_pen_and_floor() -> None:
    """page.BriefingTemplate.handle_flowable reads `Frame._y`, `_y1p`, `_width`, `_height` to float figures."""
    from reportlab.platypus import Frame

    frame = Frame(0, 0, 100, 200, leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    frame._reset()
    for name in ("_y", "_y1p", "_width", "_height"):
        assert isinstance(getattr(frame, name, None), (int, float)), (
            f"reportlab's Frame no longer has `{name}`: briefing/writers/pdf/page.py (handle_flowable) needs "
            "another way to know the room left on a page")
    assert frame._y - frame._y1p == 200
