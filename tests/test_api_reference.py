"""The API reference (``docs/api/``) documents every public name, and links to the guide.

Its pages are read as text here: each public module (``PUBLIC_MODULES``, and the package
itself) has one page with its ``automodule``, the package's page lists each of its names,
and each constant a module imports from a private one (which autodoc skips) has its
``autodata``. Where Sphinx is installed (the ``docs`` dependency group, as in CI's docs
stage), the reference is also built, warnings as errors, and every name of every public
``__all__`` must be in the inventory the build writes (``objects.inv``).
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import inspect
import re
import subprocess
import sys
import zlib
from pathlib import Path
from types import ModuleType

import pytest

import emailpro_core
from test_cli import ROOT
from test_docs_links import HOME, anchors
from test_public_api import PUBLIC_MODULES

API = ROOT / "docs" / "api"
PAGES = sorted(API.glob("*.rst"))
MODULES = ["emailpro_core", *(f"emailpro_core.{name}" for name in PUBLIC_MODULES)]

_AUTOMODULE = re.compile(r"^\.\. automodule:: (\S+)\n((?:   :[\w-]+:.*\n)*)", re.MULTILINE)
_AUTODATA = re.compile(r"^\.\. autodata:: (\S+)$", re.MULTILINE)
_SUMMARY_ITEM = re.compile(r"^   ~(\w+)\.(\w+)$", re.MULTILINE)
_GUIDE = re.compile(r"`[^`<]*<([^>]+)>`__")
# One object of a version 2 inventory: name, domain:role, priority, address, display name.
_INVENTORY_LINE = re.compile(r"(.+?)\s+(\S+?:\S+)\s+(-?\d+)\s+(\S*)\s+(.*)")


def _text(page: Path) -> str:
    return page.read_text(encoding="utf-8")


def _pages_of_modules() -> dict[str, list[tuple[Path, set[str]]]]:
    # Each module named by an automodule: the pages, with the directive's options.
    found: dict[str, list[tuple[Path, set[str]]]] = {}
    for page in PAGES:
        for name, options in _AUTOMODULE.findall(_text(page)):
            found.setdefault(name, []).append((page, set(re.findall(r":([\w-]+):", options))))
    return found


def _module(name: str) -> ModuleType:
    return importlib.import_module(name)


def _imported_constants(module: ModuleType) -> set[str]:
    """The names of ``__all__`` that autodoc skips: values, not assigned in the module."""
    tree = ast.parse(inspect.getsource(module))
    assigned: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        assigned.update(t.id for t in targets if isinstance(t, ast.Name))
    return {
        name
        for name in module.__all__
        if name not in assigned
        and not inspect.isclass(value := getattr(module, name))
        and not inspect.isroutine(value)
    }


def read_inventory(data: bytes) -> dict[str, set[str]]:
    """The objects of a Sphinx inventory (version 2): each name, and its roles.

    A name may have several: the page ``emailpro_core`` and the module ``emailpro_core``.
    """
    header, _, body = data.partition(b"zlib.\n")
    if not header.startswith(b"# Sphinx inventory version 2\n"):
        raise ValueError("not a version 2 Sphinx inventory")
    objects: dict[str, set[str]] = {}
    for line in zlib.decompress(body).decode("utf-8").splitlines():
        matched = _INVENTORY_LINE.fullmatch(line)
        if matched is not None:
            objects.setdefault(matched.group(1), set()).add(matched.group(2))
    return objects


def test_every_public_module_has_one_page() -> None:
    """One automodule per public module; the parts document their members, the package not.

    The package's names are the parts' objects: documented there, listed on its page.
    """
    pages = _pages_of_modules()
    assert sorted(MODULES) == sorted(pages)
    for name, found in pages.items():
        assert len(found) == 1, name
        (_, options), expected = found[0], set() if name == "emailpro_core" else {"members"}
        assert expected == options, name


def test_the_index_lists_every_page() -> None:
    """index.rst's tables of contents name every other page, and only those."""
    index = _text(API / "index.rst")
    listed = re.findall(r"^   ([\w.]+)$", index, re.MULTILINE)
    assert sorted(page.stem for page in PAGES if page.stem != "index") == sorted(listed)


def test_the_package_page_lists_each_of_its_names() -> None:
    """Each name of ``emailpro_core.__all__``, once, under a part that exports that object."""
    items = _SUMMARY_ITEM.findall(_text(API / "emailpro_core.rst"))
    assert sorted(emailpro_core.__all__) == sorted(name for _, name in items)
    for part, name in items:
        module = _module(f"emailpro_core.{part}")
        assert name in module.__all__, f"{part}.{name}"
        assert getattr(module, name) is getattr(emailpro_core, name), f"{part}.{name}"


def test_imported_constants_are_listed() -> None:
    """A constant re-exported from a private module has its autodata, on its module's page.

    autodoc documents a module's data only when the module assigns it: a value imported
    into a public module (``naming.DEFAULT_LOGIN_POLICY``) needs its own directive.
    """
    listed = {name for page in PAGES for name in _AUTODATA.findall(_text(page))}
    expected: set[str] = set()
    for name in MODULES[1:]:
        expected.update(f"{name}.{c}" for c in _imported_constants(_module(name)))
    assert "emailpro_core.naming.DEFAULT_LOGIN_POLICY" in expected
    assert sorted(expected) == sorted(listed)
    for page in PAGES:
        for target in _AUTODATA.findall(_text(page)):
            assert target.rpartition(".")[0] == f"emailpro_core.{page.stem}", target


def test_each_page_links_to_its_guide() -> None:
    """Every page opens with links to the guide's pages (docs/*.md), and they resolve."""
    for page in PAGES:
        text = _text(page)
        guide = re.search(r"^Guide: (.*?)\n\n", text, re.MULTILINE | re.DOTALL)
        if page.stem == "index":
            guide_text = text
        else:
            assert guide is not None, page.name
            guide_text = guide.group(1)
        links = _GUIDE.findall(guide_text)
        assert links, page.name
        for link in links:
            assert link.startswith(HOME + "docs/"), link
            name, _, anchor = link.removeprefix(HOME).partition("#")
            target = ROOT / name
            assert target.suffix == ".md", link
            assert target.is_file(), link
            assert not anchor or anchor in anchors(target), link


def test_read_inventory() -> None:
    """The inventory reader takes each object's name and role, and refuses other files."""
    lines = (
        "emailpro_core.naming py:module 0 naming.html#module-$ -\n"
        "emailpro_core.naming std:doc -1 naming.html The naming module\n"
        "emailpro_core.naming.check_login py:function 1 naming.html#$ -\n"
        "emailpro_core.checker.Status.OK py:attribute 1 checker.html#$ -\n"
    )
    data = (
        b"# Sphinx inventory version 2\n# Project: p\n# Version: \n"
        b"# The remainder of this file is compressed using zlib.\n"
        + zlib.compress(lines.encode("utf-8"))
    )
    assert {
        "emailpro_core.naming": {"py:module", "std:doc"},
        "emailpro_core.naming.check_login": {"py:function"},
        "emailpro_core.checker.Status.OK": {"py:attribute"},
    } == read_inventory(data)
    with pytest.raises(ValueError, match="not a version 2"):
        read_inventory(b"# Sphinx inventory version 1\n")


def test_every_public_name_is_in_the_built_reference(tmp_path: Path) -> None:
    """Built with warnings as errors, the reference describes every name of every __all__."""
    if importlib.util.find_spec("sphinx") is None:
        pytest.skip("Sphinx is not installed (the docs dependency group)")
    out = tmp_path / "api"
    built = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html", API, out],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert built.returncode == 0, built.stderr
    objects = read_inventory((out / "objects.inv").read_bytes())
    assert [name for name in MODULES if "py:module" not in objects.get(name, ())] == []
    missing = [
        f"{name}.{member}"
        for name in MODULES[1:]
        for member in _module(name).__all__
        if not any(role.startswith("py:") for role in objects.get(f"{name}.{member}", ()))
    ]
    assert missing == []
