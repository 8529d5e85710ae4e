"""Merging a provider's ``include:`` into the SPF record a domain already publishes.

A domain has one SPF record (RFC 7208 §4.5: two is a permerror), so adding a
provider means editing that record, not adding another.

>>> merge_spf("v=spf1 mx -all", "mx.ovh.com").record
'v=spf1 mx include:mx.ovh.com -all'
>>> merge_spf(None, "mx.ovh.com").record
'v=spf1 include:mx.ovh.com ~all'
>>> merge_spf(["v=spf1 -all", "v=spf1 ~all"], "mx.ovh.com").violations[0].code
'spf.multiple_records'
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from .._violation import templated
from ..errors import Violation, require_str
from ..i18n._catalog import register
from ._syntax import is_spf_text, parse_spf
from ._terms import Mechanism, MechanismKind, Modifier, Qualifier

#: RFC 7208 §4.6.4: at most 10 DNS-querying terms per evaluation.
MAX_DNS_TERMS = 10


@attrs.frozen
class SpfMerge:
    """The record to publish after adding an include.

    Attributes:
        record: The one SPF record to publish, or ``None`` when no safe merge exists.
        changed: Whether ``record`` differs from the published one (``True`` for a new record).
        violations: Why there is no safe merge (empty when ``record`` is set).
    """

    record: str | None
    changed: bool = False
    violations: tuple[Violation, ...] = ()


#: The English templates of a merge refused; the French is in the package's gettext
#: catalog. Codes the checker's findings share have the variant ``merge``.
MESSAGES = register(
    {
        "spf.bad_include": (
            "{include!r} is not a domain to include (write the domain only: mx.ovh.com)"
        ),
        "spf.multiple_records:merge": (
            "{count} SPF records are published; merge them by hand into one (RFC 7208 §4.5)"
        ),
        "spf.duplicate_include": "include:{include} appears {count} times; keep one",
        "spf.include_qualified": (
            "the record has {term!r}; changing its qualifier changes the domain's policy, "
            "so it is left to the owner"
        ),
        "spf.too_many_lookups:merge": (
            "the record would have {count} DNS-querying terms; the limit is {maximum} "
            "(RFC 7208 §4.6.4)"
        ),
    }
)


def _refuse(*violations: Violation) -> SpfMerge:
    return SpfMerge(None, False, violations)


def _spf_texts(existing: object) -> list[str]:
    if existing is None:
        return []
    if isinstance(existing, str):
        existing = [existing]
    elif not isinstance(existing, Sequence) or isinstance(existing, (bytes, bytearray)):
        raise TypeError(
            f"existing must be None, a str or a sequence of str, not {type(existing).__name__}"
        )
    texts = [require_str(text, "an existing TXT value") for text in existing]
    return [text for text in texts if is_spf_text(text)]


def _same_domain(a: str, b: str) -> bool:
    return a.rstrip(".").lower() == b.rstrip(".").lower()


def merge_spf(existing: str | Sequence[str] | None, include: str, /) -> SpfMerge:
    """Add ``include:<include>`` to the SPF record in ``existing`` (RFC 7208).

    ``existing`` is ``None``, one TXT value, or the TXT values of the name; only
    the ``v=spf1`` ones count (§4.5). Every existing term is kept, in order and
    as written; the include goes right before the ``all`` mechanism (nothing
    after the first ``all`` is ever evaluated), or before ``redirect=`` when
    there is no ``all``, or after the last mechanism. With no SPF record, the
    result is ``v=spf1 include:<include> ~all``; when the include is already
    there (qualifier ``+``), nothing changes.

    No safe merge, reported as violations: several SPF records
    (``spf.multiple_records``), a record that does not parse (its
    :func:`~emailpro_core.spf.parse_spf` codes), the include already there with
    another qualifier (``spf.include_qualified``) or more than once
    (``spf.duplicate_include``), an ``include`` that is not a domain-spec
    (``spf.bad_include``), or a result with more than 10 DNS-querying terms of
    its own (``spf.too_many_lookups``; included records are not followed here).

    Raises:
        TypeError: ``include`` is not a ``str``, or ``existing`` is not one of the forms above.
    """
    require_str(include, "the include domain")
    texts = _spf_texts(existing)
    target = parse_spf(f"v=spf1 include:{include}")
    if (
        target.record is None
        or len(target.record.terms) != 1
        or include.lower().startswith("include:")
    ):
        return _refuse(templated("spf.bad_include", {"include": include}))
    if len(texts) > 1:
        return _refuse(templated("spf.multiple_records", {"count": len(texts)}, variant="merge"))
    new_term = f"include:{include}"
    if not texts:
        return SpfMerge(f"v=spf1 {new_term} ~all", True)
    text = texts[0]
    parsed = parse_spf(text)
    if parsed.record is None:
        return _refuse(*parsed.violations)
    terms = parsed.record.terms
    tokens = text.split(" ")[1:]
    tokens = [token for token in tokens if token]
    present = [
        t
        for t in terms
        if isinstance(t, Mechanism)
        and t.kind is MechanismKind.INCLUDE
        and t.domain is not None
        and _same_domain(t.domain.text, include)
    ]
    if len(present) > 1:
        return _refuse(
            templated("spf.duplicate_include", {"include": include, "count": len(present)})
        )
    if present and present[0].qualifier is not Qualifier.PASS:
        return _refuse(
            templated("spf.include_qualified", {"include": include, "term": present[0].to_text()})
        )
    if present:
        record, changed = text, False
    else:
        tokens.insert(insertion_point(terms), new_term)
        record, changed = " ".join([text.split(" ", 1)[0], *tokens]), True
    merged = parse_spf(record).record
    assert merged is not None  # a valid record plus a valid include term still parses
    if merged.dns_terms > MAX_DNS_TERMS:
        return _refuse(
            templated(
                "spf.too_many_lookups",
                {"count": merged.dns_terms, "maximum": MAX_DNS_TERMS},
                variant="merge",
            )
        )
    return SpfMerge(record, changed)


def insertion_point(terms: tuple[Mechanism | Modifier, ...], /) -> int:
    """Where a new mechanism takes effect: before ``all``, else ``redirect=``, else at the end."""
    for index, term in enumerate(terms):
        if isinstance(term, Mechanism) and term.kind is MechanismKind.ALL:
            return index
    for index, term in enumerate(terms):
        if isinstance(term, Modifier) and term.name == "redirect":
            return index
    mechanisms = [i for i, term in enumerate(terms) if isinstance(term, Mechanism)]
    return mechanisms[-1] + 1 if mechanisms else 0
