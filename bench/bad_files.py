"""Benchmark: hostile input files against the readers' budget.

    python bench/bad_files.py [--json] [--only NAME …] [--list]

Generates each hostile file (zip bombs, a 50,000-row CSV, wide and sparse sheets, a huge shared string,
millions of numeric cells, a long field, mixed encodings …) and reads it in a fresh subprocess with the
real entry point (cwd.forms.read_forms or cwd.ztm.read_ztm_list). Printed per file: its size, the time
the reader took to answer (wall clock, and the read's own CPU time, which other load on the machine does
not inflate), the child's peak RSS (os.wait4 → ru_maxrss, the interpreter and its imports
included) and the first finding. Budget: every file within MAX_FILE_BYTES answers in ≤ 5 s with a peak
of ≤ 500 MB. The child runs with an address-space limit, so a regression fails here instead of taking
the machine down. Timed here, never in tests: the figures depend on the machine.
"""
from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BUDGET_S = 5.0
BUDGET_RSS_MB = 500
CHILD_ADDRESS_SPACE = 4 * 1024**3  # a reader that regresses hits this, not the machine
CHILD_TIMEOUT_S = 120

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["id", "nazwa", "lider", "czlonkowie", "koordynator", "data_zgloszenia",
          "I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "I.7", "I.8", "II.1", "II.2", "II.3",
          "pomysl", "powiazania", "doswiadczenie"]


# --- XLSX written by hand: every part under the script's control ----------------------------------------
def _col(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def inline_row(r: int, values: list) -> str:
    cells = []
    for i, v in enumerate(values, start=1):
        if v is None or v == "":
            continue
        if isinstance(v, (int, float)):
            cells.append(f'<c r="{_col(i)}{r}"><v>{v}</v></c>')
        else:
            cells.append(f'<c r="{_col(i)}{r}" t="inlineStr"><is><t>{_esc(str(v))}</t></is></c>')
    return f'<row r="{r}">{"".join(cells)}</row>'


def xlsx(sheet_rows, *, sst_chunks=None, styles: str | None = None, workbook_extra: str = "",
         sheet_pre: str = "", sheet_post: str = "", dimension: str | None = None,
         extra_members: dict[str, bytes] | None = None, method=zipfile.ZIP_DEFLATED) -> bytes:
    """A minimal workbook; `sheet_rows` and `sst_chunks` are iterables of str, streamed into the zip
    (a 400 MB part never exists in memory)."""
    parts = {"sheet": True, "sst": sst_chunks is not None, "styles": styles is not None}
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/>'
          '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
          'officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.sharedStrings+xml"/>' if parts["sst"] else "")
          + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.styles+xml"/>' if parts["styles"] else "")
          + "</Types>")
    rels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = (f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
          f'2006/relationships"><sheets><sheet name="partnerstwa" sheetId="1" r:id="rId1"/></sheets>'
          f'{workbook_extra}</workbook>')
    rel = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships'
    wbrels = ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
              f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
              + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                 if parts["sst"] else "")
              + (f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>' if parts["styles"] else "")
              + "</Relationships>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as z:
        z.writestr("[Content_Types].xml", ct)
        z.writestr("_rels/.rels", rels)
        z.writestr("xl/workbook.xml", wb)
        z.writestr("xl/_rels/workbook.xml.rels", wbrels)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            dim = f'<dimension ref="{dimension}"/>' if dimension else ""
            f.write(f'<?xml version="1.0"?><worksheet {NS}>{dim}{sheet_pre}<sheetData>'.encode())
            for chunk in sheet_rows:
                f.write(chunk.encode())
            f.write(f"</sheetData>{sheet_post}</worksheet>".encode())
        if parts["sst"]:
            with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
                f.write(f'<?xml version="1.0"?><sst {NS}>'.encode())
                for chunk in sst_chunks:
                    f.write(chunk.encode())
                f.write(b"</sst>")
        if parts["styles"]:
            z.writestr("xl/styles.xml", f'<?xml version="1.0"?><styleSheet {NS}>{styles}</styleSheet>')
        for name, blob in (extra_members or {}).items():
            z.writestr(name, blob)
    return buffer.getvalue()


def form_row(i: int, **values) -> list[str]:
    row = {"id": f"P{i:05d}", "nazwa": f"Partnerstwo nr {i} – Łomża i okolice", "lider": "2013",
           "czlonkowie": "2013;2013011;2013102", "koordynator": "Anna Nowak", "data_zgloszenia": "2020-09-15",
           **{c: "1" for c in HEADER[6:17]}, "pomysl": "Wspólny transport zbiorowy i usługi publiczne."}
    row.update(values)
    return [row.get(h, "") for h in HEADER]


def csv_text(rows: list[list[str]], sep: str = ";") -> str:
    def q(v: str) -> str:
        return f'"{v}"' if any(c in v for c in (sep, '"', "\n")) else v
    return "\r\n".join(sep.join(q(v) for v in r) for r in rows) + "\r\n"


# --- the hostile files ---------------------------------------------------------------------------------------
def bomb_shared_string() -> tuple[bytes, str]:
    """One 400 MB shared string (the probe: 3.2 GB peak, the message quoted the value)."""
    chunk = "A" * (1 << 20)
    sst = ["<si><t>", *([chunk] * 400), "</t></si>"]
    return xlsx([inline_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], sst_chunks=sst), "bomba.xlsx"


def long_shared_string() -> tuple[bytes, str]:
    """A 16 MB shared string that passes the container checks (ratio ≈ 8): openpyxl must parse it."""
    rng = random.Random(1)
    chunk = "".join(rng.choice("ab") for _ in range(1 << 20))
    sst = ["<si><t>", *([chunk] * 16), "</t></si>"]
    rows = [inline_row(1, HEADER), inline_row(2, form_row(1)[:1]).replace("</row>", "") +
            '<c r="R2" t="s"><v>0</v></c></row>']
    return xlsx(rows, sst_chunks=sst), "dlugi_tekst.xlsx"


def sparse_a_xfd() -> tuple[bytes, str]:
    """Cells in columns A and XFD over 20,000 rows, dimension A1:XFD20000 (the probe: 56 s, 2.8 GB)."""
    rows = (f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>{r}</v></c></row>' for r in range(1, 20_001))
    return xlsx(rows, dimension="A1:XFD20000"), "rzadki.xlsx"


def numeric_cells_bomb() -> tuple[bytes, str]:
    """15.8 million numeric cells (no r attributes: compresses to a few hundred KB; the probe: 158 s)."""
    row = "<row>" + "<c><v>1</v></c>" * 1000 + "</row>"
    return xlsx((row for _ in range(15_800))), "liczby.xlsx"


def numeric_cells_at_limit() -> tuple[bytes, str]:
    """As close to 15.8 M as the limits let through: MAX_CELLS numeric cells, 60 a row."""
    from cwd.limits import MAX_CELLS

    rows = [inline_row(1, HEADER)]
    n = len(HEADER)
    per_row = 60
    count = n
    r = 2
    while count + per_row <= MAX_CELLS:
        rows.append(f'<row r="{r}">' + "".join(f'<c r="{_col(c)}{r}"><v>{c}</v></c>' for c in range(1, per_row + 1)) + "</row>")
        count += per_row
        r += 1
    return xlsx(rows), "liczby_limit.xlsx"


def max_valid_xlsx() -> tuple[bytes, str]:
    """The largest legitimate form workbook: MAX_CELLS ÷ 20 − 1 partnerships × 20 columns."""
    from cwd.limits import MAX_CELLS

    rows = [inline_row(1, HEADER)] + [inline_row(i + 1, form_row(i)) for i in range(1, MAX_CELLS // len(HEADER))]
    return xlsx(rows), "formularze_max.xlsx"


def formulas_without_values() -> tuple[bytes, str]:
    """A script-made workbook: every criterion a formula (=1) without a cached value, MAX_CELLS cells."""
    from cwd.limits import MAX_CELLS

    rows = [inline_row(1, HEADER)]
    for i in range(1, MAX_CELLS // len(HEADER)):
        r = i + 1
        row = inline_row(r, form_row(i)[:6])[:-len("</row>")]
        row += "".join(f'<c r="{_col(c)}{r}"><f>1</f></c>' for c in range(7, 18)) + "</row>"
        rows.append(row)
    return xlsx(rows), "formuly.xlsx"


def shared_strings_and_formulas() -> tuple[bytes, str]:
    """The slowest accepted shape: MAX_CELLS distinct shared strings, all used, and one formula (so the
    formula pass runs), no <dimension> (openpyxl then parses the whole sheet to size it)."""
    from cwd.limits import MAX_CELLS

    n = len(HEADER)
    strings = [f"<si><t>tekst {i}</t></si>" for i in range(MAX_CELLS)]
    rows = []
    k = 0
    for r in range(1, MAX_CELLS // n + 1):
        cells = "".join(f'<c r="{_col(c)}{r}" t="s"><v>{k + c - 1}</v></c>' for c in range(1, n + 1))
        k += n
        if r == 2:
            cells = cells.replace("</c>", "<f>1</f></c>", 1)
        rows.append(f'<row r="{r}">{cells}</row>')
    return xlsx(rows, sst_chunks=strings), "teksty_formuly.xlsx"


def styles_bomb() -> tuple[bytes, str]:
    """300,000 cell styles (openpyxl builds an object for each)."""
    xf = '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    return xlsx([inline_row(1, HEADER)], styles=f'<cellXfs count="300000">{xf * 300_000}</cellXfs>'), "style.xlsx"


def varied_styles() -> tuple[bytes, str]:
    """45,000 distinct cell styles and 60,000 fonts (less compressible: passes the ratio check)."""
    rng = random.Random(3)
    fonts = "".join(f'<font><sz val="{rng.randrange(6, 72)}"/><name val="F{rng.randrange(10**6)}"/></font>'
                    for _ in range(20_000))
    xfs = "".join(f'<xf numFmtId="{rng.randrange(200)}" fontId="{rng.randrange(20_000)}" fillId="0" borderId="0"/>'
                  for _ in range(45_000))
    styles = f'<fonts count="20000">{fonts}</fonts><cellXfs count="45000">{xfs}</cellXfs>'
    return xlsx([inline_row(1, HEADER), inline_row(2, form_row(1))], styles=styles), "style_rozne.xlsx"


def trailing_formatting() -> tuple[bytes, str]:
    """150,000 conditional formats after the rows (openpyxl parses what follows sheetData)."""
    cf = "".join(f'<conditionalFormatting sqref="A{i}"><cfRule type="expression" priority="{i}"><formula>1</formula>'
                 f"</cfRule></conditionalFormatting>" for i in range(2, 150_002))
    return xlsx([inline_row(1, HEADER), inline_row(2, form_row(1))], sheet_post=cf), "formatowanie.xlsx"


def billion_laughs() -> tuple[bytes, str]:
    """Nested XML entities in the shared strings (defusedxml refuses them)."""
    ents = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a" + str(i - 1) + ";") * 10}">' for i in range(1, 10))
    sst = [f'<?xml version="1.0"?><!DOCTYPE sst [{ents}]><sst {NS}><si><t>&a9;</t></si></sst>']
    data = xlsx([inline_row(1, HEADER), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], sst_chunks=[])
    # replace the shared strings part with the entity bomb
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, sst[0] if info.filename.endswith("sharedStrings.xml") else src.read(info))
    return out.getvalue(), "encje.xlsx"


def bzip2_member() -> tuple[bytes, str]:
    """A sheet compressed with bzip2: zipfile would inflate a whole chunk at once."""
    rows = (f'<row r="{r}"><c r="A{r}"><v>1</v></c></row>' for r in range(1, 1000))
    return xlsx(rows, method=zipfile.ZIP_BZIP2), "bzip2.xlsx"


def many_members() -> tuple[bytes, str]:
    """10,000 parts in one zip."""
    extra = {f"xl/media/x{i}.bin": b"" for i in range(10_000)}
    return xlsx([inline_row(1, HEADER)], extra_members=extra), "czesci.xlsx"


def last_row_far() -> tuple[bytes, str]:
    """A header, one partnership and a value in row 1,048,576 (openpyxl pads every row in between)."""
    rows = [inline_row(1, HEADER), inline_row(2, form_row(1)), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>']
    return xlsx(rows), "daleki_wiersz.xlsx"


def bogus_dimension() -> tuple[bytes, str]:
    """Three rows, but <dimension ref="A1:XFD1048576"> (formatting applied to whole columns)."""
    rows = [inline_row(1, HEADER), inline_row(2, form_row(1)), inline_row(3, form_row(2))]
    return xlsx(rows, dimension="A1:XFD1048576"), "wymiar.xlsx"


def rich_text_cell() -> tuple[bytes, str]:
    """One inline string of 300,000 formatted runs (varied: passes the ratio check)."""
    rng = random.Random(5)
    runs = "".join(f'<r><rPr><sz val="{rng.randrange(100)}"/></rPr><t>{rng.randrange(10**6)}</t></r>'
                   for _ in range(300_000))
    rows = [inline_row(1, HEADER), f'<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c></row>']
    return xlsx(rows), "bogaty_tekst.xlsx"


def csv_50k_rows() -> tuple[bytes, str]:
    """50,000 form rows (3.9 MB; the probe: never answered)."""
    rows = [HEADER] + [form_row(i, nazwa=f"P{i}", czlonkowie="2013;2013011", koordynator="AN", pomysl="")
                       for i in range(1, 50_001)]
    return csv_text(rows).encode(), "50000.csv"


def csv_max_rows() -> tuple[bytes, str]:
    """The largest legitimate CSV: MAX_DATA_ROWS partnerships, all validated."""
    from cwd.limits import MAX_DATA_ROWS

    rows = [HEADER] + [form_row(i) for i in range(1, MAX_DATA_ROWS + 1)]
    return csv_text(rows).encode(), "5000.csv"


def csv_max_rows_all_wrong() -> tuple[bytes, str]:
    """MAX_DATA_ROWS rows, each with a dozen errors (the problem list is capped, the work is not)."""
    from cwd.limits import MAX_DATA_ROWS

    bad = {c: "może" for c in HEADER[6:17]}
    rows = [HEADER] + [form_row(i, lider="x", czlonkowie="1 2 3 4 5 6 7 8 9", data_zgloszenia="wczoraj", **bad)
                       for i in range(1, MAX_DATA_ROWS + 1)]
    return csv_text(rows).encode(), "5000_bledow.csv"


def _padded_csv(field_chars: int) -> bytes:
    target = int(4.9 * 1024 * 1024)
    rows = [HEADER, form_row(1, pomysl="x" * field_chars)]
    size = len(csv_text(rows).encode())
    filler = "Opis współpracy " * 55  # ~ 1 KB a row
    i = 2
    while size < target - 2000:
        row = form_row(i, pomysl=filler)
        size += len(csv_text([row]).encode())
        rows.append(row)
        i += 1
    return csv_text(rows).encode()


def csv_long_field() -> tuple[bytes, str]:
    """4.9 MB with one 200,000-character field (the probe: "check the quotes")."""
    return _padded_csv(200_000), "dlugie_pole.csv"


def csv_field_at_limit() -> tuple[bytes, str]:
    """4.9 MB with one field of exactly MAX_FIELD_CHARS characters."""
    from cwd.limits import MAX_FIELD_CHARS

    return _padded_csv(MAX_FIELD_CHARS), "pole_limit.csv"


def csv_mixed_encoding() -> tuple[bytes, str]:
    """UTF-8 with three rows pasted from a Windows-1250 file (the probe: decoded whole as cp1250)."""
    rows = [HEADER] + [form_row(i, nazwa="Augustowsko-Biebrzański Park") for i in range(1, 4000)]
    lines = csv_text(rows).split("\r\n")
    out = [ln.encode("cp1250" if i in (10, 200, 3000) else "utf-8") for i, ln in enumerate(lines)]
    return b"\r\n".join(out), "mieszane.csv"


def csv_separators() -> tuple[bytes, str]:
    """A header and one line of five million separators."""
    return (";".join(HEADER) + "\r\n" + ";" * (5 * 1024 * 1024 - 400)).encode(), "separatory.csv"


def csv_blank_lines() -> tuple[bytes, str]:
    """A header followed by five million empty lines."""
    return (";".join(HEADER) + "\n" + "\n" * (5 * 1024 * 1024 - 400)).encode(), "puste.csv"


def csv_blank_lines_cp1250() -> tuple[bytes, str]:
    """Five million empty lines and one Windows-1250 line (decoded line by line)."""
    return (";".join(HEADER) + "\n" + "\n" * (5 * 1024 * 1024 - 600) + "Łomża;ąę\n").encode("cp1250"), "puste_1250.csv"


def csv_unclosed_quote() -> tuple[bytes, str]:
    """An opening quote never closed, 4 MB before the end of the file."""
    rows = [HEADER] + [form_row(i) for i in range(1, 4000)]
    text = csv_text(rows)
    cut = text.index("\r\n", 1000)
    return (text[:cut] + ';"' + text[cut:]).encode(), "cudzyslow.csv"


def ztm_max_rows() -> tuple[bytes, str]:
    """A ZTM list of MAX_DATA_ROWS rows (national codes, many of them repeated)."""
    from cwd.limits import MAX_DATA_ROWS

    rows = [["teryt", "nazwa", "zrodlo"]] + [[f"14{i % 40 + 1:02d}{i % 99 + 1:02d}2", f"Gmina {i}", "IGiPZ PAN"]
                                             for i in range(MAX_DATA_ROWS)]
    return csv_text(rows).encode(), "ztm.csv"


@dataclass
class Case:
    name: str
    make: Callable[[], tuple[bytes, str]]
    reader: str = "forms"  # forms | ztm


CASES = [
    Case("bomba: tekst 400 MB we współdzielonych", bomb_shared_string),
    Case("tekst 16 MB we współdzielonych (przechodzi kontrolę ZIP)", long_shared_string),
    Case("rzadki arkusz A+XFD, 20 000 wierszy", sparse_a_xfd),
    Case("bomba: 15,8 mln komórek liczbowych", numeric_cells_bomb),
    Case("komórki liczbowe na limicie (MAX_CELLS)", numeric_cells_at_limit),
    Case("XLSX: 2 999 poprawnych partnerstw (MAX_CELLS)", max_valid_xlsx),
    Case("XLSX: formuły bez wartości (MAX_CELLS)", formulas_without_values),
    Case("XLSX: MAX_CELLS tekstów + formuła (najwolniejszy)", shared_strings_and_formulas),
    Case("bomba: 300 000 stylów", styles_bomb),
    Case("45 000 różnych stylów (przechodzi kontrolę ZIP)", varied_styles),
    Case("150 000 formatowań za danymi", trailing_formatting),
    Case("encje XML (billion laughs)", billion_laughs),
    Case("część spakowana bzip2", bzip2_member),
    Case("10 000 części w ZIP", many_members),
    Case("wartość w wierszu 1 048 576", last_row_far),
    Case("fałszywy wymiar A1:XFD1048576", bogus_dimension),
    Case("komórka z 300 000 fragmentów tekstu", rich_text_cell),
    Case("CSV: 50 000 wierszy", csv_50k_rows),
    Case("CSV: 5 000 poprawnych wierszy (MAX_DATA_ROWS)", csv_max_rows),
    Case("CSV: 5 000 wierszy z błędami", csv_max_rows_all_wrong),
    Case("CSV 4,9 MB: pole 200 000 znaków", csv_long_field),
    Case("CSV 4,9 MB: pole na limicie (MAX_FIELD_CHARS)", csv_field_at_limit),
    Case("CSV: mieszane UTF-8 i Windows-1250", csv_mixed_encoding),
    Case("CSV: 5 mln separatorów w wierszu", csv_separators),
    Case("CSV: 5 mln pustych wierszy", csv_blank_lines),
    Case("CSV: 5 mln pustych wierszy w Windows-1250", csv_blank_lines_cp1250),
    Case("CSV: niedomknięty cudzysłów", csv_unclosed_quote),
    Case("ZTM: 5 000 wierszy", ztm_max_rows, "ztm"),
]


# --- the child: one read, in a fresh interpreter ---------------------------------------------------------------
def child(path: str, filename: str, reader: str) -> None:
    data = Path(path).read_bytes()
    from cwd.register import load_register

    register = load_register()
    if reader == "ztm":
        from cwd.ztm import read_ztm_list as read
    else:
        from cwd.forms import read_forms as read
    started, cpu = time.perf_counter(), time.process_time()
    result = read(data, filename, register)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    errors = [p for p in result.problems if p.is_error]
    first = (errors or result.problems or [None])[0]
    print(json.dumps({
        "seconds": seconds,
        "cpu_s": cpu,  # the read's own CPU time: what the code costs, whatever else runs on the machine
        "problems": len(result.problems),
        "errors": len(errors),
        "accepted": len(getattr(result, "partnerships", ())) or len(getattr(result, "codes", ())),
        "first": str(first) if first else "",
        "longest_message": max((len(p.komunikat) for p in result.problems), default=0),
    }, ensure_ascii=False))


def _limit_child() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_ADDRESS_SPACE, CHILD_ADDRESS_SPACE))


def run_case(case: Case, folder: Path) -> dict:
    """Generate the file, read it in a fresh interpreter; the child's own rusage comes from os.wait4."""
    from cwd.limits import MAX_FILE_BYTES

    data, filename = case.make()
    path = folder / filename
    path.write_bytes(data)
    size = len(data)
    del data
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", str(path), filename, case.reader],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limit_child, cwd=ROOT,
    )
    output: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda k=k, s=s: output.__setitem__(k, s.read()))
               for k, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in readers:
        t.start()
    killer = threading.Timer(CHILD_TIMEOUT_S, proc.kill)
    killer.start()
    _, status, usage = os.wait4(proc.pid, 0)
    killer.cancel()
    for t in readers:
        t.join()
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    wall = time.perf_counter() - started
    row = {"case": case.name, "file": filename, "bytes": size, "wall_s": round(wall, 2),
           "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),  # Linux: kilobytes
           "within_size_limit": size <= MAX_FILE_BYTES, "timed_out": wall >= CHILD_TIMEOUT_S,
           "returncode": proc.returncode}
    try:
        row.update(json.loads(output.get("out", b"").decode().strip().splitlines()[-1]))
    except (ValueError, IndexError):
        row["crash"] = output.get("err", b"").decode(errors="replace")[-500:]
    path.unlink()
    return row


def verdict(row: dict) -> bool:
    if not row.get("within_size_limit", True):
        return True  # refused by size alone; no budget applies
    return (not row.get("timed_out") and "crash" not in row and row.get("seconds", 99) <= BUDGET_S
            and row.get("peak_rss_mb", 1e9) <= BUDGET_RSS_MB)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="one JSON document instead of the table")
    parser.add_argument("--only", nargs="*", help="run only cases whose name contains one of these words")
    parser.add_argument("--list", action="store_true", help="list the cases and stop")
    parser.add_argument("--child", nargs=3, metavar=("PATH", "NAME", "READER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    cases = [c for c in CASES if not args.only or any(w.casefold() in c.name.casefold() for w in args.only)]
    if args.list:
        for c in cases:
            print(f"{c.name}: {c.make.__doc__}")
        return 0
    rows = []
    load_before = os.getloadavg()[0]
    if not args.json:
        print(f"obciążenie maszyny (load average 1 min): {load_before:.1f} na {os.cpu_count()} rdzenie")
    with tempfile.TemporaryDirectory(prefix="cwd-bad-files-") as tmp:
        for case in cases:
            row = run_case(case, Path(tmp))
            row["ok"] = verdict(row)
            rows.append(row)
            if not args.json:
                print(_line(row), flush=True)
    ok = all(r["ok"] for r in rows)
    if args.json:
        print(json.dumps({"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                                      "load_before": load_before, "load_after": os.getloadavg()[0]},
                          "budget": {"seconds": BUDGET_S, "peak_rss_mb": BUDGET_RSS_MB},
                          "ok": ok, "cases": rows}, ensure_ascii=False, indent=1))
    else:
        print(f"\nbudżet: ≤ {BUDGET_S:g} s i ≤ {BUDGET_RSS_MB} MB na plik mieszczący się w limicie rozmiaru; "
              f"{'wszystkie w budżecie' if ok else 'PRZEKROCZENIA: ' + ', '.join(r['case'] for r in rows if not r['ok'])}")
    return 0 if ok else 1


def _line(row: dict) -> str:
    if "crash" in row and "seconds" not in row:
        return f"{row['case']:<58} AWARIA {row['crash'][-200:]}"
    size = row["bytes"]
    shown = f"{size / 1024:,.0f} KB" if size < 1024 * 1024 else f"{size / 1024 / 1024:,.1f} MB"
    first = row.get("first", "")
    first = first if len(first) <= 150 else first[:149] + "…"
    return (f"{row['case']:<58} {shown:>9} {row.get('seconds', float('nan')):7.2f} s "
            f"(CPU {row.get('cpu_s', float('nan')):5.2f} s) "
            f"{row.get('peak_rss_mb', float('nan')):7.0f} MB {'ok ' if row['ok'] else 'ZA DUŻO'}  {first}")


if __name__ == "__main__":
    sys.exit(main())
