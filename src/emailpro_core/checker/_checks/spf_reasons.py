"""Why an SPF finding has no fix: the ``fix_reason`` texts of the SPF check.

A finding that is not ``OK`` carries the zone lines that repair it, or says why
no change to this zone can (and what to do instead). The reasons that depend on
a rewrite that failed quote :attr:`~emailpro_core.checker._checks.spf_fix.Rewrite.reason`, or the
violations of the merge, rather than saying it again.
"""

from __future__ import annotations

from ...spf import SpfResult

#: RFC 7208 §5.5: ptr names hosts by their reverse names, which only the owner can list.
PTR = (
    "only the record's owner knows which hosts ptr stands for: name them with ip4: or "
    "ip6: (or include: their provider), then remove ptr"
)
#: The provider's own record names no address: nothing in the domain's zone decides.
PROVIDER_UNKNOWN = (
    "the provider's own SPF record names no address it sends from, so nothing in this "
    "zone is known to be wrong: check again once it does"
)


def permerror(domain: str, result: SpfResult, /) -> str:
    """A permerror of the evaluation (RFC 7208 §2.6.7) that is not in the domain's own record.

    The domain's record parses (else the finding is ``spf.syntax``): the error is
    in a record it reaches through includes or redirects, or in what one of its
    own terms names.
    """
    term = result.term or "the term that fails"
    if result.domain and result.domain.rstrip(".").lower() != domain:
        return (
            f"the error is in the SPF record of {result.domain}, which this record reaches "
            "through its includes or redirects: only that record's owner can correct it; "
            "or remove from this record the term that leads there"
        )
    if result.code == "spf.too_many_mx":
        return (
            f"{term} names more mail hosts than may be looked up (RFC 7208 §4.6.4): name "
            f"the senders with ip4: or ip6: instead of {term}"
        )
    return (
        f"{term} names a domain without one valid SPF record: only that domain's owner can "
        f"publish one; or remove {term} from this record"
    )


def no_rewrite(reason: str, /) -> str:
    """No replacement could be made for an invalid record (``spf.syntax``)."""
    return f"no replacement could be made ({reason}): correct the record by hand"


def not_within(reason: str, /) -> str:
    """No record within the lookup limits (RFC 7208 §4.6.4) keeps the provider's include."""
    return (
        f"no record within the limits keeps the provider's include ({reason}): flatten "
        "includes into the ip4:/ip6: networks they stand for, or ask their owners for "
        "records that need fewer lookups"
    )


def no_merge(include: str, reasons: str, /) -> str:
    """No record passes the provider's mail by adding its include where it takes effect."""
    why = reasons or "the record already has it there"
    return (
        f"no record with include:{include} where it takes effect could be made ({why}): "
        "rewrite the record by hand"
    )


def not_repaired(reason: str, /) -> str:
    """The findings of one record ask for different replacements, and none repairs them all."""
    return (
        "the record's findings ask for different replacements and no one record repairs "
        f"them all ({reason}): rewrite the record by hand"
    )
