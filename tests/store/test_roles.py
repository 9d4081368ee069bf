"""People and roles, checked by the store itself on every write (a forged call is refused)."""
from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from store_support import FAST_HASHER, PASSWORD, statements, values

from cwd.auth import CONSOLE, Identity, PermissionDenied, Role
from cwd.criteria import CRITERIA_IDS
from cwd.store import InvalidValueError, NotFoundError


def pairs(**given):
    return {c: (v, "") for c, v in values(**given).items()}


def _verify_all(store, nabor, who, pid="P01"):
    return store.save(nabor, pid, {c: (1, "") for c in CRITERIA_IDS}, actor=who, expected_version=0, row_hash=None)


def test_a_viewer_cannot_save(store, people, nabor):
    with pytest.raises(PermissionDenied) as caught:
        store.save(nabor, "P01", pairs(I_1=1), actor=people.piotr, expected_version=0, row_hash=None)
    message = str(caught.value)
    assert "zapis oceny wymaga roli „oceniający” lub „zatwierdzający”" in message
    assert "Piotr Zieliński" in message and "„przeglądający”" in message and "Nic nie zapisano" in message
    assert isinstance(caught.value, PermissionError)
    for write in (lambda: store.add_forms(nabor, b"id\nP01\n", "f.csv", actor=people.piotr),
                  lambda: store.create_nabor("Nowy", actor=people.piotr)):
        with pytest.raises(PermissionDenied):
            write()
    assert store.assessments(nabor) == {} and len(store.nabory(demo=False)) == 1


def test_an_assessor_cannot_decide_or_archive(store, people, nabor):
    _verify_all(store, nabor, people.anna)
    with pytest.raises(PermissionDenied, match="zapis decyzji UM wymaga roli „zatwierdzający”"):
        store.save_decision(nabor, [("P01", "Ziemia", "Najlepsze.")], actor=people.anna, expected_decision=0,
                            forms_version=1, ztm_version=None)
    with pytest.raises(PermissionDenied, match="archiwizacja"):
        store.archive_nabor(nabor, actor=people.jan)
    assert store.decisions(nabor) == [] and not store.nabor(nabor).archived
    # the approver may do both, and everything an assessor may
    store.save(nabor, "P02", pairs(I_1=1), actor=people.ewa, expected_version=0, row_hash=None)
    assert store.save_decision(nabor, [("P01", "Ziemia", "Najlepsze.")], actor=people.ewa, expected_decision=0,
                               forms_version=1, ztm_version=None).number == 1


def test_a_forged_role_is_refused(store, people, nabor):
    """The caller's Identity claims approver; the account says viewer: the account wins."""
    forged = Identity(login="piotr", name="Piotr Zieliński", role=Role.APPROVER, admin=True)
    _verify_all(store, nabor, people.anna)
    sent = statements(store.engine)
    with pytest.raises(PermissionDenied, match="„przeglądający”"):
        store.save(nabor, "P02", pairs(I_1=1), actor=forged, expected_version=0, row_hash=None)
    with pytest.raises(PermissionDenied):
        store.save_decision(nabor, [("P01", "Ziemia", "x")], actor=forged, expected_decision=0, forms_version=1,
                            ztm_version=None)
    with pytest.raises(PermissionDenied, match="administratora"):
        store.add_user("mallory", "Mallory", Role.APPROVER, password=PASSWORD, actor=forged, admin=True)
    assert not [s for s in sent if s.startswith(("INSERT", "UPDATE"))]  # refused before any write
    assert store.resolve(forged) == people.piotr


@pytest.mark.parametrize("actor,message", [
    (Identity(login="nikt", name="Nikt", role=Role.APPROVER), "Nie ma konta „nikt”"),
    (Identity(login="anna", name="Anna Nowak", role=Role.ASSESSOR, source="ldap"), "Nieznane źródło"),
    (Identity(login="konsola", name="x", role=Role.APPROVER, admin=True, source="console"), "wiersza poleceń"),
    ("Anna Nowak", "wymaga zalogowania"),
    (None, "wymaga zalogowania"),
])
def test_unknown_or_malformed_actors_are_refused(store, people, nabor, actor, message):
    with pytest.raises(PermissionDenied, match=message):
        store.save(nabor, "P01", pairs(I_1=1), actor=actor, expected_version=0, row_hash=None)
    assert store.assessments(nabor) == {}


def test_a_deactivated_account_is_refused_at_once(store, people, nabor):
    store.save(nabor, "P01", pairs(I_1=1), actor=people.jan, expected_version=0, row_hash=None)
    assert store.deactivate("jan", actor=people.ewa) == "local"
    with pytest.raises(PermissionDenied, match="nieaktywne"):
        store.save(nabor, "P01", pairs(I_2=1), actor=people.jan, expected_version=1, row_hash=None)
    assert store.authenticate("jan", PASSWORD) is None
    # never deleted: history still names him
    assert [e.assessor for e in store.history(nabor)] == ["Jan Kowalski"]
    assert not next(a for a in store.users() if a.login == "jan").active


def test_a_role_change_takes_effect_on_the_next_write(store, people, nabor):
    store.set_role("piotr", Role.ASSESSOR, actor=people.ewa)
    # the identity the page still holds says viewer; the store knows better
    saved = store.save(nabor, "P01", pairs(I_1=1), actor=people.piotr, expected_version=0, row_hash=None)
    assert saved.assessor == "Piotr Zieliński"
    store.set_role("piotr", "przeglądający", actor=people.ewa)
    with pytest.raises(PermissionDenied):
        store.save(nabor, "P01", pairs(I_2=1), actor=people.piotr, expected_version=1, row_hash=None)


# --- signing in -------------------------------------------------------------------------------------------
def test_local_sign_in(store, people):
    who = store.authenticate("  ANNA ", PASSWORD)
    assert who == people.anna and who.source == "local"
    assert store.authenticate("anna", PASSWORD + "x") is None
    assert store.authenticate("nie-ma", PASSWORD) is None
    assert store.authenticate("zły login!", PASSWORD) is None
    assert store.authenticate("anna", None) is None
    assert store.authenticate("anna", "x" * 5000) is None


def test_passwords_are_hashed_never_stored(store, people):
    from sqlalchemy import text

    with store.engine.connect() as conn:
        stored = dict(conn.execute(text("SELECT login, password_hash FROM cwd_user")).all())
    assert all(h.startswith("$argon2id$") for h in stored.values())
    assert PASSWORD not in "".join(stored.values())
    assert stored["anna"] != stored["jan"]  # salted: the same password, different hashes
    assert all(PASSWORD not in repr(a) for a in store.users())
    assert not any(hasattr(a, "password_hash") for a in store.users())


def test_a_hash_made_with_old_parameters_is_replaced_after_a_good_login(backend, store, people):
    from sqlalchemy import text

    stronger = backend.open(hasher=PasswordHasher(time_cost=2, memory_cost=16, parallelism=1))
    try:
        assert stronger.authenticate("anna", "zle haslo 123") is None  # a wrong password rehashes nothing
        with store.engine.connect() as conn:
            assert "m=8,t=1" in conn.execute(text("SELECT password_hash FROM cwd_user WHERE login='anna'")).scalar()
        assert stronger.authenticate("anna", PASSWORD) == people.anna
        with store.engine.connect() as conn:
            new = conn.execute(text("SELECT password_hash FROM cwd_user WHERE login='anna'")).scalar()
        assert "m=16,t=2" in new
        assert stronger.authenticate("anna", PASSWORD) == people.anna
    finally:
        stronger.dispose()


def test_password_policy(store, people):
    with pytest.raises(InvalidValueError, match="co najmniej 12"):
        store.add_user("krotki", "Krótkie Hasło", Role.VIEWER, password="abc", actor=CONSOLE)
    with pytest.raises(InvalidValueError, match="już istnieje"):
        store.add_user("ANNA", "Anna Druga", Role.VIEWER, password=PASSWORD, actor=CONSOLE)
    with pytest.raises(InvalidValueError, match="Login"):
        store.add_user("zły login", "X", Role.VIEWER, password=PASSWORD, actor=CONSOLE)
    store.set_password("anna", "nowe-hasło-anny", actor=people.anna)  # one's own password
    assert store.authenticate("anna", "nowe-hasło-anny") == people.anna
    with pytest.raises(PermissionDenied):
        store.set_password("jan", "przejęte-konto-1", actor=people.anna)  # not someone else's
    store.set_password("jan", "nadane-przez-admina", actor=people.ewa)
    assert store.authenticate("jan", "nadane-przez-admina") == people.jan


def test_oidc_identities_get_the_role_the_administrator_mapped(store, people, nabor):
    assert store.oidc_identity("marta@um.example.pl", "Marta Lis") is None  # no mapping: no access
    store.map_oidc("Marta@UM.example.pl", "oceniajacy", actor=people.ewa)
    marta = store.oidc_identity("marta@um.example.pl", "Marta Lis")
    assert marta == Identity("marta@um.example.pl", "Marta Lis", Role.ASSESSOR, False, "oidc")
    saved = store.save(nabor, "P01", pairs(I_1=1), actor=marta, expected_version=0, row_hash=None)
    assert (saved.assessor, saved.assessor_login) == ("Marta Lis", "marta@um.example.pl")
    with pytest.raises(PermissionDenied):
        store.save_decision(nabor, [("P01", "x", "y", "z")], actor=marta, expected_decision=0, forms_version=1,
                            ztm_version=None)
    store.map_oidc("marta@um.example.pl", Role.APPROVER, actor=people.ewa)
    assert store.oidc_identity("marta@um.example.pl", "Marta Lis").role is Role.APPROVER
    assert store.deactivate("marta@um.example.pl", actor=people.ewa) == "oidc"
    assert store.oidc_identity("marta@um.example.pl", "Marta Lis") is None
    with pytest.raises(PermissionDenied, match="nieaktywne"):
        store.save(nabor, "P01", pairs(I_2=1), actor=marta, expected_version=1, row_hash=None)
    assert [m.email for m in store.oidc_mappings()] == ["marta@um.example.pl"]
    with pytest.raises(PermissionDenied):
        store.map_oidc("x@example.org", Role.APPROVER, actor=people.anna)


def test_only_administrators_manage_accounts_and_the_last_one_stays(store, people):
    with pytest.raises(PermissionDenied, match="administratora"):
        store.set_role("anna", Role.APPROVER, actor=people.anna)
    with pytest.raises(PermissionDenied):
        store.deactivate("ewa", actor=people.jan)
    with pytest.raises(InvalidValueError, match="ostatnie aktywne konto administratora"):
        store.set_role("ewa", Role.APPROVER, actor=people.ewa, admin=False)
    with pytest.raises(InvalidValueError, match="ostatnie aktywne konto administratora"):
        store.deactivate("ewa", actor=CONSOLE)
    assert store.has_admin()
    store.set_role("anna", Role.ASSESSOR, actor=people.ewa, admin=True)
    store.deactivate("ewa", actor=people.anna)  # now someone else can still manage accounts
    assert [a.login for a in store.users() if a.admin and a.active] == ["anna"]
    with pytest.raises(NotFoundError):
        store.deactivate("nie-ma", actor=CONSOLE)


def test_fresh_database_has_no_administrator(store):
    assert not store.has_admin() and store.users() == []
    store.add_user("admin", "Administratorka", Role.APPROVER, password=PASSWORD, actor=CONSOLE, admin=True)
    assert store.has_admin()


def test_fast_hasher_in_use(store):
    assert store.hasher is FAST_HASHER
