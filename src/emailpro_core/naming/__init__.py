"""Account naming: logins, addresses, person names, service names, placeholder accounts.

>>> address = make_address("Mary.Johnson", "Example.COM.")
>>> address.ascii
'Mary.Johnson@example.com'
>>> address == parse_address("mary.johnson@example.com")
True
>>> parse_service_name("emailpro-zz1111111-1")
ServiceName(nic_part='zz1111111', index=1)
>>> is_placeholder_address("x1y2z3@configureme.me")
True
"""

from __future__ import annotations

from ._account import Account
from ._login_scan import MAX_CHARACTER_VIOLATIONS, MAX_SUGGESTION_LENGTH
from ._logins import DEFAULT_LOGIN_POLICY, LoginPolicy, check_login, suggest_login, validate_login
from ._naming import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_PERSON_NAME_LENGTH,
    PLACEHOLDER_DOMAIN,
    SERVICE_NAME_PREFIX,
    Address,
    ServiceName,
    check_display_name,
    check_first_name,
    check_last_name,
    check_service_name,
    is_placeholder_address,
    make_address,
    parse_address,
    parse_service_name,
)

__all__ = [
    "DEFAULT_LOGIN_POLICY",
    "MAX_CHARACTER_VIOLATIONS",
    "MAX_DISPLAY_NAME_LENGTH",
    "MAX_PERSON_NAME_LENGTH",
    "MAX_SUGGESTION_LENGTH",
    "PLACEHOLDER_DOMAIN",
    "SERVICE_NAME_PREFIX",
    "Account",
    "Address",
    "LoginPolicy",
    "ServiceName",
    "check_display_name",
    "check_first_name",
    "check_last_name",
    "check_login",
    "check_service_name",
    "is_placeholder_address",
    "make_address",
    "parse_address",
    "parse_service_name",
    "suggest_login",
    "validate_login",
]
