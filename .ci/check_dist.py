"""Check the built sdist and wheel: the licence, the metadata, the package data, the tests.

Usage: python .ci/check_dist.py DIST_DIR (run from the repository root, by .ci/run).
"""

from __future__ import annotations

import email.parser
import re
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HOME = "https://github.com/emailpro-core/emailpro-core"


def fail(message: str) -> None:
    sys.exit(f"check_dist: {message}")


def expect(condition: bool, message: str) -> None:
    if not condition:
        fail(message)


def version() -> str:
    text = (ROOT / "src" / "emailpro_core" / "_version.py").read_text(encoding="utf-8")
    found = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    expect(found is not None, "no __version__ in _version.py")
    assert found is not None
    return found.group(1)


def check_metadata(raw: bytes, where: str) -> None:
    meta = email.parser.BytesParser().parsebytes(raw)
    expect(meta["Name"] == "emailpro-core", f"{where}: Name is {meta['Name']}")
    expect(meta["Version"] == version(), f"{where}: Version is {meta['Version']}")
    expect(meta["License-Expression"] == "MIT", f"{where}: no License-Expression: MIT")
    expect(meta.get_all("License-File") == ["LICENSE"], f"{where}: License-File is not LICENSE")
    expect("the emailpro_core authors" in (meta["Author"] or ""), f"{where}: no Author")
    expect(bool(meta["Keywords"]), f"{where}: no Keywords")
    expect(meta["Requires-Python"] == ">=3.11", f"{where}: Requires-Python")
    classifiers = meta.get_all("Classifier") or []
    for needed in (
        "Typing :: Typed",
        "Operating System :: OS Independent",
        "Programming Language :: Python :: 3.11",
        "Programming Language :: Python :: 3.12",
        "Programming Language :: Python :: 3.13",
    ):
        expect(needed in classifiers, f"{where}: no classifier {needed!r}")
    urls = meta.get_all("Project-URL") or []
    expect(len(urls) == 5, f"{where}: {len(urls)} Project-URLs")
    expect(all(HOME in url for url in urls), f"{where}: a Project-URL is not under {HOME}")
    requires = meta.get_all("Requires-Dist") or []
    expect("dnspython>=2.8" in requires, f"{where}: Requires-Dist {requires}")
    readme = meta.get_payload()
    expect(isinstance(readme, str) and "emailpro-core example" in readme, f"{where}: README")
    expect(meta["Description-Content-Type"] == "text/markdown", f"{where}: README type")


def check_wheel(path: Path) -> None:
    licence = (ROOT / "LICENSE").read_bytes()
    with zipfile.ZipFile(path) as wheel:
        names = set(wheel.namelist())
        info = f"emailpro_core-{version()}.dist-info"
        for needed in (
            "emailpro_core/__init__.py",
            "emailpro_core/py.typed",
            "emailpro_core/examples/__init__.py",
            "emailpro_core/examples/mydomain.ovh.zone",
            "emailpro_core/examples/example.org.zone",
            f"{info}/licenses/LICENSE",
            f"{info}/METADATA",
            f"{info}/entry_points.txt",
        ):
            expect(needed in names, f"{path.name}: no {needed}")
        expect(wheel.read(f"{info}/licenses/LICENSE") == licence, f"{path.name}: LICENSE differs")
        expect(not any(n.startswith("tests/") for n in names), f"{path.name}: has tests/")
        zones = ROOT / "src" / "emailpro_core" / "examples"
        for zone in zones.glob("*.zone"):
            shipped = wheel.read(f"emailpro_core/examples/{zone.name}")
            expect(shipped == zone.read_bytes(), f"{path.name}: {zone.name} differs")
        check_metadata(wheel.read(f"{info}/METADATA"), path.name)
    print(f"check_dist: {path.name}: {len(names)} files, LICENSE, metadata and example zones")


def check_sdist(path: Path) -> None:
    top = f"emailpro_core-{version()}"
    with tarfile.open(path) as sdist:
        members = {m.name.removeprefix(top + "/"): m for m in sdist.getmembers()}
        for needed in (
            "LICENSE",
            "README.md",
            "CHANGELOG.md",
            "pyproject.toml",
            "PKG-INFO",
            "src/emailpro_core/examples/mydomain.ovh.zone",
            "tests/conftest.py",
            "tests/data/README.md",
            "tests/data/spf/rfc7208-tests.LICENSE",
            "tests/data/idna/IdnaTestV2.txt",
            "tests/data/dkim/dkimpy-LICENSE",
            "docs/index.md",
        ):
            expect(needed in members, f"{path.name}: no {needed}")
        extracted = sdist.extractfile(members["LICENSE"])
        assert extracted is not None
        expect(extracted.read() == (ROOT / "LICENSE").read_bytes(), f"{path.name}: LICENSE")
        pkg_info = sdist.extractfile(members["PKG-INFO"])
        assert pkg_info is not None
        check_metadata(pkg_info.read(), path.name)
    print(f"check_dist: {path.name}: {len(members)} members, LICENSE, metadata and tests/data")


def main() -> None:
    dist = Path(sys.argv[1])
    wheels = sorted(dist.glob("*.whl"))
    sdists = sorted(dist.glob("*.tar.gz"))
    expect(len(wheels) == 1 and len(sdists) == 1, f"want one wheel and one sdist in {dist}")
    check_wheel(wheels[0])
    check_sdist(sdists[0])


if __name__ == "__main__":
    main()
