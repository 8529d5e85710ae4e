"""Saved responses of the provider's API as the input of ``check`` and ``password``.

``check --ovh-domain FILE [--ovh-dkim FILE ...]`` builds the domain setup, and the
panel's badges, from the JSON the API returned (``-``: standard input, for one
of the files); ``password --ovh-service FILE`` builds the policy from the
service object. A file is read as ``--zone`` files are: a regular file (or
standard input), at most :data:`MAX_API_JSON_BYTES`. Every problem of every file
is listed in one usage error (exit 2).
"""

from __future__ import annotations

import argparse
import json

import attrs

from .._apijson import raise_if
from ..checker import PanelState
from ..domains import normalize_domain
from ..errors import InvalidApiObject, InvalidDomain, Violation
from ..i18n._catalog import register
from ..password import PasswordPolicy
from ..records import DomainSetup
from ..sources._inputfiles import InputFileError, read_at_most
from ._common import PATH_LIMIT, Output, UsageError, open_input, shown, too_deep
from ._help import helper
from ._lang import compose, say
from ._messages import validation_text

MESSAGES = register(
    {
        "cli.help.group.ovh": "saved API responses (JSON, as the API returns them)",
        "cli.help.ovh.domain": "the domain object (GET {call}): the setup, and the control "
        "panel's flags, set against the diagnosis",
        "cli.help.ovh.dkim": "a DKIM object (GET {call}), or an array of them; repeat for each",
        "cli.help.ovh.service": "the service object (GET {call}): the control panel's policy "
        "for its complexityEnabled and minPasswordLength",
        "cli.ovh.stdin": "standard input",
        "cli.ovh.cannot_read": "cannot read {where}: {problem}",
        "cli.ovh.not_utf8": "{where} is not UTF-8 text",
        "cli.ovh.too_deep": "{where} is not valid JSON: nested too deeply",
        "cli.ovh.not_json": "{where} is not valid JSON: {problem}",
        "cli.ovh.problems": "{first}; {rest}",
        "cli.ovh.span:one": "dkim[{start}] from {name}",
        "cli.ovh.span:many": "dkim[{start}..{end}] from {name}",
        "cli.ovh.domain_from": "domain from {path}",
        "cli.ovh.service_from": "service from {path}",
        "cli.ovh.invalid": "{error} ({origins})",
        "cli.usage_error.ovh_stated": "{options}: the domain object (--ovh-domain) states "
        "this; leave it out",
        "cli.usage_error.ovh_one_stdin": "standard input (-) can hold one file only",
        "cli.usage_error.ovh_other_domain": "DOMAIN {given} is not the domain of "
        "--ovh-domain ({domain}); give that domain, or leave DOMAIN out",
        "cli.usage_error.ovh_service_stdin": "--ovh-service: standard input holds the "
        "password; give a file",
        "cli.usage_error.ovh_dkim_alone": "--ovh-dkim needs --ovh-domain (the domain object)",
        "cli.usage_error.no_domain_given": "give DOMAIN, or the saved domain object with "
        "--ovh-domain FILE",
        "cli.usage_error.ovh_service_policy": "--ovh-service gives the policy: leave out "
        "--policy, --complexity and --min-length",
    }
)

#: The largest API response read: one object is a few kilobytes.
MAX_API_JSON_BYTES = 2**20
# The setup options the domain object states: refused beside --ovh-domain.
_STATED = (
    ("server", "--server"),
    ("token", "--token"),
    ("dkim_selector", "--dkim-selector"),
    ("mode", "--mode"),
    ("relay", "--relay"),
)


def add_check_options(parser: argparse.ArgumentParser, /, lang: str = "en") -> None:
    """``--ovh-domain`` and ``--ovh-dkim``, their help in ``lang``."""
    text = helper(lang)
    group = parser.add_argument_group(text("group.ovh"))
    domain_help = text("ovh.domain", call="/email/pro/{service}/domain/{domain}")
    group.add_argument("--ovh-domain", metavar="FILE|-", help=domain_help)
    dkim_help = text("ovh.dkim", call=".../dkim/{selector}")
    group.add_argument("--ovh-dkim", action="append", default=[], metavar="FILE|-", help=dkim_help)


def _read(path: str, out: Output, problems: list[str]) -> object:
    """The JSON value of ``path``; ``None`` with a problem added when it cannot be read."""
    lang = out.lang
    where = _where(path, lang)
    try:
        stream = open_input(path, out)
    except UsageError as exc:
        problems.append(exc.render(lang))
        return None
    try:
        data = read_at_most(stream, MAX_API_JSON_BYTES)
    except (InputFileError, OSError) as exc:
        problem = str(getattr(exc, "strerror", None) or exc)
        problems.append(say("cli.ovh.cannot_read", lang, where=where, problem=problem))
        return None
    finally:
        if path != "-":
            stream.close()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(say("cli.ovh.not_utf8", lang, where=where))
        return None
    if too_deep(text):
        problems.append(say("cli.ovh.too_deep", lang, where=where))
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        problems.append(say("cli.ovh.not_json", lang, where=where, problem=str(exc)))
        return None


def _where(path: str, lang: str) -> str:
    return say("cli.ovh.stdin", lang) if path == "-" else shown(path, limit=PATH_LIMIT)


def _refuse(problems: list[str], lang: str) -> None:
    if problems:
        text = problems[-1]
        for first in reversed(problems[:-1]):
            text = compose("cli.ovh.problems", lang, first=first, rest=text)
        raise UsageError(text)


def _dkim_objects(paths: list[str], out: Output, problems: list[str]) -> tuple[list[object], str]:
    """Every DKIM object of the files, and which file each index came from."""
    found: list[object] = []
    origins = []
    for path in paths:
        value = _read(path, out, problems)
        items = value if isinstance(value, list) else [value]
        start = len(found)
        found.extend(items)
        key = "cli.ovh.span:one" if len(items) == 1 else "cli.ovh.span:many"
        where = _where(path, out.lang)
        origins.append(
            compose(key, out.lang, start=str(start), end=str(len(found) - 1), name=where)
        )
    return found, ", ".join(origins)


def setup_and_panel(
    domain_arg: str | None, args: argparse.Namespace, out: Output, /
) -> tuple[DomainSetup, PanelState]:
    """The setup and the panel's badges from ``--ovh-domain`` and ``--ovh-dkim``.

    Raises:
        UsageError: a file cannot be read, an object cannot be used (every
            problem listed), a setup option the object states is given too, or
            ``DOMAIN`` is not the object's domain.
    """
    stated = [flag for attribute, flag in _STATED if getattr(args, attribute)]
    if stated:
        raise UsageError.of("cli.usage_error.ovh_stated", options=", ".join(stated))
    if [args.ovh_domain, *args.ovh_dkim].count("-") > 1:
        raise UsageError.of("cli.usage_error.ovh_one_stdin")
    problems: list[str] = []
    domain = _read(args.ovh_domain, out, problems)
    dkim, origins = _dkim_objects(args.ovh_dkim, out, problems)
    _refuse(problems, out.lang)
    found: list[Violation] = []
    setup = panel = None
    try:
        setup = DomainSetup.from_api(
            domain,  # type: ignore[arg-type]
            dkim=dkim,  # type: ignore[arg-type]
            managed_in_account=args.managed,
        )
    except InvalidApiObject as exc:
        found.extend(exc.violations)
    try:
        panel = PanelState.from_api(domain, dkim=dkim)  # type: ignore[arg-type]
    except InvalidApiObject as exc:
        found.extend(exc.violations)
    try:
        raise_if(found)
    except InvalidApiObject as exc:
        where = compose(
            "cli.ovh.domain_from", out.lang, path=shown(args.ovh_domain, limit=PATH_LIMIT)
        )
        from_where = ", ".join(filter(None, [where, origins]))
        error = validation_text(exc, out.lang)
        raise UsageError(
            compose("cli.ovh.invalid", out.lang, error=error, origins=from_where)
        ) from None
    assert setup is not None
    assert panel is not None
    if args.dkim_enabled:
        setup = attrs.evolve(setup, dkim_enabled=True)
    if domain_arg is not None:
        try:
            given = normalize_domain(domain_arg).ascii
        except InvalidDomain as exc:
            raise UsageError(validation_text(exc, out.lang)) from None
        if given != setup.domain.ascii:
            raise UsageError.of(
                "cli.usage_error.ovh_other_domain",
                given=shown(domain_arg),
                domain=setup.domain.ascii,
            )
    return setup, panel


def add_service_option(parser: argparse._ActionsContainer, /, lang: str = "en") -> None:
    """``--ovh-service`` (for ``password`` and ``generate-password``), its help in ``lang``."""
    parser.add_argument(
        "--ovh-service",
        metavar="FILE",
        help=helper(lang)("ovh.service", call="/email/pro/{service}"),
    )


def policy_from_file(path: str, out: Output, /, *, stdin_free: bool) -> PasswordPolicy:
    """The policy of the service object in ``path``.

    Raises:
        UsageError: the file cannot be read or the object cannot be used (every
            problem listed); ``-`` when standard input holds the password.
    """
    if path == "-" and not stdin_free:
        raise UsageError.of("cli.usage_error.ovh_service_stdin")
    problems: list[str] = []
    service = _read(path, out, problems)
    _refuse(problems, out.lang)
    try:
        return PasswordPolicy.from_api(service)  # type: ignore[arg-type]
    except InvalidApiObject as exc:
        where = compose("cli.ovh.service_from", out.lang, path=shown(path, limit=PATH_LIMIT))
        error = validation_text(exc, out.lang)
        raise UsageError(compose("cli.ovh.invalid", out.lang, error=error, origins=where)) from None
