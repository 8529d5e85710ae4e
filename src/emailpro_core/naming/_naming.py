"""Account naming: logins, addresses, person names, service names, placeholder accounts.

The implementation behind :mod:`emailpro_core.naming`, which re-exports its public names.
"""

from __future__ import annotations

import re
import unicodedata

import attrs

from .._violation import templated
from ..domains import Domain, normalize_domain
from ..errors import ValidationError, Violation, require_str
from ..i18n._catalog import register
from ._login_scan import MAX_CHARACTER_VIOLATIONS
from ._logins import DEFAULT_LOGIN_POLICY, LoginPolicy, validate_login

#: Ordered accounts show as ``…@configureme.me`` until they are configured
#: [D-EP1; M-ACC ``canChangePrimary()``].
PLACEHOLDER_DOMAIN = "configureme.me"
#: Every E-mail Pro service name begins with this [D-EP1].
SERVICE_NAME_PREFIX = "emailpro-"
#: First and last names: ``maxlength="64"`` on the account forms [M-ACC].
MAX_PERSON_NAME_LENGTH = 64
#: Display name: at most 250 characters [M-I18N ``emailpro_displayName_maxlength``].
MAX_DISPLAY_NAME_LENGTH = 250

#: The English templates of the address, service-name and person-name rules; the
#: French is in the package's gettext catalog, keyed by code. A person-name
#: message has one wording per field (the variant), so each language names the
#: field its own way.
MESSAGES = register(
    {
        "address.missing_at": "an address has the form login@domain",
        "service_name.empty": "the service name is empty",
        "service_name.wrong_prefix": "an E-mail Pro service name begins with {expected!r}",
        "service_name.malformed_nic_part": (
            "the middle part is two lower-case letters and digits from the NIC handle (zz1111111)"
        ),
        "service_name.missing_index": "the name ends with a number: -1, -2, …",
        "service_name.invalid_index:not_a_number": "the index {index!a} is not a number",
        "service_name.invalid_index": (
            "the index has no leading zero and at most {maximum} digits"
        ),
        "service_name.zero_index": "service numbers start at 1",
        **{
            f"{code}:{field}": template.replace("FIELD", field)
            for field in ("first_name", "last_name", "display_name")
            for code, template in {
                "name.empty": "the FIELD is required",
                "name.too_long": "the FIELD has at most {maximum} characters, not {length}",
                "name.control_character": (
                    "the FIELD contains a control character, {codepoint}, at position {position}"
                ),
                "name.invalid_character": (
                    "the FIELD contains a lone surrogate, {codepoint}, at position {position}"
                ),
            }.items()
        },
    }
)


# --- addresses ---------------------------------------------------------------


@attrs.frozen
class Address:
    """An account address, ``login@domain``.

    The login keeps the case it was given (it is shown as typed), but two
    addresses compare equal, and hash alike, when their logins differ only in
    case: the platform's mailboxes are case-insensitive. The domain is always
    in normalized form, so its case and trailing dot never matter.

    Attributes:
        login: The local part, as given.
        domain: The normalized domain.
    """

    login: str = attrs.field(eq=str.lower)
    domain: Domain

    @property
    def ascii(self) -> str:
        """The address with the domain in A-labels (``mary@xn--bcher-kva.example``)."""
        return f"{self.login}@{self.domain.ascii}"

    @property
    def unicode(self) -> str:
        """The address with the domain in U-labels (``mary@bücher.example``)."""
        return f"{self.login}@{self.domain.unicode}"

    def __str__(self) -> str:
        return self.ascii


def _as_domain(domain: str | Domain) -> Domain:
    if isinstance(domain, Domain):
        return domain
    return normalize_domain(require_str(domain, "a domain"))


def make_address(
    login: str, domain: str | Domain, /, *, policy: LoginPolicy = DEFAULT_LOGIN_POLICY
) -> Address:
    """Build an address from a login and a domain, validating both.

    The login is checked first, then the domain.

    Raises:
        InvalidLogin: the login breaks ``policy`` (the default policy unless given).
        InvalidDomain: the domain is not a valid domain name.
        TypeError: an argument has the wrong type.
    """
    validate_login(require_str(login, "a login"), policy=policy)
    return Address(login, _as_domain(domain))


def parse_address(text: str, /, *, policy: LoginPolicy = DEFAULT_LOGIN_POLICY) -> Address:
    """Split ``text`` on its last ``@`` and validate both sides, as :func:`make_address`.

    >>> parse_address("postmaster@Bücher.example").unicode
    'postmaster@bücher.example'

    Raises:
        ValidationError: ``address.missing_at`` when there is no ``@`` at all.
        InvalidLogin: the part before the last ``@`` breaks ``policy``.
        InvalidDomain: the part after it is not a valid domain name.
        TypeError: ``text`` is not a ``str``.
    """
    login, at, domain = require_str(text, "an address").rpartition("@")
    if not at:
        raise ValidationError(
            (templated("address.missing_at"),),
            "address",
        )
    return make_address(login, domain, policy=policy)


def is_placeholder_address(address: str | Address, /) -> bool:
    """Whether ``address`` is a not-yet-configured account (``…@configureme.me``).

    Any string is accepted; one that is not an address at all is not a placeholder.

    Raises:
        TypeError: ``address`` is neither a ``str`` nor an :class:`Address`.
    """
    if isinstance(address, Address):
        return address.domain.ascii == PLACEHOLDER_DOMAIN
    _, at, domain = require_str(address, "an address").rpartition("@")
    # Compare like normalize_domain would (case, one trailing dot) without
    # raising on garbage: a placeholder domain is plain ASCII.
    if domain.endswith("."):
        domain = domain[:-1]
    return bool(at) and domain.lower() == PLACEHOLDER_DOMAIN


# --- service names -----------------------------------------------------------


@attrs.frozen
class ServiceName:
    """The parts of a service name such as ``emailpro-zz1111111-1``.

    Attributes:
        nic_part: The part of the NIC handle (``zz1111111``).
        index: The service's number for that account, from 1 [D-EP1].
    """

    nic_part: str
    index: int

    def __str__(self) -> str:
        return f"{SERVICE_NAME_PREFIX}{self.nic_part}-{self.index}"


# D-EP1 only says "contains part of your NIC handle"; the NIC handle is "usually two
# letters followed by numbers" [D-NIC]. The shape below, ``^emailpro-[a-z]{2}\d+-\d+$``,
# is inferred from those texts and the example ``emailpro-zz1111111-1`` [D-DKIM]; no
# source states it. [0-9] rather than \d, which also matches non-ASCII digits.
_NIC_PART = re.compile(r"[a-z]{2}[0-9]+")
_INDEX = re.compile(r"[0-9]+")
# Nine digits is far beyond any real account; the bound also keeps int() cheap.
_MAX_INDEX_DIGITS = 9


def _service_violation(code: str, variant: str = "", /, **params: object) -> Violation:
    return templated(f"service_name.{code}", params, variant=variant)


def _check_index(index: str) -> list[Violation]:
    if not index:
        return [_service_violation("missing_index")]
    if not _INDEX.fullmatch(index):
        return [_service_violation("invalid_index", "not_a_number", index=index[:20])]
    if not index.strip("0"):
        return [_service_violation("zero_index", index=index)]
    if index.startswith("0") or len(index) > _MAX_INDEX_DIGITS:
        return [
            _service_violation(
                "invalid_index",
                index=index[:20],
                maximum=_MAX_INDEX_DIGITS,
            )
        ]
    return []


def check_service_name(name: str, /) -> tuple[Violation, ...]:
    """Return every way ``name`` is not an E-mail Pro service name (empty when valid).

    Codes: ``service_name.empty``, ``service_name.wrong_prefix``,
    ``service_name.malformed_nic_part``, ``service_name.missing_index``,
    ``service_name.zero_index``, ``service_name.invalid_index``.

    >>> [v.code for v in check_service_name("hosted-zz1111111-0")]
    ['service_name.wrong_prefix', 'service_name.zero_index']

    Raises:
        TypeError: ``name`` is not a ``str``.
    """
    name = require_str(name, "a service name")
    if not name:
        return (_service_violation("empty"),)
    found: list[Violation] = []
    prefix, dash, rest = name.partition("-")
    if prefix + dash != SERVICE_NAME_PREFIX:
        found.append(
            _service_violation(
                "wrong_prefix",
                expected=SERVICE_NAME_PREFIX,
            )
        )
        if not dash:
            # Nothing recognisable follows: the whole name is the wrong prefix.
            return tuple(found)
    nic_part, _, index = rest.rpartition("-") if "-" in rest else (rest, "", "")
    if not _NIC_PART.fullmatch(nic_part):
        found.append(
            _service_violation(
                "malformed_nic_part",
                nic_part=nic_part[:40],
            )
        )
    found.extend(_check_index(index))
    return tuple(found)


def parse_service_name(name: str, /) -> ServiceName:
    """Split a service name such as ``emailpro-zz1111111-1`` into its parts.

    Raises:
        ValidationError: carrying every violation of :func:`check_service_name`.
        TypeError: ``name`` is not a ``str``.
    """
    violations = check_service_name(name)
    if violations:
        raise ValidationError(violations, "service name")
    nic_part, _, index = name[len(SERVICE_NAME_PREFIX) :].rpartition("-")
    return ServiceName(nic_part, int(index))


# --- person and display names ------------------------------------------------


def _utf16_length(text: str) -> int:
    # The forms' maxlength counts UTF-16 code units (a browser rule), so a character
    # beyond the BMP counts twice; "surrogatepass" keeps lone surrogates countable.
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _is_control(char: str) -> bool:
    # Cc: C0, DEL and C1 controls; Zl/Zp: line and paragraph separators, which
    # break a one-line field just as a newline does.
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"}


def _check_name(name: str, field: str, maximum: int, *, required: bool) -> tuple[Violation, ...]:
    name = require_str(name, f"a {field.replace('_', ' ')}")
    found: list[Violation] = []
    if not name.strip():
        if required:
            found.append(templated("name.empty", {"field": field}, variant=field))
        if not name:
            return tuple(found)
    length = _utf16_length(name)
    if length > maximum:
        found.append(
            templated(
                "name.too_long",
                {"field": field, "maximum": maximum, "length": length},
                variant=field,
            )
        )
    offending = sorted((name.find(c), c) for c in set(name) if _is_bad_char(c))
    for position, char in offending[:MAX_CHARACTER_VIOLATIONS]:
        code = "name.invalid_character" if _is_surrogate(char) else "name.control_character"
        found.append(
            templated(
                code,
                {
                    "field": field,
                    "character": char,
                    "codepoint": f"U+{ord(char):04X}",
                    "position": position,
                },
                variant=field,
            )
        )
    return tuple(found)


def _is_surrogate(char: str) -> bool:
    return "\ud800" <= char <= "\udfff"


def _is_bad_char(char: str) -> bool:
    return _is_surrogate(char) or _is_control(char)


def check_first_name(name: str, /, *, required: bool = False) -> tuple[Violation, ...]:
    """Check an account's first name (API ``firstName``, at most 64 characters [M-ACC]).

    The API field is optional, so an empty name is valid unless ``required``.
    Length counts UTF-16 code units, as the form's ``maxlength`` does.

    Codes: ``name.empty``, ``name.too_long``, ``name.control_character``,
    ``name.invalid_character`` (a lone surrogate, which no API request can carry).

    Raises:
        TypeError: ``name`` is not a ``str``.
    """
    return _check_name(name, "first_name", MAX_PERSON_NAME_LENGTH, required=required)


def check_last_name(name: str, /, *, required: bool = False) -> tuple[Violation, ...]:
    """Check an account's last name (API ``lastName``); the rules of :func:`check_first_name`."""
    return _check_name(name, "last_name", MAX_PERSON_NAME_LENGTH, required=required)


def check_display_name(name: str, /, *, required: bool = False) -> tuple[Violation, ...]:
    """Check an account's display name (API ``displayName``, at most 250 [M-I18N]).

    Same codes and rules as :func:`check_first_name`.
    """
    return _check_name(name, "display_name", MAX_DISPLAY_NAME_LENGTH, required=required)
