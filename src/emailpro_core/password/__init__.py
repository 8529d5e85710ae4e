"""Password policies, checking and generation.

The rules live in :class:`PasswordPolicy` (three readings: ``default()``,
``guide()``, ``from_service(...)``); this module checks passwords against them and
generates compliant ones. A password never appears in a message, a param, a repr
or an exception.

>>> check_password("Tr0ub4dor&3")
()
>>> [v.code for v in check_password("password")]
['password.too_short', 'password.missing_upper', 'password.missing_digit']
>>> check_password("x" * 40)[0].params
mappingproxy({'maximum': 30})
"""

from __future__ import annotations

from ._api import SERVICE_MAX_LENGTH
from ._chars import CharacterClass, CharacterSet
from ._password import check_password, generate_password, validate_password
from ._personal import (
    PersonalField,
    PersonalInfo,
    PersonalRule,
    birth_date_forms,
)
from ._policy import DEFAULT_PASSWORD_POLICY, PasswordPolicy

__all__ = [
    "DEFAULT_PASSWORD_POLICY",
    "SERVICE_MAX_LENGTH",
    "CharacterClass",
    "CharacterSet",
    "PasswordPolicy",
    "PersonalField",
    "PersonalInfo",
    "PersonalRule",
    "birth_date_forms",
    "check_password",
    "generate_password",
    "validate_password",
]
