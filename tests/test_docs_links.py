"""Every link of the docs leads somewhere: the file exists, and so does the heading it names.

Relative links (``checker.md#codes``, ``../sources-of-truth.md#d-ep1``) are read from the
file's folder; the README's absolute links into the repository
(``https://github.com/emailpro-core/emailpro-core/blob/main/docs/index.md``) from the
repository's root, so that they work on a package index page too. An anchor must be the
GitHub slug of a heading of the target (lowercase, spaces to ``-``, punctuation dropped,
``-1``, ``-2`` … after repeats) or an explicit ``<a name>`` / ``id``. Code blocks and
inline code are not read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from test_cli import ROOT

HOME = "https://github.com/emailpro-core/emailpro-core/blob/main/"
PAGES = sorted(
    [
        *(ROOT / "docs").glob("*.md"),
        *(ROOT / "docs" / "recipes").glob("*.md"),
        ROOT / "README.md",
        ROOT / "benchmarks" / "README.md",
    ]
)
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_LINK = re.compile(r"!?\[(?:[^\]\[]|\[[^\]]*\])*\]\(\s*<?([^)\s>]*)>?(?:\s+\"[^\"]*\")?\s*\)")
_EXPLICIT = re.compile(r"<a\s+(?:name|id)=\"([^\"]+)\"")
_INLINE_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = _INLINE_LINK.sub(r"\1", heading).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _prose(text: str, *, blank_code: bool) -> Iterator[str]:
    # The lines outside fenced code blocks, inline code blanked out if asked.
    fenced = False
    for line in text.splitlines():
        if _FENCE.match(line):
            fenced = not fenced
        elif not fenced:
            yield re.sub(r"`[^`]*`", "``", line) if blank_code else line


def anchors(path: Path) -> set[str]:
    """Every anchor a link may name in ``path``."""
    found: set[str] = set()
    seen: dict[str, int] = {}
    for line in _prose(path.read_text(encoding="utf-8"), blank_code=False):
        found.update(_EXPLICIT.findall(line))
        heading = _HEADING.match(line)
        if heading is not None:
            base = slug(heading.group(2))
            count = seen.get(base, 0)
            seen[base] = count + 1
            found.add(base if count == 0 else f"{base}-{count}")
    return found


def broken_links(page: Path) -> list[str]:
    """The links of ``page`` that lead nowhere, each with why."""
    broken = []
    for line in _prose(page.read_text(encoding="utf-8"), blank_code=True):
        for target in _LINK.findall(line):
            if target.startswith(HOME):
                base = ROOT
                target = target.removeprefix(HOME)
            elif re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue  # another site, or mailto:
            else:
                base = page.parent
            name, _, anchor = target.partition("#")
            file = (base / name).resolve() if name else page
            if not file.is_file():
                broken.append(f"{target}: no file {file}")
            elif anchor and file.suffix == ".md" and anchor not in anchors(file):
                broken.append(f"{target}: no heading #{anchor} in {file.name}")
    return broken


@pytest.mark.parametrize("page", PAGES, ids=lambda page: str(page.relative_to(ROOT)))
def test_every_link_resolves(page: Path) -> None:
    """Each relative link names an existing file, and each anchor one of its headings."""
    assert broken_links(page) == []


def test_the_pages_link_to_one_another() -> None:
    """The check reads links: the docs have many, and the index reaches the new pages."""
    index = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    for page in ("performance.md", "design-notes.md", "sources-of-truth.md"):
        assert f"]({page})" in index
    texts = [page.read_text(encoding="utf-8") for page in PAGES]
    linked = [
        t for text in texts for line in _prose(text, blank_code=True) for t in _LINK.findall(line)
    ]
    assert len(linked) > 50


@pytest.mark.parametrize(
    ("heading", "anchor"),
    [
        ("Sources of truth", "sources-of-truth"),
        ("D-EP1", "d-ep1"),
        ("D-OLA-FR", "d-ola-fr"),
        ("7. Logins and passwords", "7-logins-and-passwords"),
        ("Every core: check_domains_parallel", "every-core-check_domains_parallel"),
        ('Input of "emailpro-core check-many"', "input-of-emailpro-core-check-many"),
        ("Many domains: [check](checker.md)", "many-domains-check"),
        ("Conformance with UTS #46", "conformance-with-uts-46"),
    ],
)
def test_slug_is_githubs(heading: str, anchor: str) -> None:
    """Lowercase, spaces to '-', punctuation dropped, a link's text kept."""
    assert anchor == slug(heading)


@given(st.text())
def test_slug_is_an_anchor(heading: str) -> None:
    """A slug is its own slug: no upper case, no space, no punctuation but '-' and '_'."""
    anchor = slug(heading)
    assert anchor == slug(anchor)
    assert " " not in anchor
    assert anchor == anchor.lower()


def test_broken_links_and_anchors_are_reported(tmp_path: Path) -> None:
    """A missing file, a missing heading and a good link: only the first two are reported."""
    (tmp_path / "other.md").write_text("# Title\n\n## Twice\n\n## Twice\n", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text(
        "# Page\n\n"
        "[a](missing.md) [b](other.md#nowhere) [c](other.md#twice-1) [d](#page)\n"
        "[e](https://example.org/x.md) `[f](in-code.md)`\n\n"
        "```\n[g](in-a-block.md)\n```\n",
        encoding="utf-8",
    )
    assert [
        f"missing.md: no file {tmp_path / 'missing.md'}",
        "other.md#nowhere: no heading #nowhere in other.md",
    ] == broken_links(page)
