"""People and what they may do: roles, the signed-in identity, password hashing, permission checks.

Pure (no Streamlit, no database): the store resolves every `actor` it receives against its own
tables and then asks `require()` here, so a page that forgets a check — or a forged identity —
is refused server-side. The role and the name recorded in history always come from the store's
account (or OIDC mapping), never from what the caller claims.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from cwd.limits import MAX_PERSON_CHARS

MIN_PASSWORD_LENGTH = 12
# Hashing cost grows with the input; nobody types a password this long.
MAX_PASSWORD_LENGTH = 1_024

# RFC 9106 "low memory" profile (argon2-cffi's defaults): ~0.1 s and 64 MiB per hash here.
HASHER = PasswordHasher()


class Role(str, Enum):
    """Ordered: each role may do everything the one before it may."""

    VIEWER = "przegladajacy"
    ASSESSOR = "oceniajacy"
    APPROVER = "zatwierdzajacy"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def rank(self) -> int:
        return _RANK[self]


ROLE_LABELS = {
    Role.VIEWER: "przeglądający",
    Role.ASSESSOR: "oceniający",
    Role.APPROVER: "zatwierdzający",
}
_RANK = {Role.VIEWER: 0, Role.ASSESSOR: 1, Role.APPROVER: 2}


def parse_role(text: object) -> Role:
    """A role from its id or its Polish label, with or without diacritics ("oceniający", "oceniajacy")."""
    if isinstance(text, Role):
        return text
    key = _ascii(str(text or "")).strip().lower()
    for role in Role:
        if key in (role.value, _ascii(role.label)):
            return role
    allowed = ", ".join(r.value for r in Role)
    raise ValueError(f"Nieznana rola „{text}”. Dozwolone: {allowed}.")


# --- what may be done ------------------------------------------------------------------------------
class Action(str, Enum):
    ASSESS = "assess"  # record verified values and comments, confirm an assessment against a new form row
    UPLOAD = "upload"  # add a forms or OSI ZTM list version to a nabór
    CREATE_NABOR = "create_nabor"  # create a nabór, edit its name, stage dates and settings
    DECIDE = "decide"  # record the UM decision
    ARCHIVE_NABOR = "archive_nabor"
    MANAGE_ACCOUNTS = "manage_accounts"


# The least role an action needs (None: the administrator flag is needed instead).
_NEEDS: dict[Action, Role | None] = {
    Action.ASSESS: Role.ASSESSOR,
    Action.UPLOAD: Role.ASSESSOR,
    Action.CREATE_NABOR: Role.ASSESSOR,
    Action.DECIDE: Role.APPROVER,
    Action.ARCHIVE_NABOR: Role.APPROVER,
    Action.MANAGE_ACCOUNTS: None,
}
_DOING = {
    Action.ASSESS: "zapis oceny",
    Action.UPLOAD: "wczytanie nowej wersji pliku",
    Action.CREATE_NABOR: "utworzenie lub zmiana naboru",
    Action.DECIDE: "zapis decyzji UM",
    Action.ARCHIVE_NABOR: "archiwizacja naboru",
    Action.MANAGE_ACCOUNTS: "zarządzanie kontami",
}

SOURCE_LOCAL = "local"
SOURCE_OIDC = "oidc"
# The operator at the server's command line (python -m cwd users …): whoever runs it has the
# database anyway. Allowed to manage accounts and naborów, never to assess or decide — those
# must name a person.
SOURCE_CONSOLE = "console"
_CONSOLE_ACTIONS = {Action.MANAGE_ACCOUNTS, Action.CREATE_NABOR, Action.UPLOAD, Action.ARCHIVE_NABOR}


@dataclass(frozen=True)
class Identity:
    """Who is acting. The store trusts only `login` and `source`; role, admin and name are
    re-read from its tables on every write."""

    login: str  # local login, or the e-mail of an OIDC identity (lower-case)
    name: str  # display name, as recorded in history
    role: Role = Role.VIEWER
    admin: bool = False
    source: str = SOURCE_LOCAL

    def may(self, action: Action) -> bool:
        if self.source == SOURCE_CONSOLE:
            return action in _CONSOLE_ACTIONS
        needed = _NEEDS[action]
        if needed is None:
            return self.admin
        return self.role.rank >= needed.rank

    @property
    def label(self) -> str:
        """"Anna Nowak (oceniający)"."""
        if self.source == SOURCE_CONSOLE:
            return self.name
        return f"{self.name} ({self.role.label}{', administrator' if self.admin else ''})"


CONSOLE = Identity(login="konsola", name="wiersz poleceń serwera", role=Role.APPROVER, admin=True,
                   source=SOURCE_CONSOLE)


class PermissionDenied(PermissionError):
    """The actor may not do this; nothing was written. The message is Polish and names the role needed."""

    def __init__(self, message: str, *, action: Action | None = None):
        self.action = action
        super().__init__(message)


def require(identity: Identity, action: Action) -> None:
    """Raise PermissionDenied unless `identity` (as resolved by the store) may do `action`."""
    if identity.may(action):
        return
    doing = _DOING[action]
    if identity.source == SOURCE_CONSOLE:
        raise PermissionDenied(f"Brak uprawnień: {doing} musi wykonać zalogowana osoba, nie wiersz poleceń. "
                               "Nic nie zapisano.", action=action)
    needed = _NEEDS[action]
    if needed is None:
        need = "uprawnień administratora"
    elif needed is Role.APPROVER:
        need = f"roli „{Role.APPROVER.label}”"
    else:
        need = f"roli „{needed.label}” lub „{Role.APPROVER.label}”"
    raise PermissionDenied(
        f"Brak uprawnień: {doing} wymaga {need} (zalogowano jako {identity.name}, rola „{identity.role.label}”). "
        "Nic nie zapisano.",
        action=action,
    )


# --- names ------------------------------------------------------------------------------------------
_LOGIN = re.compile(r"^[a-z0-9][a-z0-9._@+-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def normalise_login(login: object) -> str:
    """Logins compare case-insensitively; letters, digits and . _ @ + - only."""
    if not isinstance(login, str) or not login.strip():
        raise ValueError("Podaj login.")
    login = login.strip().lower()
    if len(login) > MAX_PERSON_CHARS:
        raise ValueError(f"Login jest za długi (najwyżej {MAX_PERSON_CHARS} znaków).")
    if not _LOGIN.match(login):
        raise ValueError(f"Login „{login}” może zawierać tylko litery łacińskie, cyfry i znaki . _ @ + -.")
    return login


def normalise_email(email: object) -> str:
    if not isinstance(email, str) or not _EMAIL.match(email.strip()):
        raise ValueError(f"Nieprawidłowy adres e-mail: „{email}”.")
    email = email.strip().lower()
    if len(email) > MAX_PERSON_CHARS:
        raise ValueError(f"Adres e-mail jest za długi (najwyżej {MAX_PERSON_CHARS} znaków).")
    return email


def normalise_name(name: object) -> str:
    """A display name: inner whitespace collapsed, no control characters."""
    if not isinstance(name, str) or not name.strip():
        raise ValueError("Podaj imię i nazwisko.")
    name = " ".join(name.split())
    if len(name) > MAX_PERSON_CHARS:
        raise ValueError(f"Imię i nazwisko jest za długie (najwyżej {MAX_PERSON_CHARS} znaków).")
    if any(ord(ch) < 32 for ch in name):
        raise ValueError("Imię i nazwisko zawiera niedozwolone znaki sterujące.")
    return name


def oidc_claims(user_info: Mapping[str, object]) -> tuple[str, str] | None:
    """(e-mail, display name) from an OIDC user-info mapping (what `st.user` holds), or None when the
    identity cannot be used: not logged in, no e-mail, or an e-mail the provider says is unverified."""
    if not user_info or user_info.get("is_logged_in") is False:
        return None
    email = user_info.get("email")
    if not isinstance(email, str) or not email.strip():
        return None
    if user_info.get("email_verified") is False:
        return None
    try:
        email = normalise_email(email)
    except ValueError:
        return None
    name = user_info.get("name")
    if not isinstance(name, str) or not name.strip():
        name = email
    return email, " ".join(name.split())[:MAX_PERSON_CHARS]


# --- passwords -----------------------------------------------------------------------------------------
def check_password_policy(password: object) -> str:
    if not isinstance(password, str):
        raise ValueError("Hasło musi być tekstem.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"Hasło jest za krótkie (co najmniej {MIN_PASSWORD_LENGTH} znaków).")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValueError(f"Hasło jest za długie (najwyżej {MAX_PASSWORD_LENGTH} znaków).")
    return password


def hash_password(password: str, hasher: PasswordHasher = HASHER) -> str:
    """A salted argon2id hash (the salt and parameters are inside the string)."""
    return hasher.hash(check_password_policy(password))


def verify_password(stored_hash: str, password: str, hasher: PasswordHasher = HASHER) -> bool:
    """Constant-time check (argon2's own comparison); False for a wrong password or a broken hash."""
    if not isinstance(password, str) or len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError, ValueError, TypeError):  # ValueError: a non-ASCII "hash"
        return False


def needs_rehash(stored_hash: str, hasher: PasswordHasher = HASHER) -> bool:
    """True when the hash was made with other parameters than `hasher`'s (rehash after a good login)."""
    try:
        return hasher.check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError, TypeError):
        return True


# A hash of nothing anyone knows: verifying against it for an unknown login costs as much as for a
# real one, so response time does not reveal which logins exist.
_DUMMY_HASHES: dict[tuple[int, int, int], str] = {}


def dummy_verify(password: str, hasher: PasswordHasher = HASHER) -> None:
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash("nikt-nie-zna-tego-hasla-" * 2)
    verify_password(_DUMMY_HASHES[key], password or "", hasher)


def _ascii(text: str) -> str:
    return text.translate(_PL_ASCII)


_PL_ASCII = str.maketrans("ąćęłńóśźżĄĆĘŁŃÓŚŹŻ", "acelnoszzACELNOSZZ")
