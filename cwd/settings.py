"""Settings: the operator's (environment) and the analyst's (OSI rule parameters)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

from cwd.paths import ROOT

# Functional area of a small powiat town (DESIGN §1, issue 2 §4).
OBSZAR_POWIAT_I_SASIEDZI = "powiat_i_sasiedzi"
OBSZAR_POWIAT = "powiat"
FunctionalArea = Literal["powiat_i_sasiedzi", "powiat"]
FUNCTIONAL_AREA_LABELS = {
    OBSZAR_POWIAT_I_SASIEDZI: "powiat miasta i gminy graniczące z tym powiatem",
    OBSZAR_POWIAT: "tylko powiat miasta",
}

DEFAULT_THRESHOLD = 20_000
# Latest complete mid-year figures we have for all seat towns (GUS, 30 VI 2019).
DEFAULT_REFERENCE_DATE = date(2019, 6, 30)
# Process dates of the 2020 call (seed document).
FORMS_DEADLINE = date(2020, 9, 22)
UM_DECISION = date(2020, 9, 29)
MFIPR_ANNOUNCEMENT = date(2020, 10, 13)
MAX_SELECTED = 3


@dataclass(frozen=True)
class OsiSettings:
    """Parameters of the small-town OSI route that an analyst may change."""

    prog_ludnosci: int = DEFAULT_THRESHOLD
    data_ludnosci: date = DEFAULT_REFERENCE_DATE
    obszar_funkcjonalny: str = OBSZAR_POWIAT_I_SASIEDZI


DEFAULT_DATABASE_PATH = ROOT / "var" / "cwd.sqlite"


@dataclass(frozen=True)
class OperatorSettings:
    """What the operator sets through the environment (documented in README)."""

    forms_path: Path | None = None
    ztm_path: Path | None = None
    shapes_dir: Path | None = None
    database_url: str | None = None
    database_path: Path = DEFAULT_DATABASE_PATH
    wojewodztwo: str = "20"
    demo_public: bool = False  # the demo nabór stays viewable without sign-in once accounts exist

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "OperatorSettings":
        env = dict(os.environ if env is None else env)

        def path(name: str) -> Path | None:
            value = env.get(name, "").strip()
            return Path(value).expanduser() if value else None

        return cls(
            forms_path=path("CWD_FORMS"),
            ztm_path=path("CWD_OSI_ZTM"),
            shapes_dir=path("CWD_SHAPES_DIR"),
            database_url=env.get("CWD_DATABASE_URL", "").strip() or None,
            database_path=path("CWD_DATABASE_PATH") or DEFAULT_DATABASE_PATH,
            wojewodztwo=env.get("CWD_WOJEWODZTWO", "20").strip() or "20",
            demo_public=env.get("CWD_DEMO_PUBLICZNY", "").strip().lower() in ("1", "tak", "true"),
        )


def settings_summary(osi: OsiSettings, ztm_label: str, forms_label: str) -> str:
    """One Polish sentence on what a result was computed with (exports, recorded decisions)."""
    from cwd.fmt import fmt_date, fmt_int

    return (f"Próg małego miasta: {fmt_int(osi.prog_ludnosci)} mieszk.; stan ludności na "
            f"{fmt_date(osi.data_ludnosci)}; obszar funkcjonalny: "
            f"{FUNCTIONAL_AREA_LABELS.get(osi.obszar_funkcjonalny, osi.obszar_funkcjonalny)}; lista OSI ZTM: "
            f"{ztm_label or 'nie wczytano'}; formularze: {forms_label}.")
