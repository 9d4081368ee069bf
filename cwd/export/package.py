"""The package for MFiPR as one object: everything the XLSX and the PDF are built from.

The page (or the command line) gathers it once; the exports only read it. Optional fields are
printed when given and say so when missing (e.g. a decision not recorded yet).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from cwd.export.common import DataSource, default_data_sources

if TYPE_CHECKING:
    from cwd.evaluation import PartnershipResult
    from cwd.export.static_map import MapLayers
    from cwd.register import Register
    from cwd.store import Assessment, HistoryEntry


@dataclass(frozen=True)
class MfiprPackage:
    """The selected partnerships of one call and the basis of the decision."""

    selected: Sequence["PartnershipResult"]  # the picks, in the chosen order
    register: "Register"
    generated: datetime  # when the package was built (aware = UTC, printed in Warsaw time)
    assessments: Mapping[str, "Assessment"] = field(default_factory=dict)  # cwd.store: partnership id → assessment
    history: Sequence["HistoryEntry"] = ()  # cwd.store history; only the selected partnerships' rows are printed
    justifications: Mapping[str, str] = field(default_factory=dict)  # pick id → written justification
    # pick id → the written reason for picking it without full UM verification (printed with the pick)
    override_reasons: Mapping[str, str] = field(default_factory=dict)
    # The call (nabór), e.g. "Pilotaż CWD 2020 – woj. podlaskie", and its id.
    call_name: str | None = None
    call_id: str | None = None
    # The basis of the decision: versions of the forms and of the ZTM list, settings summaries.
    forms_version: str | None = None
    ztm_version: str | None = None
    settings: Sequence[str] = ()  # e.g. (cwd.settings.settings_summary(...),); a single string is accepted
    decided_by: str | None = None  # who recorded the UM decision (the signed-in person)
    decided_at: datetime | None = None
    illustrative: bool = False  # built from the example forms: every output says so
    data_sources: Sequence[DataSource] | None = None  # None: the project's tables (data/zrodla.csv)
    map_layers: "MapLayers | None" = None  # None: no boundary layers, the PDF says the map is skipped
    timeline: Sequence[tuple[date, str]] = ()  # the call's milestones (date, label)

    def __post_init__(self) -> None:
        # Frozen and safe to share: sequences become tuples, a lone settings string a 1-tuple.
        settings = (self.settings,) if isinstance(self.settings, str) else tuple(s for s in self.settings if s)
        object.__setattr__(self, "settings", settings)
        for name in ("selected", "history", "timeline"):
            object.__setattr__(self, name, tuple(getattr(self, name)))
        if self.data_sources is not None:
            object.__setattr__(self, "data_sources", tuple(DataSource(*row) for row in self.data_sources))

    # --- reading helpers ------------------------------------------------------------------
    @property
    def sources(self) -> tuple[DataSource, ...]:
        if self.data_sources is not None:
            return self.data_sources
        return tuple(default_data_sources(self.illustrative))

    @property
    def names(self) -> dict[str, str]:
        return {r.id: r.partnership.nazwa for r in self.selected}

    @property
    def selected_history(self) -> list["HistoryEntry"]:
        ids = set(self.names)
        return [h for h in self.history if h.partnership_id in ids]

    def assessment(self, pid: str) -> "Assessment | None":
        """The stored assessment of a pick, if one was ever saved."""
        a = self.assessments.get(pid)
        return a if a is not None and a.saved else None

    def justification(self, pid: str) -> str:
        """The justification as typed ("" when there is none or only white space)."""
        text = self.justifications.get(pid) or ""
        return text if text.strip() else ""

    def override_reason(self, pid: str) -> str:
        text = self.override_reasons.get(pid) or ""
        return text if text.strip() else ""

    @property
    def call_label(self) -> str | None:
        """"Pilotaż CWD 2020 – woj. podlaskie (id: 2020-PL20)", or None when no call is named."""
        if not self.call_name and not self.call_id:
            return None
        if self.call_name and self.call_id:
            return f"{self.call_name} (id: {self.call_id})"
        return self.call_name or f"id: {self.call_id}"
