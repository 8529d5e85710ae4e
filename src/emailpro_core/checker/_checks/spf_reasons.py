"""Why an SPF finding has no fix: the fix reasons of the SPF check, and their words.

A finding that is not ``OK`` carries the zone lines that repair it, or says why
no change to this zone can (and what to do instead). Each reason is a catalog
template filled from the finding's params; the reasons that depend on a rewrite
that failed quote :attr:`~emailpro_core.checker._checks.spf_fix.Rewrite.reason`
(``{rewrite}``), or the violations of the merge (``{why}``), rather than saying it
again. The shared pieces of the SPF messages (lists cut short, the provider's
sending addresses) are here too.
"""

from __future__ import annotations

from ...i18n._catalog import register
from ...spf import SpfResult
from .._phrases import Phrase, phrase

#: RFC 7208 §5.5: ptr names hosts by their reverse names, which only the owner can list.
PTR = (
    "only the record's owner knows which hosts ptr stands for: name them with ip4: or "
    "ip6: (or include: their provider), then remove ptr"
)
PTR_KEY = "checker.reason.spf.ptr"
#: The provider's own record names no address: nothing in the domain's zone decides.
PROVIDER_UNKNOWN = (
    "the provider's own SPF record names no address it sends from, so nothing in this "
    "zone is known to be wrong: check again once it does"
)
PROVIDER_UNKNOWN_KEY = "checker.reason.spf.provider_unknown"
#: No replacement could be made for an invalid record (``spf.syntax``).
NO_REWRITE = "checker.reason.spf.no_rewrite"
#: No record within the lookup limits (RFC 7208 §4.6.4) keeps the provider's include.
NOT_WITHIN = "checker.reason.spf.not_within"
#: No record passes the provider's mail by adding its include where it takes effect.
NO_MERGE = "checker.reason.spf.no_merge"
#: The findings of one record ask for different replacements, and none repairs them all.
NOT_REPAIRED = "checker.reason.spf.not_repaired"

MESSAGES = register(
    {
        PTR_KEY: PTR,
        PROVIDER_UNKNOWN_KEY: PROVIDER_UNKNOWN,
        "checker.reason.spf.permerror:elsewhere": (
            "the error is in the SPF record of {where}, which this record reaches "
            "through its includes or redirects: only that record's owner can correct it; "
            "or remove from this record the term that leads there"
        ),
        "checker.reason.spf.permerror:too_many_mx": (
            "{term} names more mail hosts than may be looked up (RFC 7208 §4.6.4): name "
            "the senders with ip4: or ip6: instead of {term}"
        ),
        "checker.reason.spf.permerror": (
            "{term} names a domain without one valid SPF record: only that domain's owner can "
            "publish one; or remove {term} from this record"
        ),
        "checker.spf.failing_term": "the term that fails",
        NO_REWRITE: "no replacement could be made ({rewrite}): correct the record by hand",
        NOT_WITHIN: (
            "no record within the limits keeps the provider's include ({rewrite}): flatten "
            "includes into the ip4:/ip6: networks they stand for, or ask their owners for "
            "records that need fewer lookups"
        ),
        NO_MERGE: (
            "no record with include:{include} where it takes effect could be made ({why}): "
            "rewrite the record by hand"
        ),
        "checker.spf.already_there": "the record already has it there",
        NOT_REPAIRED: (
            "the record's findings ask for different replacements and no one record repairs "
            "them all ({rewrite}): rewrite the record by hand"
        ),
        # A list cut short: its first items, then how many more.
        "checker.shown:more": "{items} and {more} more",
    }
)


def permerror(domain: str, result: SpfResult, /) -> tuple[str, dict[str, object]]:
    """A permerror of the evaluation (RFC 7208 §2.6.7) that is not in the domain's own record.

    The domain's record parses (else the finding is ``spf.syntax``): the error is
    in a record it reaches through includes or redirects, or in what one of its
    own terms names. Returns the reason's key and the params it adds.
    """
    term: object = result.term or phrase("checker.spf.failing_term")
    if result.domain and result.domain.rstrip(".").lower() != domain:
        return "checker.reason.spf.permerror:elsewhere", {"where": result.domain}
    if result.code == "spf.too_many_mx":
        return "checker.reason.spf.permerror:too_many_mx", {"term": term}
    return "checker.reason.spf.permerror", {"term": term}


def merge_why(why: object, /) -> object:
    """The ``{why}`` of :data:`NO_MERGE`: the merge's violations, or that it is there already."""
    return why or phrase("checker.spf.already_there")


def shown(items: list[str] | tuple[str, ...], limit: int, /) -> str | Phrase:
    """``items`` joined, the first ``limit`` of them when there are more."""
    if len(items) <= limit:
        return ", ".join(items)
    return phrase("checker.shown:more", items=", ".join(items[:limit]), more=len(items) - limit)
