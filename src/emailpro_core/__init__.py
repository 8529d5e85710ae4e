"""emailpro_core: the rules of hosted business e-mail, and a DNS diagnosis against them.

The main names of every public module are re-exported here; the modules
(``naming``, ``password``, ``routing``, ``records``, ``checker``, ``sources``,
``spf``, ``dkim``, ``dmarc``, ``client``, ``domains``, ``errors``) are importable
too and hold the rest.

>>> import emailpro_core
>>> emailpro_core.check_login("mary.johnson")
()
>>> emailpro_core.normalize_domain("MyDomain.OVH.").ascii
'mydomain.ovh'
"""

from __future__ import annotations

from .domains import Domain, check_domain_name, normalize_domain
from .errors import (
    AuthoritativeDomainDetected,
    EmailProError,
    InvalidDomain,
    InvalidLogin,
    InvalidPassword,
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
    AsyncResolverSource,
    AsyncStubSource,
    DnsCache,
    RecordSource,
    ResolverSource,
    StaticSource,
    StubSource,
    ZoneFileError,
    ZoneSource,
)

__all__ = [
    "Address",
    "AsyncRecordSource",
    "AsyncResolverSource",
    "AsyncStubSource",
    "AuthoritativeDomainDetected",
    "DnsCache",
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
    "ServiceName",
    "StaticSource",
    "StubSource",
    "Topology",
    "Trace",
    "ValidationError",
    "Violation",
    "ZoneFileError",
    "ZoneSource",
    "check_display_name",
    "check_domain_name",
    "check_first_name",
    "check_last_name",
    "check_login",
    "check_password",
    "check_relay_target",
    "check_service_name",
    "default_mode",
    "deliver",
    "generate_password",
    "is_placeholder_address",
    "make_address",
    "normalize_domain",
    "parse_address",
    "parse_service_name",
    "route",
    "suggest_login",
    "validate_login",
    "validate_password",
    "validate_relay_target",
]
