"""Several platforms side by side, and the "authoritative domain detected" rule.

A :class:`Topology` knows which host reaches which platform, and keeps the rule
of guide D-EP1 / D-ADD: a domain held authoritatively by one platform cannot be
held by any other; to coexist, every platform must hold it non-authoritatively.

>>> mxplan = Platform("mxplan", hosts="mx1.mail.ovh.net")
>>> pro = Platform("emailpro-zz1111111-1", hosts="pro1.mail.ovh.net")
>>> world = Topology([mxplan, pro]).attach(
...     "mxplan", "mydomain.ovh", mode=DomainMode.AUTHORITATIVE)
>>> world.attach("emailpro-zz1111111-1", "mydomain.ovh", mode=DomainMode.NON_AUTHORITATIVE,
...              relay="mx1.mail.ovh.net")
Traceback (most recent call last):
  ...
emailpro_core.errors.AuthoritativeDomainDetected: authoritative domain detected:
mydomain.ovh is held by platform 'mxplan'; both platforms must hold it in
non-authoritative mode to coexist
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from .._violation import templated
from ..domains import Domain, normalize_domain
from ..errors import AuthoritativeDomainDetected, RoutingError
from ..i18n._catalog import register
from ._modes import DomainMode
from ._platforms import Platform, _instances

#: The English templates of the topology rules; the French is in the package's
#: gettext catalog (``topology.authoritative_domain_detected`` is the exception's,
#: in :mod:`emailpro_core.errors`).
MESSAGES = register(
    {
        "topology.host_taken": (
            "{host} already reaches platform {platform!r}; a host reaches one platform"
        ),
        "topology.duplicate_platform": "two platforms are named {platform!r}",
    }
)


def _coexistence_problem(
    platform: Platform, others: Iterable[Platform]
) -> AuthoritativeDomainDetected | RoutingError | None:
    """Why ``platform`` cannot sit beside ``others`` (``None`` when it can)."""
    for other in others:
        shared_hosts = set(platform.hosts) & set(other.hosts)
        if shared_hosts:
            host = min(shared_hosts)
            return RoutingError(
                (templated("topology.host_taken", {"host": host, "platform": other.name}),)
            )
        for hosted in platform.domains:
            theirs = other.hosted(hosted.name)
            if theirs is None:
                continue
            # D-EP1: "authoritative domain detected" when the other platform holds it
            # authoritatively; asking for authoritative mode where another platform
            # holds the domain at all breaks the same rule from the other side.
            if DomainMode.AUTHORITATIVE in (hosted.mode, theirs.mode):
                return AuthoritativeDomainDetected(hosted.name.ascii, other.name)
    return None


def _platforms(value: Iterable[Platform]) -> tuple[Platform, ...]:
    return _instances(value, Platform, "platforms")


@attrs.frozen
class Topology:
    """Platforms side by side. Every change returns a new topology.

    Attributes:
        platforms: The platforms, in the order they were added. Each host reaches
            one platform; a domain held authoritatively is held by one platform only.

    Raises:
        AuthoritativeDomainDetected: a platform holds a domain that an earlier one
            holds, and one of them authoritatively.
        RoutingError: two platforms share a name (``topology.duplicate_platform``)
            or a host (``topology.host_taken``).
    """

    platforms: tuple[Platform, ...] = attrs.field(default=(), converter=_platforms)

    def __attrs_post_init__(self) -> None:
        names = [platform.name for platform in self.platforms]
        for index, platform in enumerate(self.platforms):
            if platform.name in names[:index]:
                raise RoutingError(
                    (templated("topology.duplicate_platform", {"platform": platform.name}),)
                )
            problem = _coexistence_problem(platform, self.platforms[:index])
            if problem is not None:
                raise problem

    def platform(self, name: str, /) -> Platform:
        """The platform called ``name``.

        Raises:
            KeyError: no platform has that name.
        """
        for platform in self.platforms:
            if platform.name == name:
                return platform
        raise KeyError(name)

    def reached_by(self, host: str | Domain, /) -> Platform | None:
        """The platform that ``host`` reaches, or ``None`` if it is outside the topology.

        Raises:
            InvalidDomain: ``host`` is not a valid host name.
        """
        name = host.ascii if isinstance(host, Domain) else host
        platform = self._platform_at(name)
        if platform is None and not isinstance(host, Domain):
            # Hosts are stored normalized, so a name found as given needs no
            # normalization (which costs far more than the look-up); any other
            # spelling is normalized, and invalid input raises.
            platform = self._platform_at(normalize_domain(host).ascii)
        return platform

    def _platform_at(self, ascii_host: str) -> Platform | None:
        return next((p for p in self.platforms if ascii_host in p.hosts), None)

    def holders(self, domain: str | Domain, /) -> tuple[Platform, ...]:
        """The platforms that hold ``domain``, in order.

        Raises:
            InvalidDomain: ``domain`` is not a valid domain name.
        """
        return tuple(p for p in self.platforms if p.hosted(domain) is not None)

    def with_platform(self, platform: Platform, /) -> Topology:
        """Add ``platform``, or replace the platform of the same name (in place).

        Raises:
            AuthoritativeDomainDetected: naming the other platform that holds one of
                ``platform``'s domains, when either holds it authoritatively.
            RoutingError: ``topology.host_taken``.
        """
        others = [p for p in self.platforms if p.name != platform.name]
        problem = _coexistence_problem(platform, others)
        if problem is not None:
            raise problem
        if len(others) == len(self.platforms):
            return Topology([*self.platforms, platform])
        return Topology(platform if p.name == platform.name else p for p in self.platforms)

    def attach(
        self,
        platform_name: str,
        domain: str | Domain,
        /,
        *,
        mode: DomainMode,
        relay: str | None = None,
    ) -> Topology:
        """Add ``domain`` to a platform (or change its mode), as the control panel does.

        Raises:
            AuthoritativeDomainDetected: another platform holds ``domain``
                authoritatively, or ``mode`` is authoritative and another platform
                holds ``domain`` at all. The error names that platform.
            InvalidRelayTarget: ``relay`` breaks the relay rules.
            KeyError: no platform is called ``platform_name``.
        """
        changed = self.platform(platform_name).with_domain(domain, mode=mode, relay=relay)
        return self.with_platform(changed)
