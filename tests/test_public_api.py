"""The package's public surface: a sorted __all__ that lists exactly the public names."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import emailpro_core
import emailpro_core.sources

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

#: What users import: the parts of the design (docs/architecture.md). Every other
#: module is private: its name, or its package's, starts with an underscore.
PUBLIC_MODULES = [
    "checker",
    "cli",
    "dkim",
    "dmarc",
    "domains",
    "errors",
    "examples",
    "naming",
    "password",
    "propagation",
    "records",
    "routing",
    "sources",
    "spf",
    "testing",
    "testing.strategies",
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
    for name in emailpro_core.__all__:
        getattr(emailpro_core, name)  # the lazy ones are module attributes once used
    assert set(emailpro_core.__all__) == _public_names(emailpro_core)


# Run in a fresh interpreter: this one has imported everything already.
_LAZY_PROBE = """
import sys
import emailpro_core, emailpro_core.cli, emailpro_core.checker
import emailpro_core.sources as sources
listed = {"ResolverSource", "AsyncResolverSource"} <= set(dir(emailpro_core)) & set(dir(sources))
before = sorted(m for m in ("dns.resolver", "dns.asyncresolver", "dns.query",
                            "emailpro_core.sources._live") if m in sys.modules)
from emailpro_core import AsyncResolverSource, ResolverSource
from emailpro_core.sources._live import AsyncResolverSource as A, ResolverSource as R
print(before, listed, ResolverSource is R and AsyncResolverSource is A
      and sources.ResolverSource is R and sources.AsyncResolverSource is A)
"""


def test_resolver_sources_load_on_first_use() -> None:
    """Importing the package, its CLI or checker leaves dnspython's resolver unloaded.

    The lazy names are listed by ``dir()`` all the same, and load on first use.
    """
    ran = subprocess.run(
        [sys.executable, "-c", _LAZY_PROBE], capture_output=True, text=True, check=True
    )
    assert ran.stdout.split() == ["[]", "True", "True"]


def test_unknown_attributes_raise_attribute_error() -> None:
    """The lazy loading answers only for its own names."""
    for module in (emailpro_core, emailpro_core.sources):
        with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
            _ = module.Nothing


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


def test_every_module_is_public_or_private() -> None:
    """A module is one of PUBLIC_MODULES, or private by its name or its package's."""
    package = Path(emailpro_core.__file__).parent
    unlisted = []
    for path in package.rglob("*.py"):
        parts = list(path.relative_to(package).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        name = ".".join(parts)
        private = any(part.startswith("_") for part in parts)
        if name and not private and name not in PUBLIC_MODULES:
            unlisted.append(name)
    assert [] == sorted(unlisted)
