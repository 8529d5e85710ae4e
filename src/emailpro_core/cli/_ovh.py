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
from ..password import PasswordPolicy
from ..records import DomainSetup
from ..sources._inputfiles import InputFileError, read_at_most
from ._common import PATH_LIMIT, Output, UsageError, open_input, shown, too_deep

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


def add_check_options(parser: argparse.ArgumentParser, /) -> None:
    """``--ovh-domain`` and ``--ovh-dkim``."""
    group = parser.add_argument_group("saved API responses (JSON, as the API returns them)")
    group.add_argument(
        "--ovh-domain",
        metavar="FILE|-",
        help="the domain object (GET /email/pro/{service}/domain/{domain}): the setup, "
        "and the control panel's flags, set against the diagnosis",
    )
    group.add_argument(
        "--ovh-dkim",
        action="append",
        default=[],
        metavar="FILE|-",
        help="a DKIM object (GET .../dkim/{selector}), or an array of them; repeat for each",
    )


def _read(path: str, out: Output, problems: list[str]) -> object:
    """The JSON value of ``path``; ``None`` with a problem added when it cannot be read."""
    where = "standard input" if path == "-" else shown(path, limit=PATH_LIMIT)
    try:
        stream = open_input(path, out)
    except UsageError as exc:
        problems.append(str(exc))
        return None
    try:
        data = read_at_most(stream, MAX_API_JSON_BYTES)
    except (InputFileError, OSError) as exc:
        problems.append(f"cannot read {where}: {getattr(exc, 'strerror', None) or exc}")
        return None
    finally:
        if path != "-":
            stream.close()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.append(f"{where} is not UTF-8 text")
        return None
    if too_deep(text):
        problems.append(f"{where} is not valid JSON: nested too deeply")
        return None
    try:
        return json.loads(text)
    except ValueError as exc:
        problems.append(f"{where} is not valid JSON: {exc}")
        return None


def _refuse(problems: list[str]) -> None:
    if problems:
        raise UsageError("; ".join(problems))


def _dkim_objects(paths: list[str], out: Output, problems: list[str]) -> tuple[list[object], str]:
    """Every DKIM object of the files, and which file each index came from."""
    found: list[object] = []
    origins = []
    for path in paths:
        value = _read(path, out, problems)
        items = value if isinstance(value, list) else [value]
        start = len(found)
        found.extend(items)
        name = "standard input" if path == "-" else shown(path, limit=PATH_LIMIT)
        span = f"dkim[{start}]" if len(items) == 1 else f"dkim[{start}..{len(found) - 1}]"
        origins.append(f"{span} from {name}")
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
        raise UsageError(
            f"{', '.join(stated)}: the domain object (--ovh-domain) states this; leave it out"
        )
    if [args.ovh_domain, *args.ovh_dkim].count("-") > 1:
        raise UsageError("standard input (-) can hold one file only")
    problems: list[str] = []
    domain = _read(args.ovh_domain, out, problems)
    dkim, origins = _dkim_objects(args.ovh_dkim, out, problems)
    _refuse(problems)
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
        where = f"domain from {shown(args.ovh_domain, limit=PATH_LIMIT)}"
        raise UsageError(f"{exc} ({', '.join(filter(None, [where, origins]))})") from None
    assert setup is not None
    assert panel is not None
    if args.dkim_enabled:
        setup = attrs.evolve(setup, dkim_enabled=True)
    if domain_arg is not None:
        try:
            given = normalize_domain(domain_arg).ascii
        except InvalidDomain as exc:
            raise UsageError(str(exc)) from None
        if given != setup.domain.ascii:
            raise UsageError(
                f"DOMAIN {shown(domain_arg)} is not the domain of --ovh-domain "
                f"({setup.domain.ascii}); give that domain, or leave DOMAIN out"
            )
    return setup, panel


def add_service_option(parser: argparse._ActionsContainer, /) -> None:
    """``--ovh-service`` (for ``password`` and ``generate-password``)."""
    parser.add_argument(
        "--ovh-service",
        metavar="FILE",
        help="the service object (GET /email/pro/{service}): the control panel's policy for "
        "its complexityEnabled and minPasswordLength",
    )


def policy_from_file(path: str, out: Output, /, *, stdin_free: bool) -> PasswordPolicy:
    """The policy of the service object in ``path``.

    Raises:
        UsageError: the file cannot be read or the object cannot be used (every
            problem listed); ``-`` when standard input holds the password.
    """
    if path == "-" and not stdin_free:
        raise UsageError("--ovh-service: standard input holds the password; give a file")
    problems: list[str] = []
    service = _read(path, out, problems)
    _refuse(problems)
    try:
        return PasswordPolicy.from_api(service)  # type: ignore[arg-type]
    except InvalidApiObject as exc:
        raise UsageError(f"{exc} (service from {shown(path, limit=PATH_LIMIT)})") from None
