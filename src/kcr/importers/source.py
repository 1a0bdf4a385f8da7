"""Reading an export file safely: regular files only, size checked before a byte is read."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .record import ExportError

MAX_BYTES = 1_000_000  # one reference export is a few kilobytes; this is generous


def read_text(path: Path) -> str:
    """The text of the export at ``path``, line endings normalised to LF.

    Pipes, devices, sockets and folders are refused from ``os.stat`` alone, without
    opening them (a named pipe would block; /dev/zero never ends).
    """
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise ExportError("file not found", "check the path of the exported file") from None
    except OSError as exc:
        raise ExportError(f"file cannot be read ({exc.strerror})", "check the path and its permissions") from None
    if stat.S_ISDIR(st.st_mode):
        raise ExportError("this is a folder, not an export file", "give the path of the exported .bib, .ris, "
                          ".json or .nbib file")
    if not stat.S_ISREG(st.st_mode):
        raise ExportError("not a regular file (a pipe, device or socket)",
                          "save the export to a file and give that file's path")
    if st.st_size > MAX_BYTES:
        raise ExportError(f"file is {st.st_size:,} bytes, over the limit of {MAX_BYTES:,} for one reference",
                          "export only the work you are adding")
    try:
        # O_NONBLOCK: should the name have been swapped for a pipe since the stat, opening does not hang
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as exc:
        raise ExportError(f"file cannot be read ({exc.strerror})", "check the path and its permissions") from None
    try:
        fst = os.fstat(fd)
        if not stat.S_ISREG(fst.st_mode):
            raise ExportError("not a regular file (a pipe, device or socket)",
                              "save the export to a file and give that file's path")
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ExportError(f"file cannot be read ({exc.strerror})", "check the path and its permissions") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:
        raise ExportError(f"file is over the limit of {MAX_BYTES:,} bytes for one reference",
                          "export only the work you are adding")
    if not data.strip():
        raise ExportError("file is empty", "export the work again and give the exported file")
    return _decode(data).replace("\r\n", "\n").replace("\r", "\n")


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        raise ExportError("file is UTF-32, not UTF-8", "export it again as UTF-8")
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            data, encoding = data[len(bom):], codec
            break
    else:
        encoding = "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ExportError(f"byte 0x{data[exc.start]:02x} is not valid {encoding.upper()} (Latin-1 or another "
                          "encoding?)", "export the file again as UTF-8", line, col) from None
