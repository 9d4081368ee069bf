"""Command line for analysts and acceptance tests: validate, score, shapes import.

    python -m cwd validate FILE
    python -m cwd score FILE [--osi-ztm LIST] [--json] [--prog N] [--data-ludnosci RRRR-MM-DD] [--obszar …]
    python -m cwd shapes import SOURCE [--do FOLDER]
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
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser, metavar="{validate,score,shapes}")
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
    return p


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
    if args.osi_ztm is not None:
        from cwd.ztm import read_ztm_path

        ztm_result = read_ztm_path(args.osi_ztm, register)
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
        print(json.dumps([_as_json(r) for r in results], ensure_ascii=False, indent=2))
    else:
        _print_scores(results, ztm is not None)
    return EXIT_OK


def _as_json(r) -> dict:
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
        "ludnosc_2023_12_31": r.ludnosc,
    }


def _print_scores(results, ztm_loaded: bool) -> None:
    from cwd.fmt import fmt_int

    if not ztm_loaded:
        print("Uwaga: nie wczytano listy OSI ZTM – przynależność gmin do OSI ZTM jest nieznana.\n")
    print("Wartości kryteriów w przykładowych danych są ilustracyjne.\n" if any(
        "(przykład)" in r.partnership.nazwa for r in results) else "", end="")
    for r in results:
        print(f"{r.id}  {r.partnership.nazwa}")
        print(f"    status: {r.checklist.status}   spełnione kryteria: {r.checklist.spelnione}/11")
        print(f"    OSI: {r.osi.summary()}")
        print(f"    JST: {len(r.partnership.czlonkowie)}, gminy: {len(r.gminy)}, ludność (31.12.2023): {fmt_int(r.ludnosc)}")
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
        return cmd_shapes_import(args, operator)
    except KeyboardInterrupt:
        return EXIT_ERRORS
    except Exception as exc:  # the last line of defence: no traceback for any input
        print(f"Nieoczekiwany błąd: {exc.__class__.__name__}: {exc}", file=sys.stderr)
        return EXIT_ERRORS


if __name__ == "__main__":
    sys.exit(main())
