"""cwd.auth, pure: roles, permissions, names, OIDC claims, password hashing."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from cwd import auth
from cwd.auth import CONSOLE, Action, Identity, PermissionDenied, Role

FAST = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def who(role: Role, admin: bool = False) -> Identity:
    return Identity("x", "Anna Nowak", role, admin)


@pytest.mark.parametrize("role,allowed", [
    (Role.VIEWER, set()),
    (Role.ASSESSOR, {Action.ASSESS, Action.UPLOAD, Action.CREATE_NABOR}),
    (Role.APPROVER, {Action.ASSESS, Action.UPLOAD, Action.CREATE_NABOR, Action.DECIDE, Action.ARCHIVE_NABOR}),
])
def test_each_role_may_do_what_the_one_before_may_and_more(role, allowed):
    assert {a for a in Action if who(role).may(a)} == allowed
    assert {a for a in Action if who(role, admin=True).may(a)} == allowed | {Action.MANAGE_ACCOUNTS}


def test_refusals_say_what_is_needed_in_polish():
    with pytest.raises(PermissionDenied) as caught:
        auth.require(who(Role.VIEWER), Action.ASSESS)
    assert str(caught.value) == ("Brak uprawnień: zapis oceny wymaga roli „oceniający” lub „zatwierdzający” "
                                 "(zalogowano jako Anna Nowak, rola „przeglądający”). Nic nie zapisano.")
    assert isinstance(caught.value, PermissionError) and caught.value.action is Action.ASSESS
    with pytest.raises(PermissionDenied, match="zapis decyzji UM wymaga roli „zatwierdzający” \\(zalogowano"):
        auth.require(who(Role.ASSESSOR), Action.DECIDE)
    with pytest.raises(PermissionDenied, match="wymaga uprawnień administratora"):
        auth.require(who(Role.APPROVER), Action.MANAGE_ACCOUNTS)
    auth.require(who(Role.APPROVER), Action.DECIDE)  # no exception


def test_the_console_manages_but_never_assesses_or_decides():
    assert CONSOLE.may(Action.MANAGE_ACCOUNTS) and CONSOLE.may(Action.CREATE_NABOR)
    for action in (Action.ASSESS, Action.DECIDE):
        with pytest.raises(PermissionDenied, match="zalogowana osoba"):
            auth.require(CONSOLE, action)


@pytest.mark.parametrize("text,role", [
    ("przegladajacy", Role.VIEWER), ("przeglądający", Role.VIEWER), ("Oceniający", Role.ASSESSOR),
    (" zatwierdzajacy ", Role.APPROVER), ("ZATWIERDZAJĄCY", Role.APPROVER), (Role.ASSESSOR, Role.ASSESSOR),
])
def test_roles_parse_with_or_without_diacritics(text, role):
    assert auth.parse_role(text) is role


def test_unknown_role():
    with pytest.raises(ValueError, match="Nieznana rola „admin”. Dozwolone: przegladajacy, oceniajacy, zatwierdzajacy"):
        auth.parse_role("admin")


def test_labels():
    assert [r.label for r in Role] == ["przeglądający", "oceniający", "zatwierdzający"]
    assert who(Role.APPROVER, admin=True).label == "Anna Nowak (zatwierdzający, administrator)"


@pytest.mark.parametrize("login,expected", [(" Anna.Nowak ", "anna.nowak"), ("a@b.pl", "a@b.pl"), ("j-k_2", "j-k_2")])
def test_logins_normalise(login, expected):
    assert auth.normalise_login(login) == expected


@pytest.mark.parametrize("login,message", [
    ("", "Podaj login"), ("   ", "Podaj login"), (None, "Podaj login"), ("anna nowak", "tylko litery"),
    ("łucja", "tylko litery"), ("-x", "tylko litery"), ("a" * 201, "za długi"),
])
def test_bad_logins(login, message):
    with pytest.raises(ValueError, match=message):
        auth.normalise_login(login)


def test_names():
    assert auth.normalise_name("  Anna   Maria  Nowak ") == "Anna Maria Nowak"
    for bad, message in (("", "Podaj imię"), ("x" * 201, "za długie"), ("Anna\x00", "sterujące")):
        with pytest.raises(ValueError, match=message):
            auth.normalise_name(bad)
    with pytest.raises(ValueError, match="e-mail"):
        auth.normalise_email("nie-email")
    assert auth.normalise_email(" Ewa@UM.Bialystok.PL ") == "ewa@um.bialystok.pl"


def test_oidc_claims():
    assert auth.oidc_claims({"is_logged_in": True, "email": "Ewa@Example.org", "name": " Ewa  Lis "}) == (
        "ewa@example.org", "Ewa Lis")
    assert auth.oidc_claims({"email": "ewa@example.org"}) == ("ewa@example.org", "ewa@example.org")
    assert auth.oidc_claims({"is_logged_in": False, "email": "ewa@example.org"}) is None
    assert auth.oidc_claims({"email": "ewa@example.org", "email_verified": False}) is None
    assert auth.oidc_claims({"name": "Bez adresu"}) is None
    assert auth.oidc_claims({}) is None
    assert auth.oidc_claims({"email": "zły adres"}) is None


# --- passwords -----------------------------------------------------------------------------------------
def test_hashes_are_salted_argon2id_and_verify_in_constant_time():
    first, second = auth.hash_password("tajne hasło 123", FAST), auth.hash_password("tajne hasło 123", FAST)
    assert first.startswith("$argon2id$") and first != second  # a fresh salt each time
    assert "tajne" not in first
    assert auth.verify_password(first, "tajne hasło 123", FAST)
    assert not auth.verify_password(first, "tajne hasło 124", FAST)
    assert not auth.verify_password("to nie jest skrót", "tajne hasło 123", FAST)
    assert not auth.verify_password(first, None, FAST)
    assert not auth.verify_password(first, "x" * (auth.MAX_PASSWORD_LENGTH + 1), FAST)


def test_password_policy():
    with pytest.raises(ValueError, match=f"co najmniej {auth.MIN_PASSWORD_LENGTH} znaków"):
        auth.hash_password("krótkie", FAST)
    with pytest.raises(ValueError, match="za długie"):
        auth.check_password_policy("x" * (auth.MAX_PASSWORD_LENGTH + 1))
    assert auth.MIN_PASSWORD_LENGTH >= 12


def test_rehash_is_needed_when_parameters_change():
    old = auth.hash_password("tajne hasło 123", FAST)
    assert not auth.needs_rehash(old, FAST)
    stronger = PasswordHasher(time_cost=2, memory_cost=16, parallelism=1)
    assert auth.needs_rehash(old, stronger)
    assert auth.verify_password(old, "tajne hasło 123", stronger)  # still verifies with the new hasher
    assert auth.needs_rehash("zepsuty", FAST)


def test_dummy_verify_costs_a_verification():
    auth.dummy_verify("cokolwiek", FAST)  # no exception, no answer: only the time it takes
