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

from ..errors import DomainOutsideZone, InvalidApiObject, ValidationError, Violation
from ..i18n import _catalog
from ._common import one_line
from ._lang import compose, say

# The subjects the library's ValidationErrors name (errors.py and their raisers),
# each with its own template: the French adjective agrees with its noun.
_SUBJECTS = {
    "input": "cli.invalid.input",
    "domain name": "cli.invalid.domain_name",
    "login": "cli.invalid.login",
    "password": "cli.invalid.password",
    "domain mode": "cli.invalid.domain_mode",
    "relay target": "cli.invalid.relay_target",
    "routing change": "cli.invalid.routing_change",
    "domain setup": "cli.invalid.domain_setup",
    "server number": "cli.invalid.server_number",
    "example name": "cli.invalid.example_name",
    "service name": "cli.invalid.service_name",
    "password policy": "cli.invalid.password_policy",
    "API object": "cli.invalid.api_object",
}

MESSAGES = _catalog.register(
    {
        **{key: f"invalid {subject}: {{details}}" for subject, key in _SUBJECTS.items()},
        **{f"{key}:empty": f"invalid {subject}" for subject, key in _SUBJECTS.items()},
        "cli.invalid.other": "invalid {subject}: {details}",
        "cli.invalid.other:empty": "invalid {subject}",
        "cli.list_separator": "; ",
        "cli.api_path": "{path}: {text}",
    }
)


def violation_text(violation: Violation, lang: str, /, *, lead_path: bool = False) -> str:
    """``MESSAGE [code]``, the message in ``lang``.

    With ``lead_path``, a rule's own violation found in an API object is led by
    the JSON path of its value (``service.minPasswordLength: ...``), as
    :class:`~emailpro_core.errors.InvalidApiObject` says it: the rule's message
    does not name the key it was read from (the ``api.*`` messages do).
    """
    path = violation.params.get("path")
    lead = lead_path and path is not None and not violation.code.startswith("api.")
    text = f"{violation.render(lang)} [{violation.code}]"
    return compose("cli.api_path", lang, path=str(path), text=text) if lead else text


def validation_text(error: ValidationError, lang: str, /) -> str:
    """The error as its ``str`` says it, in ``lang``: ``invalid SUBJECT: ...``."""
    key = _SUBJECTS.get(error.subject, "cli.invalid.other")
    separator = say("cli.list_separator", lang)
    lead = isinstance(error, InvalidApiObject)
    details = separator.join(violation_text(v, lang, lead_path=lead) for v in error.violations)
    if not error.violations:
        key += ":empty"
    return compose(key, lang, subject=one_line(error.subject), details=details)


def violation_dict(violation: Violation, lang: str, /) -> dict[str, object]:
    """``Violation.to_dict``, its message in ``lang``: code and params as they are."""
    return {**violation.to_dict(), "message": violation.render(lang)}


def outside_zone(error: DomainOutsideZone, key: str, /) -> tuple[str, dict[str, object]]:
    """The key (``:one`` or ``:many`` zone) and params of a domain outside the zones."""
    zones = ", ".join(zone or "." for zone in error.zones)
    variant = "one" if len(error.zones) == 1 else "many"
    return f"{key}:{variant}", {"domain": error.domain, "zones": zones}
