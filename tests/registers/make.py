#!/usr/bin/env python3
"""Writes the spreadsheet registers of tests/register.rs: members.xlsx and
members.ods, the smallest files the formats allow, made by hand with the
standard library (zipfile) so no spreadsheet program is needed. Run it
from this directory; the files it writes are committed beside it.

Both hold the same register, on a first sheet "Members" and a second
"Leavers":

  name | Share capital      | joined                 | age | email
  ada  | 1200.5 (a number)  | 2026-04-01 (a date)    | 30  | ada@example.org
  ben  | "£1,200.00" (text) | 2025-01-01 (a date)    | 45  |
  cy   | 8 (a whole number) | "01/04/2026" (text)    | 15  |

and bad.xlsx a register whose cells cannot be read: money with a fraction
of a penny (8.005), a date with a time of day (serial 46113.5), and a
cell holding the error #DIV/0!.
"""

import zipfile

# Excel serial days (1900 system): days since 1899-12-30.
APRIL_2026 = 46113  # 2026-04-01
JANUARY_2025 = 45658  # 2025-01-01

MEMBERS = [
    ["name", "Share capital", "joined", "age", "email"],
    ["ada", 1200.5, ("date", APRIL_2026, "2026-04-01"), 30, "ada@example.org"],
    ["ben", "£1,200.00", ("date", JANUARY_2025, "2025-01-01"), 45, None],
    ["cy", 8, "01/04/2026", 15, None],
]
LEAVERS = [["name", "age"], ["dot", 70]]
BAD = [
    ["name", "shares", "joined", "age"],
    ["ada", 8.005, ("date", 46113.5, "2026-04-01T12:00:00"), ("error", "#DIV/0!")],
]


def column(i):
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i]


def xlsx_sheet(rows):
    out = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            ref = f"{column(c)}{r}"
            if v is None:
                continue
            if isinstance(v, tuple) and v[0] == "date":
                cells.append(f'<c r="{ref}" s="1"><v>{v[1]}</v></c>')
            elif isinstance(v, tuple) and v[0] == "error":
                cells.append(f'<c r="{ref}" t="e"><v>{v[1]}</v></c>')
            elif isinstance(v, str):
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>')
            else:
                cells.append(f'<c r="{ref}"><v>{v!r}</v></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(out)}</sheetData></worksheet>'
    )


def write_xlsx(path, sheets):
    ct = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>"
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        + "".join(
            f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
            for i, (name, _) in enumerate(sheets, start=1)
        )
        + "</sheets></workbook>"
    )
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, len(sheets) + 1)
        )
        + f'<Relationship Id="rId{len(sheets) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>'
        "</Relationships>"
    )
    # Style 1 is the built-in date format 14 (a day, no time).
    styles = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs>'
        "</styleSheet>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/styles.xml", styles)
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(f"xl/worksheets/sheet{i}.xml", xlsx_sheet(rows))


def ods_table(name, rows):
    out = []
    for row in rows:
        cells = []
        for v in row:
            if v is None:
                cells.append("<table:table-cell/>")
            elif isinstance(v, tuple) and v[0] == "date":
                cells.append(
                    f'<table:table-cell office:value-type="date" office:date-value="{v[2]}"><text:p>{v[2]}</text:p></table:table-cell>'
                )
            elif isinstance(v, str):
                cells.append(
                    f'<table:table-cell office:value-type="string"><text:p>{v}</text:p></table:table-cell>'
                )
            else:
                cells.append(
                    f'<table:table-cell office:value-type="float" office:value="{v!r}"><text:p>{v!r}</text:p></table:table-cell>'
                )
        out.append(f'<table:table-row>{"".join(cells)}</table:table-row>')
    return f'<table:table table:name="{name}">{"".join(out)}</table:table>'


def write_ods(path, sheets):
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        "<office:body><office:spreadsheet>"
        + "".join(ods_table(name, rows) for name, rows in sheets)
        + "</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as z:
        # The mimetype comes first and is stored, not compressed.
        z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        z.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
        z.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)


def fixed_times(path):
    """Rewrites the zip with a fixed date on every entry, so that running
    this again gives the same bytes."""
    with zipfile.ZipFile(path) as z:
        entries = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w") as z:
        for info, data in entries:
            info.date_time = (2026, 1, 1, 0, 0, 0)
            z.writestr(info, data)


if __name__ == "__main__":
    write_xlsx("members.xlsx", [("Members", MEMBERS), ("Leavers", LEAVERS)])
    write_ods("members.ods", [("Members", MEMBERS), ("Leavers", LEAVERS)])
    write_xlsx("bad.xlsx", [("Members", BAD)])
    for f in ["members.xlsx", "members.ods", "bad.xlsx"]:
        fixed_times(f)
