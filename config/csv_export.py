"""The one way a page answers with a CSV file: cells a spreadsheet would run as a
formula are defused, the file is an attachment, and no shared cache may keep it (an
export holds a workspace's own data)."""

import csv
from collections.abc import Iterable

from django.http import HttpResponse
from django.utils.cache import patch_cache_control

# A cell starting with one of these is a formula to Excel, LibreOffice and Google Sheets
# ("=HYPERLINK(…)", "+1-2", "@SUM(…)"); a leading apostrophe makes it text again.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class _Echo:
    """csv.writer's file: returns each formatted row instead of writing it."""

    def write(self, value: str) -> str:
        return value


def csv_response(rows: Iterable[Iterable], *, filename: str) -> HttpResponse:
    writer = csv.writer(_Echo())
    body = "".join(writer.writerow([csv_cell(value) for value in row]) for row in rows)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    patch_cache_control(response, private=True, no_store=True)
    return response
