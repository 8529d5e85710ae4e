"""What a release carries: its version, licence, metadata, floors and test data.

``.ci/run`` checks the built sdist and wheel themselves; these tests check the
sources they are built from.
"""

from __future__ import annotations

import re
import tomllib
from importlib import metadata
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.version import Version

import emailpro_core
from conftest import PEER_SUITES, ROOT
from emailpro_core import ZoneFileError, ZoneSource, _version
from emailpro_core.sources._answers import MX
from test_cli import invoke, one_error_line

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
#: Where the project lives: every URL of the metadata and the README starts with it.
HOME = "https://github.com/emailpro-core/emailpro-core"
SUPPORTED_PYTHONS = ("3.11", "3.12", "3.13")


def test_version_is_pep_440_and_from_one_place() -> None:
    """``__version__`` is a PEP 440 version, the one the build reads (``_version.py``)."""
    assert str(Version(emailpro_core.__version__)) == emailpro_core.__version__
    assert emailpro_core.__version__ == _version.__version__
    assert "version" in PROJECT["dynamic"]
    assert "version" not in PROJECT
    assert "src/emailpro_core/_version.py" == PYPROJECT["tool"]["hatch"]["version"]["path"]


def test_version_is_the_installed_one(capsys: pytest.CaptureFixture[str]) -> None:
    """The installed metadata and ``--version`` say the same version."""
    assert emailpro_core.__version__ == metadata.version("emailpro-core")
    result = invoke(capsys, ["--version"])
    assert (0, f"emailpro-core {emailpro_core.__version__}\n") == (result.code, result.out)


def test_licence_is_the_declared_one() -> None:
    """The MIT licence the metadata declares is the LICENSE file, which the build ships."""
    assert "MIT" == PROJECT["license"]
    assert ["LICENSE"] == PROJECT["license-files"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the emailpro_core authors$", text, re.MULTILINE)
    assert [{"name": "the emailpro_core authors"}] == PROJECT["authors"]


def test_classifiers_match_the_supported_pythons() -> None:
    """The Python classifiers are the versions ``requires-python`` admits and CI runs."""
    classifiers = PROJECT["classifiers"]
    prefix = "Programming Language :: Python :: 3."
    listed = tuple(c.removeprefix("Programming Language :: Python :: ") for c in classifiers)
    assert SUPPORTED_PYTHONS == tuple(v for v in listed if v.startswith("3.") and " " not in v)
    assert all(v in SpecifierSet(PROJECT["requires-python"]) for v in SUPPORTED_PYTHONS)
    assert "3.10" not in SpecifierSet(PROJECT["requires-python"])
    assert sum(c.startswith(prefix) for c in classifiers) == len(SUPPORTED_PYTHONS)
    for needed in ("Typing :: Typed", "Operating System :: OS Independent"):
        assert needed in classifiers
    assert classifiers == sorted(classifiers)
    assert (ROOT / "src" / "emailpro_core" / "py.typed").is_file()


def test_urls_name_one_home() -> None:
    """Every project URL, and every link of the README, is absolute and under one home."""
    urls = PROJECT["urls"]
    assert {"Homepage", "Documentation", "Source", "Issues", "Changelog"} == set(urls)
    assert all(url == HOME or url.startswith(HOME + "/") for url in urls.values())
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"\]\(([^)]*)\)", readme)
    assert links
    assert [link for link in links if not link.startswith(HOME)] == []
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    # Keep a Changelog: the version links close the file, after every entry.
    last = changelog.rstrip("\n").splitlines()[-1]
    assert re.fullmatch(rf"\[Unreleased\]: {re.escape(HOME)}/\S+", last), last


def _floors(requirements: list[str]) -> dict[str, Version]:
    floors = {}
    for line in requirements:
        requirement = Requirement(line)
        (spec,) = [s for s in requirement.specifier if s.operator == ">="]
        floors[requirement.name] = Version(spec.version)
    return floors


def test_lowest_constraints_are_the_declared_floors() -> None:
    """``tests/constraints-lowest.txt`` pins each runtime floor of the metadata, no other."""
    extras = PROJECT["optional-dependencies"]
    declared = _floors(PROJECT["dependencies"] + extras["testing"] + extras["dask"])
    pinned = {}
    lines = (ROOT / "tests" / "constraints-lowest.txt").read_text(encoding="utf-8").splitlines()
    for line in lines:
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            pinned[name] = Version(version)
    assert declared == pinned
    # The suite runs the Dask tests: the test extra pulls the dask extra, at its floor.
    testing = {Requirement(line).name: Requirement(line).specifier for line in extras["test"]}
    for line in extras["dask"]:
        requirement = Requirement(line)
        assert requirement.specifier == testing.get(requirement.name), line
    # dnspython 2.6 and 2.7 crash on a zone whose first record has no owner name.
    assert declared["dnspython"] >= Version("2.8")


# A first record without an owner name after $ORIGIN: the owner is undefined (RFC 1035
# §5.1 gives a blank owner the previous record's). dnspython 2.6 and 2.7 raised
# AttributeError on these (issue 17, item 14); the line is the record's.
BLANK_OWNER_ZONES = [
    ("$ORIGIN mydomain.ovh.\n$TTL 3600\n    IN MX 1 mx0.mail.ovh.net.\n", 3),
    ('$TTL 3600\n$ORIGIN mydomain.ovh.\n\tIN TXT "v=spf1 -all"\n@ IN A 192.0.2.2\n', 3),
    ("; a comment\n$ORIGIN mydomain.ovh.\n\n  3600 IN A 192.0.2.1\n", 4),
]
# Without $ORIGIN, the zone's name is known beforehand (the origin given, or the file
# name for the command): dnspython reads a blank first owner as that name.
ORIGIN_FIRST = (
    "$TTL 3600\n    IN MX 1 mx0.mail.ovh.net.\n@ IN SOA ns1 hostmaster 1 2 3 4 5\n@ IN NS ns1\n"
)


@pytest.mark.parametrize(("text", "line"), BLANK_OWNER_ZONES)
def test_a_zone_starting_with_a_blank_owner_is_a_zone_error(text: str, line: int) -> None:
    """A first record without an owner name is a ``ZoneFileError`` naming its line."""
    with pytest.raises(ZoneFileError) as caught:
        ZoneSource.from_text(text)
    assert (line, "the last used name is undefined") == (caught.value.line, caught.value.problem)


@pytest.mark.parametrize(("text", "line"), BLANK_OWNER_ZONES)
def test_the_command_reads_a_blank_owner_zone_as_bad_input(
    text: str, line: int, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The command exits 2 (bad input) with one line naming the zone's line; no traceback."""
    zone = tmp_path / "mydomain.ovh.zone"
    zone.write_text(text, encoding="utf-8")
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", str(zone)])
    assert 2 == result.code
    assert one_error_line(result).startswith(f"cannot read the zone {zone}, near line {line}:")


def test_a_blank_first_owner_is_the_known_origin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Without $ORIGIN, the first record's blank owner is the zone's name."""
    zone = ZoneSource.from_text(ORIGIN_FIRST, origin="mydomain.ovh")
    assert (MX(1, "mx0.mail.ovh.net"),) == zone.lookup("mydomain.ovh", "MX").records
    path = tmp_path / "mydomain.ovh.zone"
    path.write_text(ORIGIN_FIRST, encoding="utf-8")
    result = invoke(capsys, ["check", "mydomain.ovh", "--zone", str(path)])
    assert 1 == result.code
    assert result.out.startswith("mydomain.ovh: ERROR (")


def test_test_data_is_inside_the_repository() -> None:
    """The suite reads its test data from the clone, and each file's origin is written down."""
    assert ROOT / "tests" / "data" == PEER_SUITES
    files = sorted(p.relative_to(PEER_SUITES) for p in PEER_SUITES.rglob("*") if p.is_file())
    readme = (PEER_SUITES / "README.md").read_text(encoding="utf-8")
    for path in files:
        if path.name != "README.md":
            assert f"`{path.name}`" in readme, path
            assert f"## {path.parts[0]}/" in readme, path
