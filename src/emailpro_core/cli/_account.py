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
    is_terminal,
    positive_int,
    shown,
)
from ._ovh import add_service_option, policy_from_file
from ._setup import add_setup_options, setup_from_args

_LOGIN_POLICIES = {
    "default": LoginPolicy.default,
    "guide": LoginPolicy.guide,
    "control-panel": LoginPolicy.control_panel,
}
_SECURITY = {Security.SSL_TLS: "SSL/TLS", Security.STARTTLS: "STARTTLS", Security.NONE: "none"}
# generate-password --count: enough for a batch of accounts, not a flood.
_MAX_COUNT = 1000


def register(commands: Any, /) -> None:
    """Add the account and record commands to the subcommands."""
    login = commands.add_parser(
        "login",
        help="check an account login, or suggest one",
        description="Check NAME against a login policy (exit 0: valid, 1: not), or "
        "suggest a login for a person with --suggest FIRST LAST.",
    )
    login.add_argument("name", nargs="?", metavar="NAME")
    login.add_argument("--policy", choices=sorted(_LOGIN_POLICIES), default="default")
    login.add_argument("--suggest", nargs=2, metavar=("FIRST", "LAST"))
    login.add_argument(
        "--taken",
        action="append",
        default=[],
        metavar="LOGIN",
        help="a login already in use, which --suggest avoids; repeat for each",
    )
    _add_json_option(login, "the result")
    login.set_defaults(run=run_login)

    password = commands.add_parser(
        "password",
        help="check a password read from standard input",
        description="Check a password against a policy (exit 0: it passes, 1: not). The "
        "password is read from standard input, or at a prompt that does not echo it.",
        redact=True,
    )
    _add_policy_options(password)
    _add_json_option(password, "the result (never the password)")
    password.set_defaults(run=run_password)

    generate = commands.add_parser(
        "generate-password",
        help="print random passwords that pass a policy",
        description="Print random passwords that pass the policy and avoid the personal data.",
    )
    _add_policy_options(generate)
    generate.add_argument("--length", type=positive_int, metavar="N")
    generate.add_argument("--count", type=positive_int, default=1, metavar="N")
    _add_json_option(generate, "the passwords")
    generate.set_defaults(run=run_generate)

    records = commands.add_parser(
        "records",
        help="print the DNS records a domain needs",
        description="Print the records DOMAIN needs, ready to paste into its zone.",
    )
    records.add_argument("domain", metavar="DOMAIN")
    records.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        default="zone",
        help="print the records as JSON (a versioned document)",
    )
    # The first spelling, kept: two forms need no --format, but scripts use it.
    records.add_argument(
        "--format", choices=("zone", "json"), help="zone (the default) or json, as --json"
    )
    records.add_argument("--no-comments", action="store_true", help="zone lines only")
    add_setup_options(records)
    records.set_defaults(run=run_records)

    settings = commands.add_parser(
        "settings",
        help="print mail-client settings (IMAP, POP3, SMTP, autoconfig)",
        description="Print the settings of a mail client for the service on server N.",
    )
    settings.add_argument("--server", type=int, required=True, metavar="N")
    settings.add_argument("--address", metavar="A", help="the account's address")
    settings.add_argument("--domain", metavar="D", help="the domain (for autoconfig)")
    settings.add_argument(
        "--format",
        choices=("text", "json", "autoconfig"),
        default="text",
        help="text (the default), json, or a Thunderbird autoconfig document",
    )
    settings.add_argument(
        "--json",
        dest="format",
        action="store_const",
        const="json",
        help="print the settings as JSON, as --format json",
    )
    settings.set_defaults(run=run_settings)


def _add_json_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument(
        "--json", action="store_true", help=f"print {what} as JSON (a versioned document)"
    )


def _print_json(out: Output, data: dict[str, Any]) -> None:
    out.print(json.dumps({"version": JSON_VERSION, **data}, indent=2, ensure_ascii=False))


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError("write the date as YYYY-MM-DD") from None


def _add_policy_options(parser: argparse.ArgumentParser) -> None:
    policy = parser.add_argument_group("policy")
    policy.add_argument(
        "--policy",
        choices=("default", "guide", "service"),
        help="default (the strict intersection of the sources), guide, or service "
        "(the control panel's rules for --complexity and --min-length)",
    )
    policy.add_argument(
        "--complexity",
        action=argparse.BooleanOptionalAction,
        help="the service's complexityEnabled (implies --policy service; default on)",
    )
    policy.add_argument(
        "--min-length",
        type=int,
        metavar="N",
        help="the service's minPasswordLength, 0 or 3-14 (implies --policy service)",
    )
    add_service_option(policy)
    personal = parser.add_argument_group("personal data the password must not contain")
    personal.add_argument("--login", metavar="LOGIN")
    personal.add_argument("--first-name", metavar="NAME")
    personal.add_argument("--last-name", metavar="NAME")
    personal.add_argument("--display-name", metavar="NAME")
    personal.add_argument("--birth-date", type=_date, metavar="YYYY-MM-DD")


def _policy(args: argparse.Namespace, out: Output, *, stdin_free: bool) -> PasswordPolicy:
    service_options = args.complexity is not None or args.min_length is not None
    if args.ovh_service is not None:
        if service_options or args.policy is not None:
            raise UsageError(
                "--ovh-service gives the policy: leave out --policy, --complexity and --min-length"
            )
        return policy_from_file(args.ovh_service, out, stdin_free=stdin_free)
    if args.policy in ("default", "guide") and service_options:
        raise UsageError("--complexity and --min-length describe the service policy only")
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


def _violation_lines(violations: tuple[Violation, ...]) -> list[str]:
    return [f"  {v.code}: {v.message}" for v in violations]


def _suggestion(args: argparse.Namespace) -> tuple[str | None, tuple[Violation, ...]]:
    try:
        return suggest_login(*args.suggest, taken=args.taken), ()
    except InvalidLogin as exc:
        return None, exc.violations


def run_login(args: argparse.Namespace, out: Output, /) -> int:
    """``login NAME`` / ``login --suggest FIRST LAST [--taken LOGIN ...]``."""
    if args.name is None and args.suggest is None:
        raise UsageError("give a login to check, or --suggest FIRST LAST")
    if args.taken and args.suggest is None:
        raise UsageError("--taken is for --suggest FIRST LAST")
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
                    "violations": [v.to_dict() for v in found],
                },
                "suggestion": None
                if args.suggest is None
                else {"login": suggested, "violations": [v.to_dict() for v in unusable]},
            },
        )
        return code
    if suggested is not None:
        out.print(f"suggested: {suggested}")
    elif unusable:
        out.print_lines(["no suggestion:", *_violation_lines(unusable)])
    if args.name is not None:
        verdict = "invalid" if found else "valid"
        out.print_lines([f"{shown(args.name)}: {verdict} ({policy.name} policy)"])
        out.print_lines(_violation_lines(found))
    return code


def _read_password(out: Output) -> str:
    if is_terminal(out.stdin):
        return getpass.getpass("Password: ")
    try:
        text = out.stdin.read()
    except UnicodeDecodeError:
        raise UsageError("standard input is not UTF-8 text") from None
    # One password, one line: the newline that ends it is not part of it.
    if text.endswith("\n"):
        text = text[:-2] if text.endswith("\r\n") else text[:-1]
    if "\n" in text:
        raise UsageError("standard input has more than one line; give one password")
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
                "rules": policy.describe(),
                "valid": not found,
                "violations": [v.to_dict() for v in found],
            },
        )
        return EXIT_ERROR if found else EXIT_OK
    if found:
        out.print(f"the password breaks the {policy.name} policy ({policy.describe()}):")
        out.print_lines(_violation_lines(found))
        return EXIT_ERROR
    out.print(f"the password passes the {policy.name} policy ({policy.describe()})")
    return EXIT_OK


def run_generate(args: argparse.Namespace, out: Output, /) -> int:
    """``generate-password``: print ``--count`` passwords that pass the policy."""
    if args.count > _MAX_COUNT:
        raise UsageError(f"--count is at most {_MAX_COUNT}")
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
    lines = [
        f"server    {settings.host}",
        f"username  {settings.username or 'the full e-mail address of the account'}",
    ]
    lines += [
        f"{e.protocol.name:<9} {e.host}  port {e.port}  {_SECURITY[e.security]}"
        for e in settings.endpoints
    ]
    out.print_lines(lines)
    return EXIT_OK
