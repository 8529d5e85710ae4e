"""The example zones shipped with the package: a quick start that needs no files of one's own.

``mydomain.ovh`` is deliberately half right (two records are wrong); ``example.org``
is ready for E-mail Pro (server 1, ownership token ``ab1cd``, DKIM selectors
``ovhemp123456-selector1`` and ``-selector2``). The command ``emailpro-core example``
writes them out.

>>> from emailpro_core import DomainSetup, ZoneSource, check_domain
>>> from emailpro_core.examples import EXAMPLE_DOMAINS, example_zone
>>> EXAMPLE_DOMAINS
('example.org', 'mydomain.ovh')
>>> zone = ZoneSource.from_text(example_zone("mydomain.ovh"))
>>> check_domain(DomainSetup("mydomain.ovh", server_number=1), zone).worst.name
'ERROR'
"""

from __future__ import annotations

from importlib import resources

from .._violation import templated
from ..errors import ValidationError, require_str
from ..i18n._catalog import register

__all__ = ["DEFAULT_EXAMPLE", "EXAMPLE_DOMAINS", "example_zone"]

#: The domains an example zone exists for (each is ``<domain>.zone`` in this package).
EXAMPLE_DOMAINS: tuple[str, ...] = ("example.org", "mydomain.ovh")
#: The example of the quick start.
DEFAULT_EXAMPLE = "mydomain.ovh"

#: The English template of an unknown example; the French is in the package's
#: gettext catalog.
MESSAGES = register(
    {"example.unknown": "there is no example zone for {domain!r}; the examples are {listed}"}
)


def example_zone(domain: str = DEFAULT_EXAMPLE, /) -> str:
    """The text of the example zone of ``domain`` (one of :data:`EXAMPLE_DOMAINS`).

    The name is compared without case and without a final dot.

    Raises:
        ValidationError: no example zone exists for ``domain`` (code ``example.unknown``).
    """
    require_str(domain, "example domain")
    name = domain.lower().removesuffix(".")
    if name not in EXAMPLE_DOMAINS:
        listed = ", ".join(EXAMPLE_DOMAINS)
        raise ValidationError(
            [
                templated(
                    "example.unknown",
                    {"domain": domain, "examples": EXAMPLE_DOMAINS, "listed": listed},
                )
            ],
            subject="example name",
        )
    # Read through importlib.resources: the zones are package data, found the same
    # way from a checkout, an installed wheel or a zip.
    return resources.files(__name__).joinpath(f"{name}.zone").read_text(encoding="utf-8")
