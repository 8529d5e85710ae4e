"""``login``, ``password``, ``generate-password``, ``records`` and ``settings``.

The password is read from standard input, or typed at a prompt that does not
echo it when standard input is a terminal; it never comes from argv and never
appears in any output.
"""

from __future__ import annotations

import argparse
import datetime
import getpass
import json
from typing import Any

from ..errors import InvalidLogin, Violation
from ..i18n import _catalog
from ..naming import LoginPolicy, check_login, parse_address, suggest_login
from ..password import PasswordPolicy, PersonalInfo, check_password, generate_password
from ..records import Security, autoconfig_xml, client_settings, expected_records
from ._common import (
    EXIT_ERROR,
    EXIT_INTERRUPTED,
    EXIT_OK,
    JSON_VERSION,
    Output,
    UsageError,
    in_language,
    is_terminal,
    one_line,
    positive_int,
)
from ._help import helper
from ._lang import compose, say
from ._messages import violation_dict
from ._ovh import add_service_option, policy_from_file
from ._setup import add_setup_options, setup_from_args

_LOGIN_POLICIES = {
    "default": LoginPolicy.default,
    "guide": LoginPolicy.guide,
    "control-panel": LoginPolicy.control_panel,
}
# The names of the protocols; no security (Security.NONE) is written in words.
_SECURITY = {Security.SSL_TLS: "SSL/TLS", Security.STARTTLS: "STARTTLS"}
# generate-password --count: enough for a batch of accounts, not a flood.
_MAX_COUNT = 1000


MESSAGES = _catalog.register(
    {
        "cli.usage_error.date": "write the date as YYYY-MM-DD",
        "cli.usage_error.service_options": "--complexity and --min-length describe the "
        "service policy only",
        "cli.usage_error.login_nothing": "give a login to check, or --suggest FIRST LAST",
        "cli.usage_error.taken": "--taken is for --suggest FIRST LAST",
        "cli.usage_error.not_utf8": "standard input is not UTF-8 text",
        "cli.usage_error.lines": "standard input has more than one line; give one password",
        "cli.violation": "  {code}: {message}",
        "cli.login.suggested": "suggested: {login}",
        "cli.login.no_suggestion": "no suggestion:",
        "cli.login.verdict:valid": "{name!r}: valid ({policy} policy)",
        "cli.login.verdict:invalid": "{name!r}: invalid ({policy} policy)",
        "cli.password.prompt": "Password: ",
        "cli.password.breaks": "the password breaks the {policy} policy ({rules}):",
        "cli.password.passes": "the password passes the {policy} policy ({rules})",
        "cli.settings.server": "server    {host}",
        "cli.settings.username": "username  {username}",
        "cli.settings.username:address": "username  the full e-mail address of the account",
        "cli.settings.endpoint": "{protocol} {host}  port {port}  {security}",
        "cli.settings.no_security": "none",
    }
)


def register(commands: Any, /, lang: str = "en") -> None:
    """Add the account and record commands to the subcommands, their help in ``lang``."""
    text = helper(lang)
    login = commands.add_parser("login", help=text("login"), description=text("login.description"))
    login.add_argument("name", nargs="?", metavar="NAME")
    login.add_argument("--policy", choices=sorted(_LOGIN_POLICIES), default="default")
    login.add_argument("--suggest", nargs=2, metavar=("FIRST", "LAST"))
    login.add_argument(
        "--taken", action="append", default=[], metavar="LOGIN", help=text("login.taken")
    )
    login.add_argument("--json", action="store_true", help=text("login.json"))
    login.set_defaults(run=run_login)

    password = commands.add_parser(
        "password",
        help=text("password"),
        description=text("password.description"),
        redact=True,
    )
    _add_policy_options(password, lang)
    password.add_argument("--json", action="store_true", help=text("password.json"))
    password.set_defaults(run=run_password)

    generate = commands.add_parser(
        "generate-password", help=text("generate"), description=text("generate.description")
    )
    _add_policy_options(generate, lang)
    count = in_language(positive_int, lang)
    generate.add_argument("--length", type=count, metavar="N")
    generate.add_argument("--count", type=count, default=1, metavar="N")
    generate.add_argument("--json", action="store_true", help=text("generate.json"))
    generate.set_defaults(run=run_generate)

    records = commands.add_parser(
        "records", help=text("records"), description=text("records.description")
    )
    records.add_argument("domain", metavar="DOMAIN")
    records.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        default="zone",
        help=text("records.json"),
    )
    # The first spelling, kept: two forms need no --format, but scripts use it.
    records.add_argument("--format", choices=("zone", "json"), help=text("records.format"))
    records.add_argument("--no-comments", action="store_true", help=text("records.no_comments"))
    add_setup_options(records, lang)
    records.set_defaults(run=run_records)

    settings = commands.add_parser(
        "settings", help=text("settings"), description=text("settings.description")
    )
    settings.add_argument("--server", type=int, required=True, metavar="N")
    settings.add_argument("--address", metavar="A", help=text("settings.address"))
    settings.add_argument("--domain", metavar="D", help=text("settings.domain"))
    settings.add_argument(
        "--format",
        choices=("text", "json", "autoconfig"),
        default="text",
        help=text("settings.format"),
    )
    settings.add_argument(
        "--json", dest="format", action="store_const", const="json", help=text("settings.json")
    )
    settings.set_defaults(run=run_settings)


def _print_json(out: Output, data: dict[str, Any]) -> None:
    out.print(json.dumps({"version": JSON_VERSION, **data}, indent=2, ensure_ascii=False))


def _date(text: str, /, lang: str = "en") -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(say("cli.usage_error.date", lang)) from None


def _add_policy_options(parser: argparse.ArgumentParser, lang: str) -> None:
    text = helper(lang)
    policy = parser.add_argument_group(text("group.policy"))
    policy.add_argument(
        "--policy", choices=("default", "guide", "service"), help=text("policy.policy")
    )
    policy.add_argument(
        "--complexity",
        action=argparse.BooleanOptionalAction,
        help=text("policy.complexity"),
    )
    policy.add_argument("--min-length", type=int, metavar="N", help=text("policy.min_length"))
    add_service_option(policy, lang)
    personal = parser.add_argument_group(text("group.personal"))
    personal.add_argument("--login", metavar="LOGIN")
    personal.add_argument("--first-name", metavar="NAME")
    personal.add_argument("--last-name", metavar="NAME")
    personal.add_argument("--display-name", metavar="NAME")
    personal.add_argument("--birth-date", type=in_language(_date, lang), metavar="YYYY-MM-DD")


def _policy(args: argparse.Namespace, out: Output, *, stdin_free: bool) -> PasswordPolicy:
    service_options = args.complexity is not None or args.min_length is not None
    if args.ovh_service is not None:
        if service_options or args.policy is not None:
            raise UsageError.of("cli.usage_error.ovh_service_policy")
        return policy_from_file(args.ovh_service, out, stdin_free=stdin_free)
    if args.policy in ("default", "guide") and service_options:
        raise UsageError.of("cli.usage_error.service_options")
    if args.policy == "service" or service_options:
        complexity = True if args.complexity is None else bool(args.complexity)
        return PasswordPolicy.from_service(
            complexity_enabled=complexity, min_length=args.min_length
        )
    return PasswordPolicy.guide() if args.policy == "guide" else PasswordPolicy.default()


def _personal(args: argparse.Namespace) -> PersonalInfo | None:
    fields = {
        "login": args.login,
        "first_name": args.first_name,
        "last_name": args.last_name,
        "display_name": args.display_name,
        "birth_date": args.birth_date,
    }
    if all(value is None for value in fields.values()):
        return None
    return PersonalInfo(**fields)


def _violation_lines(violations: tuple[Violation, ...], lang: str) -> list[str]:
    return [compose("cli.violation", lang, code=v.code, message=v.render(lang)) for v in violations]


def _suggestion(args: argparse.Namespace) -> tuple[str | None, tuple[Violation, ...]]:
    try:
        return suggest_login(*args.suggest, taken=args.taken), ()
    except InvalidLogin as exc:
        return None, exc.violations


def run_login(args: argparse.Namespace, out: Output, /) -> int:
    """``login NAME`` / ``login --suggest FIRST LAST [--taken LOGIN ...]``."""
    if args.name is None and args.suggest is None:
        raise UsageError.of("cli.usage_error.login_nothing")
    if args.taken and args.suggest is None:
        raise UsageError.of("cli.usage_error.taken")
    policy = _LOGIN_POLICIES[args.policy]()
    suggested, unusable = (None, ()) if args.suggest is None else _suggestion(args)
    found = () if args.name is None else check_login(args.name, policy=policy)
    code = EXIT_ERROR if found or unusable else EXIT_OK
    if args.json:
        _print_json(
            out,
            {
                "policy": policy.name,
                "login": None
                if args.name is None
                else {
                    "name": args.name,
                    "valid": not found,
                    "violations": [violation_dict(v, out.lang) for v in found],
                },
                "suggestion": None
                if args.suggest is None
                else {
                    "login": suggested,
                    "violations": [violation_dict(v, out.lang) for v in unusable],
                },
            },
        )
        return code
    if suggested is not None:
        out.print(out.say("cli.login.suggested", login=suggested))
    elif unusable:
        out.print_lines([out.say("cli.login.no_suggestion"), *_violation_lines(unusable, out.lang)])
    if args.name is not None:
        key = "cli.login.verdict:invalid" if found else "cli.login.verdict:valid"
        out.print_lines([out.say(key, name=one_line(args.name, limit=60), policy=policy.name)])
        out.print_lines(_violation_lines(found, out.lang))
    return code


def _read_password(out: Output) -> str:
    if is_terminal(out.stdin):
        return getpass.getpass(out.say("cli.password.prompt"))
    try:
        text = out.stdin.read()
    except UnicodeDecodeError:
        raise UsageError.of("cli.usage_error.not_utf8") from None
    # One password, one line: the newline that ends it is not part of it.
    if text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    if "\n" in text:
        raise UsageError.of("cli.usage_error.lines")
    return text


def run_password(args: argparse.Namespace, out: Output, /) -> int:
    """``password``: check the password on standard input; never show it."""
    policy = _policy(args, out, stdin_free=False)
    personal = _personal(args)
    try:
        password = _read_password(out)
    except (EOFError, KeyboardInterrupt):
        out.note("")
        return EXIT_INTERRUPTED
    found = check_password(password, policy=policy, personal=personal)
    del password
    if args.json:
        _print_json(
            out,
            {
                "policy": policy.name,
                "rules": policy.describe(out.lang),
                "valid": not found,
                "violations": [violation_dict(v, out.lang) for v in found],
            },
        )
        return EXIT_ERROR if found else EXIT_OK
    if found:
        out.print(
            out.say("cli.password.breaks", policy=policy.name, rules=policy.describe(out.lang))
        )
        out.print_lines(_violation_lines(found, out.lang))
        return EXIT_ERROR
    out.print(out.say("cli.password.passes", policy=policy.name, rules=policy.describe(out.lang)))
    return EXIT_OK


def run_generate(args: argparse.Namespace, out: Output, /) -> int:
    """``generate-password``: print ``--count`` passwords that pass the policy."""
    if args.count > _MAX_COUNT:
        raise UsageError.of("cli.usage_error.at_most", option="--count", limit=_MAX_COUNT)
    policy = _policy(args, out, stdin_free=True)
    personal = _personal(args)
    try:
        passwords = [
            generate_password(policy=policy, personal=personal, length=args.length)
            for _ in range(args.count)
        ]
    except (ValueError, RuntimeError) as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        _print_json(out, {"policy": policy.name, "passwords": passwords})
    else:
        out.print_lines(passwords)
    return EXIT_OK


def run_records(args: argparse.Namespace, out: Output, /) -> int:
    """``records DOMAIN``: the expected records as zone text or JSON."""
    records = expected_records(setup_from_args(args.domain, args))
    if args.format == "json":
        out.print(records.to_json())
    else:
        out.print_lines(records.to_zone_text(comments=not args.no_comments).splitlines())
    return EXIT_OK


def run_settings(args: argparse.Namespace, out: Output, /) -> int:
    """``settings --server N``: client settings, as text, JSON or an autoconfig document."""
    address = None if args.address is None else parse_address(args.address)
    if args.format == "autoconfig":
        domain = args.domain or (None if address is None else address.domain)
        if domain is None:
            raise UsageError("--format autoconfig needs --domain or --address")
        out.print_lines(autoconfig_xml(args.server, domain=domain).splitlines())
        return EXIT_OK
    settings = client_settings(args.server, address=address)
    if args.format == "json":
        _print_json(out, settings.to_dict())
        return EXIT_OK
    if settings.username:
        username = out.say("cli.settings.username", username=settings.username)
    else:
        username = out.say("cli.settings.username:address")
    lines = [out.say("cli.settings.server", host=settings.host), username]
    for e in settings.endpoints:
        security = _SECURITY.get(e.security) or out.say("cli.settings.no_security")
        line = out.say(
            "cli.settings.endpoint",
            protocol=f"{e.protocol.name:<9}",
            host=e.host,
            port=e.port,
            security=security,
        )
        lines.append(line)
    out.print_lines(lines)
    return EXIT_OK
