"""Domain names: UTS 46 mapping, IDNA 2008, and the host-name rules of RFC 1123.

Every other module takes domains through :func:`normalize_domain`, so a name is
compared in one form everywhere: A-labels, lower case, no trailing dot.

>>> d = normalize_domain("Bücher.Example.")
>>> d.ascii
'xn--bcher-kva.example'
>>> d.unicode
'bücher.example'
>>> [v.code for v in check_domain_name("-bad..example")]
['domain.empty_label', 'domain.hyphen_start']
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata

import attrs
import idna

from ._violation import templated
from .errors import InvalidDomain, Violation, require_str
from .i18n._catalog import register

__all__ = [
    "MAX_LABEL_OCTETS",
    "MAX_NAME_OCTETS",
    "Domain",
    "check_domain_name",
    "is_subdomain",
    "normalize_domain",
]

#: RFC 1035 §2.3.4: labels are 63 octets or less.
MAX_LABEL_OCTETS = 63
#: RFC 1035 §2.3.4 allows 255 octets on the wire; that is 253 characters in
#: presentation form without the trailing dot (RFC 2181 §11 reading).
MAX_NAME_OCTETS = 253
# Beyond this, the input cannot be a domain whatever its mapping does; refuse it
# before paying for a UTS 46 pass over megabytes.
_MAX_INPUT_CHARS = 4 * MAX_NAME_OCTETS

# RFC 1123 §2.1 / RFC 952: letters, digits and hyphens (LDH).
_LDH = re.compile(r"[a-z0-9-]+")
_NUMERIC = re.compile(r"[0-9]+")
# RFC 5893 §1.4: an RTL label contains a character of one of these bidi classes.
_RTL_CLASSES = frozenset({"R", "AL", "AN"})


@attrs.frozen
class Domain:
    """A normalized domain name.

    Attributes:
        ascii: A-labels, lower case, no trailing dot (``xn--bcher-kva.example``).
        unicode: The same name with U-labels (``bücher.example``).
    """

    ascii: str
    unicode: str

    @property
    def labels(self) -> tuple[str, ...]:
        """The A-labels, left to right."""
        return tuple(self.ascii.split("."))

    def __str__(self) -> str:
        return self.ascii


#: The English templates of the domain rules; the French is in the package's
#: gettext catalog, keyed by code. ``number`` is the label's position from 1
#: (``label`` counts from 0).
MESSAGES = register(
    {
        "domain.empty": "the domain name is empty",
        "domain.too_long:input": "the domain name is longer than {maximum} characters",
        "domain.too_long": "the name is {length} octets long; the limit is {maximum}",
        "domain.ip_literal": "an IP address is not a domain name",
        "domain.idna_invalid:mapping": "the name cannot be mapped: {reason}",
        "domain.idna_invalid:alabel": "invalid A-label: {reason}",
        "domain.idna_invalid": "label {number} is not a valid IDNA 2008 label: {reason}",
        "domain.idna_invalid:bidi": (
            "label {number} breaks the Bidi rule of a right-to-left name (RFC 5893 §2): {reason}"
        ),
        "domain.invalid_character": (
            "label {number} contains {character!r}; only letters, digits and hyphens are allowed"
        ),
        "domain.hyphen_start": "a label cannot start with a hyphen",
        "domain.hyphen_end": "a label cannot end with a hyphen",
        "domain.reserved_hyphens": (
            "hyphens in the third and fourth positions are reserved for A-labels"
        ),
        "domain.empty_label": "the name has an empty label (two dots in a row)",
        "domain.label_too_long": "label {number} is {length} octets long; the limit is {maximum}",
        "domain.single_label": "a domain name needs at least two labels",
        "domain.numeric_tld": "the top-level label cannot be all digits",
    }
)


def _violation(code: str, variant: str = "", /, **params: object) -> Violation:
    return templated(f"domain.{code}", params, variant=variant)


def _is_ip_literal(text: str) -> bool:
    candidate = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if candidate.lower().startswith("ipv6:"):
        candidate = candidate[5:]
    try:
        ipaddress.ip_address(candidate)
    except ValueError:
        return False
    return True


def _check_ascii_label(label: str, index: int) -> list[Violation]:
    found: list[Violation] = []
    if not _LDH.fullmatch(label):
        bad = next(c for c in label if not ("a" <= c <= "z" or "0" <= c <= "9" or c == "-"))
        found.append(
            _violation(
                "invalid_character",
                label=index,
                number=index + 1,
                character=bad,
                position=label.index(bad),
            )
        )
    if label.startswith("-"):
        found.append(_violation("hyphen_start", label=index))
    if label.endswith("-"):
        found.append(_violation("hyphen_end", label=index))
    if label[2:4] == "--" and not found:
        # RFC 5891 §4.2.3.1: "??--" is reserved; only a valid "xn--" A-label may use it.
        if not label.startswith("xn--"):
            found.append(_violation("reserved_hyphens", label=index))
        else:
            try:
                idna.decode(label)
            except idna.IDNAError as exc:
                found.append(_violation("idna_invalid", "alabel", label=index, reason=str(exc)))
    return found


def _to_alabel(label: str, index: int) -> tuple[str, list[Violation]]:
    if label.isascii():
        return label, _check_ascii_label(label, index)
    try:
        # idna.alabel would also refuse a label whose A-label is over 63 octets, as
        # an IDNAError; checking and encoding here leaves that to label_too_long.
        idna.check_label(label)
        return "xn--" + label.encode("punycode").decode("ascii"), []
    except (idna.IDNAError, UnicodeError) as exc:
        return label, [
            _violation(
                "idna_invalid",
                label=index,
                number=index + 1,
                reason=str(exc),
            )
        ]


def _bidi_violations(ulabels: list[str]) -> list[Violation]:
    # RFC 5893 §2: in a name with at least one right-to-left label (a character of
    # bidi class R, AL or AN), EVERY label must satisfy the Bidi rule, left-to-right
    # labels included. idna checks each label on its own, so "0à.א" would pass it.
    if not any(
        unicodedata.bidirectional(char) in _RTL_CLASSES for label in ulabels for char in label
    ):
        return []
    found: list[Violation] = []
    for index, label in enumerate(ulabels):
        try:
            idna.check_bidi(label, check_ltr=True)
        except idna.IDNAError as exc:
            found.append(
                _violation(
                    "idna_invalid",
                    "bidi",
                    label=index,
                    number=index + 1,
                    reason=str(exc),
                )
            )
    return found


def _analyse(text: str) -> tuple[Domain | None, tuple[Violation, ...]]:
    stripped = text.strip()
    if not stripped or stripped == ".":
        return None, (_violation("empty"),)
    if len(stripped) > _MAX_INPUT_CHARS:
        return None, (
            _violation(
                "too_long",
                "input",
                maximum=MAX_NAME_OCTETS,
                length=len(stripped),
            ),
        )
    if _is_ip_literal(stripped):
        return None, (_violation("ip_literal"),)
    try:
        # STD3 rules (letters, digits, hyphen) are applied label by label below,
        # where a refused character gets its own code and position; asking the
        # mapping to apply them too would make every such name one opaque error
        # (and the idna package changed how it reports them across releases).
        mapped = idna.uts46_remap(stripped, std3_rules=False, transitional=False)
    except (idna.IDNAError, UnicodeError) as exc:
        return None, (_violation("idna_invalid", "mapping", reason=str(exc)),)
    if mapped.endswith("."):
        mapped = mapped[:-1]
    labels = mapped.split(".")
    found: list[Violation] = []
    alabels: list[str] = []
    if any(not label for label in labels):
        found.append(_violation("empty_label"))
    for index, label in enumerate(labels):
        if not label:
            continue
        alabel, problems = _to_alabel(label, index)
        found.extend(problems)
        alabels.append(alabel)
        if len(alabel) > MAX_LABEL_OCTETS:
            found.append(
                _violation(
                    "label_too_long",
                    label=index,
                    number=index + 1,
                    length=len(alabel),
                    maximum=MAX_LABEL_OCTETS,
                )
            )
    ascii_name = ".".join(alabels)
    if len(ascii_name) > MAX_NAME_OCTETS:
        found.append(
            _violation(
                "too_long",
                length=len(ascii_name),
                maximum=MAX_NAME_OCTETS,
            )
        )
    if len(labels) < 2:
        found.append(_violation("single_label"))
    elif labels[-1] and _NUMERIC.fullmatch(labels[-1]):
        # RFC 3696 §2: a top-level domain is never all-numeric.
        found.append(_violation("numeric_tld"))
    if found:
        return None, tuple(found)
    ulabels = [idna.ulabel(label) if label.startswith("xn--") else label for label in alabels]
    found.extend(_bidi_violations(ulabels))
    if found:
        return None, tuple(found)
    return Domain(ascii=ascii_name, unicode=".".join(ulabels)), ()


def check_domain_name(text: str, /) -> tuple[Violation, ...]:
    """Return every rule ``text`` breaks as a domain name (empty when it is valid).

    Raises:
        TypeError: ``text`` is not a ``str``.
    """
    return _analyse(require_str(text, "a domain name"))[1]


def normalize_domain(text: str, /) -> Domain:
    """Map, check and normalize a domain name.

    One trailing dot is accepted and dropped; case is folded; U-labels become
    A-labels (UTS 46 non-transitional mapping, then IDNA 2008).

    Raises:
        InvalidDomain: carrying every violation.
        TypeError: ``text`` is not a ``str``.
    """
    domain, violations = _analyse(require_str(text, "a domain name"))
    if domain is None:
        raise InvalidDomain(violations)
    return domain


def is_subdomain(name: str, domain: str, /) -> bool:
    """Whether ``name`` equals ``domain`` or lies below it (ASCII forms, no trailing dots).

    >>> is_subdomain("_dmarc.example.org", "example.org")
    True
    >>> is_subdomain("badexample.org", "example.org")
    False

    Raises:
        TypeError: an argument is not a ``str``.
    """
    name = require_str(name, "a name").rstrip(".").lower()
    domain = require_str(domain, "a domain").rstrip(".").lower()
    return name == domain or name.endswith("." + domain)
