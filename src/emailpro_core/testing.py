"""Helpers for your own tests: Hypothesis strategies, and an assertion on zone files.

Install with ``pip install 'emailpro-core[testing]'`` (it adds Hypothesis). The
strategies build their values valid or invalid *by construction*, so they can
test code that calls emailpro_core without repeating its rules.

>>> from hypothesis import given
>>> from emailpro_core.naming import check_login
>>> @given(valid_logins())
... def test_my_signup_accepts(login):
...     assert check_login(login) == ()
>>> test_my_signup_accepts()

:func:`assert_zone_ready` checks a zone file offline and fails with every
finding to fix and the zone lines that fix it (see ``docs/testing.md``).
"""

from __future__ import annotations

import os
import string
from collections.abc import Callable, Iterable

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.zone

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - exercised in a subprocess test
    raise ImportError(
        "emailpro_core.testing needs Hypothesis: pip install 'emailpro-core[testing]'"
    ) from exc

from .checker import check_domain
from .cli_setup import read_zone_file
from .findings import Diagnosis, Finding, FixAction, FixLine, Status
from .password import DEFAULT_PASSWORD_POLICY, CharacterClass, CharacterSet, PasswordPolicy
from .profiles import OVH_EMAIL_PRO, Profile
from .setup import DomainSetup
from .source_zone import DualSource, ZoneSource

__all__ = [
    "LOGIN_ALPHABET",
    "apply_fixes",
    "assert_zone_ready",
    "domains",
    "invalid_logins",
    "invalid_logins_with_codes",
    "valid_logins",
    "valid_passwords",
]

# --- logins -------------------------------------------------------------------

#: What the default login policy allows anywhere (the dot is a separator only).
LOGIN_ALPHABET = string.ascii_letters + string.digits + "-_"

_LOGIN_ATOMS = st.text(alphabet=LOGIN_ALPHABET, min_size=1, max_size=8)


def valid_logins() -> st.SearchStrategy[str]:
    """Logins the default policy accepts: 2-32 characters, dots only between atoms."""
    return (
        st.lists(_LOGIN_ATOMS, min_size=1, max_size=4)
        .map(".".join)
        .filter(lambda login: 2 <= len(login) <= 32)
    )


def _with_character(char: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    # Insert one character at any position of a valid login.
    return st.tuples(valid_logins(), char, st.integers(min_value=0, max_value=32)).map(
        lambda t: t[0][: t[2]] + t[1] + t[0][t[2] :]
    )


# Letters that decompose (NFKD) into an ASCII letter and combining marks.
_ACCENTED = st.sampled_from("éèêëàâäîïôöùûüçñÉÈÀÇÑÅåÿ")
# ASCII characters the default policy refuses, and some that are not ASCII at all.
_FORBIDDEN = st.one_of(
    st.sampled_from(sorted(set(string.printable) - set(LOGIN_ALPHABET) - {"."})),
    st.sampled_from(["\x00", "\x7f", "\ud800", "\u200b", "ß", "ø", "中", "😀"]),
)


def invalid_logins_with_codes() -> st.SearchStrategy[tuple[str, str]]:
    """Pairs ``(login, code)``: a login the default policy refuses, and one code it must give."""
    return st.one_of(
        st.just(("", "login.empty")),
        st.sampled_from(LOGIN_ALPHABET).map(lambda c: (c, "login.too_short")),
        st.text(alphabet=LOGIN_ALPHABET, min_size=33, max_size=80).map(
            lambda s: (s, "login.too_long")
        ),
        _with_character(_ACCENTED).map(lambda s: (s, "login.accented")),
        _with_character(_FORBIDDEN).map(lambda s: (s, "login.invalid_character")),
        valid_logins().map(lambda s: ("." + s, "login.leading_separator")),
        valid_logins().map(lambda s: (s + ".", "login.trailing_separator")),
        st.tuples(_LOGIN_ATOMS, _LOGIN_ATOMS).map(
            lambda t: (f"{t[0]}..{t[1]}", "login.doubled_separator")
        ),
    )


def invalid_logins() -> st.SearchStrategy[str]:
    """Logins the default policy refuses (each breaks at least one rule)."""
    return invalid_logins_with_codes().map(lambda pair: pair[0])


# --- domains ------------------------------------------------------------------

_LDH_LABEL = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True).filter(
    # RFC 5891 §4.2.3.1: "??--" is reserved for A-labels.
    lambda label: label[2:4] != "--"
)
# Left-to-right U-labels valid under IDNA 2008 (right-to-left ones would put the
# Bidi rule on every other label of the name, which plain LDH labels may break).
_U_LABELS = st.sampled_from(
    ["bücher", "münchen", "café", "日本", "пример", "δοκιμή", "faß", "例え"]
)
_TLD = st.from_regex(r"[a-z]{2,6}", fullmatch=True)


def domains() -> st.SearchStrategy[str]:
    """Valid domain names as a user may type them: mixed case, U-labels, a trailing dot.

    Every value passes ``normalize_domain``: 2-5 labels, none longer than 12
    characters, a letters-only top-level label.
    """
    labels = st.lists(st.one_of(_LDH_LABEL, _U_LABELS), min_size=1, max_size=4)
    case: st.SearchStrategy[Callable[[str], str]] = st.sampled_from([str, str.upper, str.title])
    return st.tuples(labels, _TLD, case, st.booleans()).map(
        lambda t: t[2](".".join([*t[0], t[1]])) + ("." if t[3] else "")
    )


# --- passwords ----------------------------------------------------------------

# Characters of each class that every character set accepts (ASCII, no space),
# then the extras of a policy that accepts any character: accented letters count
# as upper or lower case (M-PWD), and letters without case are the fifth class.
_ASCII_POOLS = {
    CharacterClass.UPPER: string.ascii_uppercase,
    CharacterClass.LOWER: string.ascii_lowercase,
    CharacterClass.DIGIT: string.digits,
    CharacterClass.SYMBOL: "".join(sorted(set(string.punctuation))),
    CharacterClass.OTHER_LETTER: "",
}
_ANY_EXTRAS = {
    CharacterClass.UPPER: "ÉÀÇÑΩЖ",
    CharacterClass.LOWER: "éàçñωж",
    CharacterClass.SYMBOL: "€£§«»",
    CharacterClass.OTHER_LETTER: "あいうえお中文",
}
_UNACCENTED_EXTRAS = {
    CharacterClass.UPPER: "ΩЖ",
    CharacterClass.LOWER: "ωж",
    CharacterClass.OTHER_LETTER: "あいうえお中文",
}


def _pools(policy: PasswordPolicy) -> dict[CharacterClass, str]:
    extras = {
        CharacterSet.ANY: _ANY_EXTRAS,
        CharacterSet.UNACCENTED: _UNACCENTED_EXTRAS,
        CharacterSet.PRINTABLE_ASCII: {},
    }[policy.charset]
    return {cls: _ASCII_POOLS[cls] + extras.get(cls, "") for cls in CharacterClass}


def valid_passwords(policy: PasswordPolicy = DEFAULT_PASSWORD_POLICY, /) -> st.SearchStrategy[str]:
    """Passwords that ``policy`` accepts when no personal data is given.

    Each password has one character of every class the policy requires, more
    classes until ``min_categories`` is reached, and a filler drawn from the
    classes the character set allows; its length is anywhere between the
    policy's bounds. With personal data (``PersonalInfo``), filter the values
    through ``check_password`` yourself: what a name rules out is yours to say.

    Raises:
        TypeError: ``policy`` is not a ``PasswordPolicy``.
    """
    if not isinstance(policy, PasswordPolicy):
        raise TypeError(f"policy must be a PasswordPolicy, not {type(policy).__name__}")
    pools = _pools(policy)
    usable = [cls for cls in CharacterClass if pools[cls]]
    optional = [cls for cls in usable if cls not in policy.required]
    required = sorted(policy.required, key=usable.index)
    more = max(0, policy.min_categories - len(required))

    @st.composite
    def build(draw: st.DrawFn) -> str:
        extra = draw(st.permutations(optional))[:more]
        classes = [*required, *extra]
        shortest = max(policy.min_length, len(classes))
        size = draw(st.integers(min_value=shortest, max_value=min(policy.max_length, 64)))
        chars = [draw(st.sampled_from(pools[cls])) for cls in classes]
        filler = "".join(pools[cls] for cls in classes or usable)
        rest = size - len(chars)
        chars += draw(st.lists(st.sampled_from(filler), min_size=rest, max_size=rest))
        return "".join(draw(st.permutations(chars)))

    return build()


# --- zone files ---------------------------------------------------------------

_FAILING = (Status.ERROR, Status.UNKNOWN)


def _describe(finding: Finding) -> list[str]:
    line = f"  {finding.status.name} {finding.code} ({finding.check.value}): {finding.message}"
    if finding.cause and finding.status is Status.UNKNOWN:
        line += f" [cause: {finding.cause}]"
    lines = [line]
    for fix in finding.fix:
        text = fix.to_text().replace("\n", "\n" + " " * 9)
        lines.append(f"    fix: {text}")
    if not finding.fix and finding.fix_reason:
        lines.append(f"    no fix: {finding.fix_reason}")
    return lines


def assert_zone_ready(
    zone: ZoneSource | dns.zone.Zone | str | os.PathLike[str],
    setup: DomainSetup | str,
    /,
    *,
    profile: Profile = OVH_EMAIL_PRO,
    fallback: DualSource | None = None,
    fail_on_warning: bool = False,
) -> Diagnosis:
    """Check ``setup`` against ``zone`` offline; fail with every finding to fix.

    Args:
        zone: A :class:`~emailpro_core.sources.ZoneSource`, a ``dns.zone.Zone``,
            or the path of a zone file (its ``$ORIGIN``, else the setup's domain,
            is its origin).
        setup: The domain's setup, or just its name.
        profile: The provider's profile.
        fallback: A source for the names outside the zone (the provider's own
            records, for instance); without one, those checks are ``SKIPPED``.
            Give it only with a zone file or a ``dns.zone.Zone``: a
            ``ZoneSource`` already has its own.
        fail_on_warning: Fail on ``WARNING`` findings too.

    Returns:
        The diagnosis, when nothing fails.

    Raises:
        AssertionError: a finding is ``ERROR`` or ``UNKNOWN`` (or ``WARNING``
            with ``fail_on_warning``); the message lists each one and its fix.
        ZoneFileError: the zone file cannot be read.
        InvalidSetup: the setup contradicts itself or the profile.
        TypeError: an argument has the wrong type.
    """
    if isinstance(setup, str):
        setup = DomainSetup(setup)
    if isinstance(zone, ZoneSource):
        if fallback is not None:
            raise TypeError("give the fallback when building the ZoneSource, not here")
        source = zone
    elif isinstance(zone, dns.zone.Zone):
        source = ZoneSource(zone, fallback=fallback)
    else:
        path = os.fspath(zone)
        source = read_zone_file(path, default_origin=setup.domain.ascii, fallback=fallback)
    diagnosis = check_domain(setup, source, profile)
    failing = (*_FAILING, Status.WARNING) if fail_on_warning else _FAILING
    bad = [f for f in diagnosis.findings if f.status in failing]
    if bad:
        lines = [f"{diagnosis.domain} is not ready: {len(bad)} finding(s) to fix"]
        for finding in bad:
            lines.extend(_describe(finding))
        raise AssertionError("\n".join(lines))
    return diagnosis


# --- applying fixes -------------------------------------------------------------

#: A zone's records: (owner, type) → rdata → TTL, in the order first met.
_Records = dict[tuple[dns.name.Name, dns.rdatatype.RdataType], dict[dns.rdata.Rdata, int]]


def _parse_line(line: str, origin: dns.name.Name) -> tuple[dns.name.Name, int, dns.rdata.Rdata]:
    """One fix line (``owner ttl IN type data``, owner absolute) as dnspython values."""
    parts = line.split(None, 4)
    if len(parts) != 5 or not parts[0].endswith(".") or parts[2].upper() != "IN":
        raise ValueError(f"not a fix line (absolute owner, TTL, IN, type, data): {line!r}")
    owner, ttl, _, rdtype, data = parts
    try:
        name = dns.name.from_text(owner)
        rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.from_text(rdtype), data)
        seconds = int(ttl)
    except (dns.exception.DNSException, ValueError) as exc:
        raise ValueError(f"not a valid record: {line!r} ({exc})") from None
    if not name.is_subdomain(origin):
        raise ValueError(f"{owner} is outside the zone {origin}")
    return name, seconds, rdata


def apply_fixes(zone: str, fixes: Iterable[FixLine], /, *, origin: str) -> str:
    """The zone text after applying ``fixes``, as a user pasting them would.

    ``REMOVE`` deletes the record its line names (owner, type and data; the TTL
    does not matter), ``ADD`` adds one (a record already there is kept once),
    ``REPLACE`` does both. The result is master-file text with absolute names,
    the SOA first; nothing checks it, so a fix that leaves a zone no server
    loads (a CNAME beside other data) shows when it is loaded.

    >>> from emailpro_core.findings import FixAction, FixLine
    >>> zone = "@ 300 IN SOA ns1 hm 1 7200 900 1209600 300\\n@ 300 IN MX 10 old.example.\\n"
    >>> fix = FixLine(FixAction.REPLACE, "example.org. 3600 IN MX 1 mx0.mail.ovh.net.",
    ...               "example.org. 300 IN MX 10 old.example.")
    >>> print(apply_fixes(zone, [fix], origin="example.org"))
    example.org. 300 IN SOA ns1.example.org. hm.example.org. 1 7200 900 1209600 300
    example.org. 3600 IN MX 1 mx0.mail.ovh.net.
    <BLANKLINE>

    Raises:
        ValueError: the zone text cannot be read, a fix line is not a record of
            the zone, or a line to remove is not in the zone.
    """
    apex = dns.name.from_text(origin)
    try:
        loaded = dns.zone.from_text(zone, origin=apex, relativize=False, check_origin=False)
    except (dns.exception.DNSException, ValueError, KeyError) as exc:
        raise ValueError(f"cannot read the zone: {exc}") from None
    records: _Records = {}
    for name, ttl, rdata in loaded.iterate_rdatas():
        records.setdefault((name, rdata.rdtype), {})[rdata] = ttl
    for fix in fixes:
        if fix.action is not FixAction.ADD:
            _remove(records, fix.old if fix.action is FixAction.REPLACE else fix.line, apex)
        if fix.action is not FixAction.REMOVE:
            name, ttl, rdata = _parse_line(fix.line, apex)
            records.setdefault((name, rdata.rdtype), {})[rdata] = ttl
    soa = [key for key in records if key[1] == dns.rdatatype.SOA]
    lines = [
        f"{name.to_text()} {ttl} IN {dns.rdatatype.to_text(rdtype)} {rdata.to_text()}"
        for name, rdtype in [*soa, *(key for key in records if key not in soa)]
        for rdata, ttl in records[name, rdtype].items()
    ]
    return "\n".join(lines) + "\n"


def _remove(records: _Records, line: str, apex: dns.name.Name) -> None:
    name, _, rdata = _parse_line(line, apex)
    held = records.get((name, rdata.rdtype), {})
    if rdata not in held:
        raise ValueError(f"the zone has no record {line!r} to remove")
    del held[rdata]
    if not held:
        del records[name, rdata.rdtype]
