"""The data grids of the pages: sized to fit at 1280–1920 px, status right after the name, unknown
values shown as "nieustalone", a click on a row selects the partnership."""
from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import streamlit as st

from cwd.criteria import CRITERIA, CRITERIA_COUNT
from cwd.fmt import UNKNOWN, fmt_date
from cwd.style import STATUS_SYMBOLS, VALUE_COLORS, VALUE_SHORT
from cwd.ui.text import md
from cwd.ui.widgets import table

Col = st.column_config


def status_text(status: str) -> str:
    return f"{STATUS_SYMBOLS.get(status, '')} {status}".strip()


def selectable(ctx, frame: pd.DataFrame, config: dict, key: str, row_height: int) -> str | None:
    """A grid whose row click selects a partnership (returns its id); in presentation mode a static
    table. Unknown values show as "nieustalone"."""
    if ctx.view.presentation:
        table(frame, column_config=config, presentation=True)
        return None
    event = st.dataframe(frame, hide_index=True, width="stretch", column_config=config, key=key,
                         on_select="rerun", selection_mode="single-row", placeholder=UNKNOWN, row_height=row_height)
    rows = event.selection.rows
    return str(frame.iloc[rows[0]]["id"]) if rows else None


def candidates_frame(ctx, results) -> pd.DataFrame:
    """The candidates' indicators as shown (rounded; shares in percent; unknown stays NaN)."""
    ids = [r.id for r in results]
    frame = ctx.evaluation.frame.set_index("id").loc[ids].reset_index()
    osi = [r.osi.werdykt for r in results]
    return frame.assign(
        status=frame["status"].map(status_text),
        spelnione=[f"{n} z {CRITERIA_COUNT}" for n in frame["spelnione"]],
        osi=osi,
        zmiana_ludnosci=(frame["zmiana_ludnosci"] * 100).round(1),
        udzial_osi=(frame["udzial_osi"] * 100).round(0),
        powierzchnia_km2=frame["powierzchnia_km2"].round(0),
    )


def candidates_table(ctx, results, key: str) -> str | None:
    """The candidates' table; returns the id of the row the person clicked (or None)."""
    frame = candidates_frame(ctx, results)
    now, before = fmt_date(ctx.register.pop_now_date), fmt_date(ctx.register.pop_before_date)
    columns = ["id", "nazwa", "status", "spelnione", "osi", "udzial_osi", "liczba_jst", "ludnosc",
               "zmiana_ludnosci", "powierzchnia_km2", "wspolne_z"]
    config = {
        "id": Col.TextColumn("Id", width=48, pinned=True),
        "nazwa": Col.TextColumn("Partnerstwo", width=290, pinned=True),
        "status": Col.TextColumn("Status", width=112, help="wg listy sprawdzającej i OSI"),
        "spelnione": Col.TextColumn("Kryteria = 1", width=82),
        "osi": Col.TextColumn("Obszar (OSI)", width=130, help="trasy OSI: strona „Mapa”, panel szczegółów"),
        "udzial_osi": Col.NumberColumn("Gminy w OSI [%]", format="%d", width=86),
        "liczba_jst": Col.NumberColumn("JST", width=44, help="liczba JST (gminy i powiaty)"),
        "ludnosc": Col.NumberColumn(f"Ludność {now}", format="localized", width=96),
        "zmiana_ludnosci": Col.NumberColumn(f"Zmiana ludności od {before} [%]", format="localized", width=96),
        "powierzchnia_km2": Col.NumberColumn("Powierzchnia [km²]", format="localized", width=96),
        "wspolne_z": Col.TextColumn("Wspólne gminy z", width=150),
    }
    if ctx.view.presentation:  # a projector at 1280 px: the columns that answer "who, and is it eligible"
        columns = ["id", "nazwa", "status", "spelnione", "osi", "udzial_osi", "liczba_jst", "ludnosc"]
    return selectable(ctx, frame[columns], config, key, row_height=48)


def comparison_frame(results: Sequence) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Partnerships × criteria (transposed: five partnerships stay legible at 1440 px): the text of
    each cell (value that counts, "UM" when verified) and the raw values for the colours."""
    cells, values = [], []
    for r in results:
        by_id = {k.id: k for k in r.checklist.kryteria}
        row, raw = {"Partnerstwo": f"{r.id} – {r.partnership.nazwa}"}, {}
        for c in CRITERIA:
            k = by_id[c.id]
            row[c.id] = VALUE_SHORT[k.wartosc] + (" UM" if k.zweryfikowana is not None else "")
            raw[c.id] = k.wartosc
        cells.append(row)
        values.append(raw)
    return pd.DataFrame(cells).set_index("Partnerstwo"), pd.DataFrame(values)


def comparison_matrix(results: Sequence, presentation: bool = False) -> None:
    frame, raw = comparison_frame(results)
    if presentation:  # st.table renders Markdown: names are shown as text
        frame = frame.set_axis([md(i) for i in frame.index])
    raw.index = frame.index
    styled = frame.style.apply(
        lambda column: [f"background-color: {VALUE_COLORS[None if pd.isna(v) else int(v)]}" for v in raw[column.name]],
        axis=0,
    )
    if presentation:
        st.table(styled)
        return
    config = {"Partnerstwo": Col.TextColumn("Partnerstwo", width=260, pinned=True)}
    config.update({c.id: Col.TextColumn(c.id, width=58, help=c.nazwa) for c in CRITERIA})
    st.dataframe(styled, width="stretch", column_config=config, row_height=48)
    st.caption("Kryteria: " + "; ".join(f"{c.id} – {c.nazwa}" for c in CRITERIA) + ".")


def problems_table(problems: Sequence) -> None:
    """A validation report: file, row, column, kind and the Polish message of every finding."""
    from cwd.problems import as_records

    if not problems:
        st.success("Brak błędów i ostrzeżeń.")
        return
    report = pd.DataFrame(as_records(list(problems)))
    n_err = int((report["waga"] == "błąd").sum())
    st.write(f"Błędy: **{n_err}**, ostrzeżenia: **{len(report) - n_err}**. "
             "Partnerstwo z błędem nie jest oceniane; ostrzeżenia nie blokują oceny.")
    report = report[["waga", "plik", "wiersz", "kolumna", "id_partnerstwa", "komunikat"]].rename(columns={
        "waga": "Rodzaj", "plik": "Plik", "wiersz": "Wiersz", "kolumna": "Kolumna",
        "id_partnerstwa": "Partnerstwo", "komunikat": "Komunikat"})
    report["Wiersz"] = report["Wiersz"].map(lambda v: "" if pd.isna(v) else str(int(v)))
    report = report.fillna("")
    # A static table wraps long messages (cells render Markdown: the user's values are escaped);
    # a very long report scrolls in a data grid instead.
    if len(report) <= 60:
        st.table(report.map(md).set_index("Rodzaj"))
    else:
        st.dataframe(report, hide_index=True, width="stretch",
                     column_config={"Komunikat": Col.TextColumn("Komunikat", width="large")})


def versions_table(versions: Sequence) -> None:
    """The stored versions of a nabór's file: number, name, SHA-256, size, who and when."""
    from cwd.fmt import fmt_datetime
    from cwd.readers import format_mb

    if not versions:
        st.caption("Brak zapisanych wersji.")
        return
    st.dataframe(pd.DataFrame([{
        "Wersja": v.version, "Plik": v.file_name, "SHA-256": v.sha256[:16] + "…", "Rozmiar [MB]": format_mb(v.size),
        "Wczytał(a)": v.uploaded_by, "Kiedy": fmt_datetime(v.uploaded_at),
    } for v in versions]), hide_index=True, width="stretch")


def ranking_table(ctx, ranked: pd.DataFrame, key: str) -> str | None:
    """The suggested order with the points of each tie-breaker; returns the id of a clicked row."""
    frame = ranked.assign(
        status=ranked["status"].map(status_text),
        udzial_osi=(ranked["udzial_osi"] * 100).round(0),
    ).round({"pkt_ludnosc": 2, "pkt_liczba_jst": 2, "pkt_udzial_osi": 2, "punkty": 2})
    columns = ["miejsce", "id", "nazwa", "status", "spelnione", "ludnosc", "liczba_jst", "udzial_osi",
               "pkt_ludnosc", "pkt_liczba_jst", "pkt_udzial_osi", "punkty"]
    now = fmt_date(ctx.register.pop_now_date)
    config = {
        "miejsce": Col.NumberColumn("Miejsce", width=60, pinned=True),
        "id": Col.TextColumn("Id", width=48, pinned=True),
        "nazwa": Col.TextColumn("Partnerstwo", width=230, pinned=True),
        "status": Col.TextColumn("Status", width=112),
        "spelnione": Col.NumberColumn(f"Kryt. = 1 (z {CRITERIA_COUNT})", width=78),
        "ludnosc": Col.NumberColumn(f"Ludność {now}", format="localized", width=92),
        "liczba_jst": Col.NumberColumn("JST", width=44),
        "udzial_osi": Col.NumberColumn("Gminy w OSI [%]", format="%d", width=80),
        "pkt_ludnosc": Col.NumberColumn("pkt ludność", format="localized", width=76),
        "pkt_liczba_jst": Col.NumberColumn("pkt JST", format="localized", width=64),
        "pkt_udzial_osi": Col.NumberColumn("pkt OSI", format="localized", width=64),
        "punkty": Col.NumberColumn("Punkty razem", format="localized", width=76),
    }
    return selectable(ctx, frame[columns], config, key, row_height=40)


def checklist_table(result, stored=None, presentation: bool = False) -> None:
    """One partnership's checklist, read-only: criterion, declared, UM's verified, the value that
    counts, the comment (rows coloured by the value that counts)."""
    rows, raw = [], []
    for k in result.checklist.kryteria:
        verified = stored.values.get(k.id) if stored is not None and stored.saved else k.zweryfikowana
        comment = (stored.comments.get(k.id, "") if stored is not None and stored.saved else k.komentarz) or ""
        rows.append({"Kryterium": f"{k.id} {k.nazwa}", "Deklaracja": VALUE_SHORT[k.deklarowana],
                     "Weryfikacja UM": VALUE_SHORT[verified] if verified is not None else "—",
                     "Przyjęta": VALUE_SHORT[k.wartosc], "Komentarz": comment})
        raw.append(k.wartosc)
    frame = pd.DataFrame(rows)
    if presentation:
        frame = frame.map(md)
    colours = [f"background-color: {VALUE_COLORS[v]}" for v in raw]
    styled = frame.style.apply(lambda col: colours if col.name == "Przyjęta" else [""] * len(col), axis=0)
    if presentation:
        st.table(styled.hide(axis="index"))
        return
    st.dataframe(styled, hide_index=True, width="stretch", row_height=40, column_config={
        "Kryterium": Col.TextColumn("Kryterium", width=420), "Deklaracja": Col.TextColumn(width=90),
        "Weryfikacja UM": Col.TextColumn(width=110), "Przyjęta": Col.TextColumn(width=80),
        "Komentarz": Col.TextColumn(width="large")})
