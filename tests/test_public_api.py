"""The package's public surface: a sorted __all__ that lists exactly the public names."""

from __future__ import annotations

import importlib
from types import ModuleType

import emailpro_core

# The names the design promises users (DESIGN.md, "Public surface").
PROMISED = {
    "AuthoritativeDomainDetected",
    "Domain",
    "DomainMode",
    "EmailProError",
    "InvalidDomain",
    "InvalidLogin",
    "InvalidPassword",
    "LoginPolicy",
    "PasswordPolicy",
    "PersonalInfo",
    "Platform",
    "RecordSource",
    "ResolverSource",
    "AsyncResolverSource",
    "StaticSource",
    "Topology",
    "Trace",
    "ValidationError",
    "Violation",
    "ZoneSource",
    "check_domain_name",
    "check_login",
    "check_password",
    "check_relay_target",
    "default_mode",
    "deliver",
    "generate_password",
    "is_placeholder_address",
    "make_address",
    "normalize_domain",
    "parse_service_name",
    "route",
    "suggest_login",
    "validate_login",
    "validate_password",
}

PUBLIC_MODULES = [
    "checker",
    "cli",
    "client",
    "dkim",
    "dmarc",
    "domains",
    "errors",
    "naming",
    "password",
    "profiles",
    "records",
    "routing",
    "sources",
    "spf",
    "testing",
]


def _public_names(module: ModuleType) -> set[str]:
    return {
        name
        for name, value in vars(module).items()
        if not name.startswith("_") and not isinstance(value, ModuleType) and name != "annotations"
    }


def test_all_is_sorted() -> None:
    """__all__ is sorted, without duplicates."""
    assert list(emailpro_core.__all__) == sorted(set(emailpro_core.__all__))


def test_all_lists_exactly_the_public_names() -> None:
    """Every public name of the package is in __all__, and nothing else."""
    assert set(emailpro_core.__all__) == _public_names(emailpro_core)


def test_promised_names_are_exported() -> None:
    """Every name the design promises is exported from the package."""
    assert PROMISED - set(emailpro_core.__all__) == set()


def test_public_modules_declare_their_names() -> None:
    """Each public module has an __all__ without duplicates whose names all exist."""
    for name in PUBLIC_MODULES:
        module = importlib.import_module(f"emailpro_core.{name}")
        exported = list(module.__all__)
        assert len(exported) == len(set(exported)), name
        missing = [n for n in exported if not hasattr(module, n)]
        assert missing == [], name
