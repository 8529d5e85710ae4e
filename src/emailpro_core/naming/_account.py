"""An account as the provider's API describes it: what the naming rules read.

``email.pro.Account`` (reference §6) has ``login`` and ``domain`` (the address
is ``login@domain``), the person's ``firstName``, ``lastName`` and
``displayName``, and ``primaryEmailAddress``. :meth:`Account.from_api` reads
them, unchecked: the login is kept as the API gives it, for
:func:`~emailpro_core.naming.check_login` to judge. The password rules read the
same object through :meth:`emailpro_core.password.PersonalInfo.from_api`.

>>> account = Account.from_api({"login": "mary.johnson", "domain": "Example.ORG",
...                             "displayName": "Mary Johnson", "quota": 5000})
>>> account.address, account.display_name
('mary.johnson@example.org', 'Mary Johnson')
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from .._apijson import Fields, at, raise_if
from ..domains import Domain, check_domain_name, normalize_domain
from ..errors import Violation


def _optional_str(instance: object, attribute: attrs.Attribute[str | None], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be a str or None, not {type(value).__name__}")


@attrs.frozen
class Account:
    """An account's names: its login, its domain, the person's names.

    Attributes:
        login: The local part, as the API gives it (API ``login``); not checked.
        domain: The account's domain, normalized (API ``domain``).
        first_name: API ``firstName``, or ``None``.
        last_name: API ``lastName``, or ``None``.
        display_name: API ``displayName``, or ``None``.
        primary_address: API ``primaryEmailAddress`` as given, or ``None``; an
            account not yet configured shows ``…@configureme.me`` there (D-EP1).
    """

    login: str = attrs.field(validator=attrs.validators.instance_of(str))
    domain: Domain = attrs.field(validator=attrs.validators.instance_of(Domain))
    first_name: str | None = attrs.field(default=None, validator=_optional_str, kw_only=True)
    last_name: str | None = attrs.field(default=None, validator=_optional_str, kw_only=True)
    display_name: str | None = attrs.field(default=None, validator=_optional_str, kw_only=True)
    primary_address: str | None = attrs.field(default=None, validator=_optional_str, kw_only=True)

    @property
    def address(self) -> str:
        """``login@domain``, the domain in A-labels."""
        return f"{self.login}@{self.domain.ascii}"

    @classmethod
    def from_api(cls, account: Mapping[str, object], /) -> Account:
        """Read an account object as the API returns it.

        Required: ``login`` and ``domain`` (strings; the domain must be a valid
        domain name). ``firstName``, ``lastName``, ``displayName`` and
        ``primaryEmailAddress`` may be absent or null. Other keys are ignored.
        ``primaryEmailAddress`` is kept as given and not compared with
        ``login@domain``: whether they may differ is not documented.

        Raises:
            InvalidApiObject: every problem at once (``api.not_an_object``,
                ``api.missing_key``, ``api.wrong_type``, and the ``domain.*``
                codes of a bad domain), each with its path.
        """
        problems: list[Violation] = []
        fields = Fields(account, "account", problems)
        login = fields.string("login", required=True)
        domain_text = fields.string("domain", required=True)
        names = {
            "first_name": fields.string("firstName", nullable=True),
            "last_name": fields.string("lastName", nullable=True),
            "display_name": fields.string("displayName", nullable=True),
            "primary_address": fields.string("primaryEmailAddress", nullable=True),
        }
        if domain_text is not None:
            problems.extend(at("account.domain", v) for v in check_domain_name(domain_text))
        raise_if(problems)
        assert login is not None
        assert domain_text is not None
        return cls(login, normalize_domain(domain_text), **names)
