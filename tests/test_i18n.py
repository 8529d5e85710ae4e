"""The languages: choosing one, and the French catalog against the English templates.

Every template a module registers must have a French entry with the same
placeholders, in French typography, and the compiled ``.mo`` the package ships
must say what the ``.po`` source says.
"""

from __future__ import annotations

import ast
import contextlib
import gettext
import importlib
import pickle
import pkgutil
import re
import string
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import emailpro_core
from emailpro_core._violation import templated
from emailpro_core.errors import Violation
from emailpro_core.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    _catalog,
    language_from_environment,
    normalize_language,
    render,
)
from emailpro_core.naming import check_login

PACKAGE = Path(emailpro_core.__file__).parent
LOCALE = PACKAGE / "i18n" / "locale"
NBSP = "\u00a0"
NNBSP = "\u202f"

# Modules whose messages are still written by hand (Violation(code, "text", …)):
# each leaves this list when its messages come from the catalog.
PENDING = {
    "cli/_render.py",
}


@contextlib.contextmanager
def scratch_registry() -> Iterator[None]:
    """Templates registered inside stay out of the package's registry."""
    saved = dict(_catalog._TEMPLATES)
    try:
        yield
    finally:
        _catalog._TEMPLATES.clear()
        _catalog._TEMPLATES.update(saved)


def import_everything() -> Mapping[str, str]:
    for module in pkgutil.walk_packages(emailpro_core.__path__, "emailpro_core."):
        importlib.import_module(module.name)
    return _catalog.registered()


def french() -> dict[tuple[str, str], str]:
    """The shipped .mo: (context, English template) → French."""
    with (LOCALE / "fr" / "LC_MESSAGES" / "emailpro_core.mo").open("rb") as stream:
        translations = gettext.GNUTranslations(stream)
    entries: dict[tuple[str, str], str] = {}
    for raw, text in translations._catalog.items():  # type: ignore[attr-defined]
        if isinstance(raw, str) and "\x04" in raw:
            context, msgid = raw.split("\x04", 1)
            entries[(context, msgid)] = text
    return entries


def fields(template: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(template) if f is not None}


# --- choosing a language ---------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "expected"),
    [
        (None, "en"),
        ("en", "en"),
        ("fr", "fr"),
        ("FR", "fr"),
        ("fr_FR.UTF-8", "fr"),
        ("fr-CA", "fr"),
        ("fr_BE@euro", "fr"),
        ("en_GB.ISO-8859-1", "en"),
        ("C", "en"),
        ("POSIX", "en"),
        ("C.UTF-8", "en"),
    ],
)
def test_normalize_language(tag: str | None, expected: str) -> None:
    assert normalize_language(tag) == expected


@pytest.mark.parametrize("tag", ["de", "", "frx", "english", "es_ES.UTF-8", "\x00fr"])
def test_unsupported_language_is_a_clear_error(tag: str) -> None:
    with pytest.raises(ValueError, match=r"unsupported language .*choose one of en, fr"):
        normalize_language(tag)


def test_a_language_that_is_not_a_string() -> None:
    with pytest.raises(ValueError, match="a language is a string"):
        normalize_language(3)  # type: ignore[arg-type]


@given(st.text(max_size=30))
def test_normalize_language_answers_a_language_or_raises_value_error(tag: str) -> None:
    try:
        answer = normalize_language(tag)
    except ValueError as error:
        problem = str(error)
    else:
        assert answer in LANGUAGES
        return
    assert "unsupported language" in problem
    assert problem.isprintable()


@given(st.sampled_from(LANGUAGES), st.sampled_from(["", "_FR", "-ca", ".UTF-8", "_BE.UTF-8@euro"]))
def test_any_regional_form_gives_its_language(language: str, suffix: str) -> None:
    assert normalize_language(language + suffix) == language


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LC_MESSAGES": "fr_FR.UTF-8", "LANG": "en_US.UTF-8"}, "fr"),
        ({"LC_ALL": "en_US.UTF-8", "LC_MESSAGES": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "fr", "LC_ALL": "en_US.UTF-8"}, "fr"),
        ({"LANGUAGE": "de:fr:en", "LANG": "C"}, "fr"),
        ({"LANGUAGE": "de:es", "LANG": "fr_FR.UTF-8"}, "en"),
        ({"LANGUAGE": "", "LANG": "fr_FR.UTF-8"}, "fr"),
        ({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"}, "en"),
    ],
)
def test_language_from_environment(environ: dict[str, str], expected: str) -> None:
    assert language_from_environment(environ) == expected


@given(
    st.dictionaries(
        st.sampled_from(["LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG", "LC_CTYPE"]),
        st.text(max_size=20),
    )
)
def test_the_environment_always_gives_a_language(environ: dict[str, str]) -> None:
    answer = language_from_environment(environ)
    assert answer in LANGUAGES
    # The first variable set decides; a later one never overrides it.
    first = next(
        (environ[v] for v in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG") if environ.get(v)), ""
    )
    if not first:
        assert answer == DEFAULT_LANGUAGE


# --- the templates and the registry ---------------------------------------------


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("plain", set()),
        ("{a} and {b!r}", {"a", "b"}),
        ("{count:,} records", {"count"}),
        ("{{literal}} {x}", {"x"}),
    ],
)
def test_placeholders(template: str, names: set[str]) -> None:
    assert _catalog.placeholders(template) == names


@pytest.mark.parametrize("template", ["{0}", "{}", "{a.b}", "{a[0]}", "{ a }"])
def test_templates_have_plain_named_fields_only(template: str) -> None:
    with pytest.raises(ValueError, match="not a plain name"):
        _catalog.placeholders(template)


def test_a_key_cannot_be_registered_with_two_templates() -> None:
    with scratch_registry():
        _catalog.register({"test.twice": "one"})
        _catalog.register({"test.twice": "one"})  # the same again is harmless
        with pytest.raises(ValueError, match="registered twice"):
            _catalog.register({"test.twice": "two"})
    assert "test.twice" not in _catalog.registered()


def test_render_unknown_key_and_holes() -> None:
    with pytest.raises(KeyError):
        render("no.such.code", {})
    with scratch_registry():
        _catalog.register({"test.hole": "{present} and {absent}"})
        assert render("test.hole", {"present": 1}) == "1 and {absent}"


@given(st.text(max_size=40))
def test_params_are_never_read_as_templates(value: str) -> None:
    # Text from DNS or from the user goes into params: braces in it stay braces.
    with scratch_registry():
        _catalog.register({"test.echo": "value: {value}"})
        assert render("test.echo", {"value": value}) == f"value: {value}"


@given(st.text(max_size=40))
def test_a_translation_shows_no_invisible_character(value: str) -> None:
    rendered = _catalog.fill("«\u00a0{value}\u00a0»", {"value": value}, "fr")
    shown = rendered[2:-2]
    assert shown.isprintable()
    assert shown == (value if value.isprintable() else repr(value)[1:-1])


# --- the French catalog ----------------------------------------------------------


def test_every_template_has_a_french_translation() -> None:
    templates = import_everything()
    entries = french()
    missing = [key for key, template in templates.items() if (key, template) not in entries]
    assert missing == []


def test_the_catalog_has_no_stale_entry() -> None:
    templates = import_everything()
    stale = [key for key, msgid in french() if templates.get(key) != msgid]
    assert stale == []


def test_translations_keep_the_placeholders() -> None:
    templates = import_everything()
    entries = french()
    differ = {
        key: (fields(template), fields(entries[(key, template)]))
        for key, template in templates.items()
        if (key, template) in entries and fields(template) != fields(entries[(key, template)])
    }
    assert differ == {}


def test_no_french_message_falls_back_to_english() -> None:
    templates = import_everything()
    entries = french()
    same = [key for key, t in templates.items() if entries.get((key, t)) == t and fields(t) != {""}]
    # A template made only of placeholders (or of words French shares) would be allowed
    # here; there is none today.
    assert same == []


# French typography (the Imprimerie nationale's rules): a non-breaking space before
# the colon, a narrow one before ; ! ?, non-breaking spaces inside « ».
_BAD_BEFORE_COLON = re.compile(r"(?<!\u00a0):(?=\s|$)")
_BAD_BEFORE_TALL = re.compile(r"(?<![\u202f\u00a0])[;!?](?=\s|$)")
_BAD_QUOTES = re.compile(r"«(?!\u00a0)|(?<!\u00a0)»|[\"“”]")


def typography_faults(text: str) -> list[str]:
    faults = []
    if _BAD_BEFORE_COLON.search(text):
        faults.append("colon without a non-breaking space before it")
    if _BAD_BEFORE_TALL.search(text):
        faults.append("; ! or ? without a narrow non-breaking space before it")
    if _BAD_QUOTES.search(text):
        faults.append("quotes other than « » with non-breaking spaces")
    if "'" in text.replace("{", "").replace("}", ""):
        faults.append("a straight apostrophe (French uses ’)")
    return faults


@pytest.mark.parametrize(
    ("text", "faults"),
    [
        ("le code\u00a0: ok", 0),
        ("le code : ok", 1),
        ("le code: ok", 1),
        ("vide\u202f; rien", 0),
        ("vide ; rien", 1),
        ("«\u00a0x\u00a0»", 0),
        ("« x »", 1),
        ('"x"', 1),
        ("l'adresse", 1),
        ("l’adresse", 0),
        ("pro1.mail.ovh.net:993", 0),
        ("https://example.org", 0),
    ],
)
def test_typography_faults(text: str, faults: int) -> None:
    assert len(typography_faults(text)) == faults


def test_french_follows_french_typography() -> None:
    templates = import_everything()
    entries = french()
    faults = {
        key: typography_faults(entries[(key, t)])
        for key, t in templates.items()
        if (key, t) in entries and typography_faults(entries[(key, t)])
    }
    assert faults == {}


def test_the_shipped_mo_is_the_compiled_po() -> None:
    from babel.messages import pofile

    with (LOCALE / "fr" / "LC_MESSAGES" / "emailpro_core.po").open("rb") as stream:
        catalog = pofile.read_po(stream, locale="fr")
    source = {(m.context, m.id): m.string for m in catalog if m.id and m.string}
    assert source == french()


# --- the values render in every language ----------------------------------------


def test_violation_render_table() -> None:
    (short,) = check_login("a")
    assert short.render() == short.message == "a login has at least 2 characters, not 1"
    assert short.render("en") == short.message
    assert short.render("fr") == "un nom d’utilisateur compte au moins 2 caractères, et non 1"
    assert short.render("fr_FR.UTF-8") == short.render("fr")
    with pytest.raises(ValueError, match="unsupported language"):
        short.render("de")


def test_a_foreign_violation_keeps_its_message() -> None:
    mine = Violation("my.code", "my own words", {"x": 1})
    assert mine.render("fr") == "my own words"


def test_templated_violations_pickle_with_their_variant() -> None:
    (accented,) = check_login("é" + "a")[:1]
    assert pickle.loads(pickle.dumps(accented)) == accented
    gone = templated("login.accented", {"character": "\u0301", "plain": ""}, variant="remove")
    assert gone.variant == "remove"
    assert gone.key == "login.accented:remove"
    assert "supprimez" in gone.render("fr")
    assert pickle.loads(pickle.dumps(gone)).render("fr") == gone.render("fr")


@given(st.sampled_from(sorted(import_everything())), st.sampled_from(LANGUAGES))
def test_every_template_renders_without_a_hole(key: str, language: str) -> None:
    template = _catalog.registered()[key]
    params = dict.fromkeys(fields(template), "x")
    text = _catalog.render(key, params, language)
    assert "{" not in text.replace("{{", "")
    assert text.strip()


# --- no hand-written message left -------------------------------------------------


#: Where a Finding may be called: the checker's factory, which fills the message from
#: its template, and the class's own module (read back from JSON or a pickle).
FINDING_MAKERS = {"checker/_make.py", "checker/_findings.py"}


def hand_written_violations(path: Path, name: str = "") -> list[int]:
    """Lines where a message is written by hand rather than taken from the catalog.

    ``Violation(...)`` called; ``Finding(...)`` called outside the checker's factory
    (``checker._make.finding`` fills the message from its template); or a finding's
    ``message`` changed with ``attrs.evolve(..., message=...)``.
    """
    tree = ast.parse(path.read_text(encoding="utf-8"))
    factory = name in FINDING_MAKERS
    lines = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        called = node.func.id if isinstance(node.func, ast.Name) else None
        attribute = node.func.attr if isinstance(node.func, ast.Attribute) else None
        by_hand = called == "Violation" or (called == "Finding" and not factory)
        reworded = "evolve" in (called, attribute) and any(
            k.arg == "message" for k in node.keywords
        )
        if by_hand or reworded:
            lines.append(node.lineno)
    return lines


@pytest.mark.parametrize(
    ("code", "found"),
    [
        ("Violation('a.b', 'text')", 1),
        ("Finding(check, status, 'a.b', 'text', 'x.')", 1),
        ("attrs.evolve(finding, message='more')", 1),
        ("evolve(finding, message='more')", 1),
        ("attrs.evolve(finding, fix=())", 0),
        ("finding(check, status, 'a.b', 'x.', {})", 0),
        ("templated('a.b', {})", 0),
    ],
)
def test_hand_written_messages_are_found(code: str, found: int, tmp_path: Path) -> None:
    """The check below finds each way of writing a message by hand, and nothing else."""
    module = tmp_path / "module.py"
    module.write_text(code + "\n", encoding="utf-8")
    assert len(hand_written_violations(module, "checker/_checks/mx.py")) == found


def test_messages_come_from_the_catalog() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in {"_violation.py"} or name in PENDING:
            continue
        lines = hand_written_violations(path, name)
        if lines:
            found[name] = lines
    assert found == {}


def test_pending_modules_exist() -> None:
    assert {p for p in PENDING if not (PACKAGE / p).exists()} == set()
