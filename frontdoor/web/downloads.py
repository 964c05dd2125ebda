"""CSV downloads: the one way a page writes a spreadsheet file.

A cell that a spreadsheet would read as a formula is neutralised (OWASP "CSV injection"): text
starting with ``=``, ``+``, ``-`` or ``@``, a tab or a carriage return (also after leading
white space, and their full-width forms) gets a leading apostrophe, which spreadsheets show as text
and do not run. Every cell is quoted. Numbers stay numbers (a negative number is not a
formula). The file starts with a byte order mark so that spreadsheet programs read UTF-8
names (Zoë, Łukasz) correctly.

Who is listed in a download is the caller's business: log each child with
``frontdoor.audit.services.access_log_each`` (``AccessAction.EXPORT``) before the response
is returned, and name restricted children only as the page does (``masked_label``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

#: Characters that make a spreadsheet treat a cell as a formula (OWASP), and their full-width
#: forms, which some spreadsheet programs also accept.
FORMULA_STARTS = frozenset("=+-@\t\r\uff1d\uff0b\uff0d\uff20")
BOM = "\ufeff"


def csv_cell(value: Any) -> str | int | float | Decimal:
    """One cell: numbers as they are, dates as ``2026-03-02`` and times as ``2026-03-02 10:05``
    (UK time, which spreadsheets read as dates), anything else as text no spreadsheet will run."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (int, float, Decimal)):
        return value
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    text = str(value)
    if text[:1] in FORMULA_STARTS or text.lstrip()[:1] in FORMULA_STARTS:
        return "'" + text
    return text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """The whole file as text (with its byte order mark)."""
    buffer = io.StringIO()
    buffer.write(BOM)
    writer = csv.writer(buffer, quoting=csv.QUOTE_NONNUMERIC, lineterminator="\r\n")
    writer.writerow([csv_cell(h) for h in header])
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


def csv_filename(name: str, at: datetime | None = None) -> str:
    """``name-YYYYMMDD-HHMM.csv`` in local time."""
    stamp = timezone.localtime(at or timezone.now())
    return f"{name}-{stamp:%Y%m%d-%H%M}.csv"


def csv_response(
    filename: str, header: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV file to download, never cached (it holds children's data)."""
    response = HttpResponse(csv_text(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
