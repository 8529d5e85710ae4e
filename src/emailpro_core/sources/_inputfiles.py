"""Files read whole or line by line, with bounds: a regular file only, and a size limit.

A path may name something that is not a file: a named pipe (FIFO) that blocks
the reader until a writer comes, or ``/dev/zero``, which never ends. Reading
one whole would hang the command or fill its memory; so a path must name a
regular file, and no more than a stated number of bytes is read.

>>> import tempfile
>>> with tempfile.NamedTemporaryFile() as handle:
...     _ = handle.write(b"nameserver 192.0.2.1\\n"); handle.flush()
...     read_regular_file(handle.name, limit=64)
b'nameserver 192.0.2.1\\n'
>>> read_regular_file("/dev/zero", limit=64)
Traceback (most recent call last):
  ...
emailpro_core.sources._inputfiles.InputFileError: not a regular file (a character device)
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import BinaryIO

from ..i18n import _catalog
from ..i18n._catalog import register

# Kinds of file that are not regular, as an error message names them.
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def _variant(kind: str) -> str:
    # "a named pipe" -> "named_pipe": the catalog key of the kind's wording.
    return kind.removeprefix("a ").replace(" ", "_")


#: The English templates of a file that is not read (``input_file.not_regular`` has
#: one wording per kind of file); the French is in the package's gettext catalog.
MESSAGES = register(
    {
        **{
            f"input_file.not_regular:{_variant(kind)}": f"not a regular file ({kind})"
            for kind in [*(kind for _, kind in _KINDS), "not a file"]
        },
        "input_file.too_large": "larger than the limit of {size}",
    }
)


class InputFileError(Exception):
    """A file that is not read: not a regular file, or larger than its limit.

    Attributes:
        key: The catalog key of the message (``input_file.not_regular:<kind>``,
            ``input_file.too_large``); ``str()`` is its English.
        params: The data behind it.
    """

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(_catalog.render(key, params))

    def render(self, lang: str | None = None) -> str:
        """The message in ``lang``."""
        return _catalog.render(self.key, self.params, lang)


def file_kind(mode: int, /) -> str:
    """What a file of this ``st_mode`` is, as an error message names it.

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG)
    ('a named pipe', 'a regular file')
    """
    for test, kind in _KINDS:
        if test(mode):
            return kind
    return "a regular file" if stat.S_ISREG(mode) else "not a file"


def open_regular_file(path: str | os.PathLike[str], /) -> BinaryIO:
    """``path`` opened for reading bytes, if it is a regular file.

    It is opened without blocking (a named pipe with no writer would block the
    ``open`` itself), then looked at: anything but a regular file is closed again.

    Raises:
        OSError: it cannot be opened.
        ValueError: the path holds a NUL character or a lone surrogate.
        InputFileError: it is not a regular file.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | os.O_CLOEXEC)
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            kind = file_kind(mode)
            raise InputFileError(f"input_file.not_regular:{_variant(kind)}", kind=kind)
        # A regular file never blocks: the flag changes nothing for it, and is left.
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_at_most(stream: BinaryIO, limit: int, /) -> bytes:
    """The whole of ``stream``, if it holds at most ``limit`` bytes.

    One byte more than the limit is read, never more: what is larger is refused
    having read only that much.

    Raises:
        InputFileError: there is more than ``limit`` bytes.
    """
    data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputFileError("input_file.too_large", size=_size(limit), limit=limit)
    return data


def read_regular_file(path: str | os.PathLike[str], /, *, limit: int) -> bytes:
    """The bytes of the regular file ``path``, at most ``limit`` of them.

    Raises:
        OSError: it cannot be opened or read.
        ValueError: the path holds a NUL character or a lone surrogate.
        InputFileError: not a regular file, or larger than ``limit``.
    """
    with open_regular_file(path) as handle:
        return read_at_most(handle, limit)


def bounded_lines(stream: BinaryIO, limit: int, /) -> Iterator[bytes | None]:
    """The lines of ``stream`` (with their newline), or ``None`` for a line over ``limit`` bytes.

    A line too long is read on to its end in pieces of ``limit`` bytes and
    dropped: memory stays bounded by ``limit`` whatever the stream holds. The
    newline does not count against the limit.

    >>> import io
    >>> list(bounded_lines(io.BytesIO(b"ab\\n" + b"x" * 9 + b"\\nc"), 4))
    [b'ab\\n', None, b'c']
    """
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        while line and not line.endswith(b"\n"):
            line = stream.readline(limit + 1)
        yield None


def _size(limit: int) -> str:
    """A byte count as a limit is written: in KiB or MiB when it is a whole number of them.

    >>> _size(64 * 2**20), _size(64 * 2**10), _size(100)
    ('64 MiB', '64 KiB', '100 bytes')
    """
    for unit, factor in (("MiB", 2**20), ("KiB", 2**10)):
        if limit >= factor and limit % factor == 0:
            return f"{limit // factor} {unit}"
    return f"{limit} bytes"
