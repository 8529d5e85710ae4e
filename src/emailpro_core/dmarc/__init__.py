"""DMARC policy records: the TXT record at ``_dmarc.<domain>``.

:func:`parse_dmarc` reads a record leniently, as RFC 9989 (DMARCbis; it obsoletes
RFC 7489 and RFC 9091) asks receivers to, and returns ``errors`` (the record is
wrong, or receivers read it differently) and ``warnings`` (harmless, or of note):

>>> parsed = parse_dmarc("v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org; foo=bar")
>>> parsed.record.policy, parsed.record.aggregate_uris
(<DmarcPolicy.QUARANTINE: 'quarantine'>, ('mailto:dmarc@example.org',))
>>> [w.code for w in parsed.warnings]
['dmarc.unknown_tag']
>>> [e.code for e in parse_dmarc("v=DMARC1; p=block").errors]
['dmarc.bad_policy']
"""

from __future__ import annotations

from ._dmarc import (
    DmarcAlignment,
    DmarcParse,
    DmarcPolicy,
    DmarcPsd,
    DmarcRecord,
    is_dmarc_record,
    parse_dmarc,
)

__all__ = [
    "DmarcAlignment",
    "DmarcParse",
    "DmarcPolicy",
    "DmarcPsd",
    "DmarcRecord",
    "is_dmarc_record",
    "parse_dmarc",
]
