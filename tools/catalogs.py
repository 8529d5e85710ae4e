"""Keep the French catalog in step with the English templates in the code.

    python tools/catalogs.py update    # the code's templates → locale/emailpro_core.pot,
                                       # then merged into fr's .po (new entries empty)
    python tools/catalogs.py compile   # fr's .po → the .mo the package ships
    python tools/catalogs.py check     # exit 1 if either step would change a file

A development tool (it needs Babel, in the ``test`` extra), not part of the
package: the package reads the compiled ``.mo`` with the standard library's
:mod:`gettext`. Templates are found by importing every module of the package,
each of which registers its own (``emailpro_core.i18n._catalog.register``).
"""

from __future__ import annotations

import argparse
import datetime
import importlib
import io
import pkgutil
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

import emailpro_core
from emailpro_core.i18n import _catalog

PACKAGE = Path(emailpro_core.__file__).parent
LOCALE = PACKAGE / "i18n" / "locale"
POT = LOCALE / f"{_catalog.DOMAIN}.pot"

# Fixed header values: the files change only when a message does, so `check` can
# compare bytes.
_COMMENT = "# The messages of emailpro_core: {what}.\n# Licence: MIT, as the package."
_DATE = datetime.datetime(2026, 12, 7, tzinfo=datetime.UTC)


def _catalog_of(language: str | None, what: str) -> Catalog:
    return Catalog(
        locale=language,
        header_comment=_COMMENT.format(what=what),
        project="emailpro_core",
        domain=_catalog.DOMAIN,
        copyright_holder="the emailpro_core authors",
        msgid_bugs_address="https://github.com/emailpro-core/emailpro-core/issues",
        creation_date=_DATE,
        revision_date=_DATE,
        last_translator="the emailpro_core authors",
        language_team=language,
        fuzzy=False,
    )


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / f"{_catalog.DOMAIN}.po"


def import_everything() -> None:
    for module in pkgutil.walk_packages(emailpro_core.__path__, "emailpro_core."):
        importlib.import_module(module.name)


def template_catalog() -> Catalog:
    import_everything()
    catalog = _catalog_of(None, "the English templates")
    for key, template in sorted(_catalog.registered().items()):
        catalog.add(template, context=key)
    return catalog


def as_po(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_po(out, catalog, width=96, omit_header=False, sort_output=True)
    return out.getvalue()


def as_mo(catalog: Catalog) -> bytes:
    out = io.BytesIO()
    write_mo(out, catalog)
    return out.getvalue()


def updated(language: str) -> dict[Path, bytes]:
    """The .pot and the language's .po as ``update`` would write them."""
    template = template_catalog()
    path = po_path(language)
    if path.exists():
        with path.open("rb") as stream:
            catalog = read_po(stream, locale=language)
    else:
        catalog = _catalog_of(language, f"the {language} translation")
    # No fuzzy matching: a guess from a neighbouring sentence is worse than a hole
    # the tests report.
    catalog.update(template, no_fuzzy_matching=True)
    catalog.obsolete.clear()
    catalog.header_comment = _COMMENT.format(what=f"the {language} translation")
    catalog.creation_date = _DATE
    catalog.revision_date = _DATE
    catalog.last_translator = "the emailpro_core authors"
    catalog.language_team = language
    catalog.fuzzy = False
    return {POT: as_po(template), path: as_po(catalog)}


def compiled(language: str) -> dict[Path, bytes]:
    path = po_path(language)
    with path.open("rb") as stream:
        catalog = read_po(stream, locale=language)
    return {path.with_suffix(".mo"): as_mo(catalog)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("update", "compile", "check"))
    args = parser.parse_args(argv)
    languages = [lang for lang in _catalog.LANGUAGES if lang != _catalog.DEFAULT_LANGUAGE]
    stale = []
    for language in languages:
        steps = {"update": updated, "compile": compiled}
        for step in ("update", "compile") if args.action == "check" else (args.action,):
            for path, data in steps[step](language).items():
                if path.exists() and path.read_bytes() == data:
                    continue
                if args.action == "check":
                    stale.append(f"{path.relative_to(PACKAGE.parent.parent)} ({step})")
                else:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
                    print(f"wrote {path}")
    for line in stale:
        print(f"out of date: {line}", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
