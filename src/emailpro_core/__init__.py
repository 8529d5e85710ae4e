"""emailpro_core: the rules of hosted business e-mail, and a DNS diagnosis against them."""

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

__all__ = [
    "AuthoritativeDomainDetected",
    "Domain",
    "EmailProError",
    "InvalidDomain",
    "InvalidLogin",
    "InvalidPassword",
    "ValidationError",
    "Violation",
    "check_domain_name",
    "normalize_domain",
]
