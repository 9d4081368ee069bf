"""The blank form partnerships fill in: CSV (data/szablon_formularza.csv) and XLSX with an instruction sheet."""
from __future__ import annotations

import csv
import io
from pathlib import Path

from cwd.forms import FORM_COLUMNS, SHEET, TEMPLATE_EXAMPLE_ID
from cwd.paths import DATA_DIR
from cwd.criteria import CRITERIA_IDS, criterion_names
from cwd.settings import FORMS_DEADLINE

TEMPLATE_CSV = DATA_DIR / "szablon_formularza.csv"
COLUMNS: tuple[str, ...] = tuple(c.name for c in FORM_COLUMNS)
TEXT_COLUMNS = ("id", "lider", "czlonkowie")  # typed as text in XLSX so Excel keeps codes as written

# Illustrative only: real TERYT codes of powiat kolneński, invented declarations.
EXAMPLE_ROW: dict[str, str] = {
    "id": TEMPLATE_EXAMPLE_ID,
    "nazwa": "PRZYKŁAD – usuń ten wiersz przed wysłaniem",
    "lider": "2006",
    "czlonkowie": "2006;2006011;2006032",
    "koordynator": "Jan Kowalski (przykład)",
    "data_zgloszenia": "2020-09-15",
    **{c: "1" for c in CRITERIA_IDS},
    "II.3": "0",
    "pomysl": "Przykład: wspólny plan poprawy dostępu do usług publicznych na obszarze partnerstwa.",
    "powiazania": "Przykład: dojazdy do pracy i szkół do Kolna, wspólny transport zbiorowy.",
    "doswiadczenie": "Przykład: wspólny projekt drogowy powiatu i gmin (2018).",
}

_DESCRIPTIONS = {
    "id": "Krótki identyfikator partnerstwa, inny dla każdego wiersza (np. P-01).",
    "nazwa": "Nazwa partnerstwa.",
    "lider": "Kod TERYT lidera: 7 cyfr dla gminy (np. 2013011), 4 cyfry dla powiatu (np. 2006).",
    "czlonkowie": "Kody TERYT wszystkich członków (gminy 7 cyfr, powiaty 4 cyfry), oddzielone średnikami; "
                  "lider też jest członkiem. Co najmniej 2 JST.",
    "koordynator": "Imię i nazwisko koordynatora projektu (może zostać puste, ale zostanie to odnotowane).",
    "data_zgloszenia": f"Data złożenia formularza: RRRR-MM-DD lub DD.MM.RRRR. "
                       f"Termin: {FORMS_DEADLINE:%d.%m.%Y}.",
    "pomysl": "Pomysł na współpracę partnerstwa (tekst, opcjonalnie).",
    "powiazania": "Powiązania funkcjonalne na obszarze partnerstwa (tekst, opcjonalnie).",
    "doswiadczenie": "Doświadczenie JST we współpracy (tekst, opcjonalnie).",
}


def column_descriptions() -> dict[str, str]:
    """Polish explanation of each template column, criteria worded as in the checklist."""
    criteria = criterion_names()
    out = {}
    for name in COLUMNS:
        if name in CRITERIA_IDS:
            out[name] = (f"Kryterium {name}: {criteria.get(name, '')}. Wpisz 1 (tak) lub 0 (nie); "
                         "puste pole = brak odpowiedzi (to nie to samo co 0).")
        else:
            out[name] = _DESCRIPTIONS[name]
    return out


def template_csv_bytes() -> bytes:
    """UTF-8 with BOM and `;`: what Polish Excel opens correctly by double-click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow([EXAMPLE_ROW.get(c, "") for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def write_template_csv(path: Path = TEMPLATE_CSV) -> Path:
    Path(path).write_bytes(template_csv_bytes())
    return Path(path)


def template_xlsx_bytes() -> bytes:
    """Sheet `partnerstwa` (header, example row, TERYT columns as text) and sheet `instrukcja`."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS))
    sheet.append([EXAMPLE_ROW.get(c, "") for c in COLUMNS])
    last_row = 500
    for i, name in enumerate(COLUMNS, start=1):
        letter = get_column_letter(i)
        sheet.cell(1, i).font = Font(bold=True)
        sheet.column_dimensions[letter].width = 8 if name in CRITERIA_IDS else 24
        if name in TEXT_COLUMNS:
            for row in range(2, last_row + 1):
                sheet.cell(row, i).number_format = "@"
    sheet.freeze_panes = "C2"
    first = get_column_letter(COLUMNS.index(CRITERIA_IDS[0]) + 1)
    last = get_column_letter(COLUMNS.index(CRITERIA_IDS[-1]) + 1)
    choice = DataValidation(type="list", formula1='"1,0"', allow_blank=True, showErrorMessage=True,
                            errorTitle="Kryterium", error="Wpisz 1 (tak) lub 0 (nie) albo zostaw puste.")
    choice.add(f"{first}2:{last}{last_row}")
    sheet.add_data_validation(choice)

    guide = workbook.create_sheet("instrukcja")
    guide.append(["Formularz informacyjny partnerstwa JST – pilotaż CWD"])
    guide.append(["Jeden wiersz arkusza „partnerstwa” = jedno partnerstwo. Nie zmieniaj nagłówków. "
                  f"Wiersz z identyfikatorem {TEMPLATE_EXAMPLE_ID} jest przykładem – usuń go."])
    guide.append([])
    guide.append(["kolumna", "wymagana", "co wpisać", "przykład"])
    required = {c.name: c.required for c in FORM_COLUMNS}
    for name, text in column_descriptions().items():
        guide.append([name, "tak" if required[name] else "nie", text, EXAMPLE_ROW.get(name, "")])
    guide["A1"].font = Font(bold=True, size=13)
    for cell in guide[4]:
        cell.font = Font(bold=True)
    for letter, width in zip("ABCD", (18, 10, 90, 40)):
        guide.column_dimensions[letter].width = width
    for row in guide.iter_rows(min_row=5):
        row[2].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


if __name__ == "__main__":  # python -m cwd.template: regenerate data/szablon_formularza.csv
    print(write_template_csv())
