"""The PDF kit shared by the monthly report and the leader brief: the embedded CJK font, A4 page
geometry, paragraph styles, a numbered canvas (``第 N 页 共 M 页`` and a running header) and the
full-width table every section draws."""

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Table, TableStyle

FONT_NAME = "CJK"
FONT_PATH = Path(__file__).resolve().parents[2] / "static" / "fonts" / "wqy-microhei.ttc"
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
CONTENT_W = PAGE_W - 2 * MARGIN
HEADER_BG = colors.HexColor("#dce6f1")
STRIPE_BG = colors.HexColor("#f5f8fb")
DARK = colors.HexColor("#1f4e79")


class FontMissing(RuntimeError):
    """The embedded CJK font is not where the report expects it: refuse rather than print boxes."""


def register_font(path: Path | str | None = None) -> str:
    """Register WenQuanYi Micro Hei as ``CJK`` (idempotent); raise FontMissing when the file is absent."""
    path = Path(path or FONT_PATH)
    if not path.is_file():
        raise FontMissing(
            f"生成 PDF 需要中文字体文件 {path}，但该文件不存在（CJK font missing: "
            "restore static/fonts/wqy-microhei.ttc from the repository）"
        )
    if FONT_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), subfontIndex=0))
    return FONT_NAME


def styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
    return {
        "body": base,
        "title": ParagraphStyle("title", parent=base, fontSize=24, leading=34, alignment=TA_CENTER, textColor=DARK),
        "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=16, leading=24, alignment=TA_CENTER),
        "cover": ParagraphStyle("cover", parent=base, fontSize=11, leading=20, alignment=TA_CENTER),
        "h1": ParagraphStyle("h1", parent=base, fontSize=14, leading=20, textColor=DARK, spaceBefore=10, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontSize=11, leading=16, textColor=DARK, spaceBefore=6, spaceAfter=4),
        "lead": ParagraphStyle("lead", parent=base, fontSize=10, leading=16, spaceAfter=6),
        "note": ParagraphStyle("note", parent=base, fontSize=8, leading=12, textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=base, fontSize=7.5, leading=9.5),
        "num": ParagraphStyle("num", parent=base, fontSize=7.5, leading=9.5, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontSize=7.5, leading=9.5, alignment=TA_CENTER),
        "kpi": ParagraphStyle("kpi", parent=base, fontSize=10.5, leading=16),
    }


def pdf_date(on) -> str:
    """A PDF date string for a day (00:00 Beijing time): the edition's issue or generation date."""
    return f"D:{on.year:04d}{on.month:02d}{on.day:02d}000000+08'00'"


def make_canvas_class(font: str, running_title: str, dated=None):
    """A canvas that knows the page count when it saves, for ``第 N 页 共 M 页``.

    ``dated`` (a date) is written as the file's CreationDate/ModDate instead of ReportLab's
    invariant 2000-01-01, so the metadata says when the report was generated or issued while
    the same figures and edition still give the same bytes.
    """

    class NumberedCanvas(canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages: list[dict] = []
            if dated is not None:
                self.setDateFormatter(lambda *_ymdhms: pdf_date(dated))

        def showPage(self):  # noqa: N802 - ReportLab's name
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            self.saveState()
            self.setFont(font, 8)
            self.setFillColor(colors.HexColor("#666666"))
            number = self._pageNumber
            self.drawCentredString(PAGE_W / 2, 10 * mm, f"第 {number} 页 共 {total} 页")
            if number > 1:
                self.drawString(MARGIN, PAGE_H - 12 * mm, running_title)
                self.setStrokeColor(colors.HexColor("#bbbbbb"))
                self.setLineWidth(0.5)
                self.line(MARGIN, PAGE_H - 13.5 * mm, PAGE_W - MARGIN, PAGE_H - 13.5 * mm)
            self.restoreState()

    return NumberedCanvas


class Rich(str):
    """Cell text that already is Paragraph markup (e.g. a coloured gap), not to be escaped."""


CELL_MAX_CHARS = 300  # a row taller than a page cannot be laid out (LayoutError): long texts are cut


def clip(text: str) -> str:
    return text if len(text) <= CELL_MAX_CHARS else text[:CELL_MAX_CHARS] + "…"


class Flowables:
    """Paragraphs and tables in the kit's styles; the report and the brief build their sections on it."""

    def __init__(self, font: str):
        self.font = font
        self.s = styles(font)

    def p(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(text, self.s[style])

    def table(
        self,
        headers: list[str],
        rows: list[list],
        widths: list[float],
        numeric: set[int] = frozenset(),
        total_row: bool = False,
        empty: str = "无",
    ) -> Table:
        """A full-width table: header repeated on each page, text wrapped in cells, numbers right-aligned."""
        scale = CONTENT_W / sum(widths)
        widths = [w * scale for w in widths]
        data = [[self.p(escape(h), "head") for h in headers]]
        for row in rows:
            data.append(
                [
                    self.p(v if isinstance(v, Rich) else escape(clip(str(v))), "num" if i in numeric else "cell")
                    for i, v in enumerate(row)
                ]
            )
        if not rows:
            data.append([self.p(escape(empty), "cell")] + [""] * (len(headers) - 1))
        table = Table(data, colWidths=widths, repeatRows=1)
        style = [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#9aa7b4")),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("TOPPADDING", (0, 0), (-1, -1), 2.5),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
            ("LEFTPADDING", (0, 0), (-1, -1), 3),
            ("RIGHTPADDING", (0, 0), (-1, -1), 3),
        ]
        for index in range(2, len(data), 2):
            style.append(("BACKGROUND", (0, index), (-1, index), STRIPE_BG))
        if not rows:
            style.append(("SPAN", (0, 1), (-1, 1)))
        if total_row and rows:
            style.append(("BACKGROUND", (0, len(data) - 1), (-1, len(data) - 1), colors.HexColor("#eeeeee")))
        table.setStyle(TableStyle(style))
        return table
