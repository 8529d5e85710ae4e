"""What the control panel shows for a domain, read from the API's own flags.

The control panel's "Diagnostic" column (reference §10, M-DOM) colours one badge
per record from flags the API returns on ``email.pro.DomainNative``: MX, SPF and
SRV are green when ``mxIsValid``, ``spfIsValid``, ``srvIsValid`` hold and red
otherwise, shown only once ``domainValidated``; the ownership CNAME badge is red
while the domain is not validated and a ``cnameToCheck`` exists; DKIM follows
``dkimDiagnostics.state`` (``active`` green, ``error`` red, ``disabled`` orange,
``toConfigure`` grey, ``inProgress`` blue), and each ``email.pro.Dkim`` object
says ``cnameIsValid``. How the API's servers set those flags is not documented
(reference §10, UNCONFIRMED): :class:`PanelState` records what they say, not why.

>>> panel = PanelState.from_api({"name": "example.org", "domainValidated": True,
...     "mxIsValid": True, "spfIsValid": False, "srvIsValid": True})
>>> [(b.record, b.badge.value) for b in panel.badges()]
[('mx', 'green'), ('spf', 'red'), ('srv', 'green'), ('ownership', 'green')]
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping

import attrs

from .._apijson import Fields, at, objects, raise_if
from ..domains import check_domain_name, normalize_domain
from ..errors import Violation
from ..records._setup_api import DKIM_STATUSES, check_customer_record

# email.pro.DomainDkimDiagnosticsStateEnum (reference §5).
DKIM_STATES = ("active", "disabled", "error", "inProgress", "toConfigure")


class Badge(enum.Enum):
    """The colour of a control-panel badge (reference §10); ``NONE``: no badge is shown."""

    GREEN = "green"
    RED = "red"
    ORANGE = "orange"
    GREY = "grey"
    BLUE = "blue"
    NONE = "none"


# dkimDiagnostics.state -> badge (M-DOM, newer code).
_DKIM_BADGES = {
    "active": Badge.GREEN,
    "error": Badge.RED,
    "disabled": Badge.ORANGE,
    "toConfigure": Badge.GREY,
    "inProgress": Badge.BLUE,
}


@attrs.frozen
class PanelSelector:
    """One DKIM selector as the API reports it (``email.pro.Dkim``).

    Attributes:
        name: ``selectorName``, lower case.
        cname_valid: ``cnameIsValid``, "DNS CNAME validation passed".
        status: ``status`` (``inProduction``, ``waitingRecord``, ...).
    """

    name: str
    cname_valid: bool
    status: str


@attrs.frozen
class PanelBadge:
    """One badge of the panel: the record it is about, its colour, and why it has no colour.

    Attributes:
        record: ``mx``, ``spf``, ``srv``, ``ownership``, ``dkim``, or
            ``dkim:<selector>``.
        badge: Its colour, or :attr:`Badge.NONE`.
        hidden_because: For :attr:`Badge.NONE` and the DKIM colours that are not
            a verdict on DNS: ``not_validated``, ``no_token`` or ``dkim_state``;
            empty otherwise.
        selector: For a selector, its name; empty otherwise.
        state: For ``dkim``, ``dkimDiagnostics.state``; for a selector, its
            ``status``; empty otherwise.
    """

    record: str
    badge: Badge
    hidden_because: str = ""
    selector: str = ""
    state: str = ""


def _selectors(values: Iterable[PanelSelector]) -> tuple[PanelSelector, ...]:
    return tuple(values)


@attrs.frozen
class PanelState:
    """The API's own verdicts on a domain: the flags its control panel colours.

    Attributes:
        domain: ``name``, as A-labels without a trailing dot.
        validated: ``domainValidated``.
        mx_valid: ``mxIsValid``.
        spf_valid: ``spfIsValid``.
        srv_valid: ``srvIsValid``.
        ownership_token: ``cnameToCheck``, or ``None`` (absent, null or blank).
        dkim_state: ``dkimDiagnostics.state``, or ``None`` when the API gives none.
        selectors: One :class:`PanelSelector` per DKIM object given.
    """

    domain: str
    validated: bool
    mx_valid: bool
    spf_valid: bool
    srv_valid: bool
    ownership_token: str | None = None
    dkim_state: str | None = None
    selectors: tuple[PanelSelector, ...] = attrs.field(default=(), converter=_selectors)

    @classmethod
    def from_api(
        cls, domain: Mapping[str, object], /, *, dkim: Iterable[Mapping[str, object]] = ()
    ) -> PanelState:
        """Read the flags of a domain object, and of its DKIM objects, as the API returns them.

        Required: ``name``, ``domainValidated``, ``mxIsValid``, ``spfIsValid``,
        ``srvIsValid`` of the domain; ``selectorName``, ``cnameIsValid`` and
        ``status`` of each DKIM object. ``cnameToCheck`` and ``dkimDiagnostics``
        may be absent or null. Other keys are ignored.

        Raises:
            InvalidApiObject: every problem at once, each with its JSON path
                (``api.*`` codes, ``domain.*`` for a bad name, and
                ``api.other_domain`` / ``api.selector_mismatch`` for a DKIM
                object whose ``customerRecord`` is of another domain or selector).
        """
        problems: list[Violation] = []
        fields = Fields(domain, "domain", problems)
        name = fields.string("name", required=True)
        flags = [
            fields.boolean(key, required=True)
            for key in ("domainValidated", "mxIsValid", "spfIsValid", "srvIsValid")
        ]
        token = fields.string("cnameToCheck", nullable=True)
        diagnostics = fields.object("dkimDiagnostics")
        state = None if diagnostics is None else diagnostics.choice("state", DKIM_STATES)
        ascii_name = None
        if name is not None:
            bad = check_domain_name(name)
            problems.extend(at("domain.name", v) for v in bad)
            ascii_name = None if bad else normalize_domain(name).ascii
        selectors = []
        for item in objects(dkim, "dkim", problems):
            selector = item.string("selectorName", required=True)
            valid = item.boolean("cnameIsValid", required=True)
            status = item.choice("status", DKIM_STATUSES, required=True)
            if selector is not None and ascii_name is not None:
                problems.extend(check_customer_record(item, ascii_name, selector))
            if selector is not None and valid is not None and status is not None:
                selectors.append(PanelSelector(selector.lower(), valid, status))
        raise_if(problems)
        validated, mx, spf, srv = flags
        # Required: a problem otherwise.
        assert ascii_name is not None
        assert validated is not None
        assert mx is not None
        assert spf is not None
        assert srv is not None
        return cls(
            ascii_name,
            validated,
            mx,
            spf,
            srv,
            ownership_token=token or None,
            dkim_state=state,
            selectors=selectors,
        )

    def badges(self) -> tuple[PanelBadge, ...]:
        """The badges the panel shows, in the order of the checks (§10)."""
        found = []
        for record, valid in (
            ("mx", self.mx_valid),
            ("spf", self.spf_valid),
            ("srv", self.srv_valid),
        ):
            # The MX, SPF and SRV badges show only once the domain is validated.
            if self.validated:
                found.append(PanelBadge(record, Badge.GREEN if valid else Badge.RED))
            else:
                found.append(PanelBadge(record, Badge.NONE, "not_validated"))
        if self.validated:
            found.append(PanelBadge("ownership", Badge.GREEN))
        elif self.ownership_token:
            found.append(PanelBadge("ownership", Badge.RED))
        else:
            found.append(PanelBadge("ownership", Badge.NONE, "no_token"))
        if self.dkim_state is not None:
            badge = _DKIM_BADGES[self.dkim_state]
            why = "" if badge in (Badge.GREEN, Badge.RED) else "dkim_state"
            found.append(PanelBadge("dkim", badge, why, state=self.dkim_state))
        for selector in self.selectors:
            badge = Badge.GREEN if selector.cname_valid else Badge.RED
            found.append(
                PanelBadge(
                    f"dkim:{selector.name}", badge, selector=selector.name, state=selector.status
                )
            )
        return tuple(found)
