"""DMARC records (RFC 9989 §4.7, §4.8, §4.10.1; RFC 7489 §6.3, §6.6.3): rule tables."""

from __future__ import annotations

import pytest

from emailpro_core.dmarc._dmarc import (
    DmarcAlignment,
    DmarcParse,
    DmarcPolicy,
    DmarcPsd,
    DmarcRecord,
    is_dmarc_record,
    parse_dmarc,
)

NONE, QUARANTINE, REJECT = DmarcPolicy.NONE, DmarcPolicy.QUARANTINE, DmarcPolicy.REJECT
RUA = "mailto:dmarc@example.org"


def _codes(parsed: DmarcParse) -> tuple[tuple[str, ...], tuple[str, ...]]:
    return tuple(v.code for v in parsed.errors), tuple(v.code for v in parsed.warnings)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "v=spf1 include:mx.ovh.com ~all",
        "v=DMARC2; p=none",
        "v=dmarc1; p=none",  # the value is case-sensitive (RFC 9989 §4.8)
        "p=none; v=DMARC1",  # v= must come first (RFC 9989 §4.7)
        "v=DMARC1 p=none",  # no separator after the version
        "v=DMARC1x; p=none",
        "\ud800v=DMARC1; p=none",
    ],
)
def test_not_dmarc(text: str) -> None:
    """Text that does not start with v=DMARC1 is not a DMARC record."""
    parsed = parse_dmarc(text)
    assert (parsed.record, _codes(parsed)) == (None, (("dmarc.not_dmarc",), ()))
    assert is_dmarc_record(text) is False


@pytest.mark.parametrize(
    "text",
    ["v=DMARC1", "v=DMARC1;", " v = DMARC1 ;p=none", "V=DMARC1; p=none", "\tv=DMARC1\t;"],
)
def test_is_dmarc_record(text: str) -> None:
    """v=DMARC1 first, with optional whitespace, marks a DMARC record."""
    assert is_dmarc_record(text) is True


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # RFC 9989 Appendix B.2 style records
        ("v=DMARC1; p=none; rua=" + RUA, DmarcRecord(NONE, aggregate_uris=(RUA,))),
        (
            "v=DMARC1; p=quarantine; rua=mailto:a@example.org, mailto:b@example.net; t=y",
            DmarcRecord(
                QUARANTINE,
                aggregate_uris=("mailto:a@example.org", "mailto:b@example.net"),
                testing=True,
            ),
        ),
        (
            "v=DMARC1; p=reject; sp=quarantine; np=reject; adkim=s; aspf=s; fo=1:d:s; "
            "ruf=mailto:f@example.org; psd=n",
            DmarcRecord(
                REJECT,
                subdomain_policy=QUARANTINE,
                nonexistent_policy=REJECT,
                dkim_alignment=DmarcAlignment.STRICT,
                spf_alignment=DmarcAlignment.STRICT,
                failure_options=("1", "d", "s"),
                failure_uris=("mailto:f@example.org",),
                psd=DmarcPsd.NO,
            ),
        ),
        # case, whitespace, trailing and empty separators (lenient reading)
        (
            "V = DMARC1 ;  P = Reject ; ADKIM=S ;; T=N ; PSD=Y;",
            DmarcRecord(REJECT, dkim_alignment=DmarcAlignment.STRICT, psd=DmarcPsd.YES),
        ),
        # legacy tags of RFC 7489 §6.3
        (
            "v=DMARC1; p=none; pct=100; ri=3600; rf=afrf:IODEF",
            DmarcRecord(NONE, report_interval=3600, report_formats=("afrf", "iodef")),
        ),
        # obsolete "!size" suffixes are dropped (RFC 9989 §4.8 obs-dmarc-uri)
        (
            "v=DMARC1; p=none; rua=mailto:a@example.org!10m,https://r.example.net/x!5",
            DmarcRecord(NONE, aggregate_uris=("mailto:a@example.org", "https://r.example.net/x")),
        ),
        ("v=DMARC1; p=none; fo=0", DmarcRecord(NONE)),
        ("v=DMARC1; p=none; fo=D : 0", DmarcRecord(NONE, failure_options=("d", "0"))),
    ],
)
def test_valid_records(text: str, expected: DmarcRecord) -> None:
    """Valid records parse to their fields, with no error and no warning."""
    assert parse_dmarc(text) == DmarcParse(expected)


@pytest.mark.parametrize(
    ("text", "policy", "errors", "warnings"),
    [
        # RFC 7489 §6.6.3 / RFC 9989 §4.10.1: no usable p=, but a valid rua= → p=none
        ("v=DMARC1; rua=" + RUA, NONE, (), ("dmarc.missing_policy",)),
        ("v=DMARC1; p=block; rua=" + RUA, NONE, ("dmarc.bad_policy",), ()),
        ("v=DMARC1; p=reject; sp=all; rua=" + RUA, NONE, ("dmarc.bad_policy",), ()),
        ("v=DMARC1; p=reject; np=; rua=" + RUA, NONE, ("dmarc.bad_policy",), ()),
        # ... and without a valid rua= no DMARC processing at all
        ("v=DMARC1", None, ("dmarc.missing_policy",), ()),
        ("v=DMARC1; rua=dmarc@example.org", None, ("dmarc.bad_value", "dmarc.missing_policy"), ()),
        ("v=DMARC1; p=block", None, ("dmarc.bad_policy",), ()),
        ("v=DMARC1; p=reject; sp=all", None, ("dmarc.bad_policy",), ()),
        ("v=DMARC1; sp=reject", None, ("dmarc.missing_policy",), ()),
        ("v=DMARC1; p", None, ("dmarc.syntax", "dmarc.missing_policy"), ()),
        # a duplicate p= keeps the first one
        ("v=DMARC1; p=reject; p=none", REJECT, ("dmarc.duplicate_tag",), ()),
        ("v=DMARC1; p=reject; P=none", REJECT, ("dmarc.duplicate_tag",), ()),
        ("v=DMARC1; p=reject; v=DMARC1", REJECT, ("dmarc.duplicate_tag",), ()),
    ],
)
def test_policy(
    text: str, policy: DmarcPolicy | None, errors: tuple[str, ...], warnings: tuple[str, ...]
) -> None:
    """The policy receivers apply, and what is said about it."""
    parsed = parse_dmarc(text)
    assert (parsed.record.policy if parsed.record else None, _codes(parsed)) == (
        policy,
        (errors, warnings),
    )


def test_fallback_drops_sub_policies() -> None:
    """Acting as if p=none was the record leaves no sp= or np= behind (RFC 9989 §4.10.1)."""
    record = parse_dmarc("v=DMARC1; p=bad; sp=reject; np=reject; rua=" + RUA).record
    assert record == DmarcRecord(NONE, aggregate_uris=(RUA,))


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        ("adkim", "x"),
        ("aspf", "relaxed"),
        ("aspf", ""),
        ("fo", "2"),
        ("fo", "0:1"),  # RFC 9989 §4.7: mutually exclusive
        ("fo", "d:d"),
        ("fo", "0:"),
        ("t", "yes"),
        ("psd", "q"),
        ("pct", "101"),
        ("pct", "-1"),
        ("pct", "5.5"),
        ("pct", "\u0663"),  # an Arabic-Indic digit is not an ASCII digit
        ("ri", "4294967296"),
        ("ri", "1h"),
        ("rf", "afrf:"),
        ("rf", "a b"),
        ("adkim", "s\u00e9"),
        ("rua", "dmarc@example.org"),
        ("rua", "mailto:dmarc"),
        ("rua", "mailto:@example.org"),
        ("rua", "mailto:d\u00e9@example.org"),
        ("rua", "mailto:a@example.org!x"),
        # RFC 7489 §6.4: a size suffix is "!" digits [unit], at the end only.
        ("rua", "mailto:d@example.com!10x"),
        ("rua", "mailto:a!5@example.com"),
        ("rua", "mailto:a@example.com!5!10m"),
        ("rua", "mailto:a@example.com!"),
        ("rua", "mailto:a@example.com!m"),
        ("rua", "mailto:a@example.com!10mb"),
        ("rua", "mailto:a@example.com!1\u0663"),
        ("ruf", "https://r.example.net/!5/x"),
        ("ruf", ""),
        ("ruf", "mailto:a@b.example,"),
    ],
)
def test_bad_values(tag: str, value: str) -> None:
    """An invalid value of a known tag is an error naming the tag; the rest stands."""
    parsed = parse_dmarc(f"v=DMARC1; p=reject; {tag}={value}")
    assert _codes(parsed) == (("dmarc.bad_value",), ())
    assert parsed.errors[0].params["tag"] == tag
    assert parsed.record is not None
    assert parsed.record.policy == REJECT


@pytest.mark.parametrize(
    ("item", "uri"),
    [
        ("mailto:a@example.org!0", "mailto:a@example.org"),
        ("mailto:a@example.org!10", "mailto:a@example.org"),
        ("mailto:a@example.org!10k", "mailto:a@example.org"),
        ("mailto:a@example.org!10M", "mailto:a@example.org"),
        ("mailto:a@example.org!007g", "mailto:a@example.org"),
        ("mailto:a@example.org!99999999999999999999t", "mailto:a@example.org"),
        ("https://r.example.net/a%21b!1", "https://r.example.net/a%21b"),
        ("mailto:a@example.org", "mailto:a@example.org"),
    ],
)
def test_size_suffix_at_the_end_only_is_dropped(item: str, uri: str) -> None:
    """A valid trailing size is dropped (RFC 7489 §6.4); the address is kept as written."""
    parsed = parse_dmarc(f"v=DMARC1; p=none; rua={item}")
    assert parsed.record is not None
    assert ((uri,), (), ()) == (parsed.record.aggregate_uris, *_codes(parsed))
    assert f"rua={uri}" in parsed.record.to_text()


@pytest.mark.parametrize(
    "item", ["mailto:d@example.com!10x", "mailto:a!5@example.com", "mailto:a@example.com!5!1"]
)
def test_misplaced_size_is_refused_not_rewritten(item: str) -> None:
    """A '!' that is not a trailing size refuses the URI; no rewritten address is kept."""
    parsed = parse_dmarc(f"v=DMARC1; p=none; rua={item}, {RUA}")
    assert parsed.record is not None
    assert (RUA,) == parsed.record.aggregate_uris
    (error,) = parsed.errors
    assert ("dmarc.bad_value", {"tag": "rua", "value": item}) == (error.code, error.params)
    assert "not a size suffix at its end" in error.message


def test_bad_uri_keeps_the_good_ones() -> None:
    """One bad URI in rua= is reported; the valid ones are kept."""
    parsed = parse_dmarc(f"v=DMARC1; p=none; rua=nonsense, {RUA}")
    assert parsed.record is not None
    assert (parsed.record.aggregate_uris, _codes(parsed)) == ((RUA,), (("dmarc.bad_value",), ()))
    assert parsed.errors[0].params == {"tag": "rua", "value": "nonsense"}


@pytest.mark.parametrize(
    ("text", "errors", "warnings"),
    [
        ("v=DMARC1; p=none; foo=bar", (), ("dmarc.unknown_tag",)),
        ("v=DMARC1; p=none; x=\u00e9; y=", (), ("dmarc.unknown_tag", "dmarc.unknown_tag")),
        ("v=DMARC1; p=none; pct=50", (), ("dmarc.pct_ignored",)),
        ("v=DMARC1; p=none; pct=0; foo=1", (), ("dmarc.unknown_tag", "dmarc.pct_ignored")),
        ("v=DMARC1; p=none; =x", ("dmarc.syntax",), ()),
        ("v=DMARC1; p=none; a b=c", ("dmarc.syntax",), ()),
        ("v=DMARC1; p=none; rua1=x", ("dmarc.syntax",), ()),
        ("v=DMARC1; p=none; reject", ("dmarc.syntax",), ()),
        ("v=DMARC1; p=none; fo=1; fo=0", ("dmarc.duplicate_tag",), ()),
    ],
)
def test_unknown_tags_syntax_and_legacy(
    text: str, errors: tuple[str, ...], warnings: tuple[str, ...]
) -> None:
    """Unknown tags and pct<100 are warnings; broken tag syntax and duplicates are errors."""
    parsed = parse_dmarc(text)
    assert _codes(parsed) == (errors, warnings)
    assert parsed.record is not None
    assert parsed.record.policy == NONE


def test_messages_and_params() -> None:
    """Violations name the tag and the value; long values are shortened."""
    long_value = "x" * 100
    parsed = parse_dmarc(f"v=DMARC1; p={long_value}; foo=1; pct=10")
    bad, unknown, pct = parsed.violations
    assert bad.params == {"tag": "p", "value": "x" * 60 + "…"}
    assert bad.message == f"p={'x' * 60 + '…'!r}: expected none, quarantine or reject"
    assert (unknown.params, unknown.message) == (
        {"tag": "foo"},
        "the tag foo= is not a DMARC tag and is ignored",
    )
    assert pct.params == {"pct": 10}
    assert (parsed.record, parsed.codes) == (
        None,
        ("dmarc.bad_policy", "dmarc.unknown_tag", "dmarc.pct_ignored"),
    )


@pytest.mark.parametrize(
    ("record", "subdomain", "nonexistent"),
    [
        (DmarcRecord(REJECT), REJECT, REJECT),
        (DmarcRecord(REJECT, subdomain_policy=NONE), NONE, NONE),
        (DmarcRecord(REJECT, nonexistent_policy=QUARANTINE), REJECT, QUARANTINE),
        (
            DmarcRecord(NONE, subdomain_policy=QUARANTINE, nonexistent_policy=REJECT),
            QUARANTINE,
            REJECT,
        ),
    ],
)
def test_effective_policies(
    record: DmarcRecord, subdomain: DmarcPolicy, nonexistent: DmarcPolicy
) -> None:
    """sp= falls back to p=, np= to sp= then p= (RFC 9989 §4.7)."""
    assert (record.effective_subdomain_policy, record.effective_nonexistent_policy) == (
        subdomain,
        nonexistent,
    )


@pytest.mark.parametrize(
    ("record", "text"),
    [
        (DmarcRecord(NONE), "v=DMARC1; p=none"),
        (
            DmarcRecord(
                REJECT,
                subdomain_policy=QUARANTINE,
                nonexistent_policy=REJECT,
                aggregate_uris=(RUA, "https://r.example.net/"),
                failure_uris=(RUA,),
                dkim_alignment=DmarcAlignment.STRICT,
                spf_alignment=DmarcAlignment.STRICT,
                failure_options=("1", "d"),
                testing=True,
                psd=DmarcPsd.YES,
                percent=50,
                report_interval=3600,
                report_formats=("afrf", "iodef"),
            ),
            "v=DMARC1; p=reject; sp=quarantine; np=reject; "
            f"rua={RUA},https://r.example.net/; ruf={RUA}; adkim=s; aspf=s; fo=1:d; t=y; "
            "psd=y; pct=50; ri=3600; rf=afrf:iodef",
        ),
    ],
)
def test_to_text(record: DmarcRecord, text: str) -> None:
    """to_text writes v and p first, then only the tags that differ from their defaults."""
    assert record.to_text() == text
    assert parse_dmarc(text).record == record


@pytest.mark.parametrize("value", [None, b"v=DMARC1; p=none", 1, ["v=DMARC1"]])
def test_not_a_str(value: object) -> None:
    """Anything but a str is a TypeError with a clear message."""
    with pytest.raises(TypeError, match="a DMARC record must be a str"):
        parse_dmarc(value)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a DMARC record must be a str"):
        is_dmarc_record(value)  # type: ignore[arg-type]
