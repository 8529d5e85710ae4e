"""emailpro_core: the rules of hosted business e-mail, and a DNS diagnosis against them.

The main names of every public module are re-exported here; the modules
(``naming``, ``password``, ``routing``, ``records``, ``checker``, ``propagation``,
``sources``, ``spf``, ``dkim``, ``dmarc``, ``domains``, ``errors``, ``examples``, ``cli``,
``testing``) are importable too and hold the rest.

>>> import emailpro_core
>>> emailpro_core.check_login("mary.johnson")
()
>>> emailpro_core.normalize_domain("MyDomain.OVH.").ascii
'mydomain.ovh'

``emailpro_core.__version__`` is the version of the package (PEP 440), as installed.
"""

from __future__ import annotations

import typing

from . import sources  # owns the lazy names (see __getattr__)
from ._version import __version__ as __version__
from .checker import (
    Check,
    Diagnosis,
    Finding,
    FixAction,
    FixLine,
    Status,
    check_domain,
    check_domain_async,
    check_domains,
    check_domains_dask,
    check_domains_parallel,
)
from .domains import Domain, check_domain_name, normalize_domain
from .errors import (
    AuthoritativeDomainDetected,
    EmailProError,
    InvalidApiObject,
    InvalidDomain,
    InvalidLogin,
    InvalidPassword,
    InvalidSetup,
    ValidationError,
    Violation,
)
from .naming import (
    Address,
    LoginPolicy,
    ServiceName,
    check_display_name,
    check_first_name,
    check_last_name,
    check_login,
    check_service_name,
    is_placeholder_address,
    make_address,
    parse_address,
    parse_service_name,
    suggest_login,
    validate_login,
)
from .password import (
    PasswordPolicy,
    PersonalInfo,
    check_password,
    generate_password,
    validate_password,
)
from .propagation import PropagationReport, check_propagation, check_propagation_async
from .records import (
    OVH_EMAIL_PRO,
    ClientSettings,
    DkimSelector,
    DomainSetup,
    ExpectedRecord,
    Profile,
    RecordSet,
    Requirement,
    autoconfig_xml,
    check_setup,
    client_settings,
    expected_records,
    merge_spf,
    validate_setup,
)
from .routing import (
    DomainMode,
    Platform,
    Topology,
    Trace,
    check_relay_target,
    default_mode,
    deliver,
    route,
    validate_relay_target,
)
from .sources import (
    AsyncRecordSource,
    AsyncStubSource,
    DnsCache,
    RecordSource,
    StaticSource,
    StubSource,
    ZoneFileError,
    ZoneSource,
)
from .spf import SpfOutcome, SpfResult, check_host, check_host_async, parse_spf

if typing.TYPE_CHECKING:
    from .sources import AsyncResolverSource, ResolverSource

__all__ = [
    "Address",
    "AsyncRecordSource",
    "AsyncResolverSource",
    "AsyncStubSource",
    "AuthoritativeDomainDetected",
    "Check",
    "ClientSettings",
    "Diagnosis",
    "DkimSelector",
    "DnsCache",
    "Domain",
    "DomainMode",
    "DomainSetup",
    "EmailProError",
    "ExpectedRecord",
    "Finding",
    "FixAction",
    "FixLine",
    "InvalidApiObject",
    "InvalidDomain",
    "InvalidLogin",
    "InvalidPassword",
    "InvalidSetup",
    "LoginPolicy",
    "OVH_EMAIL_PRO",
    "PasswordPolicy",
    "PersonalInfo",
    "Platform",
    "Profile",
    "PropagationReport",
    "RecordSet",
    "RecordSource",
    "Requirement",
    "ResolverSource",
    "ServiceName",
    "SpfOutcome",
    "SpfResult",
    "StaticSource",
    "Status",
    "StubSource",
    "Topology",
    "Trace",
    "ValidationError",
    "Violation",
    "ZoneFileError",
    "ZoneSource",
    "autoconfig_xml",
    "check_display_name",
    "check_domain",
    "check_domain_async",
    "check_domain_name",
    "check_domains",
    "check_domains_dask",
    "check_domains_parallel",
    "check_first_name",
    "check_host",
    "check_host_async",
    "check_last_name",
    "check_login",
    "check_password",
    "check_propagation",
    "check_propagation_async",
    "check_relay_target",
    "check_service_name",
    "check_setup",
    "client_settings",
    "default_mode",
    "deliver",
    "expected_records",
    "generate_password",
    "is_placeholder_address",
    "make_address",
    "merge_spf",
    "normalize_domain",
    "parse_address",
    "parse_service_name",
    "parse_spf",
    "route",
    "suggest_login",
    "validate_login",
    "validate_password",
    "validate_relay_target",
    "validate_setup",
]


def __getattr__(name: str) -> typing.Any:
    # The resolver-based sources load dnspython's resolver on first use: the
    # names, and their loading, are those of sources (its _LAZY).
    if name in sources._LAZY:
        value = getattr(sources, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    # As in sources: the lazy names are listed before their first use.
    return sorted(set(globals()) | set(__all__))
