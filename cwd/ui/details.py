"""Beside the map: status counts, the search box, the details of what is selected (with links to the
other pages), and a keyboard-usable list that carries the same selection as a click on the map."""
from __future__ import annotations

from collections import Counter
from html import escape

import streamlit as st

from cwd.checklist import STATUSES
from cwd.criteria import CRITERIA_COUNT
from cwd.fmt import count as count_of, fmt_date, fmt_int
from cwd.fmt import plural
from cwd.search import Hit, search
from cwd.style import STATUS_COLORS, STATUS_PLURAL, STATUS_SYMBOLS
from cwd.ui import keys
from cwd.ui.links import PAGE_FILES, params
from cwd.ui.text import md
from cwd.ui.widgets import reasons, status_badge


def status_counts(ctx) -> None:
    """"2 spełnia · 7 niekompletnych · 1 nie spełnia" of the partnerships shown (colour, symbol, word)."""
    counts = Counter(r.checklist.status for r in ctx.view.visible)
    chips = []
    for status in STATUSES:
        n = counts.get(status, 0)
        color = STATUS_COLORS[status]
        chips.append(
            f'<span style="display:inline-block;margin:0 .5rem .3rem 0;padding:.15rem .6rem;border-radius:1rem;'
            f'border:2px solid {color};font-weight:600">{STATUS_SYMBOLS[status]} {fmt_int(n)} '
            f"{escape(plural(n, STATUS_PLURAL[status]))}</span>")
    total = len(ctx.view.visible)
    shown = f"{count_of(total, ('partnerstwo', 'partnerstwa', 'partnerstw'))} na mapie"
    if ctx.view.filters.active:
        shown += f" (z {fmt_int(len(ctx.evaluation.results))}; filtry w panelu bocznym)"
    st.html(f'<div lang="pl" style="font-size:1.02rem">{"".join(chips)}'
            f'<span style="color:#555">{escape(shown)}</span></div>')


def _entries(ctx) -> list[Hit]:
    hits = [Hit("partnerstwo", r.id, f"{r.id} – {r.partnership.nazwa}") for r in ctx.evaluation.results]
    hits += [Hit("gmina", t, ctx.register.label(t)) for t in ctx.register.gminy.index]
    return hits


def search_box(ctx) -> None:
    """Find a gmina or a partnership by name (without diacritics too); a hit selects it."""
    query = st.text_input("Szukaj gminy lub partnerstwa", key=keys.SEARCH, placeholder="np. Łomża, Kurpie, P03",
                          help="Wielkość liter i polskie znaki nie mają znaczenia („lomza” znajdzie „Łomża”).")
    if not query.strip():
        return
    hits = search(query, _entries(ctx))
    if not hits:
        st.caption("Nic nie znaleziono.")
        return
    cols = st.columns(min(len(hits), 4))
    for i, hit in enumerate(hits):
        if cols[i % len(cols)].button(md(hit.label), key=f"_hit_{hit.kind}_{hit.code}", width="stretch"):
            if hit.kind == "partnerstwo":
                ctx.selection.set_partnership(hit.code)
                st.session_state[keys.kept("gmina")] = None
            else:
                st.session_state[keys.kept("gmina")] = hit.code
            st.rerun()


def details_panel(ctx, selected: str | None, gmina: str | None) -> None:
    ev = ctx.evaluation
    st.markdown("#### Szczegóły")
    ids = ctx.visible_ids
    if ids:
        names = {r.id: r.partnership.nazwa for r in ctx.view.visible}
        options = [""] + ids
        current = selected if selected in ids else ""
        if st.session_state.get("_lista_mapy") != current:
            st.session_state["w_lista_mapy"] = current
            st.session_state["_lista_mapy"] = current
        choice = st.selectbox("Partnerstwo na mapie", options, key="w_lista_mapy",
                              format_func=lambda i: "— wybierz —" if not i else f"{i} – {names[i]}",
                              help="Ta sama lista co obrysy na mapie; wybór zaznacza i przybliża partnerstwo.")
        if choice != current:
            ctx.selection.set_partnership(choice or None)
            st.session_state["_lista_mapy"] = choice
            st.rerun()
    if gmina and gmina in ctx.register.gminy.index:
        g = ev.gminas.get(gmina)
        st.markdown(f"**{md(ctx.register.label(gmina))}** · TERYT {gmina}")
        if g is not None:
            st.caption(md(g.opis))
        owners = [p for p in ev.partnerships_of(gmina)]
        if not owners:
            st.caption("Gmina nie należy do żadnego partnerstwa.")
        elif len(owners) > 1:
            st.caption("Gmina w partnerstwach: " + ", ".join(md(p) for p in owners) + ".")
    r = ev.result(selected)
    if r is None:
        if not gmina:
            st.caption("Kliknij gminę albo obrys partnerstwa na mapie, wyszukaj je albo wybierz z listy.")
        return
    c = r.checklist
    st.markdown(f"##### {md(r.id)} – {md(r.partnership.nazwa)}")
    st.markdown(f"{status_badge(c.status)} · kryteria = 1: {c.spelnione} z {CRITERIA_COUNT}  \n"
                f"OSI: {md(r.osi.summary())}  \n"
                f"Ludność ({fmt_date(ctx.register.pop_now_date)}): {fmt_int(r.ludnosc)} · "
                f"{count_of(len(r.gminy), ('gmina', 'gminy', 'gmin'))}")
    links = st.columns(2)
    links[0].page_link(PAGE_FILES["ocena"], label="Oceń →", query_params=params(**{keys.Q_PARTNERSHIP: r.id}))
    compared = ctx.selection.comparison()
    compare = ",".join(dict.fromkeys([*compared, r.id]))
    links[1].page_link(PAGE_FILES["kandydaci"], label="Porównaj →",
                       query_params=params(**{keys.Q_PARTNERSHIP: r.id, keys.Q_COMPARE: compare}))
    with st.expander("Uzasadnienie statusu"):
        reasons(c.powody)
    with st.expander(f"Członkowie ({len(r.partnership.czlonkowie)})"):
        st.markdown("  \n".join(
            f"{'**' if m == r.partnership.lider else ''}{md(ctx.register.label(m))}"
            f"{' – lider**' if m == r.partnership.lider else ''} ({m})"
            for m in r.partnership.czlonkowie))
