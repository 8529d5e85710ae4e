"""The command in English and French: choosing the language, help, errors, output.

The language is ``--lang`` (before or after the command name), else the
environment's; every text the command writes for a person follows it, argparse's
own words included. Codes, JSON keys and zone lines stay as they are.
"""

from __future__ import annotations

import argparse
import contextlib
import gettext
import io
import json
import re
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from emailpro_core.cli import _lang, _messages, main
from emailpro_core.cli import _propagation as cli_propagation
from emailpro_core.cli._common import Output
from emailpro_core.cli._render import Progress, Tally
from emailpro_core.errors import InvalidLogin, ValidationError, Violation
from emailpro_core.i18n import _catalog
from emailpro_core.naming import check_login
from emailpro_core.propagation import Verdict
from test_cli import EXAMPLES, Result, invoke
from test_propagation_cli import NOW, record, report

NBSP = "\u00a0"
NNBSP = "\u202f"
ERROR = {"en": "emailpro-core: error: ", "fr": f"emailpro-core{NBSP}: erreur{NBSP}: "}
VALID = {
    "en": "'mary.johnson': valid (default policy)\n",
    "fr": f"«{NBSP}mary.johnson{NBSP}»{NBSP}: valide (politique default)\n",
}
COMMANDS = [
    "check",
    "check-many",
    "propagation",
    "login",
    "password",
    "generate-password",
    "records",
    "settings",
    "example",
]
ZONE = str(EXAMPLES / "mydomain.ovh.zone")


def error_line(result: Result, lang: str) -> str:
    """The single line of a usage error in ``lang``, without its prefix."""
    assert 2 == result.code
    lines = result.err.splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith(ERROR[lang]), lines[0]
    return lines[0].removeprefix(ERROR[lang])


def flat(text: str) -> str:
    """Text with every run of spaces (non-breaking ones too) as one space.

    argparse wraps lines at spaces and after hyphens: a hyphen keeps its word.
    """
    return re.sub(r"- ", "-", " ".join(text.split()))


# --- choosing the language -------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "environ", "lang"),
    [
        ([], {}, "en"),
        (["--lang", "fr"], {}, "fr"),
        (["--lang=fr"], {}, "fr"),
        (["--lang", "fr_FR.UTF-8"], {}, "fr"),
        (["--lang", "FR"], {}, "fr"),
        (["--lang", "en"], {"LANG": "fr_FR.UTF-8"}, "en"),
        (["--lang", "C"], {"LANGUAGE": "fr"}, "en"),
        ([], {"LANG": "fr_FR.UTF-8"}, "fr"),
        ([], {"LANG": "de_DE.UTF-8"}, "en"),
        ([], {"LANG": "C.UTF-8"}, "en"),
        ([], {"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ([], {"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "en"),
        ([], {"LC_ALL": "fr_CA.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ([], {"LANGUAGE": "fr", "LC_ALL": "en_US.UTF-8"}, "fr"),
        ([], {"LANGUAGE": "de:fr", "LANG": "en_US.UTF-8"}, "fr"),
        ([], {"LANGUAGE": "de:es", "LANG": "fr_FR.UTF-8"}, "en"),
        ([], {"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_the_language_is_the_option_else_the_environment(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    environ: dict[str, str],
    lang: str,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    result = invoke(capsys, [*argv, "login", "mary.johnson"])
    assert (0, VALID[lang], "") == (result.code, result.out, result.err)


@pytest.mark.parametrize(
    "argv",
    [
        ["login", "mary.johnson", "--lang", "fr"],
        ["login", "--lang", "fr", "mary.johnson"],
        ["--lang", "en", "login", "mary.johnson", "--lang", "fr"],
        ["--lang", "de", "login", "mary.johnson", "--lang=fr"],
    ],
)
def test_lang_after_the_command_and_the_last_one_wins(
    capsys: pytest.CaptureFixture[str], argv: list[str]
) -> None:
    assert VALID["fr"] == invoke(capsys, argv).out


@pytest.mark.parametrize(
    ("argv", "found"),
    [
        ([], None),
        (["--lang"], None),
        (["--lang", "--help"], None),
        (["--lang", "fr", "--", "--lang", "en"], "fr"),
        (["--lang=", "x"], ""),
        (["login", "--lang", "de"], "de"),
    ],
)
def test_requested_language(argv: list[str], found: str | None) -> None:
    assert found == _lang.requested_language(argv)


@pytest.mark.parametrize(
    ("environ", "lang", "message"),
    [
        ({}, "en", "unsupported language 'de' for --lang: choose one of en, fr"),
        (
            {"LANG": "fr_FR.UTF-8"},
            "fr",
            f"langue non prise en charge pour --lang{NBSP}: «{NBSP}de{NBSP}»{NNBSP}; "
            "choisissez parmi en, fr",
        ),
    ],
)
def test_an_unsupported_lang_is_a_usage_error_in_the_environment_language(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    environ: dict[str, str],
    lang: str,
    message: str,
) -> None:
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    assert message == error_line(invoke(capsys, ["--lang", "de", "login", "x"]), lang)


def test_an_unsupported_lang_is_shown_escaped_and_cut(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(invoke(capsys, ["--lang", "x\x1b[2J" + "y" * 100]), "en")
    assert "\x1b" not in line
    assert "'x\\\\x1b[2J" in line
    assert "y" * 41 not in line


@pytest.mark.parametrize("argv", [["--lang"], ["login", "x", "--lang"], ["--lang", "--help"]])
def test_lang_without_a_value(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert "argument --lang: expected one argument" == error_line(invoke(capsys, argv), "en")


# --- help ------------------------------------------------------------------------


def help_of(capsys: pytest.CaptureFixture[str], lang: str, command: str | None) -> str:
    result = invoke(capsys, ["--lang", lang, *([command] if command else []), "--help"])
    assert (0, "") == (result.code, result.err)
    return result.out


def literal_parts(template: str) -> list[str]:
    """The words of a template between its placeholders (argparse may wrap them)."""
    return [
        flat(literal)
        for literal, _field, _spec, _conversion in _catalog._FORMATTER.parse(template)
        if flat(literal)
    ]


def help_keys() -> list[str]:
    return sorted(key for key in _catalog.registered() if key.startswith("cli.help."))


def test_every_help_text_is_in_the_french_help_and_no_english_one() -> None:
    """Each help string of the catalog shows in French, none in English."""
    texts = {lang: flat(_help_pages(lang)) for lang in ("en", "fr")}
    missing_french, english_left = [], []
    for key in help_keys():
        english = _catalog.registered()[key]
        french = _catalog.translate(key, english, "fr")
        assert french != english, key
        missing_french += [(key, p) for p in literal_parts(french) if p not in texts["fr"]]
        english_left += [
            (key, p)
            for p in literal_parts(english)
            if len(p) > 6 and p not in flat(french) and p in texts["fr"]
        ]
        assert all(p in texts["en"] for p in literal_parts(english)), key
    assert [] == missing_french
    assert [] == english_left


def _help_pages(lang: str) -> str:
    pages = []
    for command in [None, *COMMANDS]:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert 0 == main(["--lang", lang, *([command] if command else []), "--help"])
        pages.append(out.getvalue())
    return "\n".join(pages)


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_french_help_of_every_command(
    capsys: pytest.CaptureFixture[str], command: str | None
) -> None:
    text = help_of(capsys, "fr", command)
    assert text.startswith(f"utilisation{NBSP}: emailpro-core ")
    assert "afficher cette aide et quitter" in text
    assert f"options de la commande{NBSP}:" in text
    assert "{" not in text.replace("{auto,always,never}", "").split("[", 1)[0]
    for english in ("usage:", "show this help", "positional arguments", "options:"):
        assert english not in text
    # Metavars and option names stay as they are.
    assert "--lang LANG" in text


def test_french_help_lists_every_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    epilog = flat(help_of(capsys, "fr", None)).partition("Codes de sortie : ")[2]
    listed = {int(item.split()[0]) for item in epilog.rstrip(".").split(", ")}
    assert {0, 1, 2, 3, 4, 5, 130} == listed


def test_english_help_is_unchanged_by_the_option(capsys: pytest.CaptureFixture[str]) -> None:
    assert help_of(capsys, "en", "check") == invoke(capsys, ["check", "--help"]).out


def test_argparse_gets_its_words_back_after_main() -> None:
    assert 0 == main(["--lang", "fr", "login", "mary.johnson"])
    assert argparse._ is gettext.gettext  # type: ignore[attr-defined]
    assert argparse.ngettext is gettext.ngettext  # type: ignore[attr-defined]


def test_argparse_words_outside_the_catalog_stay_as_they_are() -> None:
    text, plural = _lang.argparse_gettext("fr")
    assert "not one of ours" == text("not one of ours")
    assert ["a %s", "as %s"] == [plural("a %s", "as %s", n) for n in (1, 2)]
    assert ["%s argument attendu", "%s arguments attendus"] == [
        plural("expected %s argument", "expected %s arguments", n) for n in (0, 2)
    ]
    english, english_plural = _lang.argparse_gettext("en")
    assert "usage: " == english("usage: ")
    assert "expected %s argument" == english_plural(
        "expected %s argument", "expected %s arguments", 1
    )


# --- errors ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "donnez une commande"),
        (["frob"], f"argument COMMAND{NBSP}: choix invalide{NBSP}: 'frob' (choisissez parmi"),
        (["check"], "donnez DOMAIN, ou l’objet domaine enregistré avec --ovh-domain FILE"),
        (["settings"], f"les arguments suivants sont obligatoires{NBSP}: --server"),
        (["settings", "--server", "x"], f"argument --server{NBSP}: valeur int invalide{NBSP}: 'x'"),
        (["login", "--suggest", "a"], f"argument --suggest{NBSP}: 2 arguments attendus"),
        (["login", "--taken"], f"argument --taken{NBSP}: un argument attendu"),
        (
            ["check", "x.org", "--managed", "--not-managed"],
            f"argument --not-managed{NBSP}: interdit avec l’argument --managed",
        ),
        (["check", "x.org", "--json=1"], f"argument --json{NBSP}: argument explicite '1' ignoré"),
        (["login", "a", "b"], f"arguments non reconnus{NBSP}: b"),
        (["check", "x.org", "--serv", "1"], f"arguments non reconnus{NBSP}: --serv 1"),
        (
            ["check-many", "f", "--concurrency", "0"],
            f"argument --concurrency{NBSP}: 0 est inférieur à 1",
        ),
        (
            ["check-many", "f", "--concurrency", "ten"],
            f"argument --concurrency{NBSP}: «{NBSP}ten{NBSP}» n’est pas un nombre entier",
        ),
        (
            ["check-many", "f", "--deadline", "soon"],
            f"argument --deadline{NBSP}: «{NBSP}soon{NBSP}» n’est pas un nombre",
        ),
        (
            ["check-many", "f", "--deadline", "-1"],
            f"argument --deadline{NBSP}: «{NBSP}-1{NBSP}» n’est pas un nombre supérieur à 0",
        ),
        (["password", "--birth-date", "x"], f"argument --birth-date{NBSP}: écrivez la date"),
        (["password", "secret"], f"password ne prend aucun argument{NBSP}: le mot de passe"),
        (["login"], "donnez un nom d’utilisateur à vérifier"),
        (["records", "a..b"], f"configuration de domaine invalide{NBSP}: "),
        (["check", "example.org", "--nameserver", "x"], f"--nameserver «{NBSP}x{NBSP}» n’est pas"),
        (["check", "mydomain.ovh", "--zone", "nowhere.zone"], "impossible de lire la zone "),
        (["generate-password", "--count", "5000"], "--count vaut au plus 1000"),
        (["example", "nowhere.example"], f"nom d’exemple invalide{NBSP}: "),
    ],
)
def test_usage_errors_in_french(
    capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    result = invoke(capsys, ["--lang", "fr", *argv])
    assert error_line(result, "fr").startswith(expected)
    assert "secret" not in result.err


def test_an_error_outside_the_zone_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    line = error_line(invoke(capsys, ["--lang", "fr", "check", "other.org", "--zone", ZONE]), "fr")
    assert (
        f"other.org n’est pas dans la zone mydomain.ovh{NNBSP}; vérifiez un domaine de la "
        "zone, ou ajoutez --nameserver pour interroger hors de la zone"
    ) == line


def test_validation_errors_render_each_violation() -> None:
    (short,) = check_login("a")
    error = InvalidLogin((short, short))
    assert str(error) == _messages.validation_text(error, "en")
    french = _messages.validation_text(error, "fr")
    assert french == (
        f"nom d’utilisateur invalide{NBSP}: {short.render('fr')} [login.too_short]{NNBSP}; "
        f"{short.render('fr')} [login.too_short]"
    )
    empty = InvalidLogin(())
    assert ("invalid login", "nom d’utilisateur invalide") == (
        _messages.validation_text(empty, "en"),
        _messages.validation_text(empty, "fr"),
    )
    odd = ValidationError((Violation("my.code", "my words"),), subject="frobnicator")
    assert str(odd) == _messages.validation_text(odd, "en")
    # A subject the catalog does not know is kept as the caller wrote it.
    assert f"frobnicator invalide{NBSP}: my words [my.code]" == (
        _messages.validation_text(odd, "fr")
    )
    assert "frobnicator invalide" == _messages.validation_text(
        ValidationError((), subject="frobnicator"), "fr"
    )


# --- output ----------------------------------------------------------------------


def test_login_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, ["--lang", "fr", "login", "mary,johnson"])
    assert 1 == result.code
    assert [
        f"«{NBSP}mary,johnson{NBSP}»{NBSP}: invalide (politique default)",
        f"  login.invalid_character{NBSP}: le caractère «{NBSP},{NBSP}» (U+002C) en "
        "position 4 n’est pas autorisé",
    ] == result.out.splitlines()
    suggested = invoke(capsys, ["--lang", "fr", "login", "--suggest", "Marie", "Dupont"])
    assert f"suggestion{NBSP}: marie.dupont\n" == suggested.out
    nothing = invoke(capsys, ["--lang", "fr", "login", "--suggest", "\u4e00", "\u4e8c"])
    assert nothing.out.startswith(f"pas de suggestion{NBSP}:\n  login.nothing_usable{NBSP}: ")


def test_password_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    bad = invoke(capsys, ["--lang", "fr", "password"], stdin="short\n")
    assert 1 == bad.code
    assert bad.out.startswith("le mot de passe ne respecte pas la politique default (")
    good = invoke(capsys, ["--lang", "fr", "password"], stdin="Tr0ub4dor&3\n")
    assert (0, True) == (good.code, good.out.startswith("le mot de passe respecte la politique"))
    many = invoke(capsys, ["--lang", "fr", "password"], stdin="a\nb\n")
    assert "l’entrée standard compte plus d’une ligne" in error_line(many, "fr")


def test_settings_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    result = invoke(capsys, ["--lang", "fr", "settings", "--server", "2"])
    assert [
        "serveur           pro2.mail.ovh.net",
        "nom d’utilisateur l’adresse e-mail complète du compte",
        "IMAP      pro2.mail.ovh.net  port 993  chiffrement SSL/TLS",
        "POP3      pro2.mail.ovh.net  port 995  chiffrement SSL/TLS",
        "SMTP      pro2.mail.ovh.net  port 587  chiffrement STARTTLS",
    ] == result.out.splitlines()


def test_records_keep_their_zone_lines(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["records", "mydomain.ovh", "--server", "1", "--no-comments"]
    assert invoke(capsys, argv).out == invoke(capsys, ["--lang", "fr", *argv]).out


def test_example_in_french(capsys: pytest.CaptureFixture[str], tmp_path: object) -> None:
    path = f"{tmp_path}/z.zone"
    result = invoke(capsys, ["--lang", "fr", "example", "-o", path])
    assert result.err.startswith(f"zone d’exemple de mydomain.ovh écrite dans «{NBSP}")
    again = invoke(capsys, ["--lang", "fr", "example", "-o", path])
    assert error_line(again, "fr").endswith(f"» existe{NBSP}: donnez --force pour le remplacer")


def test_json_in_french_keeps_codes_and_params(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["login", "mary,johnson", "--json"]
    english = json.loads(invoke(capsys, argv).out)
    french = json.loads(invoke(capsys, ["--lang", "fr", *argv]).out)
    (en,), (fr,) = english["login"]["violations"], french["login"]["violations"]
    assert (en["code"], en["params"]) == (fr["code"], fr["params"])
    assert en["message"] == "character ',' (U+002C) at position 4 is not allowed"
    assert fr["message"] == check_login("mary,johnson")[0].render("fr") != en["message"]
    english.pop("login"), french.pop("login")
    assert english == french


def test_check_many_in_french(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = "mydomain.ovh\nmydomain.ovh\n\xff\n"
    result = invoke(
        capsys, ["--lang", "fr", "check-many", "-", "--zone", ZONE], stdin=stdin.encode("latin-1")
    )
    lines = [json.loads(line) for line in result.out.splitlines()]
    errors = {line["line"]: line["error"] for line in lines if "error" in line}
    assert {
        2: "mydomain.ovh figure déjà à la ligne 1",
        3: "la ligne n’est pas de l’UTF-8 valide",
    } == errors
    assert re.fullmatch(
        rf"1 domaine en \d+\.\d{NBSP}s \(\d+\.\d/s\){NBSP}: 0 bon, 0 avec avertissements, "
        rf"1 avec erreurs, 0 sans verdict{NNBSP}; 2 lignes invalides\n",
        result.err,
    )


def test_check_many_error_lines_render_violations(capsys: pytest.CaptureFixture[str]) -> None:
    stdin = '{"domain": "mydomain.ovh", "server_number": 0}\n'
    result = invoke(capsys, ["--lang", "fr", "check-many", "-", "--zone", ZONE], stdin=stdin)
    (line,) = [json.loads(text) for text in result.out.splitlines()]
    assert "configuration de domaine invalide" == line["error"]
    assert [v["code"] for v in line["violations"]] == ["setup.bad_server_number"]


def test_propagation_table_in_french() -> None:
    lines = cli_propagation.report_table(
        report(record(Verdict.STALE, NOW + 60)), color=False, now=NOW, lang="fr"
    )
    assert [
        f"example.org{NBSP}: STALE – la zone est juste{NNBSP}; seuls des caches sont en retard",
        f"  la dernière copie périmée expire le 2023-11-14T22:14:20Z (dans 1{NBSP}min)",
        "zone example.org.  vérifiée le 2023-11-14T22:13:20Z",
        "SERVEUR                ÉTAT           SÉRIE       NOMS",
        "192.0.2.1              authoritative  2           ns1.example.org.",
        f"résolveurs{NBSP}: 192.0.2.53",
        "VERDICT           TYPE   NOM",
    ] == lines[:7]
    assert f"le diagnostic de la vue des serveurs faisant autorité{NBSP}:" in lines


@given(
    st.integers(0, 10**6),
    st.integers(0, 10**3),
    st.integers(0, 10**3),
    st.integers(0, 10**3),
    st.integers(0, 10**3),
    st.one_of(st.none(), st.integers(1, 10**6)),
    st.booleans(),
)
def test_progress_and_summary_in_english_are_the_tally_s(
    ok: int, warning: int, error: int, unknown: int, bad: int, total: int | None, stop: bool
) -> None:
    """English words are those the command always wrote; French differs and has no hole."""
    tally = Tally(clock=lambda: 2.0, started=0.0)
    tally.ok, tally.warning, tally.error, tally.unknown, tally.bad_lines = (
        ok,
        warning,
        error,
        unknown,
        bad,
    )
    checked = ok + warning + error + unknown
    english = (
        f"{checked} domain{'' if checked == 1 else 's'} in 2.0 s ({checked / 2:.1f}/s): "
        f"{ok} ok, {warning} with warnings, {error} with errors, {unknown} unknown; "
        f"{bad} bad line{'' if bad == 1 else 's'}"
    )
    assert tally.summary(interrupted=stop) == ("interrupted after " if stop else "") + english
    out = _output()
    counts = f"{error} err, {unknown} unk, {checked / 2:.1f}/s"
    done = checked + bad
    bar = Progress(out, tally, total, enabled=False).bar()
    if total:
        assert bar.endswith(f"] {done}/{total} {100 * done // total}%  {counts}")
    else:
        assert bar == f"{done} done  {counts}"
    french = Progress(out, tally, total, enabled=False, lang="fr")
    for text in (french.bar(), tally.summary("fr", interrupted=stop)):
        assert "{" not in text
        assert text.replace(NBSP, " ").replace(NNBSP, " ").isprintable()
    assert tally.summary("fr", interrupted=stop) != tally.summary(interrupted=stop)


def _output() -> Output:
    stream = io.StringIO()
    return Output(stream, stream, stream)


# --- no argv gives a traceback, in either language ----------------------------------

_WORDS = [
    "--json",
    "--help",
    "--server",
    "1",
    "0",
    "x",
    "--token",
    "ab1cd",
    "--policy",
    "guide",
    "control-panel",
    "--suggest",
    "Marie",
    "Dupont",
    "--taken",
    "--count",
    "2",
    "--length",
    "--min-length",
    "--complexity",
    "--no-complexity",
    "--birth-date",
    "2000-01-01",
    "--format",
    "zone",
    "autoconfig",
    "--address",
    "mary@example.org",
    "--domain",
    "example.org",
    "mydomain.ovh",
    "a..b",
    "--no-comments",
    "--mode",
    "authoritative",
    "--relay",
    "--managed",
    "--not-managed",
    "--dkim-selector",
    "--deadline",
    "--concurrency",
    "--color",
    "never",
    "-v",
    "--lang",
    "fr",
    "en",
    "--",
    "-",
    "--frob",
]
# Commands that touch neither the network nor files other than the example zone.
_OFFLINE = ["login", "password", "generate-password", "records", "settings", "check"]
_ENGLISH_ARGPARSE = [
    "usage:",
    "invalid choice",
    "the following arguments are required",
    "unrecognized arguments",
    "expected one argument",
    "invalid int value",
    "not allowed with argument",
    "ignored explicit argument",
]


@given(
    st.sampled_from(["en", "fr"]),
    st.sampled_from(_OFFLINE),
    st.lists(st.sampled_from(_WORDS), max_size=6),
    st.booleans(),
)
def test_any_command_line_succeeds_or_is_a_usage_error_in_its_language(
    lang: str, command: str, words: list[str], before: bool
) -> None:
    argv = ["--lang", lang, command, *words] if before else [command, *words, "--lang", lang]
    if command == "check":
        argv += ["--zone", ZONE]
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO("Tr0ub4dor&3\n")
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv)
    finally:
        sys.stdin = saved
    # The last --lang before a "--" decides (words may hold another one); without one,
    # or with an unsupported one, the environment's language, English here.
    try:
        chosen = _catalog.normalize_language(_lang.requested_language(argv))
    except ValueError:
        chosen = "en"
    assert code in (0, 1, 2, 3), (argv, err.getvalue())
    if code == 2:
        (line,) = err.getvalue().splitlines()
        assert line.startswith(ERROR[chosen]), (argv, line)
        if chosen == "fr":
            assert not any(words in line for words in _ENGLISH_ARGPARSE), line
    assert "Traceback" not in err.getvalue()
