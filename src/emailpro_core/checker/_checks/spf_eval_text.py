"""The sentences of the SPF evaluation's findings (``spf_eval.py``), registered in the catalog.

A module of their own: the evaluation reads better without eighty lines of wording
in front of it. The French is in the package's gettext catalog.
"""

from __future__ import annotations

from ...i18n._catalog import register

#: The findings of the evaluation (RFC 7208 §2.6, §4.6.4). ``{who}`` names the
#: provider's mail, ``{note}`` what a verdict rests on offline (``""``, or parts
#: each after a ``"; "``), ``{detail}`` the evaluation's own words.
MESSAGES = register(
    {
        "finding.spf.sender": "whether mail sent through {include} passes is not known: {origin}",
        "finding.dns.outside_zone:spf": "{what} not checked: {detail}",
        "finding.spf.temperror": "{what} unknown (temperror): {detail}",
        "checker.what.spf_passes": "whether {who} passes",
        "checker.what.spf_count": "the lookup count of the SPF record",
        "checker.spf.who:stand_in": "the provider's mail",
        "checker.spf.who:one": "the provider's mail from its address range ({origin})",
        "checker.spf.who:many": (
            "the provider's mail from all {count} of its address ranges ({origin})"
        ),
        "checker.spf.note": "; {origin}",
        "checker.spf.presumed": (
            "; {names} could not be read (offline) and was taken as not listing the "
            "provider's addresses"
        ),
        "finding.spf.permerror": ("the SPF record of {name} gives a permerror for {who}: {detail}"),
        "finding.dns.outside_zone:depends": (
            "whether {who} passes the SPF record of {name} not checked: it passes unless "
            "{names} matches it first, and that record cannot be read offline{note}"
        ),
        "finding.spf.ok": "the SPF record of {name} passes {who}, through {terms}{note}",
        "checker.spf.at": "at {term}",
        "checker.spf.claim:partly": (
            "the SPF record of {name} passes only part of {who}: {ranges} get "
            "{outcomes} ({how}); receivers may refuse that part of its mail"
        ),
        "checker.spf.claim": (
            "the SPF record of {name} gives {outcome} for {who}, {how}: "
            "receivers may refuse the provider's mail"
        ),
        # The claim, what it rests on offline, and the advice.
        "finding.spf.provider_partly_authorized": "{claim}{note}; {advice}",
        "finding.spf.provider_not_authorized": "{claim}{note}; {advice}",
        "checker.spf.advice:merge": "make it pass the addresses of {include}",
        "checker.spf.advice:merge_why": "make it pass the addresses of {include} ({why})",
        "checker.spf.advice:front": "include {include} before the terms that exclude them",
        "checker.spf.advice:all": "include {include} before the all term",
        "finding.spf.provider_by_address": (
            "the SPF record of {name} authorises the provider's current addresses ({ranges}) "
            "by address, not through include:{include}: its mail fails when the provider "
            "renumbers; include {include}"
        ),
        # The lookup limits, and what the rewrite that meets them says (spf.py).
        "finding.spf.too_many_lookups": (
            "the SPF record of {name} needs too many DNS-querying terms (permerror): {detail}"
        ),
        "finding.spf.too_many_void_lookups": (
            "the SPF record of {name} needs too many void lookups (permerror): {detail}"
        ),
        **{
            f"finding.{code}:{variant}": f"the SPF record of {{name}} needs too many {kind} "
            f"(permerror): {{detail}}{how}"
            for code, kind in (
                ("spf.too_many_lookups", "DNS-querying terms"),
                ("spf.too_many_void_lookups", "void lookups"),
            )
            for variant, how in (
                ("unrepaired", "; no rewrite within the limits: {rewrite}"),
                (
                    "drop_one",
                    "; to be within the limits, drop {dropped} (or flatten it into the "
                    "ip4:/ip6: networks it stands for)",
                ),
                (
                    "drop_many",
                    "; to be within the limits, drop {dropped} (or flatten them into the "
                    "ip4:/ip6: networks they stand for)",
                ),
                ("within", "; the record below is within the limits"),
            )
        },
    }
)
