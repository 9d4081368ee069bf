"""Command line for analysts, operators and acceptance tests.

    python -m cwd validate FILE
    python -m cwd score FILE [--osi-ztm LIST] [--json] [--prog N] [--data-ludnosci RRRR-MM-DD] [--obszar …]
    python -m cwd shapes import SOURCE [--do FOLDER]
    python -m cwd users add LOGIN --name "Imię Nazwisko" --rola ROLA [--admin] [--haslo-z-stdin]
    python -m cwd users list | role LOGIN ROLA [--admin|--bez-admin] | deactivate LOGIN | oidc EMAIL ROLA [--admin]
    python -m cwd users password LOGIN [--haslo-z-stdin]
    python -m cwd nabory list | create NAZWA [--id ID] … | archive ID | forms ID PLIK | ztm ID PLIK

The users/nabory commands act on the configured database (CWD_DATABASE_URL / CWD_DATABASE_PATH) as
the server's operator (cwd.auth.CONSOLE): whoever can run them has the database anyway.
"""
from __future__ import annotations

import argparse
import json
import sys
from datetime import date
from pathlib import Path

from cwd.problems import Problem

EXIT_OK, EXIT_ERRORS, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with Polish error lines; wrong usage exits 2 with the usage line."""

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        sys.stderr.write(f"{self.prog}: błąd wywołania: {message}\n")
        sys.exit(EXIT_USAGE)


def _parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"niepoprawna data „{text}” (oczekiwano RRRR-MM-DD)") from None


def _parser() -> _Parser:
    p = _Parser(prog="python -m cwd", description="Wybór partnerstw JST do pilotażu CWD – narzędzia wiersza poleceń.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser,
                           metavar="{validate,score,shapes,users,nabory}")
    v = sub.add_parser("validate", help="sprawdź plik formularzy i wypisz wszystkie problemy")
    v.add_argument("file", type=Path, metavar="PLIK")
    s = sub.add_parser("score", help="oceń partnerstwa wg listy sprawdzającej i OSI")
    s.add_argument("file", type=Path, metavar="PLIK")
    s.add_argument("--osi-ztm", type=Path, metavar="LISTA", help="oficjalna lista gmin OSI ZTM (CSV teryt,nazwa,zrodlo)")
    s.add_argument("--json", action="store_true", help="wynik jako lista obiektów JSON")
    s.add_argument("--prog", type=int, default=None, metavar="N", help="próg ludności małego miasta (domyślnie 20000)")
    s.add_argument("--data-ludnosci", type=_parse_date, default=None, metavar="RRRR-MM-DD",
                   help="dzień odniesienia liczby ludności (domyślnie 2019-06-30)")
    s.add_argument("--obszar", choices=["powiat_i_sasiedzi", "powiat"], default=None,
                   help="obszar funkcjonalny małego miasta")
    sh = sub.add_parser("shapes", help="warstwy granic PRG")
    shs = sh.add_subparsers(dest="shapes_command", required=True, parser_class=_Parser, metavar="{import}")
    imp = shs.add_parser("import", help="zaimportuj warstwy województwa z krajowego PRG do shapes/")
    imp.add_argument("source", type=Path, metavar="ŹRÓDŁO")
    imp.add_argument("--do", dest="dest", type=Path, default=None, metavar="FOLDER")
    _users_parser(sub)
    _nabory_parser(sub)
    return p


ROLE_HELP = "przegladajacy, oceniajacy albo zatwierdzajacy"


def _users_parser(sub) -> None:
    u = sub.add_parser("users", help="konta osób i role (w skonfigurowanej bazie)")
    us = u.add_subparsers(dest="users_command", required=True, parser_class=_Parser,
                          metavar="{add,list,role,deactivate,oidc,password}")
    add = us.add_parser("add", help="utwórz konto lokalne (hasło: pytanie albo --haslo-z-stdin)")
    add.add_argument("login", metavar="LOGIN")
    add.add_argument("--name", required=True, metavar="IMIĘ_NAZWISKO", help="imię i nazwisko zapisywane w historii")
    add.add_argument("--rola", required=True, metavar="ROLA", help=ROLE_HELP)
    add.add_argument("--admin", action="store_true", help="uprawnienia administratora (zarządzanie kontami)")
    add.add_argument("--haslo-z-stdin", action="store_true", help="odczytaj hasło z pierwszej linii wejścia")
    us.add_parser("list", help="konta lokalne i przypisania OIDC")
    role = us.add_parser("role", help="zmień rolę konta")
    role.add_argument("login", metavar="LOGIN")
    role.add_argument("rola", metavar="ROLA", help=ROLE_HELP)
    flag = role.add_mutually_exclusive_group()
    flag.add_argument("--admin", dest="admin", action="store_const", const=True, default=None)
    flag.add_argument("--bez-admin", dest="admin", action="store_const", const=False)
    deactivate = us.add_parser("deactivate", help="dezaktywuj konto lub przypisanie OIDC (nic nie jest usuwane)")
    deactivate.add_argument("login", metavar="LOGIN")
    oidc = us.add_parser("oidc", help="przypisz rolę tożsamości OIDC o tym adresie e-mail")
    oidc.add_argument("email", metavar="EMAIL")
    oidc.add_argument("rola", metavar="ROLA", help=ROLE_HELP)
    oidc.add_argument("--admin", action="store_true")
    oidc.add_argument("--name", default="", metavar="IMIĘ_NAZWISKO")
    password = us.add_parser("password", help="ustaw nowe hasło konta")
    password.add_argument("login", metavar="LOGIN")
    password.add_argument("--haslo-z-stdin", action="store_true")


def _nabory_parser(sub) -> None:
    n = sub.add_parser("nabory", help="nabory (w skonfigurowanej bazie)")
    ns = n.add_subparsers(dest="nabory_command", required=True, parser_class=_Parser,
                          metavar="{list,create,archive,forms,ztm}")
    ns.add_parser("list", help="wszystkie nabory")
    create = ns.add_parser("create", help="utwórz nabór")
    create.add_argument("name", metavar="NAZWA")
    create.add_argument("--id", dest="nabor_id", default=None, metavar="ID", help="krótki identyfikator do adresu")
    create.add_argument("--termin-formularzy", type=_parse_date, default=None, metavar="RRRR-MM-DD")
    create.add_argument("--decyzja-um", type=_parse_date, default=None, metavar="RRRR-MM-DD")
    create.add_argument("--ogloszenie-mfipr", type=_parse_date, default=None, metavar="RRRR-MM-DD")
    create.add_argument("--prog", type=int, default=None, metavar="N")
    create.add_argument("--data-ludnosci", type=_parse_date, default=None, metavar="RRRR-MM-DD")
    create.add_argument("--obszar", choices=["powiat_i_sasiedzi", "powiat"], default=None)
    archive = ns.add_parser("archive", help="zarchiwizuj nabór (nic nie jest usuwane)")
    archive.add_argument("nabor_id", metavar="ID")
    for kind, what in (("forms", "plik formularzy"), ("ztm", "listę OSI ZTM")):
        upload = ns.add_parser(kind, help=f"wczytaj nową wersję: {what}")
        upload.add_argument("nabor_id", metavar="ID")
        upload.add_argument("file", type=Path, metavar="PLIK")


def _print_problems(problems: list[Problem], stream=sys.stdout) -> None:
    for problem in problems:
        print(str(problem), file=stream)


def cmd_validate(args, operator) -> int:
    from cwd.forms import read_forms_path
    from cwd.register import load_register

    result = read_forms_path(args.file, load_register(wojewodztwo=operator.wojewodztwo))
    _print_problems(result.problems)
    errors, warnings = len(result.errors), len(result.warnings)
    print(
        f"Partnerstwa gotowe do oceny: {len(result.partnerships)}; błędy: {errors}; ostrzeżenia: {warnings}."
    )
    return EXIT_OK if result.usable and not errors else EXIT_ERRORS


def cmd_score(args, operator) -> int:
    from cwd.forms import read_forms_path
    from cwd.pipeline import Inputs, evaluate, load_adjacency
    from cwd.register import load_register
    from cwd.settings import OsiSettings

    register = load_register(wojewodztwo=operator.wojewodztwo)
    forms = read_forms_path(args.file, register)
    _print_problems(forms.problems, sys.stderr)
    if not forms.usable:
        print("Plik formularzy nie nadaje się do oceny – popraw błędy powyżej.", file=sys.stderr)
        return EXIT_ERRORS
    ztm = None
    ztm_path = args.osi_ztm if args.osi_ztm is not None else operator.ztm_path  # CWD_OSI_ZTM, as in the UI
    if ztm_path is not None:
        from cwd.ztm import read_ztm_path

        ztm_result = read_ztm_path(ztm_path, register)
        _print_problems(ztm_result.problems, sys.stderr)
        if any(p.is_error for p in ztm_result.problems):
            print("Lista OSI ZTM ma błędy – popraw je i uruchom ponownie.", file=sys.stderr)
            return EXIT_ERRORS
        ztm = ztm_result.codes
    defaults = OsiSettings()
    settings = OsiSettings(
        prog_ludnosci=args.prog if args.prog is not None else defaults.prog_ludnosci,
        data_ludnosci=args.data_ludnosci or defaults.data_ludnosci,
        obszar_funkcjonalny=args.obszar or defaults.obszar_funkcjonalny,
    )
    adjacency, note = load_adjacency(operator)
    if note:
        print(note, file=sys.stderr)
    results = evaluate(register, Inputs(forms=forms, osi=settings, ztm=ztm, adjacency=adjacency)).results
    if args.json:
        print(json.dumps([_as_json(r, register) for r in results], ensure_ascii=False, indent=2))
    else:
        _print_scores(results, register, ztm is not None)
    return EXIT_OK


def _as_json(r, register) -> dict:
    c = r.checklist
    return {
        "id": r.id,
        "nazwa": r.partnership.nazwa,
        "status": c.status,
        "osi": {
            "werdykt": r.osi.werdykt,
            "trasy": list(r.osi.trasy),
            "gminy_poza_osi": list(r.osi.poza),
            "nieustalone": list(r.osi.nieustalone),
            "powody": list(r.osi.powody),
        },
        "powody": list(c.powody),
        "kryteria": {
            k.id: {"deklarowana": k.deklarowana, "zweryfikowana": k.zweryfikowana, "wartosc": k.wartosc}
            for k in c.kryteria
        },
        "liczba_jst": len(r.partnership.czlonkowie),
        "gminy": list(r.gminy),
        register.pop_now_column: r.ludnosc,  # "ludnosc_RRRR_MM_DD": the date of the figure in the key
    }


def _print_scores(results, register, ztm_loaded: bool) -> None:
    from cwd.criteria import CRITERIA_COUNT
    from cwd.fmt import fmt_date, fmt_int

    if not ztm_loaded:
        print("Uwaga: nie wczytano listy OSI ZTM – przynależność gmin do OSI ZTM jest nieznana.\n")
    print("Wartości kryteriów w przykładowych danych są ilustracyjne.\n" if any(
        "(przykład)" in r.partnership.nazwa for r in results) else "", end="")
    for r in results:
        print(f"{r.id}  {r.partnership.nazwa}")
        print(f"    status: {r.checklist.status}   spełnione kryteria: {r.checklist.spelnione} z {CRITERIA_COUNT}")
        print(f"    OSI: {r.osi.summary()}")
        print(f"    JST: {len(r.partnership.czlonkowie)}, gminy: {len(r.gminy)}, ludność ({fmt_date(register.pop_now_date)}): {fmt_int(r.ludnosc)}")
        for reason in r.checklist.powody:
            print(f"    – {reason}")
        print()


def cmd_shapes_import(args, operator) -> int:
    from cwd.geo import PrgImportError, import_prg
    from cwd.paths import SHAPES_DIR

    dest = args.dest or operator.shapes_dir or SHAPES_DIR
    try:
        written = import_prg(args.source, dest, operator.wojewodztwo)
    except PrgImportError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERRORS
    for path in written:
        print(f"Zapisano: {path}")
    return EXIT_OK


# --- users and naborów ---------------------------------------------------------------------------------------
class _CliError(Exception):
    pass


def _read_password(args) -> str:
    if args.haslo_z_stdin:
        line = sys.stdin.readline()
        if not line.strip():
            raise _CliError("Nie podano hasła na wejściu (pierwsza linia).")
        return line.rstrip("\r\n")
    import getpass

    first = getpass.getpass("Hasło: ")
    if getpass.getpass("Powtórz hasło: ") != first:
        raise _CliError("Hasła się różnią – konto nie zostało zmienione.")
    return first


def _store_command(command, args, operator) -> int:
    """users/nabory: the store's Polish message is the whole answer (exit 1), never a class name."""
    from cwd.auth import PermissionDenied
    from cwd.store import StoreError, open_store_from_settings

    try:
        store = open_store_from_settings(operator)
        try:
            return command(args, store)
        finally:
            store.dispose()
    except (StoreError, PermissionDenied, ValueError, _CliError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_ERRORS
    except EOFError:
        print("Przerwano: brak danych na wejściu.", file=sys.stderr)
        return EXIT_ERRORS


def cmd_users(args, store) -> int:
    from cwd.auth import CONSOLE, check_password_policy, parse_role

    command = args.users_command
    if command == "add":
        role = parse_role(args.rola)  # before asking for the password
        password = check_password_policy(_read_password(args))
        account = store.add_user(args.login, args.name, role, password=password, actor=CONSOLE, admin=args.admin)
        print(f"Utworzono konto „{account.login}” ({account.name}, rola „{account.role.label}”"
              f"{', administrator' if account.admin else ''}).")
    elif command == "list":
        accounts, mappings = store.users(), store.oidc_mappings()
        if not accounts and not mappings:
            print("Brak kont. Pierwsze konto administratora: python -m cwd users add LOGIN "
                  "--name \"Imię Nazwisko\" --rola zatwierdzajacy --admin")
        for a in accounts:
            print(f"{a.login}\t{a.name}\t{a.role.label}\t{'administrator' if a.admin else '-'}\t"
                  f"{'aktywne' if a.active else 'nieaktywne'}")
        for m in mappings:
            print(f"{m.email}\t{m.name or '(nazwa od dostawcy OIDC)'}\t{m.role.label}\t"
                  f"{'administrator' if m.admin else '-'}\t{'aktywne' if m.active else 'nieaktywne'}\tOIDC")
    elif command == "role":
        account = store.set_role(args.login, args.rola, actor=CONSOLE, admin=args.admin)
        print(f"Konto „{account.login}”: rola „{account.role.label}”{', administrator' if account.admin else ''}.")
    elif command == "deactivate":
        source = store.deactivate(args.login, actor=CONSOLE)
        print(f"Dezaktywowano {'przypisanie OIDC' if source == 'oidc' else 'konto'} „{args.login.strip().lower()}”.")
    elif command == "oidc":
        mapping = store.map_oidc(args.email, args.rola, actor=CONSOLE, admin=args.admin, name=args.name)
        print(f"Tożsamość OIDC „{mapping.email}”: rola „{mapping.role.label}”"
              f"{', administrator' if mapping.admin else ''}.")
    else:  # password
        store.set_password(args.login, check_password_policy(_read_password(args)), actor=CONSOLE)
        print(f"Ustawiono nowe hasło konta „{args.login.strip().lower()}”.")
    return EXIT_OK


def cmd_nabory(args, store) -> int:
    from cwd.auth import CONSOLE
    from cwd.fmt import fmt_date, fmt_datetime
    from cwd.nabor import StageDates
    from cwd.settings import OsiSettings
    from cwd.store import FORMS, ZTM

    command = args.nabory_command
    if command == "list":
        for n in store.nabory():
            state = "przykład, tylko do odczytu" if n.demo else "zarchiwizowany" if n.archived else "otwarty"
            print(f"{n.id}\t{n.name}\t{state}\ttermin formularzy: {fmt_date(n.stages.forms_deadline)}"
                  + (f"\tutworzył(a): {n.created_by}, {fmt_datetime(n.created_at)}" if n.created_at else ""))
    elif command == "create":
        base, defaults = StageDates(), OsiSettings()
        stages = StageDates(args.termin_formularzy or base.forms_deadline, args.decyzja_um or base.um_decision,
                            args.ogloszenie_mfipr or base.mfipr_announcement)
        settings = OsiSettings(args.prog if args.prog is not None else defaults.prog_ludnosci,
                               args.data_ludnosci or defaults.data_ludnosci,
                               args.obszar or defaults.obszar_funkcjonalny)
        n = store.create_nabor(args.name, actor=CONSOLE, nabor_id=args.nabor_id, stages=stages, settings=settings)
        print(f"Utworzono nabór „{n.name}” (identyfikator: {n.id}; adres: ?nabor={n.id}).")
    elif command == "archive":
        n = store.archive_nabor(args.nabor_id, actor=CONSOLE)
        print(f"Zarchiwizowano nabór „{n.name}” ({n.id}). Dane pozostają do wglądu.")
    else:
        try:
            content = args.file.read_bytes()
        except OSError as exc:
            raise _CliError(f"Nie można odczytać pliku {args.file}: {exc.strerror or exc}.") from None
        kind = FORMS if command == "forms" else ZTM
        before = store.file(args.nabor_id, kind)
        v = store.add_file(args.nabor_id, kind, content, args.file.name, actor=CONSOLE)
        if before is not None and before.version == v.version:
            print(f"Ten plik to już bieżąca wersja {v.version} (ta sama zawartość) – nic nie zmieniono.")
        else:
            print(f"Zapisano wersję {v.version} ({v.file_name}, {v.size} B, SHA-256 {v.sha256[:12]}…).")
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    from cwd.settings import OperatorSettings

    args = _parser().parse_args(argv)
    # Read once per command and passed down: the command line honours every operator setting the UI does.
    operator = OperatorSettings.from_env()
    try:
        if args.command == "validate":
            return cmd_validate(args, operator)
        if args.command == "score":
            return cmd_score(args, operator)
        if args.command == "users":
            return _store_command(cmd_users, args, operator)
        if args.command == "nabory":
            return _store_command(cmd_nabory, args, operator)
        return cmd_shapes_import(args, operator)
    except KeyboardInterrupt:
        return EXIT_ERRORS
    except Exception as exc:  # the last line of defence: no traceback for any input
        print(f"Nieoczekiwany błąd: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())
