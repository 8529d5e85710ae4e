"""What the commands write of the library's errors and violations, in the user's language.

A :class:`~emailpro_core.errors.ValidationError` reads "invalid domain setup:
MESSAGE [code]; ..." in English (its ``str``); :func:`validation_text` writes the
same in a language, each violation rendered by :meth:`Violation.render
<emailpro_core.errors.Violation.render>`. A JSON document keeps each violation's
``code`` and ``params`` and carries its message in the chosen language.

>>> from emailpro_core.naming import check_login
>>> from emailpro_core.errors import InvalidLogin
>>> validation_text(InvalidLogin(check_login("")), "fr")
'nom d’utilisateur invalide\\xa0: le nom d’utilisateur est vide [login.empty]'
"""

from __future__ import annotations

from ..errors import DomainOutsideZone, ValidationError, Violation


def validation_text(error: ValidationError, lang: str, /) -> str:
    """The error as its ``str`` says it, in ``lang``: ``invalid SUBJECT: ...``."""
    return error.render(lang)


def violation_dict(violation: Violation, lang: str, /) -> dict[str, object]:
    """``Violation.to_dict``, its message in ``lang``: code and params as they are."""
    return {**violation.to_dict(), "message": violation.render(lang)}


def outside_zone(error: DomainOutsideZone, key: str, /) -> tuple[str, dict[str, object]]:
    """The key (``:one`` or ``:many`` zone) and params of a domain outside the zones."""
    zones = ", ".join(zone or "." for zone in error.zones)
    variant = "one" if len(error.zones) == 1 else "many"
    return f"{key}:{variant}", {"domain": error.domain, "zones": zones}
