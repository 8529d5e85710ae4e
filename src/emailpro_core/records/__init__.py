"""The DNS records a domain needs for the service, and their renderings.

:func:`expected_records` turns a :class:`~emailpro_core.records.DomainSetup` and a
:class:`~emailpro_core.records.Profile` into a :class:`RecordSet`: MX, SPF,
autodiscover SRV, ownership CNAME, DKIM CNAMEs and DMARC, each marked required or
recommended and tied to the checker check it belongs to. The set renders as zone
text, JSON, or dnspython rrsets. The module also offers :func:`merge_spf`
(also in :mod:`emailpro_core.spf`), the one SPF record to publish beside an existing one,
and re-exports the setup and profile types it works with.

>>> records = expected_records(DomainSetup("example.org", server_number=1))
>>> print(records.to_zone_text(comments=False))
example.org. 3600 IN MX 1 mx0.mail.ovh.net.
example.org. 3600 IN MX 5 mx1.mail.ovh.net.
example.org. 3600 IN MX 50 mx2.mail.ovh.net.
example.org. 3600 IN MX 100 mx3.mail.ovh.net.
example.org. 3600 IN MX 200 mx4.mail.ovh.net.
example.org. 3600 IN TXT "v=spf1 include:mx.ovh.com ~all"
_autodiscover._tcp.example.org. 3600 IN SRV 0 0 443 pro1.mail.ovh.net.
_dmarc.example.org. 3600 IN TXT "v=DMARC1; p=none"
"""

from __future__ import annotations

from ..errors import InvalidSetup
from ..spf import SpfMerge, merge_spf
from ._client import (
    AUTOCONFIG_USERNAME,
    ClientSettings,
    Endpoint,
    autoconfig_xml,
    client_settings,
)
from ._expected import expected_records
from ._profiles import (
    OVH_EMAIL_PRO,
    EndpointSpec,
    MailProtocol,
    Profile,
    Security,
    check_server_number,
    dkim_owner,
    dmarc_owner,
)
from ._recordset import (
    CHECKS,
    SCHEMA_VERSION,
    ExpectedRecord,
    Omission,
    RecordSet,
    Requirement,
)
from ._setup import DkimSelector, DomainSetup, check_setup, validate_setup

__all__ = [
    "AUTOCONFIG_USERNAME",
    "CHECKS",
    "OVH_EMAIL_PRO",
    "SCHEMA_VERSION",
    "ClientSettings",
    "DkimSelector",
    "DomainSetup",
    "Endpoint",
    "EndpointSpec",
    "ExpectedRecord",
    "InvalidSetup",
    "MailProtocol",
    "Omission",
    "Profile",
    "RecordSet",
    "Requirement",
    "Security",
    "SpfMerge",
    "autoconfig_xml",
    "check_server_number",
    "check_setup",
    "client_settings",
    "dkim_owner",
    "dmarc_owner",
    "expected_records",
    "merge_spf",
    "validate_setup",
]
