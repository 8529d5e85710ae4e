"""Reading the provider's API objects as the API returns them (JSON, camelCase keys).

The constructors ``PasswordPolicy.from_api``, ``PersonalInfo.from_api``,
``Account.from_api``, ``DomainSetup.from_api`` and ``PanelState.from_api`` read
their object through a :class:`Fields` reader: each key is looked up, its JSON
type checked, and every problem collected with the key's path
(``domain.mxRelay``, ``dkim[1].selectorName``), so that one
:class:`~emailpro_core.errors.InvalidApiObject` lists them all. Keys the reader
is not asked about are ignored: the API adds fields over time.

Every message is made from one English template of :data:`_MESSAGES`, keyed by
the violation's code and registered in the message catalog (its French is there),
with the violation's params filled in.

>>> problems = []
>>> fields = Fields({"login": 7}, "account", problems)
>>> fields.string("login", required=True) is None, fields.string("domain", required=True)
(True, None)
>>> [(v.code, v.params["path"]) for v in problems]
[('api.wrong_type', 'account.login'), ('api.missing_key', 'account.domain')]
>>> problems[0].message
'account.login must be of type string, not number'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import attrs

from ._violation import templated
from .errors import InvalidApiObject, Violation
from .i18n._catalog import register

#: The templates of the messages of this module, by code (params in braces).
_MESSAGES = register(
    {
        "api.not_an_object": "{path} must be a JSON object, not {found}",
        "api.not_a_list": "{path} must be a JSON array of objects, not {found}",
        "api.missing_key": "the key {key} is missing from {parent}",
        "api.wrong_type": "{path} must be of type {expected}, not {found}",
        "api.wrong_type:nullable": "{path} must be of type {expected} or null, not {found}",
        "api.unknown_value": "{path} is {value}, which is none of {expected}",
    }
)
# How much of a bad value a message repeats: enough to recognise it.
_SHOWN = 40


def message(code: str, /, **params: object) -> Violation:
    """The violation ``code``, its message from the catalog's template and ``params``."""
    return templated(code, params)


def api_violation(code: str, /, **params: object) -> Violation:
    """A violation of this module's codes (``api.missing_key``, ``api.wrong_type``, ...)."""
    return message(code, **params)


def shown(text: str, /) -> str:
    """``text`` as a message repeats it: quoted, escaped, and cut."""
    cut = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return repr(cut)


def json_type(value: object, /) -> str:
    """The JSON name of ``value``'s type (``null``, ``boolean``, ``number``, ...).

    >>> json_type(None), json_type(True), json_type(1.5), json_type([]), json_type({})
    ('null', 'boolean', 'number', 'array', 'object')
    """
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    return type(value).__name__


def at(path: str, violation: Violation, /) -> Violation:
    """``violation`` (a rule's own, such as ``relay.loop``) with the JSON ``path`` in its params."""
    return attrs.evolve(violation, params={**violation.params, "path": path})


def raise_if(problems: Iterable[Violation], /) -> None:
    """Raise one :class:`InvalidApiObject` with every problem, if there is any.

    A problem found twice (two readers of the same object) is listed once.
    """
    unique = tuple(dict.fromkeys(problems))
    if unique:
        raise InvalidApiObject(unique)


class Fields:
    """The keys of one API object, read with their types checked.

    A value that is not an object gives one ``api.not_an_object`` problem, and
    every read returns ``None`` (or the default) without adding more.
    """

    def __init__(self, value: object, path: str, problems: list[Violation], /) -> None:
        self.path = path
        self.problems = problems
        self.data: Mapping[object, object] | None = None
        if isinstance(value, Mapping):
            self.data = value
        else:
            problems.append(api_violation("api.not_an_object", path=path, found=json_type(value)))

    @property
    def ok(self) -> bool:
        """Whether the value is an object."""
        return self.data is not None

    def _get(
        self, key: str, kinds: tuple[type, ...], expected: str, required: bool, nullable: bool
    ) -> object:
        if self.data is None:
            return None
        if key not in self.data:
            if required:
                self.problems.append(
                    api_violation(
                        "api.missing_key", path=f"{self.path}.{key}", key=key, parent=self.path
                    )
                )
            return None
        value = self.data[key]
        if value is None and nullable:
            return None
        # JSON has no bool among its numbers, and no number among its booleans.
        wrong_bool = isinstance(value, bool) and bool not in kinds
        if wrong_bool or not isinstance(value, kinds):
            params = {"path": f"{self.path}.{key}", "expected": expected, "found": json_type(value)}
            variant = "nullable" if nullable else ""
            self.problems.append(templated("api.wrong_type", params, variant=variant))
            return None
        return value

    def string(self, key: str, /, *, required: bool = False, nullable: bool = False) -> str | None:
        """The string at ``key``; ``None`` when absent, null (if allowed) or wrong."""
        value = self._get(key, (str,), "string", required, nullable)
        return value if isinstance(value, str) else None

    def boolean(self, key: str, /, *, required: bool = False) -> bool | None:
        """The boolean at ``key``; ``None`` when absent or wrong."""
        value = self._get(key, (bool,), "boolean", required, False)
        return value if isinstance(value, bool) else None

    def integer(self, key: str, /, *, required: bool = False, nullable: bool = False) -> int | None:
        """The whole number at ``key``; a float, even ``8.0``, is refused (the API's ``long``)."""
        value = self._get(key, (int,), "integer", required, nullable)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def choice(self, key: str, choices: Sequence[str], /, *, required: bool = False) -> str | None:
        """The string at ``key``, one of ``choices`` (an API enum); ``None`` otherwise."""
        value = self.string(key, required=required)
        if value is None or value in choices:
            return value
        self.problems.append(
            api_violation(
                "api.unknown_value",
                path=f"{self.path}.{key}",
                value=shown(value),
                expected=", ".join(choices),
            )
        )
        return None

    def object(self, key: str, /) -> Fields | None:
        """The object at ``key`` (absent or null: ``None``), as a reader of its own."""
        value = self._get(key, (Mapping,), "object", False, True)
        return None if value is None else Fields(value, f"{self.path}.{key}", self.problems)


def objects(value: object, path: str, problems: list[Violation], /) -> list[Fields]:
    """One reader per object of ``value``: a list (or tuple) of objects, or one object alone."""
    if isinstance(value, Mapping):
        return [Fields(value, f"{path}[0]", problems)]
    if not isinstance(value, list | tuple):
        problems.append(api_violation("api.not_a_list", path=path, found=json_type(value)))
        return []
    return [Fields(item, f"{path}[{index}]", problems) for index, item in enumerate(value)]
