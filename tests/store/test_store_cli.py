"""python -m cwd users … / nabory …: exit codes, Polish messages, no tracebacks, no passwords shown."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from cwd.auth import Role
from cwd.paths import ROOT
from cwd.store import FORMS, open_store

PASSWORD = "bardzo-tajne-hasło"


@pytest.fixture
def db(tmp_path):
    return tmp_path / "var" / "cwd.sqlite"


def cwd(db, *args, stdin: str | None = None):
    env = {**os.environ, "CWD_DATABASE_PATH": str(db)}
    env.pop("CWD_DATABASE_URL", None)
    done = subprocess.run([sys.executable, "-m", "cwd", *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          input=stdin if stdin is not None else "", timeout=120, env=env)
    assert "Traceback" not in done.stdout + done.stderr
    assert PASSWORD not in done.stdout + done.stderr
    return done


def test_the_first_administrator(db):
    empty = cwd(db, "users", "list")
    assert empty.returncode == 0 and "Pierwsze konto administratora: python -m cwd users add" in empty.stdout
    made = cwd(db, "users", "add", "Anna", "--name", "Anna  Nowak", "--rola", "zatwierdzający", "--admin",
               "--haslo-z-stdin", stdin=PASSWORD + "\n")
    assert made.returncode == 0, made.stderr
    assert made.stdout.strip() == "Utworzono konto „anna” (Anna Nowak, rola „zatwierdzający”, administrator)."
    store = open_store(path=db)
    try:
        who = store.authenticate("anna", PASSWORD)
        assert who is not None and who.role is Role.APPROVER and who.admin and who.name == "Anna Nowak"
    finally:
        store.dispose()
    listed = cwd(db, "users", "list")
    assert listed.stdout.splitlines() == ["anna\tAnna Nowak\tzatwierdzający\tadministrator\taktywne"]


@pytest.mark.parametrize("args,stdin,message", [
    (["--rola", "wodz"], PASSWORD, "Nieznana rola „wodz”"),
    (["--rola", "oceniajacy"], "krótkie", "Hasło jest za krótkie (co najmniej 12 znaków)."),
    (["--rola", "oceniajacy"], "", "Nie podano hasła na wejściu"),
])
def test_bad_account_requests_exit_1(db, args, stdin, message):
    done = cwd(db, "users", "add", "jan", "--name", "Jan Kowalski", *args, "--haslo-z-stdin", stdin=stdin + "\n")
    assert done.returncode == 1 and message in done.stderr
    assert cwd(db, "users", "list").stdout.startswith("Brak kont.")


def test_prompted_passwords_must_match(db):
    done = cwd(db, "users", "add", "jan", "--name", "Jan Kowalski", "--rola", "oceniajacy",
               stdin=f"{PASSWORD}\n{PASSWORD}x\n")  # not a terminal: getpass reads the lines
    assert done.returncode == 1 and "Hasła się różnią" in done.stderr
    done = cwd(db, "users", "add", "jan", "--name", "Jan Kowalski", "--rola", "oceniajacy",
               stdin=f"{PASSWORD}\n{PASSWORD}\n")
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("args", [["users"], ["users", "add", "jan"], ["users", "add", "jan", "--name", "J"],
                                  ["users", "role", "jan"], ["nabory"], ["nabory", "create"]])
def test_wrong_usage_exits_2(db, args):
    done = cwd(db, *args)
    assert done.returncode == 2 and "usage:" in done.stderr.lower()


def test_roles_deactivation_and_oidc(db):
    for login, role in (("anna", "zatwierdzajacy"), ("jan", "oceniajacy")):
        extra = ["--admin"] if login == "anna" else []
        assert cwd(db, "users", "add", login, "--name", login.title(), "--rola", role, *extra, "--haslo-z-stdin",
                   stdin=PASSWORD + "\n").returncode == 0
    again = cwd(db, "users", "add", "JAN", "--name", "Jan", "--rola", "oceniajacy", "--haslo-z-stdin",
                stdin=PASSWORD + "\n")
    assert again.returncode == 1 and "Konto „jan” już istnieje" in again.stderr
    assert cwd(db, "users", "role", "jan", "zatwierdzajacy").stdout.strip() == "Konto „jan”: rola „zatwierdzający”."
    last = cwd(db, "users", "role", "anna", "oceniajacy", "--bez-admin")
    assert last.returncode == 1 and "ostatnie aktywne konto administratora" in last.stderr
    assert cwd(db, "users", "deactivate", "jan").stdout.strip() == "Dezaktywowano konto „jan”."
    oidc = cwd(db, "users", "oidc", "Ewa@UM.example.pl", "przeglądający")
    assert oidc.returncode == 0 and oidc.stdout.strip() == "Tożsamość OIDC „ewa@um.example.pl”: rola „przeglądający”."
    missing = cwd(db, "users", "deactivate", "nikt")
    assert missing.returncode == 1 and "Nie ma konta ani przypisania OIDC „nikt”" in missing.stderr
    listed = cwd(db, "users", "list").stdout.splitlines()
    assert "jan\tJan\tzatwierdzający\t-\tnieaktywne" in listed
    assert "ewa@um.example.pl\t(nazwa od dostawcy OIDC)\tprzeglądający\t-\taktywne\tOIDC" in listed
    store = open_store(path=db)
    try:
        assert store.authenticate("jan", PASSWORD) is None
        assert store.oidc_identity("ewa@um.example.pl", "Ewa").role is Role.VIEWER
    finally:
        store.dispose()


def test_nabory_commands(db, tmp_path):
    made = cwd(db, "nabory", "create", "Pilotaż CWD 2020 – woj. podlaskie", "--termin-formularzy", "2020-09-22")
    assert made.returncode == 0
    assert made.stdout.strip() == ("Utworzono nabór „Pilotaż CWD 2020 – woj. podlaskie” (identyfikator: "
                                   "pilotaz-cwd-2020-woj-podlaskie; adres: ?nabor=pilotaz-cwd-2020-woj-podlaskie).")
    forms = ROOT / "data" / "formularze_przyklad.csv"
    first = cwd(db, "nabory", "forms", "pilotaz-cwd-2020-woj-podlaskie", forms)
    assert first.returncode == 0 and first.stdout.startswith("Zapisano wersję 1 (formularze_przyklad.csv,")
    same = cwd(db, "nabory", "forms", "pilotaz-cwd-2020-woj-podlaskie", forms)
    assert same.stdout.strip() == "Ten plik to już bieżąca wersja 1 (ta sama zawartość) – nic nie zmieniono."
    gone = cwd(db, "nabory", "ztm", "pilotaz-cwd-2020-woj-podlaskie", tmp_path / "nie_ma.csv")
    assert gone.returncode == 1 and "Nie można odczytać pliku" in gone.stderr
    listed = cwd(db, "nabory", "list").stdout.splitlines()
    assert listed[0].startswith("demo\tPrzykład – dane ilustracyjne (tylko do odczytu)\tprzykład, tylko do odczytu")
    assert listed[1].startswith("pilotaz-cwd-2020-woj-podlaskie\tPilotaż CWD 2020 – woj. podlaskie\totwarty")
    demo = cwd(db, "nabory", "archive", "demo")
    assert demo.returncode == 1 and "Nabór przykładowy („demo”) jest tylko do odczytu" in demo.stderr
    archived = cwd(db, "nabory", "archive", "pilotaz-cwd-2020-woj-podlaskie")
    assert archived.returncode == 0 and "Dane pozostają do wglądu" in archived.stdout
    late = cwd(db, "nabory", "forms", "pilotaz-cwd-2020-woj-podlaskie", forms)
    assert late.returncode == 1 and "jest zarchiwizowany" in late.stderr
    store = open_store(path=db)
    try:
        assert store.file("pilotaz-cwd-2020-woj-podlaskie", FORMS).content == forms.read_bytes()
    finally:
        store.dispose()


def test_an_unusable_database_is_one_polish_line(tmp_path):
    broken = tmp_path / "zepsuta.sqlite"
    broken.write_bytes(b"to nie jest baza SQLite " * 100)
    done = cwd(broken, "users", "list")
    assert done.returncode == 1
    assert done.stderr.startswith("Baza danych jest niedostępna (plik bazy jest uszkodzony albo to nie jest baza SQLite).")
