"""What the current run reads: the nabór (call) from the URL, its current forms and OSI ZTM list
versions (stored in the database, so F5 and a shared link open the same data), its assessments.

Everything is cached by content and shared across sessions: a nabór snapshot by (id, stamp) —
the store's change counter — and file contents by (nabór, kind, version).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from cwd.nabor import DEMO_ID, partnership_row_hash
from cwd.store import FORMS, ZTM
from cwd.ui import loaders



@dataclass(frozen=True, eq=False)
class Snapshot:
    """One nabór as stored at one stamp (immutable: cached and shared by every session)."""

    nabor: object  # cwd.store.Nabor
    forms_version: object | None  # cwd.store.FileVersion without bytes
    ztm_version: object | None
    assessments: dict = field(default_factory=dict)  # partnership id -> cwd.store.Assessment
    latest_decision: object | None = None


@dataclass(frozen=True, eq=False)
class DataSources:
    snapshot: Snapshot
    forms: object  # cwd.forms.FormsResult
    forms_key: str  # content digest (cache key)
    forms_label: str
    is_example: bool
    ztm: object | None  # cwd.ztm.ZtmListResult as read (may have errors), or None: no list
    ztm_key: str | None
    ztm_label: str = ""
    row_hashes: dict = field(default_factory=dict)  # partnership id -> content hash of its form row

    @property
    def nabor(self):
        return self.snapshot.nabor

    @property
    def read_only(self) -> bool:
        return self.nabor.demo or self.nabor.archived

    @property
    def ztm_usable(self) -> bool:
        return self.ztm is not None and not any(p.is_error for p in self.ztm.problems)

    @property
    def ztm_codes(self) -> frozenset[str] | None:
        """The official list's codes; None when no usable list is loaded (ZTM membership unknown)."""
        return frozenset(self.ztm.codes) if self.ztm_usable else None

    @property
    def ztm_problems(self) -> list:
        return list(self.ztm.problems) if self.ztm is not None else []

    def current_assessments(self) -> dict:
        """Assessments made on the current version of each partnership's form row (the others are
        kept and shown as "based on an earlier version", but do not count until confirmed)."""
        return {pid: a for pid, a in self.snapshot.assessments.items()
                if pid in self.row_hashes and a.row_hash == self.row_hashes[pid]}

    def outdated(self) -> dict:
        return {pid: a for pid, a in self.snapshot.assessments.items()
                if pid in self.row_hashes and a.saved and a.row_hash != self.row_hashes[pid]}


@st.cache_resource(show_spinner=False, max_entries=32)
def snapshot(nabor_id: str, stamp: int) -> Snapshot:
    """The nabór at this stamp: its record, current file versions, assessments, latest decision."""
    store = loaders.store()
    nabor = store.nabor(nabor_id)
    forms = store.file_versions(nabor_id, FORMS)
    ztm = store.file_versions(nabor_id, ZTM)
    return Snapshot(nabor=nabor, forms_version=forms[0] if forms else None, ztm_version=ztm[0] if ztm else None,
                    assessments=store.assessments(nabor_id), latest_decision=store.latest_decision(nabor_id))


@st.cache_resource(show_spinner=False, max_entries=32)
def file_content(nabor_id: str, kind: str, version: int) -> bytes:
    """A stored file version's bytes (immutable once written: cached without expiry)."""
    found = loaders.store().file(nabor_id, kind, version)
    return found.content if found is not None else b""


@st.cache_resource(show_spinner=False)
def _demo_bytes() -> bytes:
    from cwd.store.nabory import DEMO_FORMS_PATH

    return DEMO_FORMS_PATH.read_bytes()


@st.cache_resource(show_spinner=False, max_entries=16)
def _row_hashes(forms_key: str, _forms) -> dict:
    return {p.id: partnership_row_hash(p) for p in _forms.partnerships}


def _empty_forms(label: str):
    from cwd.forms import FormsResult

    return FormsResult(plik=label)


def load_demo() -> tuple[DataSources, list[str]]:
    """The demo nabór without asking the database (it may be down: the example still works)."""
    return _load(DEMO_ID, _demo_snapshot())


@st.cache_resource(show_spinner=False)
def _demo_snapshot() -> Snapshot:
    from cwd.store.nabory import DEMO_FORMS_PATH, DEMO_UPLOADER, demo_nabor
    from cwd.store.values import FileVersion

    data = DEMO_FORMS_PATH.read_bytes()
    version = FileVersion(DEMO_ID, FORMS, 1, DEMO_FORMS_PATH.name, loaders.digest(data), len(data),
                          DEMO_UPLOADER, "", None)
    return Snapshot(nabor=demo_nabor(), forms_version=version, ztm_version=None)


def load(nabor_id: str) -> tuple[DataSources, list[str]]:
    """The sources of the nabór, and Polish notes about operator files that could not be read.
    Raises cwd.store.StoreError when the database does not answer."""
    if nabor_id == DEMO_ID:
        return load_demo()
    store = loaders.store()
    stamp = loaders.db(store.stamp, nabor_id)
    return _load(nabor_id, loaders.db(snapshot, nabor_id, stamp))


def _operator_file(path, read, variable: str, errors: list[str]):
    """(result, digest, label) of an operator-configured file read with `read` (cached by content),
    or None with its Polish error appended."""
    data, error = loaders.read_file_bytes(path)
    if data is None:
        errors.append(error)
        return None
    key = loaders.digest(data)
    return read(key, path.name, data), key, f"plik {path.name} ({variable})"


def _load(nabor_id: str, snap: Snapshot) -> tuple[DataSources, list[str]]:
    errors: list[str] = []
    operator = loaders.operator()
    demo = nabor_id == DEMO_ID
    is_example = False
    # The operator's files take the example's place in the read-only starting nabór.
    found = (_operator_file(operator.forms_path, loaders.read_forms, "CWD_FORMS", errors)
             if demo and operator.forms_path is not None else None)
    if found is not None:
        forms, key, label = found
    elif (v := snap.forms_version) is None:
        forms, key, label = _empty_forms("(brak formularzy)"), "", "brak wczytanych formularzy"
    else:
        data = _demo_bytes() if demo else file_content(nabor_id, FORMS, v.version)
        forms, key, is_example = loaders.read_forms(v.sha256, v.file_name, data), v.sha256, demo
        label = "przykładowe formularze (wartości ilustracyjne)" if demo else f"„{v.file_name}”, wersja {v.version}"

    ztm, ztm_key, ztm_label = None, None, ""
    if (v := snap.ztm_version) is not None:
        ztm, ztm_key = loaders.read_ztm(v.sha256, v.file_name, file_content(nabor_id, ZTM, v.version)), v.sha256
        ztm_label = f"„{v.file_name}”, wersja {v.version}"
    elif demo and operator.ztm_path is not None:
        found = _operator_file(operator.ztm_path, loaders.read_ztm, "CWD_OSI_ZTM", errors)
        if found is not None:
            ztm, ztm_key, ztm_label = found
    sources = DataSources(snapshot=snap, forms=forms, forms_key=key, forms_label=label, is_example=is_example,
                          ztm=ztm, ztm_key=ztm_key, ztm_label=ztm_label, row_hashes=_row_hashes(key, forms))
    return sources, errors
