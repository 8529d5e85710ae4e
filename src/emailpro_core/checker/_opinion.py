"""A second opinion on the control panel: the diagnosis set against the panel's badges.

For each badge of a :class:`PanelState` (MX, SPF, SRV, the ownership CNAME,
DKIM, each DKIM selector), :func:`second_opinion` takes the findings of the
same record in a :class:`Diagnosis` and says whether they agree:

==================  ==========================================================
code                meaning
==================  ==========================================================
``panel.agrees``    green and the record works (``OK`` or ``WARNING``), or red
                    and it needs a change (``ERROR`` or ``WARNING``)
``panel.stricter``  red, yet the diagnosis finds the record right (``OK``)
``panel.laxer``     green, yet the diagnosis finds an ``ERROR``
``panel.undecided`` the diagnosis has no verdict to set against it (``UNKNOWN``,
                    ``SKIPPED``, or no finding for that record)
``panel.hidden``    the panel shows no verdict on DNS for it (no badge before
                    validation; a DKIM state such as ``toConfigure``)
==================  ==========================================================

A ``WARNING`` agrees with either colour: the record works, and should change.
Each opinion's message comes from one template of :data:`_MESSAGES`, keyed by its
``reason`` (``panel.stricter.spf``, or the code itself), with its ``params``.

>>> from emailpro_core.checker import Check, Diagnosis, Finding, Status
>>> panel = PanelState("example.org", True, True, False, True)
>>> diagnosis = Diagnosis("example.org", [
...     Finding(Check.MX, Status.OK, "mx.ok", "", "example.org."),
...     Finding(Check.SPF, Status.OK, "spf.ok", "", "example.org.")])
>>> opinion = second_opinion(panel, diagnosis)
>>> [(o.record, o.code) for o in opinion.opinions]  # doctest: +NORMALIZE_WHITESPACE
[('mx', 'panel.agrees'), ('spf', 'panel.stricter'), ('srv', 'panel.undecided'),
 ('ownership', 'panel.undecided')]
>>> opinion.agrees
False
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from .._apijson import message
from ..errors import InvalidApiObject
from ..i18n._catalog import Said, Verbatim, register, render
from ._diagnosis import Diagnosis
from ._findings import Check, Finding, Status
from ._panel import Badge, PanelBadge, PanelState

#: The templates of the messages of this module, by reason (params in braces).
_MESSAGES = register(
    {
        "panel.agrees": (
            "the panel shows {label} {badge} and the diagnosis agrees ({status}, {finding})"
        ),
        "panel.undecided": (
            "the panel shows {label} {badge}, but the diagnosis has no verdict to set against it "
            "({status}, {finding})"
        ),
        "panel.agrees.ownership.green": (
            "the domain is validated in the panel and the diagnosis agrees ({status}, {finding})"
        ),
        "panel.undecided.ownership.green": (
            "the domain is validated in the panel, but the diagnosis has no verdict on the "
            "ownership CNAME to set against it ({status}, {finding})"
        ),
        "panel.undecided.not_checked": (
            "the diagnosis has no finding for {label}, so it cannot be set against the panel"
        ),
        "panel.hidden.not_validated": (
            "the panel shows no {label} badge until the domain is validated; the diagnosis says "
            "{status} ({finding})"
        ),
        "panel.hidden.no_token": (
            "the panel shows no {label} badge: the domain is not validated and has no "
            "cnameToCheck; the diagnosis says {status} ({finding})"
        ),
        "panel.hidden.dkim_state": (
            "the panel's DKIM state is {state}, which is no verdict on the DNS records; the "
            "diagnosis says {status} ({finding})"
        ),
        "panel.stricter.mx": (
            "the panel shows MX red, yet the published MX records bring the mail to the "
            "provider's hosts ({finding}); how the panel matches them against expectedMX is "
            "not documented"
        ),
        "panel.laxer.mx": (
            "the panel shows MX green, yet a sender following the published MX records would "
            "not always reach the provider ({finding})"
        ),
        "panel.stricter.spf": (
            "the panel shows SPF red, yet the published record, evaluated as a receiver would, "
            "passes the provider's mail ({finding}); how the panel matches it against "
            "expectedSPF is not documented"
        ),
        "panel.laxer.spf": (
            "the panel shows SPF green, yet a receiver evaluating the published record would "
            "not pass all of the provider's mail ({finding})"
        ),
        "panel.stricter.srv": (
            "the panel shows SRV red, yet the autodiscover SRV record leads mail clients to "
            "the service host ({finding})"
        ),
        "panel.laxer.srv": (
            "the panel shows SRV green, yet the autodiscover SRV record does not lead mail "
            "clients to the service host ({finding})"
        ),
        "panel.stricter.ownership": (
            "the panel still shows the domain as not validated, yet the ownership CNAME is "
            "published as expected ({finding}); the validation may not have run since"
        ),
        "panel.laxer.ownership": (
            "the panel shows the domain as validated, yet the ownership CNAME is not published "
            "as expected ({finding}); whether it may go once validated is not documented"
        ),
        "panel.stricter.dkim": (
            "the panel's DKIM state is error, yet the DKIM records of the selectors checked "
            "are right ({finding})"
        ),
        "panel.laxer.dkim": (
            "the panel's DKIM state is active, yet the diagnosis finds an error in the DKIM "
            "records ({finding})"
        ),
        "panel.stricter.selector": (
            "the panel marks the CNAME of selector {selector} as not valid, yet it leads to "
            "the provider's target ({finding})"
        ),
        "panel.laxer.selector": (
            "the panel marks the CNAME of selector {selector} as valid, yet the diagnosis "
            "finds an error there ({finding})"
        ),
        "api.domain_mismatch": "{path} is {value}, but the diagnosis is of {domain}",
        "panel.line": "{code}: {text}",
        "panel.badge.green": "green",
        "panel.badge.red": "red",
        "panel.badge.orange": "orange",
        "panel.badge.grey": "grey",
        "panel.badge.blue": "blue",
        "panel.badge.none": "none",
        "panel.heading:agrees": "control panel, second opinion for {domain}: agrees",
        "panel.heading:disagree": (
            "control panel, second opinion for {domain}: {count} disagreement"
        ),
        "panel.heading:disagree_many": (
            "control panel, second opinion for {domain}: {count} disagreements"
        ),
    }
)
_LABELS = {"mx": "MX", "spf": "SPF", "srv": "SRV", "ownership": "CNAME", "dkim": "DKIM"}
_SEVERITY = {status: rank for rank, status in enumerate(Status)}


class PanelVerdict(enum.Enum):
    """How the diagnosis stands to one badge; the value is the end of its code."""

    AGREES = "agrees"
    STRICTER = "stricter"  # the panel is red on a record the diagnosis finds right
    LAXER = "laxer"  # the panel is green on a record the diagnosis finds wrong
    UNDECIDED = "undecided"  # the diagnosis has no verdict on the record
    HIDDEN = "hidden"  # the panel has no verdict on the record

    @property
    def code(self) -> str:
        """The stable code: ``panel.agrees``, ``panel.stricter``, ..."""
        return f"panel.{self.value}"


def _params(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@attrs.frozen
class PanelOpinion:
    """The diagnosis set against one badge of the panel.

    Attributes:
        record: ``mx``, ``spf``, ``srv``, ``ownership``, ``dkim`` or ``dkim:<selector>``.
        badge: The badge's colour (:class:`Badge`).
        status: The worst status of the record's findings, or ``None`` when it has none.
        finding: The code of that finding (``spf.ok``), or empty.
        verdict: How the two stand (:class:`PanelVerdict`).
        reason: The key of the message's template: the code, or a more precise
            key (``panel.stricter.spf``, ``panel.hidden.not_validated``).
        params: The values the template is filled with (tokens: the record's label,
            the colour, the status name, the finding's code, the selector, the state).
    """

    record: str
    badge: Badge
    status: Status | None
    finding: str
    verdict: PanelVerdict
    reason: str
    params: Mapping[str, object] = attrs.field(converter=_params, eq=False)

    @property
    def code(self) -> str:
        """The stable code of the verdict (``panel.agrees``, ...)."""
        return self.verdict.code

    @property
    def message(self) -> str:
        """One sentence for humans, from the template of :attr:`reason` (English)."""
        return self.render()

    def render(self, lang: str | None = None) -> str:
        """The sentence in ``lang`` (``"en"``, ``"fr"``; ``None`` is English).

        Raises:
            ValueError: a language emailpro_core does not write.
        """
        return render(self.reason, self.params, lang)

    def to_dict(self, lang: str | None = None) -> dict[str, object]:
        """A JSON-ready view with stable keys."""
        return {
            "record": self.record,
            "badge": self.badge.value,
            "status": None if self.status is None else self.status.value,
            "finding": self.finding,
            "code": self.code,
            "reason": self.reason,
            "message": self.render(lang),
            "params": dict(self.params),
        }


def _opinions(values: Iterable[PanelOpinion]) -> tuple[PanelOpinion, ...]:
    return tuple(values)


@attrs.frozen
class SecondOpinion:
    """Every badge of the panel with the diagnosis set against it.

    Attributes:
        domain: The domain, as A-labels.
        opinions: One :class:`PanelOpinion` per badge, in the panel's order.
    """

    domain: str
    opinions: tuple[PanelOpinion, ...] = attrs.field(converter=_opinions)

    @property
    def disagreements(self) -> tuple[PanelOpinion, ...]:
        """The opinions where the panel is stricter or laxer than the diagnosis."""
        return tuple(
            o for o in self.opinions if o.verdict in (PanelVerdict.STRICTER, PanelVerdict.LAXER)
        )

    @property
    def agrees(self) -> bool:
        """Whether no badge disagrees with the diagnosis."""
        return not self.disagreements

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes of the opinions, in order."""
        return tuple(o.code for o in self.opinions)

    def to_dict(self, lang: str | None = None) -> dict[str, Any]:
        """A JSON-ready view: ``{"domain", "agrees", "opinions"}``, messages in ``lang``."""
        return {
            "domain": self.domain,
            "agrees": self.agrees,
            "opinions": [o.to_dict(lang) for o in self.opinions],
        }

    def to_text(self, lang: str | None = None) -> str:
        """A heading, then one line per badge: record, colour, status, code and message."""
        count = len(self.disagreements)
        variant = "panel.heading:agrees" if not count else "panel.heading:disagree"
        if count > 1:
            variant = "panel.heading:disagree_many"
        lines = [render(variant, {"domain": self.domain, "count": count}, lang)]
        for o in self.opinions:
            status = "-" if o.status is None else o.status.name
            said = render("panel.line", {"code": o.code, "text": Verbatim(o.render(lang))}, lang)
            lines.append(f"  {o.record:<12} {o.badge.value:<6} {status:<8} {said}")
        return "\n".join(lines)


def _findings_of(diagnosis: Diagnosis, record: PanelBadge) -> tuple[Finding, ...]:
    if record.record == "srv":
        # The SRV record only: the autodiscover check also judges the name
        # autodiscover.<domain>, which has no badge.
        alias = f"autodiscover.{diagnosis.domain}."
        return tuple(
            f
            for f in diagnosis.of(Check.AUTODISCOVER)
            if f.name != alias and not f.code.startswith("autodiscover.")
        )
    if record.selector:
        # The selector's own name and its target both start with "<selector>._domainkey.".
        prefix = f"{record.selector}._domainkey."
        return tuple(f for f in diagnosis.of(Check.DKIM) if f.name.lower().startswith(prefix))
    check = {"mx": Check.MX, "spf": Check.SPF, "ownership": Check.OWNERSHIP}.get(record.record)
    return diagnosis.of(check or Check.DKIM)


def _verdict(badge: PanelBadge, status: Status | None) -> tuple[PanelVerdict, str]:
    if status is None:
        return PanelVerdict.UNDECIDED, "panel.undecided.not_checked"
    if badge.hidden_because:
        return PanelVerdict.HIDDEN, f"panel.hidden.{badge.hidden_because}"
    if status in (Status.UNKNOWN, Status.SKIPPED):
        verdict = PanelVerdict.UNDECIDED
    elif badge.badge is Badge.GREEN and status is Status.ERROR:
        verdict = PanelVerdict.LAXER
    elif badge.badge is Badge.RED and status is Status.OK:
        verdict = PanelVerdict.STRICTER
    else:
        verdict = PanelVerdict.AGREES
    # The most precise template there is: for the record and colour, the record, or none.
    kind = "selector" if badge.selector else badge.record
    precise = (f"{verdict.code}.{kind}.{badge.badge.value}", f"{verdict.code}.{kind}")
    return verdict, next((r for r in precise if r in _MESSAGES), verdict.code)


def _worst(found: tuple[Finding, ...]) -> Finding | None:
    # As Diagnosis.status does: a part not checked (SKIPPED) says nothing of the rest.
    checked = [f for f in found if f.status is not Status.SKIPPED] or list(found)
    return max(checked, key=lambda f: _SEVERITY[f.status], default=None)


def _opinion(badge: PanelBadge, diagnosis: Diagnosis) -> PanelOpinion:
    found = _findings_of(diagnosis, badge)
    worst = _worst(found)
    status = None if worst is None else worst.status
    verdict, reason = _verdict(badge, status)
    label = f"DKIM {badge.selector}" if badge.selector else _LABELS[badge.record]
    params = {
        "label": label,
        "badge": Said(f"panel.badge.{badge.badge.value}", {}),
        "status": "-" if status is None else status.name,
        "finding": "" if worst is None else worst.code,
        "selector": badge.selector,
        "state": badge.state,
    }
    return PanelOpinion(
        badge.record, badge.badge, status, params["finding"], verdict, reason, params
    )


def second_opinion(panel: PanelState, diagnosis: Diagnosis, /) -> SecondOpinion:
    """Set ``diagnosis`` against each badge of ``panel``, record by record.

    Raises:
        InvalidApiObject: the panel is of another domain than the diagnosis
            (``api.domain_mismatch``, path ``domain.name``).
        TypeError: an argument has the wrong type.
    """
    if not isinstance(panel, PanelState):
        raise TypeError(f"panel must be a PanelState, not {type(panel).__name__}")
    if not isinstance(diagnosis, Diagnosis):
        raise TypeError(f"diagnosis must be a Diagnosis, not {type(diagnosis).__name__}")
    if panel.domain != diagnosis.domain:
        raise InvalidApiObject(
            [
                message(
                    "api.domain_mismatch",
                    path="domain.name",
                    value=repr(panel.domain),
                    domain=diagnosis.domain,
                )
            ]
        )
    return SecondOpinion(panel.domain, [_opinion(b, diagnosis) for b in panel.badges()])
