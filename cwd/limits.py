"""Bounds on every input, checked before the expensive step runs (one home for the numbers).

A real call has a few dozen forms; the national pilot had 38 partnerships and Poland has 2,477
gminas. The limits leave an order of magnitude above that and keep any file within them answering in
seconds and bounded memory (measured in bench/bad_files.py). Messages quote these numbers.
"""
from __future__ import annotations

# --- files --------------------------------------------------------------------------------------
MAX_FILE_BYTES = 5 * 1024 * 1024  # an upload or operator file (forms, ZTM list)
MAX_DATA_ROWS = 5_000  # data rows of a forms file (partnerships) or a ZTM list (gminas)
MAX_COLUMNS = 60  # the template has 20; anything wider is not a form
MAX_FIELD_CHARS = 100_000  # one cell (a pasted idea text may be long; a novel is not)
MAX_PROBLEMS = 500  # findings listed per file; the rest are counted, not listed

# --- XLSX containers (inspected before any XML is parsed) ----------------------------------------
MAX_XLSX_MEMBERS = 200
MAX_XLSX_UNCOMPRESSED = 50 * 1024 * 1024  # all members together
MAX_XLSX_MEMBER = 25 * 1024 * 1024  # one member (a sheet, the shared strings)
MAX_XLSX_RATIO = 200  # uncompressed ÷ compressed of a member larger than 1 MB (zip bombs)
# openpyxl spends 10–20 µs per cell and per shared string, so element counts bound the time, not bytes:
# 60,000 cells answer in ~1.5 s on an idle 2-core machine, leaving room for a loaded one (bench/bad_files.py).
MAX_CELLS = 60_000  # cells of the sheet read, and strings of the shared-strings table: 3,000 rows × 20 columns
MAX_XML_ELEMENTS = 50_000  # XML elements of one other part (styles, workbook, a sheet before its rows)
MAX_SHEET_ROWS = 100_000  # physical rows of a sheet scanned, blank ones included

# --- values -------------------------------------------------------------------------------------
MAX_ID_CHARS = 40  # partnership id as typed in a form ("P01", "ABPT-2020")
MAX_NAME_CHARS = 2_000  # partnership name
MAX_TEXT_CHARS = 20_000  # idea, links, experience (form text fields)
MAX_COMMENT_CHARS = 5_000  # an assessor's comment on one criterion
MAX_JUSTIFICATION_CHARS = 10_000  # the written justification of a pick
MAX_PERSON_CHARS = 200  # a person's display name or login
MAX_FILENAME_CHARS = 255

# --- drawing --------------------------------------------------------------------------------------
MAX_MAP_PARTNERSHIPS = 300  # outlines drawn on the web map at once; the tables list all
