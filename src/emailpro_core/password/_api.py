"""The password side of the provider's API objects: a service's policy, an account's data.

``email.pro.Service`` holds the policy fields (reference §6): ``complexityEnabled``
and ``minPasswordLength`` decide the rules a password follows in the control panel
(M-PWD); the others (``maxPasswordAge``, ``minPasswordAge``, ``lockoutThreshold``,
``lockoutDuration``, ``lockoutObservationWindow``) govern when a password expires
or an account locks, not what a password may hold, and are not read.
``email.pro.Account`` holds the personal data a password must not contain
(``login``, ``firstName``, ``lastName``, ``displayName``).

The readers here return plain values; :meth:`PasswordPolicy.from_api` and
:meth:`PersonalInfo.from_api` build from them.
"""

from __future__ import annotations

from .._apijson import Fields, at, message, raise_if
from ..errors import Violation
from ..i18n._catalog import register

#: M-PWD passwordSimpleCheck: "Length must be between minPasswordLength and 127".
SERVICE_MAX_LENGTH = 127
# Reference §6 (M-I18N): minPasswordLength is 0 ("no password required") or 3-14.
SERVICE_MIN_LENGTHS = range(3, 15)

#: The templates of the messages of this module, by code (params in braces).
_MESSAGES = register(
    {
        "password_policy.min_length_out_of_range": (
            "minPasswordLength is {value}; the service accepts 0 or {minimum} to {maximum}"
        ),
    }
)


def min_length_problem(value: int, /) -> Violation | None:
    """The violation of a ``minPasswordLength`` out of the service's range, if it is."""
    if value == 0 or value in SERVICE_MIN_LENGTHS:
        return None
    return message(
        "password_policy.min_length_out_of_range",
        value=value,
        minimum=SERVICE_MIN_LENGTHS.start,
        maximum=SERVICE_MIN_LENGTHS.stop - 1,
    )


def read_service_policy(service: object, /) -> tuple[bool, int | None]:
    """``complexityEnabled`` and ``minPasswordLength`` of a service object.

    ``complexityEnabled`` is required (a boolean); ``minPasswordLength`` may be
    absent or null (no minimum), else an integer of 0 or 3-14.

    Raises:
        InvalidApiObject: every problem, with its path under ``service``.
    """
    problems: list[Violation] = []
    fields = Fields(service, "service", problems)
    complexity = fields.boolean("complexityEnabled", required=True)
    min_length = fields.integer("minPasswordLength", nullable=True)
    if min_length is not None:
        problem = min_length_problem(min_length)
        if problem is not None:
            problems.append(at("service.minPasswordLength", problem))
    raise_if(problems)
    assert complexity is not None  # required: a problem otherwise
    return complexity, min_length


def read_account_personal(account: object, /) -> dict[str, str | None]:
    """The personal data of an account object, as :class:`PersonalInfo` keywords.

    ``login`` is required (a string); ``firstName``, ``lastName`` and
    ``displayName`` may be absent or null.

    Raises:
        InvalidApiObject: every problem, with its path under ``account``.
    """
    problems: list[Violation] = []
    fields = Fields(account, "account", problems)
    found = {
        "login": fields.string("login", required=True),
        "first_name": fields.string("firstName", nullable=True),
        "last_name": fields.string("lastName", nullable=True),
        "display_name": fields.string("displayName", nullable=True),
    }
    raise_if(problems)
    return found
