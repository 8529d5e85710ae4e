"""Bounded reading of files and lines, and parsers kept linear: the example tables.

The properties are in ``tests/property/test_input_bounds_props.py``; the timings
in ``tests/property/test_linearity_props.py``.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from emailpro_core.cli._common import MAX_JSON_DEPTH
from emailpro_core.cli._common import too_deep as _too_deep
from emailpro_core.dmarc._dmarc import parse_dmarc
from emailpro_core.records import _zonetext as zonetext
from emailpro_core.sources import _inputfiles as inputfiles
from emailpro_core.sources._inputfiles import (
    InputFileError,
    bounded_lines,
    open_regular_file,
    read_at_most,
    read_regular_file,
)
from emailpro_core.spf._macros import target_name
from emailpro_core.spf._syntax import _is_toplabel, parse_spf


@pytest.mark.parametrize(
    ("label", "valid"),
    [
        ("com", True),
        ("c0m", True),
        ("1com", True),
        ("xn--p1ai", True),
        ("a-b", True),
        ("1-2", True),  # the second form allows digits only around a hyphen (RFC 7208 §7.1)
        ("a--b", True),
        ("123", False),
        ("-com", False),
        ("com-", False),
        ("-", False),
        ("", False),
        ("a_b", False),
        ("é", False),
        ("a" * 70000, True),
        ("a" * 70000 + "-", False),
        ("1" * 70000, False),
        ("a" + "-" * 70000 + "b", True),
    ],
)
def test_top_labels(label: str, valid: bool) -> None:
    """A top label: letters and digits with a letter, or with inner hyphens (§7.1)."""
    assert valid is _is_toplabel(label)
    parsed = parse_spf(f"v=spf1 include:example.{label}")
    assert valid is parsed.ok
    if not valid and label.isascii():
        assert ["spf.bad_domain"] == [v.code for v in parsed.violations]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Mail.Example.com.", "mail.example.com"),
        ("a." * 130 + "com", "a." * 125 + "com"),  # cut on the left to 253 characters (§7.3)
        ("b" * 300, None),  # one label: nothing to cut, and too long
        ("x" * 200 + "." + "y" * 60 + ".z", "y" * 60 + ".z"),
        ("a." * 40000 + "org", "a." * 125 + "org"),
        ("a..b", None),
    ],
)
def test_target_names(name: str, expected: str | None) -> None:
    """Long names lose labels on the left until they fit, found in one search."""
    assert expected == target_name(name)


@pytest.mark.parametrize(
    ("tag", "value", "code", "field", "expected"),
    [
        ("pct", "1" * 5000, "dmarc.bad_value", None, None),
        ("pct", "0" * 5000 + "50", None, "percent", 50),
        ("pct", "101", "dmarc.bad_value", None, None),
        ("pct", "0100", None, "percent", 100),
        ("ri", "9" * 20000, "dmarc.bad_value", None, None),
        ("ri", "0" * 20000, None, "report_interval", 0),
        ("ri", "4294967295", None, "report_interval", 2**32 - 1),
        ("ri", "4294967296", "dmarc.bad_value", None, None),
    ],
)
def test_dmarc_numbers_of_any_length(
    tag: str, value: str, code: str | None, field: str | None, expected: int | None
) -> None:
    """A number of thousands of digits is a bad value (int() would raise past 4300 digits)."""
    parsed = parse_dmarc(f"v=DMARC1; p=reject; {tag}={value}")
    assert ([code] if code else []) == [v.code for v in parsed.errors]
    if field is not None:
        assert parsed.record is not None
        assert expected == getattr(parsed.record, field)


@pytest.mark.parametrize(
    ("data", "limit", "expected"),
    [
        (b"", 4, []),
        (b"ab\ncd\n", 4, [b"ab\n", b"cd\n"]),
        (b"abcd\n", 4, [b"abcd\n"]),  # the newline does not count
        (b"abcde\nf", 4, [None, b"f"]),
        (b"abcd", 4, [b"abcd"]),
        (b"abcde", 4, [None]),
        (b"x" * 100 + b"\n\n", 4, [None, b"\n"]),
    ],
)
def test_bounded_lines(data: bytes, limit: int, expected: list[bytes | None]) -> None:
    """Lines as read, a line over the limit as ``None`` (read on to its end, dropped)."""
    assert expected == list(bounded_lines(io.BytesIO(data), limit))


@pytest.mark.parametrize(
    ("data", "limit", "problem"),
    [
        (b"", 0, None),
        (b"abc", 3, None),
        (b"abcd", 3, "larger than the limit of 3 bytes"),
        (b"x" * 2048, 1024, "larger than the limit of 1 KiB"),
    ],
)
def test_read_at_most(data: bytes, limit: int, problem: str | None) -> None:
    """The whole stream up to the limit, else refused having read one byte past it."""
    stream = io.BytesIO(data)
    if problem is None:
        assert data == read_at_most(stream, limit)
        return
    with pytest.raises(InputFileError, match=problem):
        read_at_most(stream, limit)
    assert limit + 1 == stream.tell()


def test_regular_files_are_read(tmp_path: Path) -> None:
    """A regular file (and a link to one) is read, up to its limit."""
    path = tmp_path / "f"
    path.write_bytes(b"nameserver 192.0.2.1\n")
    link = tmp_path / "link"
    link.symlink_to(path)
    assert b"nameserver 192.0.2.1\n" == read_regular_file(link, limit=21)
    with pytest.raises(InputFileError, match="larger than the limit of 20 bytes"):
        read_regular_file(path, limit=20)


@pytest.mark.parametrize(
    ("kind", "make"),
    [
        ("a named pipe", lambda d: _fifo(d)),
        ("a character device", lambda d: Path("/dev/null")),
        ("a directory", lambda d: d),
    ],
)
def test_other_files_are_refused(tmp_path: Path, kind: str, make: object) -> None:
    """Not a regular file: refused at once (a FIFO without a writer does not block)."""
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(InputFileError, match=rf"^not a regular file \({kind}\)$"):
        open_regular_file(path)


def test_missing_files_raise_os_errors(tmp_path: Path) -> None:
    """What cannot be opened raises the OSError, for the caller to word."""
    with pytest.raises(FileNotFoundError):
        open_regular_file(tmp_path / "missing")


def test_file_kinds() -> None:
    """Every kind of file is named; an unknown mode is "not a file"."""
    import stat

    assert "a block device" == inputfiles.file_kind(stat.S_IFBLK)
    assert "a socket" == inputfiles.file_kind(stat.S_IFSOCK)
    assert "not a file" == inputfiles.file_kind(0)


def _fifo(directory: Path) -> Path:
    path = directory / "fifo"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize(
    ("text", "deep"),
    [
        ("{}", False),
        ('{"domain": "example.org", "dkim_selectors": ["a", "b"]}', False),
        ("[" * 32 + "]" * 32, False),
        ("[" * 33 + "]" * 33, True),
        ("[" * 33, True),
        ("[{" * 16 + "[", True),
        ("[]" * 1000, False),  # many brackets, never deep
        ('["' + "[" * 100 + '"]', False),  # inside a string
        ('["\\\\"' + "[" * 40, True),  # an escaped backslash ends before the quote
        ('["\\\\"]' + "[" * 10, False),
        ('["\\\\""' + "[" * 40, False),  # the quote after the backslashes opens a string
    ],
)
def test_json_depth(text: str, deep: bool) -> None:
    """Nesting is counted outside strings; deeper than MAX_JSON_DEPTH is too deep."""
    assert 32 == MAX_JSON_DEPTH
    assert deep is _too_deep(text)


@pytest.mark.parametrize(
    ("rdtype", "value", "shown"),
    [
        # The longest name there is (255 octets, every one written \DDD) is rendered.
        ("CNAME", ".".join(["\\097" * 63] * 3 + ["\\097" * 61]) + ".", None),
        ("MX", "10 " + ".".join(["a" * 63] * 3 + ["a" * 61]) + ".", None),
        ("CNAME", "a" * 1053, "1053 characters is too long"),
        ("SRV", "0 0 443 " + "a" * 2000, "2008 characters is too long"),
        ("NS", "a" * 65536, "65536 characters is too long"),
    ],
)
def test_name_values_are_bounded_before_parsing(rdtype: str, value: str, shown: str | None) -> None:
    """A name-valued record longer than any name can be is refused before it is parsed."""
    if shown is None:
        assert zonetext.zone_line("example.org", 300, rdtype, value).startswith("example.org. 300")
    else:
        with pytest.raises(ValueError, match=shown):
            zonetext.zone_line("example.org", 300, rdtype, value)
