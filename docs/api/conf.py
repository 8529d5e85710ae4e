"""Sphinx configuration of the API reference (docs/api/), built from the docstrings.

Build it from the repository's root, warnings as errors:

    python -m sphinx -W --keep-going -b html docs/api build/api

Why Sphinx with autodoc and napoleon: the docstrings are already written for it. They
are Google style (``Args:``, ``Returns:``, ``Raises:``, read by napoleon), they
cross-reference with reST roles (``:class:`Violation```, ``:func:`check_domain```,
``:mod:`emailpro_core.spf```, which the Python domain resolves), and their examples are
doctests (rendered as code as they are). MkDocs with mkdocstrings would need those roles
rewritten. The guide, docs/*.md, is Markdown read on GitHub and run as doctests by the
suite; this reference links to it and does not parse it, so no Markdown parser (MyST)
is needed: the source folder is docs/api alone.

What is documented is each public module's ``__all__`` (docs/architecture.md, "Public and
private"), one page per module: ``automodule`` with ``:members:`` takes exactly the names
of ``__all__``, imported ones included (the public modules re-export names defined in
private modules), except the constants imported from a private module, which autodoc
skips: each page lists those with ``autodata``. The package's own page lists its names,
each linked to its description in the part it comes from, so no object is described
twice under one name. tests/test_api_reference.py checks that every public name reaches
the built reference's inventory (``objects.inv``).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Any

import attrs
from sphinx.application import Sphinx
from sphinx.domains.python import PythonDomain
from sphinx.pycode import ModuleAnalyzer

# Document the checkout's package (src/), whether or not it is installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))

project = "emailpro_core"
author = "the emailpro_core authors"
copyright = "the emailpro_core authors"

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
]

# Google style only (the docstrings use no NumPy sections).
napoleon_google_docstring = True
napoleon_numpy_docstring = False
# A class's ``Attributes:`` section becomes fields of the class's description; as
# directives, it would describe each attribute a second time beside autodoc's own.
napoleon_use_ivar = True
# The types are in the class's signature; read from the annotations here, they would
# name the private modules (``emailpro_core.sources._answers.Query``).
napoleon_attr_annotations = False

# Each page asks for ``:members:`` itself (the top-level page does not: its names are
# documented in their parts). Members without a docstring are kept: an enum's values,
# a protocol's methods (``RecordSource.lookup``).
autodoc_default_options = {
    "undoc-members": True,
    "show-inheritance": True,
}
# Source order within a class, as written (a class's fields come first).
autodoc_member_order = "bysource"
# Defaults as written (``profile=OVH_EMAIL_PRO``), not as the value's repr.
autodoc_preserve_defaults = True
# The pages list the names; autosummary writes no stub pages of its own.
autosummary_generate = False

# Unresolved cross-references are not warnings: the docstrings name private helpers
# and third-party types (dnspython's) that this reference does not document.
nitpicky = False

html_theme = "alabaster"
html_title = "emailpro_core API reference"
html_show_sourcelink = False


# --- Names re-exported by more than one public module ---------------------------------
# ``emailpro_core.records.InvalidSetup`` is ``emailpro_core.errors.InvalidSetup``, and
# ``emailpro_core.records.SpfMerge`` is ``emailpro_core.spf.SpfMerge``: each public name is
# documented where users import it, so such an object has two descriptions. Two rules
# keep that from being an error: a short reference (``Raises: InvalidSetup`` in a
# docstring of the checker) goes to the module that defines the object, and the second
# description of a class adds no second alias of its private home (autodoc gives each
# description a ``:canonical:`` name, ``emailpro_core.spf._merge.SpfMerge``).


def _defined_in(fullname: str) -> bool:
    """Whether ``module.name`` is in the public module that defines the object."""
    module_name, _, attribute = fullname.rpartition(".")
    try:
        value = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError):  # a method or attribute: not a module's name
        return False
    home = getattr(value, "__module__", None) or ""
    return home == module_name or home.startswith(module_name + "._")


class _PythonDomain(PythonDomain):
    def note_object(
        self,
        name: str,
        objtype: str,
        node_id: str,
        aliased: bool = False,
        location: Any = None,
    ) -> None:
        known = self.objects.get(name)
        if aliased and known is not None and known.aliased:
            return
        super().note_object(name, objtype, node_id, aliased, location)

    def find_obj(
        self,
        env: Any,
        modname: str,
        classname: str,
        name: str,
        type: str | None,
        searchmode: int = 0,
    ) -> list[tuple[str, Any]]:
        matches = super().find_obj(env, modname, classname, name, type, searchmode)
        described = [match for match in matches if not match[1].aliased]
        if len(described) > 1:
            homes = [match for match in described if _defined_in(match[0])]
            if len(homes) == 1:
                return homes
        return matches


# --- Constants re-exported from a private module ---------------------------------------
# A constant's documentation is the ``#:`` comment above its assignment, in the private
# module that defines it (``naming/_logins.py``: ``DEFAULT_LOGIN_POLICY``). autodoc reads
# comments in the documented module only, and skips a constant imported into it, so the
# pages list such constants with ``autodata``, and this takes the comment from its home.


def _comment_of_constant(
    app: Sphinx, what: str, name: str, obj: object, options: Any, lines: list[str]
) -> None:
    if what != "data":
        return
    if obj.__doc__ == type(obj).__doc__:
        lines.clear()  # the docstring of the value's type (int, str), not of the constant
    module_name, _, attribute = name.rpartition(".")
    homes = sorted(
        module
        for module, loaded in list(sys.modules.items())
        if module.startswith(module_name + "._") and getattr(loaded, attribute, None) is obj
    )
    for home in homes:
        comment = ModuleAnalyzer.for_module(home).find_attr_docs().get(("", attribute))
        if comment:
            lines[:] = comment
            return


# --- Fields of attrs classes ------------------------------------------------------------
# A frozen attrs class lists its fields in its docstring's ``Attributes:`` section (a
# field has no docstring of its own); undocumented members would list them once more,
# bare. A class without that section keeps them as members.


def _skip_listed_field(
    app: Sphinx, what: str, name: str, obj: object, skip: bool, options: Any
) -> bool | None:
    owner = getattr(obj, "__objclass__", None)  # a slot's descriptor knows its class
    if (
        what == "class"
        and isinstance(owner, type)
        and attrs.has(owner)
        and name in attrs.fields_dict(owner)
        and "Attributes:" in (owner.__doc__ or "")
    ):
        return True
    return None


def setup(app: Sphinx) -> None:
    app.add_domain(_PythonDomain, override=True)
    app.connect("autodoc-process-docstring", _comment_of_constant)
    app.connect("autodoc-skip-member", _skip_listed_field)
