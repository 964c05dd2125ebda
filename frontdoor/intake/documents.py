"""Evidence uploads: what we accept, decided from the bytes themselves, never the name."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from frontdoor.intake.payload import MAX_DOCUMENT_BYTES

ALLOWED_DESCRIPTION = "a PDF, JPG, PNG or Word (DOCX) file"
_EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
}


@dataclass(frozen=True)
class CheckedDocument:
    filename: str
    content_type: str
    content: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, among those we accept; None otherwise."""
    if content.startswith(b"%PDF-"):
        return "application/pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if content.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            return None
        if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
            if any(n.lower().endswith(".bin") and "vbaproject" in n.lower() for n in names):
                return None  # macro-enabled: refused
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    return None


def safe_filename(name: str, content_type: str) -> str:
    """A plain file name to offer on download: no paths, no control characters, right suffix."""
    base = re.split(r"[\\/]", name or "")[-1]
    base = re.sub(r"[^\w .()-]", "_", base).strip(" .") or "document"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150]}{_EXTENSIONS[content_type]}"


def document_check(*, filename: str, content: bytes, field: str = "documents") -> CheckedDocument:
    """Accept an upload, or say clearly why not (ValidationError keyed by ``field``)."""
    if not content:
        raise ValidationError({field: "The selected file is empty"})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({field: "The selected file must be smaller than 5 MB"})
    content_type = sniff(content)
    if content_type is None:
        raise ValidationError({field: f"The selected file must be {ALLOWED_DESCRIPTION}"})
    return CheckedDocument(
        filename=safe_filename(filename, content_type),
        content_type=content_type,
        content=content,
        sha256=hashlib.sha256(content).hexdigest(),
    )
