"""The languages emailpro_core writes: English (the default) and French.

Codes and ``params`` are the stable contract of every violation and finding;
the sentence for a person is rendered from them, in the language asked for with
``lang=`` wherever text is rendered (:meth:`Violation.render
<emailpro_core.errors.Violation.render>`, :meth:`Finding.render
<emailpro_core.checker.Finding.render>`, :meth:`Diagnosis.to_text
<emailpro_core.checker.Diagnosis.to_text>`), and by the command with ``--lang``
or the environment. The French comes from a gettext catalog shipped with the
package; see ``docs/languages.md``.

>>> from emailpro_core.i18n import normalize_language, language_from_environment
>>> normalize_language("fr-CA")
'fr'
>>> language_from_environment({"LC_ALL": "C", "LANG": "fr_FR.UTF-8"})
'en'
"""

from __future__ import annotations

from ._catalog import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    language_from_environment,
    normalize_language,
    render,
)

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "language_from_environment",
    "normalize_language",
    "render",
]
