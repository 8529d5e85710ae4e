"""Violations and the exception hierarchy."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil

import pytest

import emailpro_core
from emailpro_core import errors
from emailpro_core.errors import (
    AuthoritativeDomainDetected,
    EmailProError,
    InvalidDomain,
    InvalidLogin,
    InvalidPassword,
    ValidationError,
    Violation,
    require_str,
)

TOO_SHORT = Violation("login.too_short", "a login has at least 2 characters", {"minimum": 2})
BAD_CHAR = Violation("login.invalid_character", "'!' is not allowed", {"character": "!"})


@pytest.mark.parametrize(
    ("cls", "subject"),
    [
        (ValidationError, "input"),
        (InvalidDomain, "domain name"),
        (InvalidLogin, "login"),
        (InvalidPassword, "password"),
    ],
)
def test_validation_errors_carry_violations(cls: type[ValidationError], subject: str) -> None:
    """Each validation error keeps its violations, codes and subject, and is a ValueError."""
    err = cls((TOO_SHORT, BAD_CHAR))
    assert err.violations == (TOO_SHORT, BAD_CHAR)
    assert err.codes == ("login.too_short", "login.invalid_character")
    assert err.subject == subject
    assert isinstance(err, ValueError)
    assert isinstance(err, EmailProError)
    assert str(err) == (
        f"invalid {subject}: a login has at least 2 characters [login.too_short]; "
        "'!' is not allowed [login.invalid_character]"
    )


@pytest.mark.parametrize("cls", [ValidationError, InvalidDomain, InvalidLogin, InvalidPassword])
def test_validation_errors_pickle(cls: type[ValidationError]) -> None:
    """Errors survive a pickle round trip with their violations and params."""
    err = cls((TOO_SHORT,))
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is cls
    assert back.violations == (TOO_SHORT,)
    assert dict(back.violations[0].params) == {"minimum": 2}
    assert str(back) == str(err)


def test_validation_error_without_violations() -> None:
    """An error with no violations still has a readable message."""
    assert str(ValidationError(())) == "invalid input"


def test_violation_params_are_a_frozen_copy() -> None:
    """Changing the caller's dict later does not change the violation."""
    params: dict[str, object] = {"minimum": 2}
    v = Violation("x.y", "m", params)
    params["minimum"] = 3
    assert v.params["minimum"] == 2
    with pytest.raises(TypeError):
        v.params["minimum"] = 4  # type: ignore[index]


def test_violation_equality_hash_and_dict() -> None:
    """Violations compare by code, message and params, hash, and export as dicts."""
    same = Violation("login.too_short", "a login has at least 2 characters", {"minimum": 2})
    assert same == TOO_SHORT
    assert hash(same) == hash(TOO_SHORT)
    assert Violation("login.too_short", TOO_SHORT.message, {"minimum": 3}) != TOO_SHORT
    assert TOO_SHORT != "login.too_short"
    assert TOO_SHORT.to_dict() == {
        "code": "login.too_short",
        "message": "a login has at least 2 characters",
        "params": {"minimum": 2},
    }
    assert pickle.loads(pickle.dumps(TOO_SHORT)) == TOO_SHORT


def test_authoritative_domain_detected() -> None:
    """The error names the domain and the other platform, and pickles."""
    err = AuthoritativeDomainDetected("mydomain.ovh", "mxplan-1")
    assert err.domain == "mydomain.ovh"
    assert err.other_platform == "mxplan-1"
    assert "non-authoritative" in str(err)
    assert "'mxplan-1'" in str(err)
    back = pickle.loads(pickle.dumps(err))
    assert (back.domain, back.other_platform, str(back)) == (err.domain, "mxplan-1", str(err))


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (None, "a login must be a str, not NoneType"),
        (b"abc", "a login must be a str, not bytes"),
        (3, "a login must be a str, not int"),
    ],
)
def test_require_str_refuses_other_types(value: object, message: str) -> None:
    """A non-str gets a TypeError naming what was expected and what came."""
    with pytest.raises(TypeError) as info:
        require_str(value, "a login")
    assert str(info.value) == message


def test_require_str_returns_str() -> None:
    """A str passes through unchanged."""
    assert require_str("abc", "a login") == "abc"


# --- every exception in emailpro_core.errors ------------------------------------

#: Exceptions that stay inside the package: each is caught where it is raised, so
#: that no public function lets it out. Why each one is private:
PRIVATE_EXCEPTIONS = {
    # The command's own: main() prints it as one line and exits 2.
    "emailpro_core.cli._common.UsageError": "caught by cli.main (exit 2)",
    "emailpro_core.cli._common.ParserExit": "argparse's exit, caught by cli.main",
    # A DMARC value the grammar refuses: parse_dmarc turns it into an error of the record.
    "emailpro_core.dmarc._values._BadValue": "caught by parse_dmarc",
    # A file that is not a regular file, or too big: ZoneSource raises ZoneFileError
    # for it, the command a usage error.
    "emailpro_core.sources._inputfiles.InputFileError": "ZoneFileError or UsageError",
    # Malformed or mismatched DNS messages: the stub sources answer UNKNOWN with a cause.
    "emailpro_core.sources._wire.codec.Mismatch": "a reply to another question, ignored",
    "emailpro_core.sources._wire.names.WireError": "an UNKNOWN answer of the stub sources",
    "emailpro_core.sources._wire.stub.IdsExhausted": "an UNKNOWN answer of AsyncStubSource",
    # A Dask chunk without a source: the runner turns it into UNKNOWN answers; raised
    # after a run, it fails a chunk the client cancelled (check_domains_dask).
    "emailpro_core.checker._daskworker.SourceUnavailable": "an UNKNOWN answer of the chunk",
    # Control flow of the fast zone reader and of SPF evaluation.
    "emailpro_core.sources._zoneplain._NotPlain": "the full zone parser takes over",
    "emailpro_core.spf._eval._Stop": "the end of check_host, as its result",
}


def _every_module() -> list[str]:
    found = [info.name for info in pkgutil.walk_packages(emailpro_core.__path__, "emailpro_core.")]
    return ["emailpro_core", *found]


def _exceptions_defined() -> dict[str, type[BaseException]]:
    """Every exception class of the package, by the dotted name of its definition."""
    found: dict[str, type[BaseException]] = {}
    for name in _every_module():
        module = importlib.import_module(name)
        for value in vars(module).values():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == name
            ):
                found[f"{name}.{value.__qualname__}"] = value
    return found


def test_every_exception_is_in_errors_or_listed_as_private() -> None:
    """Each exception the package defines is in errors.__all__, or private for a reason."""
    defined = _exceptions_defined()
    exported = {cls for name in errors.__all__ if isinstance(cls := getattr(errors, name), type)}
    outside = {name for name, cls in defined.items() if cls not in exported}
    assert set(PRIVATE_EXCEPTIONS) == outside
    # What users catch as EmailProError is always importable from errors.
    assert [] == [name for name in outside if issubclass(defined[name], EmailProError)]


def test_public_modules_export_only_the_exceptions_of_errors() -> None:
    """An exception offered by any public module is the very class in emailpro_core.errors."""
    seen = set()
    for name in _every_module():
        if any(part.startswith("_") for part in name.split(".")[1:]):
            continue
        module = importlib.import_module(name)
        for export in getattr(module, "__all__", ()):
            value = getattr(module, export)
            if inspect.isclass(value) and issubclass(value, BaseException):
                assert value is getattr(errors, export, None), f"{name}.{export}"
                seen.add(export)
    # The walk sees the re-exports (sources.ZoneFileError, routing.InvalidRelayTarget, ...).
    assert {"ZoneFileError", "InvalidRelayTarget", "InvalidSetup", "DomainOutsideZone"} <= seen
