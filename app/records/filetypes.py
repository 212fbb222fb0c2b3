"""What a file is, judged by its first bytes (and, for zip-based Office files, its parts), never by its name."""

import io
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class FileType:
    label: str  # what the user reads
    content_type: str  # what the download says
    inline: bool  # safe to show in the browser (PDF, images)


PDF = FileType("PDF", "application/pdf", True)
PNG = FileType("PNG 图片", "image/png", True)
JPEG = FileType("JPEG 图片", "image/jpeg", True)
GIF = FileType("GIF 图片", "image/gif", True)
WEBP = FileType("WebP 图片", "image/webp", True)
DOCX = FileType("Word 文档", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False)
XLSX = FileType("Excel 表格", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", False)
PPTX = FileType(
    "PowerPoint 演示文稿", "application/vnd.openxmlformats-officedocument.presentationml.presentation", False
)
# Word 97-2003 .doc, Excel .xls, PowerPoint .ppt and WPS .wps/.et/.dps share the OLE container.
OLE = FileType("Office/WPS 文档", "application/octet-stream", False)

ALLOWED_TEXT = "PDF、图片（PNG/JPEG/GIF/WebP）、Word/Excel/PowerPoint 或 WPS 文档"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _ooxml(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    for prefix, kind in (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX)):
        if any(name.startswith(prefix) for name in names):
            return kind
    return None


def detect(data: bytes) -> FileType | None:
    """The type of ``data`` if it is one the CRM accepts, else None."""
    head = data[:16]
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(_OLE_MAGIC):
        return OLE
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(data)
    return None
