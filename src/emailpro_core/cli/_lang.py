"""The language of the command: ``--lang``, else the environment; argparse's words in it.

The language must be known before the parser is built, since ``--help`` is written
in it: :func:`requested_language` reads ``--lang`` from argv first (anywhere before
a ``--``, as argparse would: before the command name or after it), then the parser
is built with its help in that language. Without ``--lang``, the environment
decides (``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG``), and a language the
package does not write gives English.

>>> requested_language(["check", "example.org", "--lang", "fr"])
'fr'
>>> requested_language(["--lang=en", "login", "--", "--lang", "fr"])
'en'
>>> compose("cli.error", "fr", prog="emailpro-core", message="oups")
'emailpro-core\\xa0: erreur\\xa0: oups'
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Callable, Iterator, Sequence

from ..i18n import _catalog

#: The option that chooses the language, global or after a command name.
LANG_OPTION = "--lang"

# argparse writes its own words (headings, usage, errors) through gettext's
# "argparse" domain, for which Python ships no catalog: they are registered here,
# keyed by a name of ours, their English being argparse's msgid. The msgids of
# Python 3.11 to 3.13 that this command can show; one argparse does not use in a
# version simply never matches.
_ARGPARSE = {
    "cli.argparse.usage": "usage: ",
    "cli.argparse.positionals": "positional arguments",
    "cli.argparse.options": "options",
    "cli.argparse.heading": "%(heading)s:",
    "cli.argparse.help": "show this help message and exit",
    "cli.argparse.argument": "argument %(argument_name)s: %(message)s",
    "cli.argparse.unrecognized": "unrecognized arguments: %s",
    "cli.argparse.required": "the following arguments are required: %s",
    "cli.argparse.one_required": "one of the arguments %s is required",
    "cli.argparse.not_allowed": "not allowed with argument %s",
    "cli.argparse.ignored": "ignored explicit argument %r",
    "cli.argparse.expected_one": "expected one argument",
    "cli.argparse.expected_at_most_one": "expected at most one argument",
    "cli.argparse.expected_at_least_one": "expected at least one argument",
    "cli.argparse.ambiguous": "ambiguous option: %(option)s could match %(matches)s",
    "cli.argparse.unexpected": "unexpected option string: %s",
    "cli.argparse.invalid_value": "invalid %(type)s value: %(value)r",
    "cli.argparse.invalid_choice": "invalid choice: %(value)r (choose from %(choices)s)",
}
# argparse's only plural: "expected %s argument(s)" (``--suggest FIRST LAST``).
_PLURALS = {
    ("expected %s argument", "expected %s arguments"): (
        "cli.argparse.expected_n:one",
        "cli.argparse.expected_n:many",
    ),
}

MESSAGES = _catalog.register(
    {
        **_ARGPARSE,
        "cli.argparse.expected_n:one": "expected %s argument",
        "cli.argparse.expected_n:many": "expected %s arguments",
        "cli.error": "{prog}: error: {message}",
        "cli.lang.unsupported": "unsupported language {value!r} for --lang: "
        "choose one of {languages}",
    }
)
_KEYS = {msgid: key for key, msgid in _ARGPARSE.items()}


def say(key: str, lang: str, /, **params: object) -> str:
    """The command's message ``key`` in ``lang``, its placeholders filled."""
    return _catalog.render(key, params, lang)


def compose(key: str, lang: str, /, **parts: str) -> str:
    """The template ``key`` in ``lang``, filled with texts the command wrote itself.

    :func:`say` writes the invisible characters of a value as escapes in a
    translation, as it must for text from outside; the parts here are already
    rendered messages (a violation's, argparse's), whose non-breaking spaces
    are meant. Text from outside in them was escaped when they were rendered.
    """
    template = _catalog.registered_template(key)
    assert template is not None, key  # every key of the command is registered at import
    language = _catalog.normalize_language(lang)
    return _catalog.translate(key, template, language).format_map(parts)


def plural(key: str, count: int, lang: str, /) -> str:
    """``key:one`` or ``key:many``, the form ``count`` takes in ``lang``.

    French writes the singular for 0 and 1, English for 1 alone.
    """
    one = count in (0, 1) if lang == "fr" else count == 1
    return f"{key}:{'one' if one else 'many'}"


def requested_language(argv: Sequence[str], /) -> str | None:
    """The value of the last ``--lang`` in ``argv`` (before a ``--``), if any.

    A ``--lang`` followed by nothing, or by another option, has no value here:
    argparse then reports it ("expected one argument").
    """
    found = None
    for index, word in enumerate(argv):
        if word == "--":
            break
        if word == LANG_OPTION:
            value = argv[index + 1] if index + 1 < len(argv) else None
            if value is not None and not value.startswith("-"):
                found = value
        elif word.startswith(LANG_OPTION + "="):
            found = word.removeprefix(LANG_OPTION + "=")
    return found


def argparse_gettext(lang: str, /) -> tuple[Callable[[str], str], Callable[[str, str, int], str]]:
    """The ``gettext`` and ``ngettext`` that give argparse its words in ``lang``."""

    def gettext(message: str) -> str:
        key = _KEYS.get(message)
        return message if key is None else _catalog.translate(key, message, lang)

    def ngettext(singular: str, plural_message: str, count: int) -> str:
        keys = _PLURALS.get((singular, plural_message))
        if keys is None:
            return singular if count == 1 else plural_message
        one = plural("", count, lang) == ":one"
        key, message = (keys[0], singular) if one else (keys[1], plural_message)
        return _catalog.translate(key, message, lang)

    return gettext, ngettext


# Python 3.13 writes a heading through gettext ("%(heading)s:"), translated with a
# non-breaking space before the colon; 3.11 and 3.12 add the colon themselves, so
# the space goes at the end of the heading.
_HEADING_END = "" if sys.version_info >= (3, 13) else "\u00a0"


def help_formatter(lang: str, /) -> type[argparse.HelpFormatter]:
    """The help formatter of the parsers in ``lang``: French puts a space before ``:``."""
    if lang == _catalog.DEFAULT_LANGUAGE:
        return argparse.HelpFormatter

    class SpokenFormatter(argparse.HelpFormatter):
        def start_section(self, heading: str | None) -> None:
            super().start_section(None if heading is None else heading + _HEADING_END)

    return SpokenFormatter


@contextlib.contextmanager
def argparse_speaks(lang: str, /) -> Iterator[None]:
    """argparse writes its own words in ``lang`` while the block runs.

    argparse looks them up through the names ``_`` and ``ngettext`` it imported
    from :mod:`gettext`, at every use: replacing those two names reaches every
    word it writes (the usage line, the headings, the errors built deep inside
    ``parse_known_args``), which a parser or formatter subclass could not. The
    names are restored when the block ends. The swap is process-wide, so it is
    not thread-safe: it is meant for :func:`emailpro_core.cli.main`, the
    command's own entry point, run by one thread at a time; a program that
    parses with argparse in other threads meanwhile would see French too.
    """
    names = vars(argparse)
    saved = (names["_"], names["ngettext"])
    names["_"], names["ngettext"] = argparse_gettext(lang)
    try:
        yield
    finally:
        names["_"], names["ngettext"] = saved
