"""Reading contributor files safely: size, encoding and invisible characters.

Checked before any parser sees the text, so a 50 MB file or a UTF-16 file
gives one clear message instead of a slow parse or a traceback.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from .problems import Problems

# bidirectional controls (Trojan Source) and zero-width characters
_INVISIBLE = re.compile("[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\u00ad]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def read(path: Path, shown: str, problems: Problems, max_bytes: int) -> str | None:
    """The text of ``path``, or None after adding a problem to ``problems``."""
    if path.is_symlink():
        problems.add(shown, 1, 1, "file is a symbolic link",
                     "replace the link with a regular file; links could publish files from outside the project")
        return None
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(shown, 1, 1, f"file cannot be read ({exc.strerror})", "check that it is a regular readable file")
        return None
    if len(data) > max_bytes:
        problems.add(shown, 1, 1, f"file is {len(data):,} bytes, over the limit of {max_bytes:,}",
                     "shorten it; a record or reference list this large is almost certainly a mistake")
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        problems.add(shown, 1, 1, "file starts with a UTF-8 byte-order mark",
                     "save it as UTF-8 without BOM")
        return None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.add(shown, 1, 1, "file is UTF-16, not UTF-8", "save it as UTF-8")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        problems.add(shown, line, col, f"byte 0x{data[exc.start]:02x} is not valid UTF-8 (Latin-1 or another encoding?)",
                     "save the file as UTF-8")
        return None
    ok = True
    for pattern, what, todo in (
        (_CONTROL, "control character", "remove it (NUL and other control bytes are never needed)"),
        (_INVISIBLE, "invisible or bidirectional control character",
         "remove it; it can make text read differently from what it says"),
    ):
        for m in pattern.finditer(text):
            line = text.count("\n", 0, m.start()) + 1
            col = m.start() - (text.rfind("\n", 0, m.start()) + 1) + 1
            problems.add(shown, line, col, f"{what} U+{ord(m.group()):04X}", todo)
            ok = False
            break
    if ok and unicodedata.normalize("NFC", text) != text:
        for i, ch in enumerate(text):
            if unicodedata.combining(ch):
                line = text.count("\n", 0, i) + 1
                col = i - (text.rfind("\n", 0, i) + 1) + 1
                problems.add(shown, line, col, "text is not in Unicode NFC form (decomposed accents)",
                             "save the file with composed characters (NFC)")
                break
        ok = False
    return text if ok else None
