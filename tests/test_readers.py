"""Hostile input files: every limit is checked before the expensive step and refused in Polish with the
numbers; nothing is decoded or read "as missing" silently. Fixtures are generated here (no binaries)."""
from __future__ import annotations

import csv
import io
import random
import re
import string
import struct
import zipfile

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cwd.criteria import CRITERIA_IDS
from cwd.forms import read_forms
from cwd.limits import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_DATA_ROWS,
    MAX_FIELD_CHARS,
    MAX_FILE_BYTES,
    MAX_PROBLEMS,
    MAX_SHEET_ROWS,
    MAX_TEXT_CHARS,
    MAX_XLSX_MEMBER,
    MAX_XLSX_MEMBERS,
    MAX_XLSX_RATIO,
    MAX_XLSX_UNCOMPRESSED,
    MAX_XML_ELEMENTS,
)
from cwd.readers import MAX_SHEET_ELEMENTS, Omitted, Table, decode, quote, read_table, read_table_path

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["id", "nazwa", "lider", "czlonkowie", "koordynator", "data_zgloszenia", *CRITERIA_IDS, "pomysl"]
ENGLISH = re.compile(r"[A-Z][a-z]+(?:Error|Exception|Forbidden|Warning)|BadZip|Traceback|errno|\bfield larger\b")


def n(text: str) -> str:
    """Messages use Babel's Polish numbers (non-breaking spaces): compare with plain spaces."""
    return text.replace("\xa0", " ")


def num(value: int) -> str:
    return f"{value:,}".replace(",", " ")


def form_row(i: int = 1, **values) -> list[str]:
    row = {"id": f"P{i}", "nazwa": f"Partnerstwo {i}", "lider": "2013", "czlonkowie": "2013;2013011;2013102",
           "koordynator": "Anna Nowak", "data_zgloszenia": "2020-09-15", **{c: "1" for c in CRITERIA_IDS},
           "pomysl": ""}
    row.update(values)
    return [row[h] for h in HEADER]


def csv_bytes(rows: list[list[str]], sep: str = ";", encoding: str = "utf-8") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def col(k: int) -> str:
    s = ""
    while k:
        k, r = divmod(k - 1, 26)
        s = chr(65 + r) + s
    return s


def cells_row(r: int, values: list, start: int = 1) -> str:
    out = []
    for i, v in enumerate(values, start=start):
        if v is None:
            continue
        if isinstance(v, (int, float)):
            out.append(f'<c r="{col(i)}{r}"><v>{v}</v></c>')
        else:
            out.append(f'<c r="{col(i)}{r}" t="inlineStr"><is><t>{v}</t></is></c>')
    return "".join(out)


def row_xml(r: int, values: list) -> str:
    return f'<row r="{r}">{cells_row(r, values)}</row>'


def xlsx(rows: list[str] | str, *, sst: str | None = None, styles: str | None = None, dimension: str | None = None,
         extra: dict[str, bytes | str] | None = None, sheet_name: str = "partnerstwa",
         compression=zipfile.ZIP_DEFLATED) -> bytes:
    """A workbook written part by part with zipfile: what script-made workbooks look like, and what
    openpyxl would never write (formulas without values, bombs, lies)."""
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    ct = ('<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          '<Default Extension="xml" ContentType="application/xml"/>'
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
          'spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
          'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          + ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
             'officedocument.spreadsheetml.sharedStrings+xml"/>' if sst is not None else "")
          + ('<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.'
             'spreadsheetml.styles+xml"/>' if styles is not None else "") + "</Types>")
    parts = {
        "[Content_Types].xml": ct,
        "_rels/.rels": ('<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
                        f'2006/relationships"><Relationship Id="rId1" Type="{rel}/officeDocument" '
                        'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (f'<?xml version="1.0"?><workbook {NS} xmlns:r="{rel}"><sheets><sheet name="{sheet_name}" '
                            'sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships"><Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/>'
            + (f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
               if sst is not None else "")
            + (f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>' if styles is not None else "")
            + "</Relationships>"),
        "xl/worksheets/sheet1.xml": (
            f'<?xml version="1.0"?><worksheet {NS}>'
            + (f'<dimension ref="{dimension}"/>' if dimension else "")
            + f'<sheetData>{"".join(rows) if not isinstance(rows, str) else rows}</sheetData></worksheet>'),
    }
    if sst is not None:
        parts["xl/sharedStrings.xml"] = sst
    if styles is not None:
        parts["xl/styles.xml"] = f'<?xml version="1.0"?><styleSheet {NS}>{styles}</styleSheet>'
    parts.update(extra or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, text in parts.items():
            z.writestr(name, text)
    return buffer.getvalue()


def only_error(table: Table):
    errors = table.errors
    assert len(errors) == 1, table.problems
    return errors[0]


def refused(data: bytes, name: str = "formularz.xlsx"):
    """A whole-file refusal: one error, no row, the file named in it, no English, no huge quote."""
    table = read_table(data, name, sheet="partnerstwa")
    assert table.frame.empty
    error = only_error(table)
    assert error.wiersz is None and error.plik == name
    assert name in error.komunikat, error.komunikat
    assert not ENGLISH.search(error.komunikat), error.komunikat
    assert len(error.komunikat) < 400, error.komunikat
    return n(error.komunikat)


# --- the XLSX container, before openpyxl -------------------------------------------------------------------
def test_openpyxl_parses_with_defusedxml():
    from openpyxl.xml import functions

    assert openpyxl.DEFUSEDXML is True
    assert functions.iterparse.__module__.startswith("defusedxml"), functions.iterparse.__module__
    assert functions.fromstring.__module__.startswith("defusedxml"), functions.fromstring.__module__


def test_xml_entity_bomb_refused_in_polish():
    entities = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{("&a%d;" % (i - 1)) * 10}">' for i in range(1, 10))
    sst = f'<?xml version="1.0"?><!DOCTYPE sst [{entities}]><sst {NS}><si><t>&a9;</t></si></sst>'
    message = refused(xlsx([row_xml(1, ["id"]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], sst=sst))
    assert "nie jest poprawnym skoroszytem" in message


def test_huge_shared_string_refused_by_its_declared_size_without_quoting_it():
    sst = f'<?xml version="1.0"?><sst {NS}><si><t>' + "A" * (MAX_XLSX_MEMBER + 10) + "</t></si></sst>"
    data = xlsx([row_xml(1, ["id"]), '<row r="2"><c r="A2" t="s"><v>0</v></c></row>'], sst=sst)
    assert len(data) < 100_000  # a bomb: small file, huge part
    message = refused(data)
    assert "tabela tekstów" in message and "25,0 MB" in message and "AAAA" not in message


def test_compression_ratio_of_a_part_is_limited():
    styles = '<fonts count="1"><font/></fonts>' + " " * (2 * 1024 * 1024)  # whitespace: 2 MB → a few KB
    message = refused(xlsx([row_xml(1, ["id"])], styles=styles))
    assert "styles.xml" in message and "bomba ZIP" in message and f"najwyżej {MAX_XLSX_RATIO}" in message


def test_total_uncompressed_size_is_limited():
    # Parts of exactly 1 MB (the ratio check starts above that), 60 MB in all.
    extra = {f"xl/media/obraz{i}.bin": b"\0" * (1024 * 1024) for i in range(MAX_XLSX_UNCOMPRESSED // (1024 * 1024) + 10)}
    message = refused(xlsx([row_xml(1, ["id"])], extra=extra))
    assert "po rozpakowaniu" in message and "50,0 MB" in message


def test_member_count_is_limited():
    extra = {f"xl/media/x{i}.bin": b"" for i in range(MAX_XLSX_MEMBERS + 1)}
    message = refused(xlsx([row_xml(1, ["id"])], extra=extra))
    assert f"najwyżej {MAX_XLSX_MEMBERS}" in message and "części" in message


def test_other_compression_methods_are_refused():
    message = refused(xlsx([row_xml(1, ["id"])], compression=zipfile.ZIP_BZIP2))
    assert "nieobsługiwaną metodą" in message


def test_encrypted_part_is_refused():
    data = bytearray(xlsx([row_xml(1, ["id"])]))
    # Set the "encrypted" flag of every entry, local and central (zipfile cannot write encrypted zips).
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        for m in re.finditer(re.escape(signature), bytes(data)):
            (flags,) = struct.unpack_from("<H", data, m.start() + offset)
            struct.pack_into("<H", data, m.start() + offset, flags | 1)
    assert "zaszyfrowany" in refused(bytes(data))


def test_a_part_larger_than_it_declares_is_corrupt_not_a_bomb():
    data = bytearray(xlsx([row_xml(1, ["id"])], sst=f'<sst {NS}><si><t>' + "B" * 5_000_000 + "</t></si></sst>"))
    # Declare 1,000 bytes for the 5 MB part, in the local header and in the central directory.
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for m in re.finditer(re.escape(signature), bytes(data)):
            name_at = m.start() + (30 if signature == b"PK\x03\x04" else 46)
            if bytes(data[name_at:name_at + 20]).startswith(b"xl/sharedStrings.xml"):
                struct.pack_into("<I", data, m.start() + offset, 1000)
    message = refused(bytes(data))
    assert "uszkodzony" in message


def test_xml_elements_of_a_part_are_limited():
    rng = random.Random(1)  # varied, so the part passes the ratio check and the count decides
    xfs = "".join(f'<xf numFmtId="{rng.randrange(160)}" fontId="{rng.randrange(999)}"/>'
                  for _ in range(MAX_XML_ELEMENTS + 10))
    message = refused(xlsx([row_xml(1, ["id"])], styles=f"<cellXfs>{xfs}</cellXfs>"))
    assert "styles.xml" in message and "elementów XML" in message and num(MAX_XML_ELEMENTS) in message


def test_shared_strings_count_is_limited():
    sst = f'<sst {NS}>' + "".join(f"<si><t>{i}</t></si>" for i in range(MAX_CELLS + 1)) + "</sst>"
    message = refused(xlsx([row_xml(1, ["id"])], sst=sst))
    assert f"{num(MAX_CELLS + 1)} różnych tekstów" in message and f"najwyżej {num(MAX_CELLS)}" in message


def test_cells_of_the_sheet_are_limited():
    rng = random.Random(2)
    rows = [row_xml(1, ["id"])] + [
        "<row>" + "".join(f"<c><v>{rng.randrange(10**6)}</v></c>" for _ in range(50)) + "</row>"
        for _ in range(MAX_CELLS // 50)
    ]
    message = refused(xlsx(rows))
    assert f"{num(MAX_CELLS + 1)} komórek" in message and f"najwyżej {num(MAX_CELLS)}" in message
    assert "partnerstwa" in message


def test_millions_of_numeric_cells_are_refused_from_the_declared_size():
    """The probe's 15.8 million cells (158 s before): cells without r attributes compress to ~0.5 MB."""
    base = zipfile.ZipFile(io.BytesIO(xlsx([])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for info in base.infolist():
            if info.filename != "xl/worksheets/sheet1.xml":
                z.writestr(info.filename, base.read(info))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            f.write(f"<worksheet {NS}><sheetData>".encode())
            row = ("<row>" + "<c><v>1</v></c>" * 1000 + "</row>").encode()
            for _ in range(15_800):
                f.write(row)
            f.write(b"</sheetData></worksheet>")
    data = buffer.getvalue()
    assert len(data) < MAX_FILE_BYTES
    message = refused(data)
    assert "arkusz „sheet1.xml”" in message and "226,2 MB" in message and "25,0 MB" in message


def test_sheet_elements_are_limited():
    rng = random.Random(4)
    runs = "".join(f"<r><rPr><sz val=\"{rng.randrange(99)}\"/></rPr><t>{rng.randrange(10**6)}</t></r>"
                   for _ in range(100_000))
    message = refused(xlsx([row_xml(1, ["id"]), f'<row r="2"><c r="A2" t="inlineStr"><is>{runs}</is></c></row>']))
    assert "elementów XML" in message and num(MAX_SHEET_ELEMENTS) in message


# --- the XLSX sheet ------------------------------------------------------------------------------------------------
def test_bogus_dimension_does_not_pad_rows():
    data = xlsx([row_xml(1, ["id", "nazwa"]), row_xml(2, ["P1", "Łomża"])], dimension="A1:XFD1048576")
    table = read_table(data, "f.xlsx")
    assert not table.problems
    assert list(table.frame.columns) == ["id", "nazwa"] and list(table.frame.index) == [2]


def test_sparse_sheet_with_values_in_column_xfd_stops_at_the_row_limit():
    rows = [f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="XFD{r}"><v>{r}</v></c></row>'
            for r in range(1, MAX_DATA_ROWS + 3)]
    message = refused(xlsx(rows, dimension=f"A1:XFD{MAX_DATA_ROWS + 2}"))
    assert "więcej niż 5 000 wierszy danych" in message and "partnerstwa" in message


def test_header_past_the_column_limit_is_refused():
    rows = [f'<row r="1">{cells_row(1, ["id", "nazwa"])}<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>',
            row_xml(2, ["P1", "X"])]
    table = read_table(xlsx(rows), "f.xlsx")
    error = only_error(table)
    assert error.wiersz == 1 and table.file_errors == [error]
    assert "XFD1" in error.komunikat and f"{MAX_COLUMNS}" in error.komunikat


def test_data_past_the_column_limit_is_dropped_with_a_warning():
    rows = [row_xml(1, ["id", "nazwa"]),
            f'<row r="2">{cells_row(2, ["P1", "X"])}<c r="XFD2"><v>7</v></c></row>']
    table = read_table(xlsx(rows), "f.xlsx")
    assert not table.errors and list(table.frame.loc[2]) == ["P1", "X"]
    warning = table.problems[0]
    assert "XFD2" in warning.komunikat and "pominięto" in warning.komunikat


def test_value_in_the_last_row_of_the_sheet_is_refused_not_padded_to():
    rows = [row_xml(1, ["id"]), row_xml(2, ["P1"]), '<row r="1048576"><c r="A1048576"><v>1</v></c></row>']
    message = refused(xlsx(rows))
    assert f"{MAX_SHEET_ROWS:,}".replace(",", " ") in message and "wiersza" in message


def test_formatted_blank_rows_far_below_are_harmless():
    rows = [row_xml(1, ["id"]), row_xml(2, ["P1"]), '<row r="1048576" ht="20" customHeight="1"><c r="A1048576" s="0"/></row>']
    table = read_table(xlsx(rows), "f.xlsx")
    assert not table.problems and list(table.frame["id"]) == ["P1"]


def test_shared_string_longer_than_a_field_is_an_error_of_its_cell():
    sst = f'<sst {NS}><si><t>id</t></si><si><t>pomysl</t></si><si><t>P1</t></si><si><t>' + "ab" * 60_000 + "</t></si></sst>"
    rows = ['<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>',
            '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2" t="s"><v>3</v></c></row>']
    table = read_table(xlsx(rows, sst=sst), "f.xlsx")
    error = only_error(table)
    assert (error.wiersz, error.kolumna) == (2, "pomysl") and table.has_row_error(2)
    message = n(error.komunikat)
    assert "120 000 znaków" in message and f"{MAX_FIELD_CHARS:,}".replace(",", " ") in message
    assert "abab" in message and len(message) < 300
    assert table.frame.at[2, "pomysl"] == ""  # the megabytes are not carried on


# --- formulas without a stored value ---------------------------------------------------------------------------
def formula_workbook(criterion_cell: str) -> bytes:
    header = row_xml(1, HEADER)
    values = form_row(1)
    i = HEADER.index("I.3")
    r2 = (f'<row r="2">{cells_row(2, values[:i])}<c r="{col(i + 1)}2">{criterion_cell}</c>'
          f'{cells_row(2, values[i + 1:], start=i + 2)}</row>')
    return xlsx([header, r2])


def test_formula_without_cached_value_is_reported_per_cell(register):
    data = formula_workbook("<f>1</f>")  # what a script writes: a formula and no <v>
    table = read_table(data, "skrypt.xlsx", sheet="partnerstwa")
    error = only_error(table)
    assert (error.plik, error.wiersz, error.kolumna) == ("skrypt.xlsx", 2, "I.3")
    assert "Formuła bez wyliczonej wartości" in error.komunikat and "otwórz plik w Excelu" in error.komunikat
    assert "„partnerstwa”" in error.komunikat and "I2" in error.komunikat
    result = read_forms(data, "skrypt.xlsx", register)
    assert result.partnerships == []  # never read as "missing" (brak)
    assert [p.kolumna for p in result.errors] == ["I.3"]


def test_formula_with_cached_value_reads_the_value(register):
    result = read_forms(formula_workbook("<f>1</f><v>1</v>"), "excel.xlsx", register)
    assert result.usable and not result.errors
    assert result.partnerships[0].declared("I.3") == 1


def test_shared_formulas_without_values_and_a_row_of_formulas_only():
    rows = [row_xml(1, ["id", "I.1"]),
            '<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2"><f t="shared" ref="B2:B3" si="0">1</f></c></row>',
            '<row r="3"><c r="A3"><f>"P2"</f></c><c r="B3"><f t="shared" si="0"/></c></row>']
    table = read_table(xlsx(rows), "f.xlsx")
    assert [(p.wiersz, p.kolumna) for p in table.errors] == [(2, "I.1"), (3, "id"), (3, "I.1")]
    assert list(table.frame.index) == [2, 3]  # a row holding formulas only is not "blank"


# --- CSV ----------------------------------------------------------------------------------------------------------
def test_more_data_rows_than_the_limit_get_one_message_before_any_validation(register):
    data = csv_bytes([HEADER] + [form_row(i) for i in range(1, MAX_DATA_ROWS + 2)])
    result = read_forms(data, "duzo.csv", register)
    assert not result.usable and result.partnerships == []
    assert len(result.problems) == 1
    message = n(result.problems[0].komunikat)
    assert "duzo.csv" in message and "więcej niż 5 000 wierszy danych" in message


def test_exactly_the_row_limit_is_read():
    table = read_table(csv_bytes([["id", "nazwa"]] + [[f"P{i}", "x"] for i in range(MAX_DATA_ROWS)]), "f.csv")
    assert not table.problems and len(table.frame) == MAX_DATA_ROWS


def test_fifty_thousand_rows_answer_with_the_row_limit(register):
    rows = [HEADER] + [form_row(i) for i in range(1, 50_001)]
    data = csv_bytes(rows)
    assert len(data) <= MAX_FILE_BYTES
    result = read_forms(data, "50000.csv", register)
    assert [n(p.komunikat) for p in result.problems] == [
        f"Plik „50000.csv” ma więcej niż 5 000 wierszy danych – formularze i lista gmin mogą mieć najwyżej "
        "5 000 wierszy pod nagłówkiem. Podziel plik albo usuń zbędne wiersze."
    ]


def test_header_wider_than_the_column_limit_is_refused():
    header = ["id", "nazwa"] + [f"k{i}" for i in range(MAX_COLUMNS + 5)]
    table = read_table(csv_bytes([header, ["P1", "x"]]), "szeroki.csv")
    error = only_error(table)
    assert error.wiersz == 1 and table.file_errors == [error]
    assert f"ma {len(header)} kolumn" in error.komunikat and f"najwyżej {MAX_COLUMNS}" in error.komunikat


def test_a_line_of_millions_of_separators_is_bounded():
    data = b"id;nazwa\r\nP1;x" + b";" * (MAX_FILE_BYTES - 100) + b"\r\n"
    table = read_table(data, "sep.csv")
    assert list(table.frame.columns) == ["id", "nazwa"] and table.frame.shape == (1, 2)
    assert not table.errors  # the extra fields are empty: nothing shifted


def padded_csv(field_chars: int) -> bytes:
    """A 4.9 MB forms CSV whose row 2 has a `pomysl` of `field_chars` characters."""
    rows = [HEADER, form_row(1, pomysl="x" * field_chars)]
    filler = "Wspólny transport i usługi publiczne. " * 25
    size = len(csv_bytes(rows))
    i = 2
    while size < int(4.9 * 1024 * 1024) - 2000:
        rows.append(form_row(i, pomysl=filler))
        size += len(csv_bytes([rows[-1]]))
        i += 1
    data = csv_bytes(rows)
    assert 4.8 * 1024 * 1024 < len(data) <= MAX_FILE_BYTES and i - 1 <= MAX_DATA_ROWS
    return data


def test_field_longer_than_the_limit_gets_the_field_length_message_not_check_the_quotes():
    assert 200_000 > MAX_FIELD_CHARS  # the premise; csv's own limit (131,072 by default) must not answer
    table = read_table(padded_csv(200_000), "dlugie.csv")
    error = only_error(table)
    assert (error.plik, error.wiersz, error.kolumna) == ("dlugie.csv", 2, "pomysl")
    message = n(error.komunikat)
    assert "200 000 znaków" in message and "najwyżej 100 000" in message
    assert "cudzysłow" not in message and "xxxxx…" in message and len(message) < 300
    assert "wiersz 2" in str(error) and "kolumna „pomysl”" in str(error)


def test_field_of_exactly_the_limit_is_read_and_the_form_names_the_text_limit(register):
    data = padded_csv(MAX_FIELD_CHARS)
    table = read_table(data, "pole.csv")
    assert not table.errors and len(table.frame.at[2, "pomysl"]) == MAX_FIELD_CHARS
    result = read_forms(data, "pole.csv", register)
    error = only_error(result)
    assert (error.wiersz, error.kolumna) == (2, "pomysl")
    assert f"najwyżej {MAX_TEXT_CHARS:,}".replace(",", " ") in n(error.komunikat)
    assert len(result.partnerships) == result.wiersze - 1


def test_quote_left_open_in_the_last_column_does_not_swallow_the_rest_silently():
    text = "id;nazwa\r\nP1;x\r\nP2;\"y;z\r\nP3;w\r\nP4;v\r\n"
    message = refused(text.encode(), "f.csv")
    assert "w wierszu 3" in message and "cudzysłów nie jest domknięty" in message


def test_quote_left_open_mid_row_is_hinted_at():
    text = "id;nazwa;uwagi\r\nP1;x;a\r\nP2;\"y;z\r\nP3;w;\"b\"\r\n"
    table = read_table(text.encode(), "f.csv")
    message = only_error(table).komunikat
    assert "w wierszu 3" in message and "cudzysłów" in message


# --- encodings ---------------------------------------------------------------------------------------------------
NAME = "Augustowsko-Biebrzański Park Turystyczny"


def mixed(main: str, other: str, other_rows: set[int]) -> bytes:
    lines = ["id;nazwa"] + [f"P{i};{NAME} {i}" for i in range(1, 9)]
    return b"\r\n".join(ln.encode(other if i + 1 in other_rows else main) for i, ln in enumerate(lines)) + b"\r\n"


def test_utf8_file_with_windows_1250_rows_warns_and_reads_each_row_right():
    table = read_table(mixed("utf-8", "cp1250", {4, 7}), "mieszany.csv")
    assert not table.errors
    warnings = [p for p in table.problems if not p.is_error]
    assert len(warnings) == 1
    message = warnings[0].komunikat
    assert "wiersze 4, 7" in message and "Windows-1250" in message and "UTF-8" in message
    assert list(table.frame["nazwa"]) == [f"{NAME} {i}" for i in range(1, 9)]  # no "BiebrzaĹ„ski"
    assert table.kodowanie == "utf-8"


def test_windows_1250_file_with_a_utf8_row_warns_the_other_way_round():
    table = read_table(mixed("cp1250", "utf-8", {5}), "mieszany.csv")
    message = table.problems[0].komunikat
    assert "wiersz 5 " in message and "większość wierszy w Windows-1250" in message
    assert list(table.frame["nazwa"]) == [f"{NAME} {i}" for i in range(1, 9)]
    assert table.kodowanie == "cp1250"


def test_rows_are_named_as_records_when_a_quoted_field_spans_lines():
    lines = ['id;nazwa', 'P1;"dwie', 'linie"', f"P2;{NAME}"]
    data = b"\r\n".join([lines[0].encode(), lines[1].encode(), lines[2].encode(), lines[3].encode("cp1250")])
    data = data.replace(b"dwie", "dwie ż".encode()).replace(b"linie", "linie ż".encode())  # non-ASCII UTF-8
    table = read_table(data, "f.csv")
    assert "wiersz 3 " in table.problems[0].komunikat  # the 4th line is the 3rd record


def test_windows_1250_text_that_happens_to_be_valid_utf8_is_not_misread():
    data = "id;nazwa\r\nP1;GÓŁKA\r\nP2;Łomża\r\n".encode("cp1250")
    assert "GÓŁKA".encode("cp1250").decode("utf-8")  # "ÓŁ" is a valid UTF-8 sequence
    table = read_table(data, "f.csv")
    assert not table.problems and list(table.frame["nazwa"]) == ["GÓŁKA", "Łomża"]


def test_decode_reports_lines():
    decoded = decode(mixed("utf-8", "cp1250", {3}))
    assert (decoded.encoding, decoded.other, decoded.other_lines) == ("utf-8", "cp1250", [3])
    assert decode("zwykły tekst".encode()).other is None


# --- the problem list is bounded ------------------------------------------------------------------------------
def test_problems_are_capped_with_a_count_of_the_rest(register):
    rows = [HEADER] + [form_row(i, **{"I.1": "może", "I.2": "x"}) for i in range(1, 401)]
    result = read_forms(csv_bytes(rows), "bledy.csv", register)
    assert result.partnerships == [] and result.wiersze == 400
    assert len(result.problems) == MAX_PROBLEMS
    summary = result.problems[-1]
    assert isinstance(summary, Omitted) and summary.is_error
    listed = result.problems[:-1]
    assert summary.pominiete + len(listed) == 800 and summary.pominiete_bledy == summary.pominiete
    assert summary.wiersz == listed[-1].wiersz + 1 or summary.wiersz == listed[-1].wiersz
    assert f"{summary.pominiete}" in n(summary.komunikat).replace(" ", "")
    assert "najwyżej 500" in summary.komunikat


def test_reader_problems_are_capped_but_every_bad_row_stays_out(register):
    rows = "id;nazwa\r\n" + "".join(f"P{i};x;przesunięte\r\n" for i in range(MAX_PROBLEMS + 100))
    table = read_table(rows.encode(), "f.csv")
    assert len(table.problems) == MAX_PROBLEMS and isinstance(table.problems[-1], Omitted)
    assert len(table.error_rows) == MAX_PROBLEMS + 100  # all of them, listed or not


def test_quote_cuts_long_values():
    assert quote("krótki") == "„krótki”"
    long = quote("x" * 10_000)
    assert len(long) <= 82 and long.endswith("…”")


# --- files on disk -------------------------------------------------------------------------------------------------
def test_path_errors_are_polish(tmp_path):
    for path, word in [(tmp_path / ("x" * 300 + ".csv"), "zbyt długą nazwę"), (str(tmp_path) + "/a\0b.csv", "nie istnieje")]:
        table = read_table_path(path)
        message = only_error(table).komunikat
        assert word in message and not ENGLISH.search(message)


# --- property: any bytes, any small CSV --------------------------------------------------------------------------
def assert_bounded(table: Table, name: str) -> None:
    assert isinstance(table, Table) and table.plik == name
    assert len(table.frame) <= MAX_DATA_ROWS and len(table.frame.columns) <= MAX_COLUMNS
    assert len(table.problems) <= MAX_PROBLEMS
    assert all(dtype == "str" for dtype in table.frame.dtypes)
    assert all(len(v) <= MAX_FIELD_CHARS for column in table.frame.columns for v in table.frame[column])
    for p in table.problems:
        assert p.plik == name and len(p.komunikat) < 1000 and not ENGLISH.search(p.komunikat), p


XLSX_PREFIX = xlsx([row_xml(1, ["id", "nazwa"]), row_xml(2, ["P1", "Łomża"])])


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.one_of(
    st.binary(max_size=2000),
    st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
    st.tuples(st.integers(0, len(XLSX_PREFIX) - 1), st.binary(min_size=1, max_size=8)).map(
        lambda t: XLSX_PREFIX[:t[0]] + t[1] + XLSX_PREFIX[t[0] + len(t[1]):]),
), name=st.sampled_from(["f.csv", "f.xlsx", "f.txt"]))
def test_read_table_never_raises_on_any_bytes(data, name):
    assert_bounded(read_table(data, name, sheet="partnerstwa"), name)


any_cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None, database=None)
@given(rows=st.lists(st.lists(any_cell, max_size=8), max_size=12),
       sep=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16"]))
def test_read_table_never_raises_on_small_csvs(rows, sep, encoding):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows(rows)
    assert_bounded(read_table(buffer.getvalue().encode(encoding, errors="replace"), "f.csv"), "f.csv")


# Text every supported encoding can hold: ASCII, Polish letters, the dashes and quotes Polish Excel writes.
polish_cell = st.text(alphabet=string.ascii_letters + string.digits + " \t.,;:-_/()\"'\r\n" + "ąćęłńóśźżĄĆĘŁŃÓŚŹŻ–„”",
                      max_size=20)
COLUMNS = ["id", "nazwa", "pomysł"]


@settings(max_examples=150, deadline=None, database=None)
@given(rows=st.lists(st.lists(polish_cell, min_size=3, max_size=3), max_size=10),
       sep=st.sampled_from([";", ",", "\t"]), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1250", "utf-16"]))
def test_well_formed_csv_reads_back_exactly(rows, sep, encoding):
    """What Excel writes is what the reader returns, in any of the four encodings (no mojibake, no shift)."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=sep, lineterminator="\r\n").writerows([COLUMNS, *rows])
    table = read_table(buffer.getvalue().encode(encoding), "f.csv")
    assert not table.problems, table.problems
    expected = [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]
    assert list(table.frame.columns) == COLUMNS
    assert table.frame.values.tolist() == expected
