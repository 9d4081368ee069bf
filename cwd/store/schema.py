"""Tables. Everything a nabór owns is keyed by its id: nothing crosses naborów.

The tables of the store before naborów (cwd_assessment, cwd_assessment_criterion,
cwd_assessment_history, cwd_decision) are described in `legacy_metadata`, only to move their rows
into an archived nabór (migrate.py); they are never written again.
"""
from __future__ import annotations

from datetime import timezone

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    SmallInteger,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
)

from cwd.limits import MAX_FILENAME_CHARS, MAX_NAME_CHARS, MAX_PERSON_CHARS
from cwd.nabor import MAX_SLUG_CHARS

SCHEMA_VERSION = "2"
# Column width of partnership ids. New input is held to cwd.limits.MAX_ID_CHARS before it reaches
# the database; the column is wider because assessments from before naborów allowed 200.
PARTNERSHIP_ID_COLUMN = 200
ROW_HASH_CHARS = 128
CRITERION_CHARS = 16


class UtcDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite keeps no zone: store naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use UTC-aware datetimes")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


def _person(name: str, nullable: bool = False) -> Column:
    return Column(name, String(MAX_PERSON_CHARS), nullable=nullable, default="")


metadata = MetaData()

meta_table = Table(
    "cwd_meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

# --- naborów --------------------------------------------------------------------------------------------
nabor_table = Table(
    "cwd_nabor",
    metadata,
    Column("id", String(MAX_SLUG_CHARS), primary_key=True),
    Column("name", String(MAX_NAME_CHARS), nullable=False),
    Column("forms_deadline", Date, nullable=True),
    Column("um_decision", Date, nullable=True),
    Column("mfipr_announcement", Date, nullable=True),
    Column("prog_ludnosci", Integer, nullable=False),
    Column("data_ludnosci", Date, nullable=False),
    Column("obszar_funkcjonalny", String(40), nullable=False),
    _person("created_by_login"),
    _person("created_by"),
    Column("created_at", UtcDateTime, nullable=False),
    _person("updated_by_login"),
    _person("updated_by"),
    Column("updated_at", UtcDateTime, nullable=True),
    Column("archived", Boolean, nullable=False, default=False),
    _person("archived_by_login"),
    _person("archived_by"),
    Column("archived_at", UtcDateTime, nullable=True),
    # Bumped by every write in the nabór (in the write's own transaction): a cheap cache key for
    # the UI, and the row every write locks first, so writes within a nabór are serialised in one order.
    Column("stamp", Integer, nullable=False, default=0),
)

# Versions of the uploaded forms file and OSI ZTM list: the bytes themselves, never a session's.
file_table = Table(
    "cwd_nabor_file",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nabor_id", String(MAX_SLUG_CHARS), ForeignKey("cwd_nabor.id"), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("version", Integer, nullable=False),
    Column("file_name", String(MAX_FILENAME_CHARS), nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("size", Integer, nullable=False),
    Column("content", LargeBinary, nullable=False),
    _person("uploaded_by_login"),
    _person("uploaded_by"),
    Column("uploaded_at", UtcDateTime, nullable=False),
    UniqueConstraint("nabor_id", "kind", "version", name="uq_cwd_nabor_file_version"),
    CheckConstraint("kind IN ('formularze', 'ztm')", name="ck_cwd_nabor_file_kind"),
)

# --- assessments ----------------------------------------------------------------------------------------
assessment_table = Table(
    "cwd_nabor_assessment",
    metadata,
    Column("nabor_id", String(MAX_SLUG_CHARS), ForeignKey("cwd_nabor.id"), primary_key=True),
    Column("partnership_id", String(PARTNERSHIP_ID_COLUMN), primary_key=True),
    _person("assessor_login"),
    _person("assessor"),
    Column("version", Integer, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("row_hash", String(ROW_HASH_CHARS), nullable=True),
    CheckConstraint("version >= 1", name="ck_cwd_nabor_assessment_version"),
)

# The verified value and comment of one criterion (long format: criteria are data, not columns).
criterion_table = Table(
    "cwd_nabor_criterion",
    metadata,
    Column("nabor_id", String(MAX_SLUG_CHARS), primary_key=True),
    Column("partnership_id", String(PARTNERSHIP_ID_COLUMN), primary_key=True),
    Column("criterion", String(CRITERION_CHARS), primary_key=True),
    Column("value", SmallInteger, nullable=True),
    Column("comment", Text, nullable=False, default=""),
    ForeignKeyConstraint(["nabor_id", "partnership_id"],
                         ["cwd_nabor_assessment.nabor_id", "cwd_nabor_assessment.partnership_id"],
                         name="fk_cwd_nabor_criterion_assessment"),
    CheckConstraint("value IN (0, 1)", name="ck_cwd_nabor_criterion_value"),
)

# Append-only: one row per changed criterion per save, one per confirmation.
history_table = Table(
    "cwd_nabor_history",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nabor_id", String(MAX_SLUG_CHARS), nullable=False),
    Column("partnership_id", String(PARTNERSHIP_ID_COLUMN), nullable=False),
    Column("version", Integer, nullable=False),  # the version this save created
    Column("kind", String(16), nullable=False),
    Column("criterion", String(CRITERION_CHARS), nullable=False, default=""),
    Column("old_value", SmallInteger, nullable=True),
    Column("new_value", SmallInteger, nullable=True),
    Column("old_comment", Text, nullable=False, default=""),
    Column("comment", Text, nullable=False, default=""),
    _person("assessor_login"),
    _person("assessor"),
    Column("changed_at", UtcDateTime, nullable=False),
    Column("row_hash", String(ROW_HASH_CHARS), nullable=True),
    Column("old_row_hash", String(ROW_HASH_CHARS), nullable=True),
    Index("ix_cwd_nabor_history_pid", "nabor_id", "partnership_id"),
)

# Append-only: every recorded UM decision; `number` counts decisions within the nabór.
decision_table = Table(
    "cwd_nabor_decision",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("nabor_id", String(MAX_SLUG_CHARS), ForeignKey("cwd_nabor.id"), nullable=False),
    Column("number", Integer, nullable=False),
    _person("decided_by_login"),
    _person("decided_by"),
    Column("decided_at", UtcDateTime, nullable=False),
    Column("picks", Text, nullable=False),  # JSON, in the chosen order
    Column("forms_version", Integer, nullable=True),
    Column("ztm_version", Integer, nullable=True),
    Column("settings", Text, nullable=True),  # JSON OsiSettings; NULL for decisions from before naborów
    Column("summary", Text, nullable=False, default=""),
    UniqueConstraint("nabor_id", "number", name="uq_cwd_nabor_decision_number"),
)

# --- people ---------------------------------------------------------------------------------------------
user_table = Table(
    "cwd_user",
    metadata,
    Column("login", String(MAX_PERSON_CHARS), primary_key=True),
    Column("name", String(MAX_PERSON_CHARS), nullable=False),
    Column("role", String(20), nullable=False),
    Column("admin", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    Column("password_hash", String(512), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    _person("created_by"),
    Column("updated_at", UtcDateTime, nullable=True),
    _person("updated_by"),
)

oidc_table = Table(
    "cwd_oidc_role",
    metadata,
    Column("email", String(MAX_PERSON_CHARS), primary_key=True),
    Column("role", String(20), nullable=False),
    Column("admin", Boolean, nullable=False, default=False),
    Column("active", Boolean, nullable=False, default=True),
    _person("name"),
    Column("created_at", UtcDateTime, nullable=False),
    _person("created_by"),
    Column("updated_at", UtcDateTime, nullable=True),
    _person("updated_by"),
)


# --- before naborów (read once by the migration) -----------------------------------------------------
legacy_metadata = MetaData()
legacy_assessment = Table(
    "cwd_assessment", legacy_metadata,
    Column("partnership_id", String(200), primary_key=True),
    Column("assessor", String(200)),
    Column("version", Integer),
    Column("updated_at", UtcDateTime),
)
legacy_criterion = Table(
    "cwd_assessment_criterion", legacy_metadata,
    Column("partnership_id", String(200), primary_key=True),
    Column("criterion", String(16), primary_key=True),
    Column("value", SmallInteger),
    Column("comment", Text),
)
legacy_history = Table(
    "cwd_assessment_history", legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("partnership_id", String(200)),
    Column("version", Integer),
    Column("criterion", String(16)),
    Column("old_value", SmallInteger),
    Column("new_value", SmallInteger),
    Column("old_comment", Text),
    Column("comment", Text),
    Column("assessor", String(200)),
    Column("changed_at", UtcDateTime),
)
legacy_decision = Table(
    "cwd_decision", legacy_metadata,
    Column("id", Integer, primary_key=True),
    Column("decided_by", String(200)),
    Column("decided_at", UtcDateTime),
    Column("picks", Text),
    Column("settings", Text),
)


def nabor_row(nabor_id: str, name: str, stages, settings, *, by_login: str, by: str, at, archived: bool = False) -> dict:
    """The cwd_nabor row of a new nabór (stage dates and OSI settings spread into their columns)."""
    row = dict(
        id=nabor_id, name=name,
        forms_deadline=stages.forms_deadline, um_decision=stages.um_decision,
        mfipr_announcement=stages.mfipr_announcement,
        prog_ludnosci=settings.prog_ludnosci, data_ludnosci=settings.data_ludnosci,
        obszar_funkcjonalny=settings.obszar_funkcjonalny,
        created_by_login=by_login, created_by=by, created_at=at, archived=archived, stamp=1,
    )
    if archived:
        row.update(archived_by_login=by_login, archived_by=by, archived_at=at)
    return row
