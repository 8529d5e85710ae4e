"""A domain setup from the provider's API objects (see :meth:`DomainSetup.from_api`).

What is read, and from where (reference §4-§6):

=========================  ==============================================================
setup field                API
=========================  ==============================================================
``domain``                 ``email.pro.DomainNative.name`` (required)
``mode``                   ``type``: ``authoritative`` or ``nonAuthoritative`` (required)
``relay_target``           ``mxRelay`` (absent, null or blank: none; ignored when
                           authoritative, as the control panel drops it, M-DOM)
``ownership_token``        ``cnameToCheck`` (absent, null or blank: none)
``server_number``          the last field of ``expectedAutodiscoverSRV``, a service host
                           (``pro<N>.mail.ovh.net``); else the service's ``hostname``
``dkim_selectors``         each ``email.pro.Dkim``: ``selectorName`` (required) and
                           ``targetRecord``
``dkim_enabled``           a selector whose ``status`` is ``inProduction`` or ``enabling``
=========================  ==============================================================

Objects that disagree are refused, never reconciled: a DKIM object whose
``customerRecord`` is not under the domain (``api.other_domain``) or names
another selector (``api.selector_mismatch``), and a service ``hostname`` on
another server than the SRV target (``api.server_mismatch``).
"""

from __future__ import annotations

from collections.abc import Mapping

from .._apijson import Fields, at, message, objects, shown
from ..domains import check_domain_name, normalize_domain
from ..errors import Violation
from ..i18n._catalog import register
from ..routing._modes import DomainMode
from ._profiles import Profile, dkim_owner

#: The templates of the messages of this module, by code (params in braces).
_MESSAGES = register(
    {
        "api.not_a_service_host": (
            "{path} is {value}, which does not end with a service host such as {example}"
        ),
        "api.other_domain": "{path} is {value}, which is not under the domain {domain}",
        "api.selector_mismatch": (
            "{path} is {value}, which is not the record of selector {selector}"
        ),
        "api.server_mismatch": (
            "{path} names server {found}, but {other_path} names server {expected}"
        ),
    }
)
# email.pro.DkimStatusEnum and DkimRecordTypeEnum (reference §5).
DKIM_STATUSES = (
    "deleting",
    "disabling",
    "enabling",
    "inProduction",
    "ready",
    "todo",
    "waitingRecord",
)
_ENABLED = frozenset({"inProduction", "enabling"})
_MODES = tuple(mode.api for mode in DomainMode)


def _same_name(a: str, b: str) -> bool:
    return a.rstrip(".").lower() == b.rstrip(".").lower()


def _server_of(
    text: str | None, path: str, profile: Profile, problems: list[Violation]
) -> int | None:
    # The SRV string's shape is `<name> IN SRV <prio> <weight> <port> <target>` in the
    # Exchange manager (reference §3, UNCONFIRMED for Email Pro): only its last field,
    # the target, is read. The hostname is the service host itself (§8).
    if text is None or not text.strip():
        return None
    host = text.split()[-1]
    number = profile.server_number_of(host)
    if number is None:
        example = profile.server_host(1)
        problems.append(
            message("api.not_a_service_host", path=path, value=shown(text), example=example)
        )
    return number


def _server_number(
    domain: Fields, service: Fields | None, profile: Profile, problems: list[Violation]
) -> int | None:
    srv_path = f"{domain.path}.expectedAutodiscoverSRV"
    from_srv = _server_of(domain.string("expectedAutodiscoverSRV"), srv_path, profile, problems)
    if service is None:
        return from_srv
    host_path = f"{service.path}.hostname"
    from_host = _server_of(service.string("hostname", nullable=True), host_path, profile, problems)
    if from_srv is not None and from_host is not None and from_srv != from_host:
        problems.append(
            message(
                "api.server_mismatch",
                path=host_path,
                found=from_host,
                other_path=srv_path,
                expected=from_srv,
            )
        )
    return from_srv if from_srv is not None else from_host


def _selector(
    item: Fields, domain: str | None, problems: list[Violation]
) -> tuple[tuple[str, str | None], bool] | None:
    name = item.string("selectorName", required=True)
    target = item.string("targetRecord", nullable=True)
    item.choice("recordType", ("CNAME",))
    status = item.choice("status", DKIM_STATUSES)
    if name is None:
        return None
    if domain is not None:
        problems.extend(check_customer_record(item, domain, name))
    return (name, target or None), status in _ENABLED


def check_customer_record(item: Fields, domain: str, selector: str, /) -> list[Violation]:
    """Whether a DKIM object's ``customerRecord`` is the record of ``selector`` under ``domain``.

    ``customerRecord`` is the name the customer publishes (D-DKIM example:
    ``ovhemp123456-selector1._domainkey.mydomain.ovh``); absent or null, nothing
    is compared.
    """
    customer = item.string("customerRecord", nullable=True)
    if customer is None:
        return []
    path = f"{item.path}.customerRecord"
    if not customer.rstrip(".").lower().endswith("." + domain):
        return [message("api.other_domain", path=path, value=shown(customer), domain=domain)]
    if not _same_name(customer, dkim_owner(selector.lower(), domain)):
        return [
            message(
                "api.selector_mismatch",
                path=path,
                value=shown(customer),
                selector=shown(selector),
            )
        ]
    return []


def read_setup(
    domain: object,
    dkim: object,
    service: Mapping[str, object] | None,
    profile: Profile,
    problems: list[Violation],
    /,
) -> dict[str, object] | None:
    """The keywords of a :class:`DomainSetup` read from the API objects.

    ``dkim_selectors`` holds ``(name, target)`` pairs.

    Problems go to ``problems``; the result is ``None`` when a required value
    could not be read.
    """
    fields = Fields(domain, "domain", problems)
    name = fields.string("name", required=True)
    mode = fields.choice("type", _MODES, required=True)
    relay = fields.string("mxRelay", nullable=True)
    token = fields.string("cnameToCheck", nullable=True)
    ascii_name = None
    if name is not None:
        bad = check_domain_name(name)
        problems.extend(at("domain.name", v) for v in bad)
        ascii_name = None if bad else normalize_domain(name).ascii
    service_fields = None if service is None else Fields(service, "service", problems)
    number = _server_number(fields, service_fields, profile, problems) if fields.ok else None
    selectors = []
    enabled = False
    for item in objects(dkim, "dkim", problems):
        read = _selector(item, ascii_name, problems)
        if read is not None:
            selectors.append(read[0])
            enabled = enabled or read[1]
    if ascii_name is None or mode is None:
        return None
    if mode == DomainMode.AUTHORITATIVE.api:
        relay = None  # M-DOM deletes mxRelay of an authoritative domain
    return {
        "domain": ascii_name,
        "mode": mode,
        "relay_target": relay,
        "server_number": number,
        "ownership_token": token or None,
        "dkim_selectors": selectors,
        "dkim_enabled": enabled,
    }


def rule_path(violation: Violation, /) -> str:
    """The JSON path of the value a setup rule's ``violation`` is about."""
    code = violation.code
    index = violation.params.get("index")
    if code.startswith("relay."):
        return "domain.mxRelay"
    if code == "setup.bad_token":
        return "domain.cnameToCheck"
    if code == "setup.bad_server_number":
        return "domain.expectedAutodiscoverSRV"
    if code == "setup.bad_dkim_target":
        return f"dkim[{index}].targetRecord"
    if index is not None:
        return f"dkim[{index}].selectorName"
    check = violation.params.get("check")
    return {"ownership": "domain.cnameToCheck", "dkim": "dkim"}.get(str(check), "domain.name")
