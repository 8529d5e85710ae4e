"""The package's public surface: a sorted __all__ that lists exactly the public names."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import attrs
import pytest

import emailpro_core
import emailpro_core.errors
import emailpro_core.records
import emailpro_core.sources
from emailpro_core.records import OVH_EMAIL_PRO, Profile

# The names the package has promised its users since its first release (its main names).
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
    "i18n",
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


# --- one shape for the API ------------------------------------------------------


def _public_callables() -> dict[str, Callable[..., object]]:
    """Every function, class and method that a public module's __all__ offers."""
    found: dict[str, Callable[..., object]] = {}
    for name in ["", *PUBLIC_MODULES]:
        module = importlib.import_module(f"emailpro_core.{name}".rstrip("."))
        for export in module.__all__:
            value = getattr(module, export)
            if inspect.isclass(value):
                found[value.__qualname__] = value
                for attribute, member in vars(value).items():
                    member = getattr(member, "__func__", member)
                    if callable(member) and not attribute.startswith("_"):
                        found[f"{value.__qualname__}.{attribute}"] = member
            elif callable(value):
                found[f"{value.__module__}.{export}"] = value
    return found


def _takes_a_profile(function: Callable[..., object]) -> inspect.Parameter | None:
    try:
        parameters = inspect.signature(function).parameters
    except (TypeError, ValueError):  # some builtins have no signature
        return None
    parameter = parameters.get("profile")
    # RecordSet.profile is a field holding the profile's name (a str), not a Profile.
    if parameter is None or parameter.annotation not in ("Profile", Profile):
        return None
    return parameter


def test_profile_is_keyword_only_everywhere() -> None:
    """Every public function or method that accepts a Profile takes it by keyword only."""
    taking = {name: p for name, f in _public_callables().items() if (p := _takes_a_profile(f))}
    positional = sorted(name for name, p in taking.items() if p.kind is not p.KEYWORD_ONLY)
    assert [] == positional
    # The walk sees them: a sample of those that took it by position before 0.x.
    expected = {
        "emailpro_core.checker.check_domain",
        "emailpro_core.checker.check_domain_async",
        "emailpro_core.propagation._check.check_propagation",
        "emailpro_core.propagation._check.questions_of",
        "emailpro_core.records._client.client_settings",
        "emailpro_core.records._client.autoconfig_xml",
        "emailpro_core.records._expected.expected_records",
    }
    assert expected <= set(taking)


def test_profile_repr_is_short() -> None:
    """A profile shows as its name only, so that signatures and help() stay readable."""
    assert "<Profile 'OVHcloud E-mail Pro (EU)'>" == repr(OVH_EMAIL_PRO)
    signature = str(inspect.signature(emailpro_core.check_domain))
    assert "profile: 'Profile' = <Profile 'OVHcloud E-mail Pro (EU)'>" in signature
    assert len(signature) < 200
    for name, function in _public_callables().items():
        parameter = _takes_a_profile(function)
        if parameter is not None:
            assert len(str(parameter)) < 80, name


def test_profile_equality_still_compares_every_field() -> None:
    """The short repr leaves equality and the hash as they were: over all the fields."""
    same = attrs.evolve(OVH_EMAIL_PRO)
    assert same == OVH_EMAIL_PRO
    assert hash(same) == hash(OVH_EMAIL_PRO)
    other = attrs.evolve(OVH_EMAIL_PRO, default_ttl=300)
    assert repr(other) == repr(OVH_EMAIL_PRO)
    assert other != OVH_EMAIL_PRO
    assert hash(other) != hash(OVH_EMAIL_PRO)


def test_setup_names_beside_domain_setup() -> None:
    """check_setup, validate_setup and InvalidSetup are exported with DomainSetup."""
    exported = set(emailpro_core.__all__)
    assert {"DomainSetup", "InvalidSetup", "check_setup", "validate_setup"} <= exported
    assert emailpro_core.check_setup is emailpro_core.records.check_setup
    assert emailpro_core.InvalidSetup is emailpro_core.errors.InvalidSetup
